-- Rosters: who is enrolled in a course, as a student-information system says, whether or not
-- they ever sent a statement. A learner who never started is then visible (a learner_courses
-- row with no activity), training and evaluation can leave out those who withdrew before the
-- cutoff, and the attributes an institution chooses to send (a programme, a prior-attainment
-- band) let an evaluation report how well the model serves each group. The attributes are
-- personal data: an erasure of the learner removes them (the foreign key cascades).
create table enrolments (
    course_id bigint not null references courses (id) on delete cascade,
    learner_id bigint not null references learners (id) on delete cascade,
    enrolled_at timestamptz,
    withdrawn_at timestamptz,
    attributes jsonb not null default '{}',
    updated timestamptz not null default now(),
    primary key (course_id, learner_id)
);
create index enrolments_learner on enrolments (learner_id);
