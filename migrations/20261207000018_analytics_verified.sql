-- How far the periodic consistency check has verified that every stored statement reached the
-- analytics (src/analytics/verify.rs): statements up to `through_seq` that should have
-- learning events have them, or were put back on the queue (`repaired`). One row. It starts at
-- the newest statement: the check covers what is stored from now on, and
-- `lrs analytics verify` checks a whole store.
create table analytics_verified (
    id boolean primary key default true check (id),
    through_seq bigint not null default 0,
    through_stored timestamptz,
    checked bigint not null default 0,
    repaired bigint not null default 0,
    at timestamptz
);
insert into analytics_verified (through_seq, through_stored, at)
select coalesce(max(seq), 0), max(stored), now() from statements;
