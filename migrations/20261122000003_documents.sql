-- Documents of the State, Activity Profile and Agent Profile resources (xAPI 1.0.3
-- Communication 2.2 to 2.7), stored byte for byte with their content type.
--
-- Activity IRIs and agents can be longer than a B-tree entry allows, so documents are keyed by
-- SHA-256 digests: `key_sha` of the whole key (resource, activity, agent, registration,
-- document id) and `activity_sha` / `agent_sha` for listing a scope. An absent part hashes as
-- the empty string.
create table documents (
    key_sha bytea primary key,
    -- 1 = state, 2 = activity profile, 3 = agent profile
    resource smallint not null,
    activity_sha bytea not null,
    agent_sha bytea not null,
    registration uuid,
    document_id text not null,
    -- Kept readable for erasure requests and support; never used as keys.
    activity_id text,
    agent_ifi text,
    content_type text not null,
    content bytea not null,
    -- SHA-1 of `content`, hex: the ETag (Communication 3.1).
    sha1 text not null,
    updated timestamptz not null
);
create index documents_scope on documents (resource, activity_sha, agent_sha, updated);
create index documents_agent on documents (agent_sha);
