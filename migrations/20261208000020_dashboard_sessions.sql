-- Sessions of the web dashboard, in PostgreSQL so that every LRS process behind a load
-- balancer knows them. The browser holds a random token; only its SHA-256 is kept, so a copy
-- of this table signs nobody in. A session belongs to the credential that signed in: revoking
-- the credential ends it at once (the lookup joins the active credentials), deleting the
-- credential deletes it.
create table dashboard_sessions (
    token_sha256 bytea primary key,
    credential_id uuid not null references credentials (id) on delete cascade,
    -- The token every form of the session carries (CSRF).
    csrf text not null,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now()
);
create index dashboard_sessions_last_seen on dashboard_sessions (last_seen_at);
