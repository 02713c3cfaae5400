//! What an institution would tell the LRS about a simulated course before its first statement:
//! its start date and its assessment deadlines (each week's quiz by the end of the week, each
//! assignment by the end of its week), as `PUT /analytics/courses/settings` takes them.

use chrono::{Duration, NaiveTime};
use serde_json::{Value, json};

use super::config::SimulationConfig;
use super::course::Course;

/// One course's settings, as the body of `PUT /analytics/courses/settings?course=<iri>`.
pub struct CoursePlan {
    pub iri: String,
    pub settings: Value,
}

pub fn plans(config: &SimulationConfig) -> Vec<CoursePlan> {
    let start = config.start.and_time(NaiveTime::MIN).and_utc();
    // Deadlines are Sunday 23:59:59 of the week, the end of the course week.
    let end_of_week = |week: usize| {
        (start + Duration::weeks(week as i64 + 1) - Duration::seconds(1))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    (0..config.courses)
        .map(|c| {
            let course = Course::new(c, config);
            let mut deadlines: Vec<Value> = Vec::new();
            for (w, week) in course.weeks.iter().enumerate() {
                deadlines.push(json!({
                    "activity": week.quiz["id"],
                    "due": end_of_week(w),
                    "title": week.quiz["definition"]["name"]["en"],
                }));
                for &k in &week.assignments_due {
                    if let Some(assignment) = course.assignments.get(k) {
                        deadlines.push(json!({
                            "activity": assignment["id"],
                            "due": end_of_week(w),
                            "title": assignment["definition"]["name"]["en"],
                        }));
                    }
                }
            }
            CoursePlan {
                iri: course.iri.clone(),
                settings: json!({
                    "start_date": config.start.to_string(),
                    "deadlines": deadlines,
                }),
            }
        })
        .collect()
}
