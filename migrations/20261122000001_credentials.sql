-- Credentials for HTTP Basic authentication (xAPI 1.0.3 Communication 4, "Authentication").
-- Only an argon2id hash of the secret is kept; `key` is the public half (the Basic user name).
-- `authority` is the Agent that statements written with this credential are attributed to
-- (Data 2.4.9). Revocation is a timestamp, not a delete, so the audit trail survives.
create table credentials (
    id uuid primary key,
    key text not null unique,
    secret_hash text not null,
    name text not null,
    scopes text[] not null,
    authority jsonb not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
