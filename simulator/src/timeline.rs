//! What one learner does, week by week: sessions at plausible times, the statements within
//! them, and at the end the final grade. Produces [`Event`]s in time order, one week at a time,
//! so that a million-statement simulation never holds more than a week per learner.

use std::collections::VecDeque;

use rand::Rng;
use uuid::Uuid;

use super::course::{Course, QUIZ_QUESTIONS};
use super::learner::Learner;
use super::outcome::{COURSE_PASS_MARK, Evidence, Outcome};
use super::rng::{self, SimRng, chance, normal, poisson, sigmoid, weighted};

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
pub(crate) const WEEK: i64 = 7 * DAY;
/// Sessions of one learner are at least this far apart (end of one to start of the next).
pub(crate) const MIN_SESSION_GAP: i64 = HOUR;
/// Statements within a session are at most this far apart.
pub(crate) const MAX_STATEMENT_GAP: i64 = 10 * MINUTE;

/// Quiz marks out of [`QUIZ_QUESTIONS`] at or above which a quiz attempt is `passed`.
pub(crate) const QUIZ_PASS_MARK: u32 = 5;

/// One statement to be, before it is dressed as xAPI.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub id: Uuid,
    /// The week (0-based) the object belongs to: the `parent` module.
    pub week: usize,
    /// Identifies the session (the `sessionId` extension).
    pub session: u64,
    pub action: Action,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Action {
    LoggedIn,
    ViewedReading(usize),
    ViewedForum,
    VideoPlayed(usize),
    VideoCompleted {
        video: usize,
        seconds: u32,
    },
    QuizAttempted {
        attempt: u32,
    },
    QuizFinished {
        attempt: u32,
        raw: u32,
        seconds: u32,
    },
    Submitted(usize),
    Commented,
    Replied,
    /// The final statement on the course itself; `grade` is 0 to 100.
    CourseOutcome {
        grade: u32,
    },
}

/// The generator of one learner's events.
pub(crate) struct Timeline {
    rng: SimRng,
    start: i64,
    weeks: u32,
    activity: f64,
    next_week: u32,
    dropout_week: Option<u32>,
    buffer: VecDeque<Event>,
    /// The earliest time the next session may start.
    cursor: i64,
    /// Best quiz score (0..1) per week so far; weeks without an attempt count 0.
    best_scores: Vec<f64>,
    submitted: usize,
    statements: u64,
    outcome: Option<Outcome>,
}

impl Timeline {
    pub fn new(
        mut rng: SimRng,
        learner: &Learner,
        start: i64,
        weeks: u32,
        activity: f64,
    ) -> Timeline {
        let dropout_week = (0..weeks).find(|&w| {
            // Some never really start (week 0); after that a low, steady hazard.
            let early = if w == 0 { 0.6 } else { 0.0 };
            chance(&mut rng, sigmoid(-4.6 - 1.1 * learner.motivation + early))
        });
        Timeline {
            rng,
            start,
            weeks,
            activity,
            next_week: 0,
            outcome: dropout_week.map(|_| Outcome::Withdrawn),
            dropout_week,
            buffer: VecDeque::new(),
            cursor: start,
            best_scores: Vec::new(),
            submitted: 0,
            statements: 0,
        }
    }

    /// Known at once for dropouts, after the last event for the others.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// When the learner enrolled: a week before the course starts.
    pub fn enrolled_at(&self) -> i64 {
        self.start - WEEK
    }

    /// When a dropout's withdrawal was recorded: at the end of the first week in which they did
    /// nothing (the end of week 0 for one who never started).
    pub fn withdrawn_at(&self) -> Option<i64> {
        self.dropout_week
            .map(|week| self.start + (i64::from(week) + 1) * WEEK)
    }

    /// The learner's next event in time order, or `None` when they have no more.
    pub fn next_event(&mut self, learner: &Learner, course: &Course) -> Option<Event> {
        while self.buffer.is_empty() {
            if self.next_week < self.weeks && self.dropout_week != Some(self.next_week) {
                self.plan_week(self.next_week, learner, course);
                self.next_week += 1;
            } else if self.outcome.is_none() {
                self.final_grade(learner, course);
            } else {
                return None;
            }
        }
        self.buffer.pop_front()
    }

    fn push(&mut self, at: i64, week: usize, session: u64, action: Action) {
        let id = rng::uuid_v4(&mut self.rng);
        self.statements += 1;
        self.buffer.push_back(Event {
            at,
            id,
            week,
            session,
            action,
        });
    }

    fn plan_week(&mut self, w: u32, learner: &Learner, course: &Course) {
        let Some(week) = course.weeks.get(w as usize) else {
            return;
        };
        let m = learner.motivation;
        let progress = if self.weeks > 1 {
            f64::from(w) / f64::from(self.weeks - 1)
        } else {
            0.0
        };
        // Learners who are about to drop out fade first.
        let fade = match self.dropout_week.map(|d| d.saturating_sub(w)) {
            Some(1) => -1.0,
            Some(2) => -0.5,
            _ => 0.0,
        };
        let binge = if chance(&mut self.rng, learner.binge) {
            1.1
        } else {
            0.0
        };
        let due = !week.assignments_due.is_empty();
        let log_rate = 0.9
            + 0.45 * m
            + 0.35 * m * progress
            + learner.activity_level
            + week_effect(w, self.weeks, due)
            + learner.irregularity * normal(&mut self.rng)
            + fade
            + binge;
        let sessions = poisson(&mut self.rng, self.activity * log_rate.exp(), 21) as usize;
        if sessions == 0 {
            self.best_scores.push(0.0);
            return;
        }
        let week_start = self.start + i64::from(w) * WEEK;
        let mut starts: Vec<i64> = (0..sessions)
            .map(|_| week_start + self.session_time(learner))
            .collect();
        starts.sort_unstable();

        // The quiz is usually left to the last session of the week, the deadline.
        let quiz_session = chance(
            &mut self.rng,
            sigmoid(0.9 + 1.4 * m + learner.activity_level),
        )
        .then(|| {
            if chance(&mut self.rng, 0.35) {
                self.rng.random_range(0..sessions)
            } else {
                sessions - 1
            }
        });
        let submissions: Vec<usize> = week
            .assignments_due
            .iter()
            .copied()
            .filter(|_| {
                let noise = normal(&mut self.rng);
                chance(&mut self.rng, sigmoid(1.6 + 1.5 * m + 0.5 * noise))
            })
            .collect();

        let mut best = 0.0_f64;
        for (i, planned) in starts.into_iter().enumerate() {
            let session: u64 = self.rng.random();
            let mut t = planned.max(self.cursor) + self.rng.random_range(0..SECOND);
            self.push(t, w as usize, session, Action::LoggedIn);
            let busy = 0.25 * m + 0.3 * normal(&mut self.rng);
            let actions = 1 + poisson(&mut self.rng, 2.4 * busy.exp(), 30);
            for _ in 0..actions {
                t = self.browse(t, w, session, learner, course);
            }
            if quiz_session == Some(i) {
                let (end, score) = self.quiz(t, w, session, learner);
                t = end;
                best = best.max(score);
            }
            if i + 1 == sessions {
                for &assignment in &submissions {
                    t += self.gap();
                    self.push(t, w as usize, session, Action::Submitted(assignment));
                    self.submitted += 1;
                }
            }
            self.cursor = t + MIN_SESSION_GAP + self.rng.random_range(0..3 * HOUR);
        }
        self.best_scores.push(best);
    }

    /// Offset from the start of the week: the day by the weekly rhythm and the pull of the
    /// Sunday deadline, the hour by a day/evening/night mixture shifted by chronotype.
    fn session_time(&mut self, learner: &Learner) -> i64 {
        const RHYTHM: [f64; 7] = [1.25, 1.15, 1.05, 1.0, 0.7, 0.55, 0.9];
        let mut days = [0.0; 7];
        for (d, weight) in days.iter_mut().enumerate() {
            let towards_deadline = (d as f64 / 6.0).powi(3);
            *weight = RHYTHM[d] * (1.0 + 3.0 * learner.procrastination * towards_deadline);
        }
        let day = weighted(&mut self.rng, &days) as i64;
        let (centre, spread) = match weighted(&mut self.rng, &[0.5, 0.4, 0.1]) {
            0 => (13.0, 2.5),
            1 => (20.5, 1.5),
            _ => (23.5, 1.0),
        };
        let hour = (centre + learner.chronotype + spread * normal(&mut self.rng)).rem_euclid(24.0);
        day * DAY + (hour * HOUR as f64) as i64
    }

    /// Time to the next statement of a session: 1 to 10 minutes, mostly short.
    fn gap(&mut self) -> i64 {
        let u: f64 = self.rng.random();
        MINUTE + (u * u * (MAX_STATEMENT_GAP - MINUTE) as f64) as i64
    }

    /// One browsing step (a reading, a video, the forum); returns the time of its last event.
    fn browse(&mut self, t: i64, w: u32, session: u64, learner: &Learner, course: &Course) -> i64 {
        let week = w as usize;
        let Some(material) = course.weeks.get(week) else {
            return t;
        };
        let readings = material.readings.len();
        let videos = material.videos.len();
        let has = |n: usize| if n > 0 { 1.0 } else { 0.0 };
        let post = 0.03 + 0.06 * sigmoid(learner.motivation);
        let weights = [
            0.45 * has(readings),
            0.25 * has(videos),
            0.15,
            post,
            if w > 0 { 0.10 } else { 0.0 },
        ];
        let mut t = t + self.gap();
        match weighted(&mut self.rng, &weights) {
            0 => {
                let k = self.rng.random_range(0..readings);
                self.push(t, week, session, Action::ViewedReading(k));
            }
            1 => {
                let video = self.rng.random_range(0..videos);
                self.push(t, week, session, Action::VideoPlayed(video));
                let completes = sigmoid(1.0 + 0.8 * learner.motivation);
                if chance(&mut self.rng, completes) {
                    let seconds = material.videos[video].seconds;
                    t += i64::from(seconds) * SECOND + self.rng.random_range(0..5 * SECOND);
                    self.push(t, week, session, Action::VideoCompleted { video, seconds });
                }
            }
            2 => self.push(t, week, session, Action::ViewedForum),
            3 => {
                let action = if chance(&mut self.rng, 0.4) {
                    Action::Commented
                } else {
                    Action::Replied
                };
                self.push(t, week, session, action);
            }
            _ => {
                // Going back over an earlier week's reading.
                let old = self.rng.random_range(0..week);
                let count = course.weeks.get(old).map_or(0, |o| o.readings.len());
                if count > 0 {
                    let k = self.rng.random_range(0..count);
                    self.push(t, old, session, Action::ViewedReading(k));
                }
            }
        }
        t
    }

    /// The week's quiz: one attempt, a second when the first failed and the learner cares.
    /// Returns the end time and the best score (0..1).
    fn quiz(&mut self, t: i64, w: u32, session: u64, learner: &Learner) -> (i64, f64) {
        let week = w as usize;
        let mut t = t;
        let mut best = 0.0_f64;
        for attempt in 1..=2 {
            t += self.gap();
            self.push(t, week, session, Action::QuizAttempted { attempt });
            let noise = normal(&mut self.rng);
            let p = sigmoid(
                0.5 + 0.9 * learner.motivation
                    + learner.ability
                    + 0.4 * f64::from(attempt - 1)
                    + 0.5 * noise,
            );
            let raw = (0..QUIZ_QUESTIONS)
                .filter(|_| chance(&mut self.rng, p))
                .count() as u32;
            let seconds = self.rng.random_range(180..600);
            t += i64::from(seconds) * SECOND;
            self.push(
                t,
                week,
                session,
                Action::QuizFinished {
                    attempt,
                    raw,
                    seconds,
                },
            );
            best = best.max(f64::from(raw) / f64::from(QUIZ_QUESTIONS));
            let retry = raw < QUIZ_PASS_MARK && chance(&mut self.rng, sigmoid(learner.motivation));
            if !retry {
                break;
            }
        }
        (t, best)
    }

    /// The final grade from motivation, quizzes, coursework and activity, plus noise; the
    /// course outcome statement comes a few days after the last week.
    fn final_grade(&mut self, learner: &Learner, course: &Course) {
        let weeks = f64::from(self.weeks.max(1));
        let quiz_mean = self.best_scores.iter().sum::<f64>() / weeks;
        let coursework = if course.assignments.is_empty() {
            1.0
        } else {
            self.submitted as f64 / course.assignments.len() as f64
        };
        let evidence = Evidence {
            motivation: learner.motivation,
            quiz_mean,
            coursework,
            statements: self.statements,
        };
        let grade = evidence.grade(normal(&mut self.rng));
        self.outcome = Some(if grade >= COURSE_PASS_MARK {
            Outcome::Pass
        } else {
            Outcome::Fail
        });
        let results_day = self.start + i64::from(self.weeks) * WEEK + 3 * DAY + 9 * HOUR;
        let at = results_day.max(self.cursor) + self.rng.random_range(0..8 * HOUR);
        let session: u64 = self.rng.random();
        self.push(at, 0, session, Action::CourseOutcome { grade });
    }
}

/// Course-wide swings of activity (log scale): a keen first week, a mid-course dip, a push
/// before each assignment deadline and before the end.
fn week_effect(w: u32, weeks: u32, assignment_due: bool) -> f64 {
    let weeks_f = f64::from(weeks.max(1));
    let mid = (f64::from(w) - 0.55 * weeks_f) / (0.15 * weeks_f);
    let mut effect = -0.4 * (-mid * mid).exp();
    if w == 0 {
        effect += 0.3;
    }
    if w + 1 == weeks {
        effect += 0.2;
    }
    if assignment_due {
        effect += 0.25;
    }
    effect
}
