//! The data simulator: realistic course runs as xAPI statements, for tests, demos and
//! benchmarks, and ground-truth outcomes to train and check the at-risk models against.
//! The generator is pure and deterministic: no I/O, and the same [`SimulationConfig`] always
//! gives the same statements (ids included). The I/O is at the edge, for `lrs simulate`:
//! [`post`] sends a simulation to an LRS, [`write_jsonl`] writes it to a file.
//!
//! # The model
//!
//! `courses` courses run in parallel for `weeks` weeks. Each week has a module, readings and
//! pages, lecture videos, a quiz due on Sunday and a discussion forum; `assignments` pieces of
//! coursework fall due at evenly spaced weeks.
//!
//! Each learner has a latent motivation `m ~ N(0, 1)` that drives both their activity and
//! their outcome, so that engagement predicts the outcome without giving it away:
//!
//! - **Sessions per week** are Poisson with a log-rate that grows with `m` (and, over the
//!   course, more so), plus the learner's own activity level, a weekly swing whose size is the
//!   learner's irregularity, and occasional binge weeks (more frequent for binge-prone
//!   learners). Course-wide week effects: a keen first week, a mid-course dip, pushes before
//!   assignment deadlines and the end.
//! - **A session** starts on a day drawn from a weekly rhythm pulled towards the Sunday
//!   deadline by the learner's procrastination (higher for low `m`), at an hour from a
//!   day/evening/night mixture shifted by their chronotype. It logs in, then does a few things
//!   (more with higher `m`): readings, videos (`played`, and `completed` after watching them),
//!   the forum (viewing, commenting, replying), earlier weeks' readings. Statements in a
//!   session are 1 to 10 minutes apart; sessions are at least an hour apart.
//! - **The quiz** is taken (more likely with higher `m`), mostly in the week's last session:
//!   `attempted`, then `passed` or `failed` with a score of 10 questions each right with
//!   probability `sigmoid(0.5 + 0.9 m + ability + noise)`; a failed attempt may be retried.
//! - **Assignments** are `submit`ted in the last session of their week, with a probability
//!   rising with `m`.
//! - **Dropout**: a weekly hazard `sigmoid(-4.6 - 1.1 m)` (higher in week one: some never
//!   start). Activity fades over the two weeks before; afterwards there is none.
//! - **Outcome**: learners who stay get a final grade from `m`, their quiz scores, their
//!   coursework and their activity, plus noise, and a `passed` or `failed` statement on the
//!   course Activity three days after the last week. Dropouts are `withdrawn`, with no
//!   statement: the outcomes reach the LRS through its outcomes API instead.
//!
//! With the defaults, about a third of learners fail or withdraw (some 18 % fail, 15 %
//! withdraw), and a logistic regression on their activity counts up to week 4, trained on one
//! run, tells them apart on another with a ROC AUC of about 0.85 to 0.9. Statements average
//! about 1.26 KB.
//!
//! # The knobs
//!
//! [`SimulationConfig`]: seed, run (a new cohort of the same courses), courses, learners,
//! weeks, start date, material per week, assignments, overall activity, share of `mbox`
//! learners, and the [`CourseStyle`]: the course in `contextActivities.grouping`, or only in
//! the Jisc `courseArea` extension.

mod catalog;
pub mod cli;
mod config;
mod course;
mod export;
mod learner;
mod outcome;
pub mod plan;
pub mod post;
mod rng;
mod statement;
mod stream;
mod timeline;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use config::{
    CourseStyle, DEFAULT_COURSES, DEFAULT_LEARNERS, DEFAULT_RUN, DEFAULT_SEED, DEFAULT_START,
    DEFAULT_WEEKS, SimulationConfig, default_start,
};
pub use course::{
    LMS_HOME, PLATFORM, TYPE_ASSESSMENT, TYPE_ASSIGNMENT, TYPE_COURSE, TYPE_DISCUSSION,
    TYPE_MODULE, TYPE_PAGE, TYPE_RESOURCE, TYPE_VIDEO,
};
pub use export::write_jsonl;
pub use outcome::{LearnerOutcome, Outcome};
pub use statement::{
    EXT_COURSE_AREA, EXT_MOD_INSTANCE, EXT_VLE_MOD_ID, VERB_ATTEMPTED, VERB_COMMENTED,
    VERB_COMPLETED, VERB_FAILED, VERB_LOGGED_IN, VERB_PASSED, VERB_PLAYED, VERB_REPLIED,
    VERB_SUBMITTED, VERB_VIEWED,
};
pub use stream::StatementStream;

/// A whole simulation in memory: for tests and small demos (see [`stream`] for big ones).
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Every statement, in timestamp order.
    pub statements: Vec<Value>,
    /// One per learner and course, by course then learner.
    pub outcomes: Vec<LearnerOutcome>,
}

/// Runs a simulation and keeps everything.
pub fn simulate(config: &SimulationConfig) -> Simulation {
    let mut statements = stream(config);
    let collected: Vec<Value> = statements.by_ref().collect();
    Simulation {
        statements: collected,
        outcomes: statements.outcomes(),
    }
}

/// The statements of a simulation, built one at a time in timestamp order; the outcomes are
/// complete once the stream is exhausted ([`StatementStream::outcomes`]).
pub fn stream(config: &SimulationConfig) -> StatementStream {
    StatementStream::new(config)
}

/// How many statements a simulation gives, without building them.
pub fn count_statements(config: &SimulationConfig) -> u64 {
    stream(config).count_remaining()
}
