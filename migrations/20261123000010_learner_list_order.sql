-- The learner list's default order as an index: highest risk first, learners without a score
-- last, ties by IFI key in byte order.
--
-- A page of the list (100 learners by default) used to read, decode and sort the whole
-- course in the LRS: 26 to 28 ms for one page of a 10,000-learner course, and every later
-- page as much again. The list's sort key is now computed the same way by PostgreSQL and by
-- the LRS (src/http/analytics/list_order.rs), so a page of up to 1,000 learners is a keyset
-- walk of this index from the cursor: 0.3 ms of execution for the first 101 rows of that
-- course, and the same for any later page.
--
-- It replaces `(course_id, risk_probability desc nulls last)`, which nothing else used and
-- whose ties were in no defined order. Its key is negated so that one ascending row
-- comparison, `(-coalesce(risk, -1), ifi) > (cursor)`, is the index condition.
drop index learner_courses_risk;
create index learner_courses_risk_order
    on learner_courses (course_id, (-coalesce(risk_probability, -1)), learner_ifi collate "C");
