//! A TCP proxy in front of the test database that a test can cut and restore: the database
//! "goes down" for the LRS (every connection dropped, new ones refused) while the cluster
//! serves every other test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::postgres::PgConnectOptions;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixStream};
use tokio::sync::watch;

pub struct DbProxy {
    port: u16,
    down: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where the real database listens.
#[derive(Clone)]
enum Upstream {
    Socket(std::path::PathBuf),
    Tcp(String, u16),
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl Upstream {
    async fn connect(&self) -> std::io::Result<Box<dyn Stream>> {
        Ok(match self {
            Upstream::Socket(path) => Box::new(UnixStream::connect(path).await?),
            Upstream::Tcp(host, port) => {
                Box::new(TcpStream::connect((host.as_str(), *port)).await?)
            }
        })
    }
}

impl DbProxy {
    pub async fn start(options: &PgConnectOptions) -> DbProxy {
        let upstream = match options.get_socket() {
            Some(dir) => Upstream::Socket(dir.join(format!(".s.PGSQL.{}", options.get_port()))),
            None => Upstream::Tcp(options.get_host().to_owned(), options.get_port()),
        };
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("address").port();
        let down = Arc::new(AtomicBool::new(false));
        let (cuts, _) = watch::channel(0u64);
        let task = tokio::spawn(serve(listener, upstream, down.clone(), cuts.clone()));
        DbProxy {
            port,
            down,
            cuts,
            task,
        }
    }

    /// `options` (user, database) reached through the proxy.
    pub fn options(&self, options: &PgConnectOptions) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username(options.get_username())
            .database(options.get_database().unwrap_or("postgres"))
    }

    /// The database goes away: open connections are dropped, new ones refused.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// The database is back.
    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

async fn serve(
    listener: TcpListener,
    upstream: Upstream,
    down: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        if down.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let upstream = upstream.clone();
        let mut cut = cuts.subscribe();
        tokio::spawn(async move {
            let Ok(mut server) = upstream.connect().await else {
                return;
            };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = cut.changed() => {}
            }
        });
    }
}
