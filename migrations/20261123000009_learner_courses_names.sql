-- Each learner-course row carries its learner's IFI key and name.
--
-- The learner list reads a whole course at once. Joined with `learners`, PostgreSQL first
-- hashed the course's rows and then probed them with every learner of the store (24,910 in
-- the benchmark's full run): 15 to 17 ms of execution, and no row sent before the hash was
-- built. The course's rows alone take 6.6 ms. A 10,000-learner list over HTTP took p50 40 to
-- 41 ms with the copy against 49 to 51 ms with the join (docs/BENCHMARKS.md, "9bdbf8a").
--
-- `learners` stays the source of truth. The copy is written by whoever writes the row: the
-- analytics worker, whose every update of a pair re-reads the name, and an outcome upload;
-- a learner's new name is copied to their other courses by the statement that records it.
alter table learner_courses
    add column learner_ifi text,
    add column learner_name text;

update learner_courses lc
set learner_ifi = l.ifi, learner_name = l.name
from learners l
where l.id = lc.learner_id;

alter table learner_courses alter column learner_ifi set not null;
