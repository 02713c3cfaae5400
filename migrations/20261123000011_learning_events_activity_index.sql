-- `learning_events_activity` (course, learner, activity) served one query only: recounting a
-- learner's touches of an activity after a void, which is rare. Every statement paid for it
-- with an index entry (one of the 37.7 WAL records PostgreSQL writes per statement, see
-- docs/BENCHMARKS.md, "What each statement writes, counted"). The recount now reads the
-- learner's events in the course through the primary key, whose prefix is (course, learner):
-- a few hundred rows at most, for a void.
drop index learning_events_activity;
