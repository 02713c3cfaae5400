//! Merges every learner's timeline into one stream in timestamp order. Only each learner's
//! current week is in memory, so a million-statement run costs a few megabytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveTime;
use serde_json::Value;

use super::config::{CourseStyle, SimulationConfig};
use super::course::Course;
use super::learner::Learner;
use super::outcome::LearnerOutcome;
use super::rng;
use super::statement::render;
use super::timeline::{Event, Timeline};

/// Account numbers: `s<run><7 digits>`, unique within a run and different between runs.
const NUMBERS_PER_RUN: u64 = 10_000_000;

struct Enrolment {
    course: usize,
    learner: Learner,
    timeline: Timeline,
    /// The learner's next event, already drawn.
    next: Option<Event>,
}

/// The statements of a simulation, in timestamp order across all its courses (ties broken by
/// course, then learner). Build it with [`super::stream`].
pub struct StatementStream {
    style: CourseStyle,
    courses: Vec<Course>,
    enrolments: Vec<Enrolment>,
    /// (time of the enrolment's next event, enrolment index), earliest first.
    queue: BinaryHeap<Reverse<(i64, usize)>>,
}

impl StatementStream {
    pub(crate) fn new(config: &SimulationConfig) -> StatementStream {
        let start = config
            .start
            .and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp_millis();
        let courses: Vec<Course> = (0..config.courses)
            .map(|c| Course::new(c, config))
            .collect();
        let per_course = config.learners_per_course as u64;
        let mut enrolments = Vec::with_capacity(config.courses * config.learners_per_course);
        let mut queue = BinaryHeap::new();
        for (c, course) in courses.iter().enumerate() {
            for i in 0..config.learners_per_course {
                let number = u64::from(config.run) * NUMBERS_PER_RUN
                    + (c as u64) * per_course
                    + i as u64
                    + 1;
                let mut rng = rng::derive(
                    config.seed,
                    [u64::from(config.run), c as u64, i as u64],
                    rng::Purpose::Learner,
                );
                let learner = Learner::new(number, config.mbox_share, &mut rng);
                let mut timeline =
                    Timeline::new(rng, &learner, start, config.weeks, config.activity);
                let next = timeline.next_event(&learner, course);
                if let Some(event) = &next {
                    queue.push(Reverse((event.at, enrolments.len())));
                }
                enrolments.push(Enrolment {
                    course: c,
                    learner,
                    timeline,
                    next,
                });
            }
        }
        StatementStream {
            style: config.course_style,
            courses,
            enrolments,
            queue,
        }
    }

    /// The outcomes known so far, by course then learner: every dropout's from the start,
    /// everyone's once the stream is exhausted.
    pub fn outcomes(&self) -> Vec<LearnerOutcome> {
        self.enrolments
            .iter()
            .filter_map(|e| {
                e.timeline.outcome().map(|outcome| LearnerOutcome {
                    course: self.courses[e.course].iri.clone(),
                    learner: e.learner.agent.clone(),
                    outcome,
                    motivation: e.learner.motivation,
                    enrolled_at: instant(e.timeline.enrolled_at()),
                    withdrawn_at: e.timeline.withdrawn_at().map(instant),
                    attributes: e.learner.attributes(),
                })
            })
            .collect()
    }

    /// The IRIs of the simulated courses.
    pub fn course_iris(&self) -> Vec<String> {
        self.courses.iter().map(|c| c.iri.clone()).collect()
    }

    /// The next event and whose it is, without building its statement.
    fn next_event(&mut self) -> Option<(usize, Event)> {
        let Reverse((_, index)) = self.queue.pop()?;
        let enrolment = &mut self.enrolments[index];
        let event = enrolment.next.take()?;
        enrolment.next = enrolment
            .timeline
            .next_event(&enrolment.learner, &self.courses[enrolment.course]);
        if let Some(next) = &enrolment.next {
            self.queue.push(Reverse((next.at, index)));
        }
        Some((index, event))
    }

    /// Drains the stream without building statements: how many it would have given.
    pub fn count_remaining(&mut self) -> u64 {
        let mut count = 0;
        while self.next_event().is_some() {
            count += 1;
        }
        count
    }
}

impl Iterator for StatementStream {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        let (index, event) = self.next_event()?;
        let enrolment = &self.enrolments[index];
        Some(render(
            &self.courses[enrolment.course],
            &enrolment.learner,
            &event,
            self.style,
        ))
    }
}

/// Milliseconds since the epoch as an RFC 3339 instant.
fn instant(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
