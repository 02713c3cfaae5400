-- Learning analytics, materialized incrementally from statements.
--
-- Statements reach the analytics through a durable queue filled in the same transaction as
-- the statement insert: ingest stays fast, nothing is lost if the process dies, and a
-- background worker (any LRS process; SKIP LOCKED shares the work) applies them in batches.
-- Applying a statement touches only the learner-course pair it belongs to, never a full
-- recompute, so its cost does not grow with the store.
create table analytics_queue (
    seq bigint primary key,
    -- A hash of the statement's actor: several workers share the queue by partition, so that
    -- one learner's statements are applied by one worker at a time (no lock conflicts on the
    -- learner's rows).
    part smallint not null default 0
);

-- Statements the worker could not apply, with the reason, so that one bad statement cannot
-- stall the queue. Rare by construction (every stored statement was validated).
create table analytics_failures (
    seq bigint primary key,
    error text not null,
    at timestamptz not null default now()
);

-- A course: the unit learners enrol in (an Activity of a course type, a cmi5 course, or a
-- value of a configured context extension). Title and dates can be set through the API;
-- otherwise the start is the day of the earliest statement.
create table courses (
    id bigint generated always as identity primary key,
    iri text not null,
    iri_sha bytea not null unique,
    title text,
    start_date date,
    end_date date,
    first_day date,
    created timestamptz not null default now()
);

-- A learner: an Agent with an inverse functional identifier (Groups are not learners).
create table learners (
    id bigint generated always as identity primary key,
    ifi text not null,
    ifi_sha bytea not null unique,
    agent jsonb not null,
    name text
);

-- Registrations seen together with a course: later statements carrying only the registration
-- (cmi5 AU statements) belong to that course.
create table registration_courses (
    registration uuid primary key,
    course_id bigint not null
);

-- Statements with a registration whose course is not known yet; re-queued when it becomes
-- known.
create table analytics_pending (
    registration uuid not null,
    seq bigint not null,
    primary key (registration, seq)
);

-- One row per statement and course it belongs to: the raw material of every metric.
create table learning_events (
    course_id bigint not null,
    learner_id bigint not null,
    ts timestamptz not null,
    seq bigint not null,
    activity_sha bytea,
    completed boolean not null,
    succeeded boolean not null,
    failed boolean not null,
    -- The scaled score (0..1) of an assessment attempt.
    scaled double precision,
    duration_secs double precision,
    -- 'pass' or 'fail' when the statement reports the outcome of this course.
    outcome text,
    primary key (course_id, learner_id, ts, seq)
);
create index learning_events_seq on learning_events (seq);
create index learning_events_activity on learning_events (course_id, learner_id, activity_sha);

-- Per learner, course and (UTC) day: recomputed for the days an application touches (the
-- days of the changed events and of their neighbours, whose sessions and time change).
create table learner_days (
    course_id bigint not null,
    learner_id bigint not null,
    day date not null,
    statements integer not null,
    sessions integer not null,
    time_secs double precision not null,
    completions integer not null,
    successes integer not null,
    failures integer not null,
    attempts integer not null,
    score_sum double precision not null,
    primary key (course_id, learner_id, day)
);

-- Per course and day, kept by the deltas of learner_days.
create table course_days (
    course_id bigint not null,
    day date not null,
    statements bigint not null,
    time_secs double precision not null,
    active_learners integer not null,
    primary key (course_id, day)
);

-- The course's activities, for coverage and the heatmap.
create table course_activities (
    course_id bigint not null,
    activity_sha bytea not null,
    activity_id text not null,
    name text,
    type text,
    first_ts timestamptz not null,
    primary key (course_id, activity_sha)
);

-- Accesses per activity and day (the activity x week heatmap).
create table course_activity_days (
    course_id bigint not null,
    activity_sha bytea not null,
    day date not null,
    accesses integer not null,
    primary key (course_id, activity_sha, day)
);

-- Distinct activities per learner (coverage), with the first touch for as-of queries.
create table learner_activities (
    course_id bigint not null,
    learner_id bigint not null,
    activity_sha bytea not null,
    first_ts timestamptz not null,
    events integer not null,
    primary key (course_id, learner_id, activity_sha)
);
create index learner_activities_activity on learner_activities (course_id, activity_sha);

-- Current totals per learner and course (the learner list reads only this table), the
-- outcome, and the latest risk score.
create table learner_courses (
    course_id bigint not null,
    learner_id bigint not null,
    statements integer not null default 0,
    active_days integer not null default 0,
    sessions integer not null default 0,
    time_secs double precision not null default 0,
    completions integer not null default 0,
    successes integer not null default 0,
    failures integer not null default 0,
    attempts integer not null default 0,
    score_sum double precision not null default 0,
    distinct_activities integer not null default 0,
    first_ts timestamptz,
    last_ts timestamptz,
    -- Standard deviation, in days, of the gaps between consecutive active days.
    regularity double precision,
    -- 'pass', 'fail' or 'withdrawn'; from statements on the course activity, and uploaded
    -- by a student-information system (which wins).
    statement_outcome text,
    statement_outcome_at timestamptz,
    uploaded_outcome text,
    uploaded_outcome_at timestamptz,
    risk_probability double precision,
    risk_band text,
    risk_factors jsonb,
    risk_model_id bigint,
    risk_updated timestamptz,
    risk_stale boolean not null default true,
    primary key (course_id, learner_id)
);
create index learner_courses_learner on learner_courses (learner_id);
create index learner_courses_risk on learner_courses (course_id, risk_probability desc nulls last);
create index learner_courses_stale on learner_courses (course_id) where risk_stale;

-- Trained at-risk models and their evaluations.
create table analytics_models (
    id bigint generated always as identity primary key,
    created timestamptz not null default now(),
    algorithm text not null,
    cutoff_week integer not null,
    training_courses text[] not null,
    model jsonb not null,
    training jsonb not null,
    active boolean not null default false,
    trained_by text not null
);
create unique index analytics_models_one_active on analytics_models (active) where active;

create table analytics_evaluations (
    id bigint generated always as identity primary key,
    model_id bigint not null references analytics_models (id) on delete cascade,
    created timestamptz not null default now(),
    courses text[] not null,
    cutoff_week integer not null,
    metrics jsonb not null
);

-- The latest outcome of a learner in a course is looked up on every application; most events
-- carry none, so only those that do are indexed.
create index learning_events_outcomes on learning_events (course_id, learner_id, ts desc, seq desc)
    where outcome is not null;
