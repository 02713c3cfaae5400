-- Query terms for a verb with an object Activity ('p', see TermKind::VerbActivity in
-- src/store/statements/terms.rs): `verb` + `activity` queries read exactly their matches
-- instead of probing one common term for each statement of another.
--
-- The term of a tagged value, as the LRS computes it: the first 8 bytes of
-- SHA-256(tag, 0, value), big-endian, as a signed 64-bit integer. A test compares it with the
-- Rust function.
create function lrs_term(tag text, value text) returns bigint
language sql immutable strict as $$
    select ('x' || encode(substring(sha256(convert_to(tag, 'UTF8') || '\x00'::bytea
                                           || convert_to(value, 'UTF8')) from 1 for 8), 'hex'))::bit(64)::bigint
$$;

-- Statements stored before this migration get their pair term, and so do the statements that
-- target them through a StatementRef, recursively (they inherit their target's terms; depth
-- limit as in the insert path).
create temporary table pair_terms on commit drop as
with recursive own as (
    select s.id, s.seq,
           lrs_term('p', (s.statement->'verb'->>'id') || ' ' || (s.statement->'object'->>'id')) as term
    from statements s
    where coalesce(s.statement->'object'->>'objectType', 'Activity') = 'Activity'
      and s.statement->'object'->>'id' is not null
),
inherited(id, seq, term, depth) as (
    select id, seq, term, 0 from own
  union
    select r.id, r.seq, i.term, i.depth + 1
    from inherited i join statements r on r.object_ref = i.id
    where i.depth < 8
)
select seq, array_agg(distinct term) as terms from inherited group by seq;

update statements s
set terms = array(select distinct unnest(s.terms || p.terms))
from pair_terms p
where s.seq = p.seq;

insert into statement_terms (term, stored, seq)
select unnest(p.terms), s.stored, s.seq
from pair_terms p join statements s on s.seq = p.seq
on conflict do nothing;
