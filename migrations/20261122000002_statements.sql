-- The Statement Resource (xAPI 1.0.3 Data 2, Communication 2.1).
--
-- A statement is kept as canonical JSONB, exactly as it is returned with format=exact; the
-- columns beside it serve the queries. Statements are immutable (Data 2.3): the only update is
-- the `voided` flag.
create table statements (
    -- Insertion order: the tie-breaker of the (stored, seq) keyset that `more` cursors use.
    seq bigint generated always as identity primary key,
    id uuid not null unique,
    stored timestamptz not null,
    voided boolean not null default false,
    -- The target of a voiding statement.
    voids uuid,
    -- The target of a StatementRef object, of any verb (filter inheritance, see below).
    object_ref uuid,
    -- The credential that wrote it (`statements/read/mine`).
    credential_id uuid,
    -- Its query terms, own and inherited (see statement_terms): a statement that targets this
    -- one inherits them, and erasure finds its index rows through them.
    terms bigint[] not null,
    statement jsonb not null
);
create index statements_stored on statements (stored, seq);
create index statements_voids on statements (voids) where voids is not null;
create index statements_object_ref on statements (object_ref) where object_ref is not null;

-- Query terms, one row per (term, statement). A term is a 64-bit hash of a tagged filter value:
-- 'v' verb, 'a' object activity, 'A' related activity, 'g' actor or object agent, 'G' related
-- agent, 'r' registration. Every GET /statements filter then becomes one ordered range scan of
-- this primary key, newest first, however long the IRI or agent; several filters probe the
-- key for the others. A statement whose object is a StatementRef also carries its target's
-- terms, recursively, because it matches every non-time filter its target matches
-- (Communication 2.1.3, "Filter Conditions for StatementRefs"). Hashes of 64 bits make a
-- false match vanishingly unlikely (about 1 in 10^19 per pair of distinct values).
create table statement_terms (
    term bigint not null,
    stored timestamptz not null,
    seq bigint not null,
    primary key (term, stored, seq)
);

-- Attachment content, stored once per SHA-2 hash whatever the number of statements using it
-- (Data 2.4.11).
create table attachments (
    sha2 text primary key,
    content_type text not null,
    content bytea not null
);

-- Canonical Activity definitions (Communication 2.5, Activities Resource), merged as statements
-- arrive. Keyed by a SHA-256 of the IRI, since an IRI may be longer than a B-tree entry allows.
create table activities (
    id_sha bytea primary key,
    id text not null,
    definition jsonb,
    updated timestamptz not null
);

-- Agents seen in statements, with the names used for them (Communication 2.4, Agents Resource).
create table agents (
    ifi_sha bytea primary key,
    ifi text not null,
    agent jsonb not null,
    names text[] not null default '{}'
);

-- Merges a new Activity definition into the canonical one: language maps (name, description)
-- are united, a newer entry winning per language; every other property is replaced by the
-- newer definition when it has one.
create function lrs_merge_definition(old jsonb, new jsonb) returns jsonb
language sql immutable as $$
    select case
        when old is null then new
        when new is null then old
        else old || new
            || case when old ? 'name' or new ? 'name'
                    then jsonb_build_object('name', coalesce(old->'name', '{}') || coalesce(new->'name', '{}'))
                    else '{}' end
            || case when old ? 'description' or new ? 'description'
                    then jsonb_build_object('description', coalesce(old->'description', '{}') || coalesce(new->'description', '{}'))
                    else '{}' end
    end
$$;
