-- The instant a course's live scores describe, as of their last full scoring (see
-- analytics::scoring::DRIFT): days without activity keep growing while nothing is written, so
-- a live course (scored as of "now") is scored again in full once its scores are an hour old,
-- and its explanations rewritten where their words changed.
alter table courses
    add column scored_reference timestamptz,
    add column scored_live boolean not null default false;
create index courses_scored_live on courses (scored_reference) where scored_live;
