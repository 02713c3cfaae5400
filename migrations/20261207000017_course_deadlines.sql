-- Assessment deadlines of a course, set by an administrator with the course's settings
-- (PUT /analytics/courses/settings), which can now also create a course before any statement
-- names it. Keyed by a SHA-256 of the activity IRI, as activities are elsewhere.
create table course_deadlines (
    course_id bigint not null references courses (id) on delete cascade,
    activity_sha bytea not null,
    activity_id text not null,
    due timestamptz not null,
    title text,
    primary key (course_id, activity_sha)
);
