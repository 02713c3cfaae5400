//! Building and running the HTTP server.

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, ResponseError, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::net::TcpListener;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{Authenticator, credentials};
use crate::config::Config;
use crate::database::Database;
use crate::embedded::Ownership;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::{self, version};
use crate::service::statements::{Ingest, WriteGate};

/// A bound, not yet running, HTTP server.
pub struct Application {
    port: u16,
    server: Server,
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Binds `config.bind` (port 0 picks a free port, as the tests do) and builds the server
    /// over an open, migrated pool.
    pub async fn build(config: &Config, pool: PgPool) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&config.bind)
            .with_context(|| format!("binding {} (LRS_BIND)", config.bind))?;
        let port = listener.local_addr()?.port();
        let warmed = crate::store::warm_up(&pool)
            .await
            .context("warming the database connections")?;
        tracing::debug!(connections = warmed, "database connections warmed");
        let authenticator = Authenticator::new(pool.clone(), crate::config::cpus());
        // Background work gets connections of its own, so that it never waits for (or makes
        // requests wait for) the request pool. Named apart in `pg_stat_activity`, as the
        // statement writers are: the analytics' share of the database's work can be told from
        // the requests'.
        let background_pool = PgPoolOptions::new()
            .max_connections(4 + u32::try_from(config.analytics_workers).unwrap_or(1))
            .connect_lazy_with(
                (*pool.connect_options())
                    .clone()
                    .application_name(crate::database::BACKGROUND_APPLICATION),
            );
        let mut background = vec![authenticator.spawn_revocation_listener(background_pool.clone())];
        background.extend(crate::jobs::start_analytics(&background_pool, config));
        background.extend(crate::jobs::start_always(&background_pool, config));
        // Statements are written on connections of their own (see `writer_pool`): the group
        // writers', and a few for large batches (more than a few large transactions at once
        // only interleave on a small machine, as `WriteGate` explains).
        let statement_pool = crate::store::statements::writer_pool(
            &pool,
            u32::try_from(config.statement_writers() + 4).unwrap_or(u32::MAX),
        );
        let (group_commit, writers) = crate::store::statements::GroupCommit::start(
            statement_pool.clone(),
            config.statement_writers(),
        );
        background.extend(writers);
        let state = web::Data::new(AppState {
            pool,
            authenticator,
            max_body_bytes: config.max_body_bytes,
            body_timeout: std::time::Duration::from_secs(config.body_timeout_secs),
            max_document_bytes: config.max_document_bytes,
            authority_homepage: config.authority_homepage.clone(),
            version_memory: crate::http::state::version_memory(),
            ingest: Ingest {
                statement_pool,
                clock: Default::default(),
                write_gate: WriteGate::new(config.statements_in_flight()),
                group_commit,
            },
            analytics: config.analytics(),
            bootstrap_key: config.admin_key.clone(),
            dashboard_idle: crate::service::dashboard_sessions::Idle(
                std::time::Duration::from_secs(config.dashboard_idle_minutes * 60),
            ),
        });
        let limit = config.max_body_bytes;
        let openapi = http::openapi::openapi();
        let workers = config.workers.unwrap_or_else(crate::config::cpus);

        let addr = listener.local_addr()?;
        let shutdown_timeout = config.shutdown_timeout_secs;

        let app = move || {
            App::new()
                // Innermost: runs after the version check and the alternate syntax's rewrite,
                // before any handler reads a body.
                .wrap(from_fn(http::authenticate))
                .wrap(http::json_errors())
                .wrap(from_fn(version::require_version))
                .wrap(from_fn(http::alternate_syntax))
                // Outside the alternate syntax, which reads its form body itself.
                .wrap(from_fn(http::body_deadline))
                .wrap(from_fn(http::consistent_through))
                .wrap(http::cors())
                .wrap(from_fn(http::request_log))
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(limit))
                .app_data(
                    web::JsonConfig::default()
                        .limit(limit)
                        .error_handler(|e, _| json_error(e).into()),
                )
                // `/analytics/models/abc`: a malformed id is a bad request, not a missing model.
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|e, _| ApiError::bad_request(e.to_string()).into()),
                )
                .app_data(
                    web::QueryConfig::default()
                        .error_handler(|e, _| ApiError::bad_request(e.to_string()).into()),
                )
                .configure(http::routes)
                .into_app()
                .configure(crate::web::routes)
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi.clone()))
                .default_service(web::to(not_found))
        };
        let server = serve_http1(listener, addr, workers, shutdown_timeout, app)?;
        Ok(Application {
            port,
            server,
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server (and then its background tasks) from outside.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Runs until SIGINT/SIGTERM; in-flight requests get `LRS_SHUTDOWN_TIMEOUT_SECS` to finish.
    /// Background tasks (which hold pool connections) are stopped once the server has.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for task in self.background {
            task.abort();
            let _ = task.await;
        }
        result
    }
}

/// What `actix_web::HttpServer::listen` does, with one difference: connections are
/// [`Connection`](http::connection::Connection)s, so that the errors actix-http answers by
/// itself get the JSON body every other error has. The timeouts are `HttpServer`'s defaults.
fn serve_http1<F, T, B>(
    listener: TcpListener,
    addr: std::net::SocketAddr,
    workers: usize,
    shutdown_timeout: u64,
    app: F,
) -> std::io::Result<Server>
where
    F: Fn() -> App<T> + Send + Clone + 'static,
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    use actix_service::{ServiceFactoryExt, fn_service, map_config};
    use std::time::Duration;

    let builder = Server::build();
    let shutdown = builder.graceful_shutdown_signal();
    Ok(builder
        .workers(workers)
        .shutdown_timeout(shutdown_timeout)
        .listen("lrs-http", listener, move || {
            let shutdown = shutdown.clone();
            let http = actix_http::HttpService::build()
                .graceful_shutdown_signal(move || {
                    let shutdown = shutdown.clone();
                    async move { shutdown.notified().await }
                })
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(addr)
                .h1(map_config(
                    actix_service::IntoServiceFactory::into_factory(app()),
                    // Used only for a request without a Host header (HTTP/1.0), in URLs the
                    // LRS does not generate.
                    |_| actix_web::dev::AppConfig::default(),
                ));
            fn_service(|stream: tokio::net::TcpStream| async move {
                let peer = stream.peer_addr().ok();
                Ok::<_, actix_http::error::DispatchError>((
                    http::connection::Connection::new(stream),
                    peer,
                ))
            })
            .and_then(http)
        })?
        .run())
}

fn json_error(error: actix_web::error::JsonPayloadError) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match error {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => {
            ApiError::PayloadTooLarge(error.to_string())
        }
        E::ContentType => ApiError::UnsupportedMediaType("expected application/json".into()),
        other => ApiError::bad_request(format!("invalid JSON body: {other}")),
    }
}

/// Unmatched requests: 405 with the methods the path has when it exists under other methods,
/// else 404.
async fn not_found(req: HttpRequest) -> actix_web::HttpResponse {
    let Some(pattern) = req.match_pattern() else {
        return ApiError::NotFound(format!("no resource at {}", req.path())).error_response();
    };
    let mut response = ApiError::MethodNotAllowed(format!(
        "{} is not supported on {}",
        req.method(),
        req.path()
    ))
    .error_response();
    if let Some(allowed) = http::openapi::allowed_methods(&pattern) {
        response.headers_mut().insert(
            actix_web::http::header::ALLOW,
            actix_web::http::header::HeaderValue::from_static(allowed),
        );
    }
    response
}

/// `lrs serve`: open the database (starting the embedded cluster if needed), ensure the
/// bootstrap credential, serve until a signal, then stop everything in order.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config, Ownership::Exclusive, config.db_pool_min()).await?;
    let result = serve_with(&config, &database).await;
    database.close().await;
    result
}

async fn serve_with(config: &Config, database: &Database) -> anyhow::Result<()> {
    match (&config.admin_key, &config.admin_secret) {
        (Some(key), Some(secret)) => {
            credentials::ensure_bootstrap(
                &database.pool,
                key,
                secret.expose_secret(),
                &config.authority_homepage,
            )
            .await?;
        }
        (None, None) => {}
        _ => anyhow::bail!("set both LRS_ADMIN_KEY and LRS_ADMIN_SECRET, or neither"),
    }
    let application = Application::build(config, database.pool.clone()).await?;
    tracing::info!(
        bind = %config.bind,
        port = application.port(),
        "LRS listening: xAPI at /xapi, OpenAPI at /openapi.json, docs at /docs/"
    );
    application.run_until_stopped().await?;
    tracing::info!("HTTP server stopped");
    Ok(())
}
