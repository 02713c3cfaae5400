//! `lrs simulate`: the command's arguments and what it does. The `lrs` binary adds it to its
//! command line (`src/main.rs`), so that the server library does not depend on the simulator.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use secrecy::SecretString;

use crate::post::{self, OutcomeUpload, PostOptions, Retry, Summary, Target};
use crate::{CourseStyle, SimulationConfig};

/// The `simulate` subcommand, to add to a command line.
pub fn command() -> clap::Command {
    SimulateArgs::augment_args(clap::Command::new("simulate").about(
        "Simulate course runs and post their statements (and the learners' outcomes) to an LRS.",
    ))
}

fn parse_secret(s: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(s.to_owned()))
}

/// Simulate course runs and post their statements (and the learners' outcomes) to an LRS.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Base URL of the LRS (statements go to URL/xapi/statements).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Key of a credential with statements/write (and analytics rights for the outcomes).
    #[arg(long, env = "LRS_ADMIN_KEY")]
    pub key: Option<String>,
    /// Secret of that credential.
    #[arg(long, env = "LRS_ADMIN_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub secret: Option<SecretString>,
    /// Courses, run in parallel over the same weeks.
    #[arg(long, default_value_t = crate::DEFAULT_COURSES)]
    pub courses: usize,
    /// Learners per course.
    #[arg(long, default_value_t = crate::DEFAULT_LEARNERS)]
    pub learners: usize,
    #[arg(long, default_value_t = crate::DEFAULT_WEEKS, value_parser = clap::value_parser!(u32).range(1..=104))]
    pub weeks: u32,
    /// Seed of every random draw: the same options give the same statements.
    #[arg(long, default_value_t = crate::DEFAULT_SEED)]
    pub seed: u64,
    /// Run number of the courses (in their IRIs); another run is a new cohort of the same courses.
    #[arg(long, default_value_t = crate::DEFAULT_RUN)]
    pub run: u32,
    /// First day of the courses (a Monday is usual).
    #[arg(long, default_value = crate::DEFAULT_START)]
    pub start: NaiveDate,
    /// How statements name their course.
    #[arg(long, value_enum, default_value = "grouping")]
    pub style: StyleArg,
    /// Statements per POST.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Upload the learners' outcomes (pass, fail, withdrawn) to URL/analytics/outcomes.
    #[arg(long, value_enum, default_value = "upload")]
    pub outcomes: OutcomesArg,
    /// Write the statements to this file as JSON lines instead of posting them.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --out: also write the outcomes to this file as JSON lines.
    #[arg(long, requires = "out")]
    pub outcomes_out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StyleArg {
    /// The course Activity in contextActivities.grouping.
    Grouping,
    /// The course only in the Jisc courseArea context extension.
    Jisc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomesArg {
    Upload,
    None,
}

impl SimulateArgs {
    pub fn simulation(&self) -> SimulationConfig {
        SimulationConfig {
            seed: self.seed,
            run: self.run,
            courses: self.courses,
            learners_per_course: self.learners,
            weeks: self.weeks,
            start: self.start,
            course_style: match self.style {
                StyleArg::Grouping => CourseStyle::Grouping,
                StyleArg::Jisc => CourseStyle::JiscExtension,
            },
            ..SimulationConfig::default()
        }
    }
}

pub async fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let config = args.simulation();
    // indicatif draws only when stderr is a terminal.
    let progress = true;
    let summary: Summary = match &args.out {
        Some(path) => {
            let outcomes = args.outcomes_out.as_deref();
            crate::write_jsonl(&config, path, outcomes, progress)?
        }
        None => {
            let (Some(key), Some(secret)) = (args.key, args.secret) else {
                anyhow::bail!(
                    "posting needs --key and --secret (or LRS_ADMIN_KEY and LRS_ADMIN_SECRET)"
                );
            };
            let target = Target {
                url: args.url.clone(),
                key,
                secret,
            };
            let options = PostOptions {
                batch: args.batch as usize,
                concurrency: args.concurrency as usize,
                upload_outcomes: args.outcomes == OutcomesArg::Upload,
                progress,
                retry: Retry::default(),
            };
            post::post(&config, target, &options).await?
        }
    };
    let verb = if args.out.is_some() {
        "wrote"
    } else {
        "posted"
    };
    println!(
        "{verb} {} statements in {:.1} s ({:.0} statements/s)",
        summary.statements,
        summary.elapsed.as_secs_f64(),
        summary.per_second()
    );
    match summary.outcomes {
        OutcomeUpload::Skipped => {}
        OutcomeUpload::Uploaded(n) => println!("uploaded the outcomes of {n} enrolments"),
        OutcomeUpload::Unsupported => eprintln!(
            "warning: {}/analytics/outcomes answered 404 (this LRS has no outcomes endpoint yet): the outcomes were not uploaded",
            args.url.trim_end_matches('/')
        ),
    }
    Ok(())
}
