//! The `lrs` command line.

mod verify;

use std::process::ExitCode;

use clap::{Args, FromArgMatches, Parser, Subcommand};

use crate::auth::credentials::{self, CredentialSpec};
use crate::auth::{Scope, Scopes};
use crate::config::Config;
use crate::database::Database;
use crate::embedded::Ownership;
use crate::{startup, store, telemetry};

/// An xAPI 1.0.3 / 2.0.0 Learning Record Store with built-in learning analytics.
///
/// With no DATABASE_URL, the LRS runs its own PostgreSQL cluster in LRS_DATA_DIR/pg, using the
/// PostgreSQL server binaries installed on this machine.
#[derive(Debug, Parser)]
#[command(name = "lrs", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the LRS HTTP server (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Create, list and revoke credentials.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
    /// Analytics maintenance.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
    /// Erase everything held about a person (statements naming them, their documents and
    /// analytics), as `POST /admin/erasures` does; prints what was deleted as JSON.
    Erase {
        /// The person: an Agent as JSON, e.g. '{"mbox": "mailto:ann@example.org"}'.
        #[arg(long)]
        agent: String,
        /// Count what would be deleted, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnalyticsCommand {
    /// Recompute every metric from the statements (after changing the analytics rules).
    Rebuild,
    /// Check that every stored statement that belongs to a course reached its metrics; exits
    /// with an error when some did not (their seqs are listed).
    Verify {
        /// Put the statements found missing back on the queue and apply them.
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Create a credential and print its key and secret (the secret is shown only once).
    Create(CreateArgs),
    /// List credentials (never their secrets).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a credential: it stops working at once on every LRS process.
    Revoke {
        /// The credential's key.
        key: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A name saying who or what uses the credential (e.g. "Moodle production").
    #[arg(long)]
    pub name: String,
    /// Scopes to grant; repeat or comma-separate. The default is the xAPI default for a
    /// learning tool: statements/write and statements/read/mine.
    #[arg(long = "scope", value_delimiter = ',', default_values = ["statements/write", "statements/read/mine"])]
    pub scopes: Vec<Scope>,
    /// Use this key instead of a generated one.
    #[arg(long)]
    pub key: Option<String>,
    /// Use this secret instead of a generated one (prefer generated secrets).
    #[arg(long, env = "LRS_NEW_CREDENTIAL_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command that `matches` (from [`Cli::command`]) names.
pub fn run(matches: &clap::ArgMatches) -> ExitCode {
    let cli = Cli::from_arg_matches(matches).unwrap_or_else(|e| e.exit());
    let config = cli.config.clone();
    execute(&config, dispatch(cli))
}

/// The server settings of a command line, for a command added to it outside this library
/// (`lrs simulate`, in `src/main.rs`).
pub fn config(matches: &clap::ArgMatches) -> Config {
    Config::from_arg_matches(matches).unwrap_or_else(|e| e.exit())
}

/// Runs a command on a new runtime, with the configured logging; its error is printed.
pub fn execute(config: &Config, command: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    telemetry::init(&config.log, config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::Openapi => {
            print!("{}", crate::http::openapi::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let database = Database::open(&config, Ownership::AttachIfRunning, 0).await?;
            let result = store::migrate(&database.pool).await;
            database.close().await;
            result.map(|()| println!("database schema is up to date"))
        }
        Command::Analytics(AnalyticsCommand::Rebuild) => {
            let database = Database::open(&config, Ownership::AttachIfRunning, 0).await?;
            let started = std::time::Instant::now();
            let result =
                crate::service::analytics::rebuild::rebuild(&database.pool, &config.analytics())
                    .await;
            database.close().await;
            let applied = result?;
            println!(
                "analytics rebuilt from {applied} statements in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Analytics(AnalyticsCommand::Verify { repair }) => {
            let database = Database::open(&config, Ownership::AttachIfRunning, 0).await?;
            let result = verify::run(&database.pool, &config, repair).await;
            database.close().await;
            result
        }
        Command::Erase { agent, dry_run } => {
            let agent: serde_json::Value = serde_json::from_str(&agent)
                .map_err(|e| anyhow::anyhow!("--agent is not valid JSON: {e}"))?;
            crate::service::erasure::check_person(&agent)
                .map_err(|e| anyhow::anyhow!("--agent: {}: {}", e.path, e.message))?;
            let database = Database::open(&config, Ownership::AttachIfRunning, 0).await?;
            let result = crate::service::erasure::erase(
                &database.pool,
                &agent,
                &config.analytics(),
                dry_run,
            )
            .await;
            database.close().await;
            println!("{}", serde_json::to_string_pretty(&result?)?);
            Ok(())
        }
        Command::Credentials(command) => {
            let database = Database::open(&config, Ownership::AttachIfRunning, 0).await?;
            let result = run_credentials(&config, &database, command).await;
            database.close().await;
            result
        }
    }
}

async fn run_credentials(
    config: &Config,
    database: &Database,
    command: CredentialsCommand,
) -> anyhow::Result<()> {
    let pool = &database.pool;
    match command {
        CredentialsCommand::Create(args) => {
            let issued = credentials::create(
                pool,
                CredentialSpec {
                    name: args.name,
                    scopes: Scopes::new(args.scopes),
                    key: args.key,
                    secret: args.secret,
                },
                &config.authority_homepage,
            )
            .await?;
            if args.json {
                let out = serde_json::json!({
                    "key": issued.info.key,
                    "secret": issued.secret,
                    "name": issued.info.name,
                    "scopes": issued.info.scopes,
                });
                println!("{out}");
            } else {
                println!("key:    {}", issued.info.key);
                println!("secret: {}", issued.secret);
                println!("scopes: {}", issued.info.scopes.join(", "));
                println!("Store the secret now: it is not kept and cannot be shown again.");
            }
        }
        CredentialsCommand::List { json } => {
            let rows = store::credentials::list(pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<24} {:<28} {:<12} scopes", "key", "name", "status");
                for row in rows {
                    let status = if row.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<24} {:<28} {:<12} {}",
                        row.key,
                        row.name,
                        status,
                        row.scopes.join(",")
                    );
                }
            }
        }
        CredentialsCommand::Revoke { key } => {
            if store::credentials::revoke(pool, &key).await? {
                println!("revoked {key}");
            } else {
                anyhow::bail!("no active credential with key '{key}'");
            }
        }
    }
    Ok(())
}
