-- The three factors that explain a learner's risk become columns of their own.
--
-- The learner list reads them for up to 10,000 learners at a time. Taken out of a jsonb
-- array on every read (nine extractions a row), they cost PostgreSQL two thirds of the
-- list query: 35 ms against 12 ms without them, for a course of 10,043 learners. They are
-- written once, when a learner is scored, and read as plain columns. The jsonb they came
-- from goes: nothing else read it (its other fields, each factor's value and course average,
-- are recomputed by the scorer and show in the explanation).
alter table learner_courses
    add column risk_factor_1 text,
    add column risk_factor_1_contribution double precision,
    add column risk_factor_1_explanation text,
    add column risk_factor_2 text,
    add column risk_factor_2_contribution double precision,
    add column risk_factor_2_explanation text,
    add column risk_factor_3 text,
    add column risk_factor_3_contribution double precision,
    add column risk_factor_3_explanation text;

update learner_courses
set risk_factor_1 = risk_factors->0->>'factor',
    risk_factor_1_contribution = (risk_factors->0->>'contribution')::double precision,
    risk_factor_1_explanation = risk_factors->0->>'explanation',
    risk_factor_2 = risk_factors->1->>'factor',
    risk_factor_2_contribution = (risk_factors->1->>'contribution')::double precision,
    risk_factor_2_explanation = risk_factors->1->>'explanation',
    risk_factor_3 = risk_factors->2->>'factor',
    risk_factor_3_contribution = (risk_factors->2->>'contribution')::double precision,
    risk_factor_3_explanation = risk_factors->2->>'explanation'
where risk_factors is not null;

alter table learner_courses drop column risk_factors;

-- The analytics worker rewrites a learner's row with every batch that touches them. Free
-- space left in each page lets those updates stay on the page (HOT, no index entries), so the
-- table keeps near its live size instead of growing several times over between vacuums (a
-- 10,000-learner course measured 22 MB against 4 MB live, and its list scanned all of it).
alter table learner_courses set (fillfactor = 70);
