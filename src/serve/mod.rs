//! `biopage serve`: build a site, serve it over HTTP, rebuild it when its
//! files change, and reload the browser by itself.
//!
//! The parts, in the order a change travels through them:
//!
//! - [`watch`] turns file-system events into batches of relevant
//!   changes; a dedicated thread ([`build_loop`]) waits for a burst to settle
//!   and rebuilds, once.
//! - [`Rebuilder`] builds with the ordinary pipeline into a fresh directory
//!   under a private temporary directory (never `public/`), injects the
//!   live-reload script into that copy only ([`inject`]), and publishes it
//!   as the new [`Status`] — or, if the build failed, keeps the last good
//!   build and publishes the error.
//! - The HTTP side (axum + tower-http's `ServeDir`) reads the current
//!   [`Status`] per request: files come from the current build, after
//!   [`paths`] has refused anything that could leave it; browsers hear of
//!   new builds and errors through Server-Sent Events ([`events`]).
//!
//! Each build gets its own directory, and the server switches to it only
//! when it is complete, so a request never sees a half-written site; the
//! previous build is kept until the next one, so a request that started
//! just before a switch still finds its file.

mod events;
pub mod hosts;
pub mod inject;
pub mod paths;
mod rebuild;
pub mod redirects;
pub mod watch;

use crate::diag::Failure;
use anyhow::{anyhow, Context as _, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rebuild::{build_loop, Rebuilder};
use std::future::IntoFuture;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch as tokio_watch;
use tower_http::services::{ServeDir, ServeFile};
use watch::{Msg, SiteWatcher};

/// The port `serve` tries first when none was asked for (Zola's, too).
pub const DEFAULT_PORT: u16 = 1111;

/// The path of the Server-Sent Events stream. Under a prefix no site can
/// use: `emit` writes only what a site names, and none names `__biopage/`.
pub const EVENTS_PATH: &str = "/__biopage/events";

/// How long open connections (browsers' event streams) get to close after
/// Ctrl-C before the server stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// What `biopage serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Config {
    pub dir: PathBuf,
    pub bind: IpAddr,
    /// `None`: [`DEFAULT_PORT`], or any free port if it is taken.
    pub port: Option<u16>,
    pub open: bool,
    /// Agency: the creator to preview (required for an agency).
    pub only: Option<String>,
}

/// What the server currently serves, published by the build thread.
#[derive(Debug, Clone)]
pub struct Status {
    /// Identifies the build being served; every page carries it, so that a
    /// browser that missed an event still learns that it is out of date.
    pub build: u64,
    /// The build's directory, canonical.
    pub root: Arc<Path>,
    /// Why the latest build failed, if it did (the last good one is served).
    pub error: Option<Arc<str>>,
}

/// Runs the server until Ctrl-C or SIGTERM; the temporary directory is
/// removed before returning.
pub fn run(cfg: &Config) -> Result<(), Failure> {
    let site = site_dir(&cfg.dir, cfg.only.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Signal handlers first: a SIGTERM that arrives while the first build
    // runs must still stop cleanly rather than kill the process.
    let mut signals = {
        let _enter = runtime.enter();
        Signals::new()?
    };
    let listener = listen(cfg.bind, cfg.port)?;
    let addr = listener
        .local_addr()
        .context("cannot read the address the server listens on")?;
    let url = url_for(addr);
    // An agency's creator lives at /<handle>/, as in the agency's output.
    let (base_url, page_url) = match &cfg.only {
        Some(handle) => (format!("{url}{{handle}}/"), format!("{url}{handle}/")),
        None => (url.clone(), url.clone()),
    };

    let tmp = temp_dir()?;
    let tmp_root = tmp
        .path()
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", tmp.path().display()))?;

    let (tx, rx) = mpsc::channel();
    // Watch before the first build, so that an edit made while it runs is
    // not lost; it just causes one more build.
    let creator = cfg.only.as_ref().map(|h| site.join("creators").join(h));
    let watcher = SiteWatcher::new(&site, creator, tx.clone())?;
    let (mut rebuilder, status_rx) = Rebuilder::new(&site, cfg.only.clone(), &tmp_root, &base_url)?;
    let first = rebuilder.rebuild(None);
    let builder = std::thread::Builder::new()
        .name("biopage-build".into())
        .spawn(move || build_loop(rebuilder, watcher, rx))
        .context("cannot start the build thread")?;

    println!("{page_url}");
    let what = match &cfg.only {
        Some(h) => format!("{} of {}", h, site.display()),
        None => site.display().to_string(),
    };
    eprintln!(
        // the address itself is the line above, on stdout (once)
        "serving {what} there ({}); watching for changes, Ctrl-C to stop",
        if first {
            "built"
        } else {
            "not built yet: fix the errors above"
        }
    );
    if addr.ip().is_unspecified() {
        eprintln!(
            "note: listening on every interface: other devices can open this machine's address on port {}; absolute links (canonical, sitemap, QR code) still name {url}",
            addr.port()
        );
    }
    if cfg.open {
        open_browser(&page_url);
    }

    let (shutdown_tx, shutdown_rx) = tokio_watch::channel(false);
    let app = App {
        status: status_rx,
        shutdown: shutdown_rx,
    };
    let served = runtime.block_on(serve(listener, app, shutdown_tx, async move {
        signals.recv().await
    }));

    // Stop the build thread before removing its directory, so that no build
    // writes into a directory being deleted.
    let _ = tx.send(Msg::Stop);
    if builder.join().is_err() {
        eprintln!("warning: the build thread stopped abnormally");
    }
    runtime.shutdown_timeout(Duration::from_millis(200));
    let removed = tmp.close().with_context(|| {
        format!(
            "cannot remove the temporary directory {}",
            tmp_root.display()
        )
    });
    served?;
    removed?;
    eprintln!("stopped");
    Ok(())
}

/// Creates the directory the preview is built in. A build writes some fifty
/// files and renames directories; on a disk busy with other work (a `cargo
/// build` next door) that alone can take longer than everything else in a
/// rebuild, so a memory-backed directory is preferred: `$XDG_RUNTIME_DIR`
/// (per user, tmpfs on systemd systems), then `/dev/shm` on Linux, then the
/// system's temporary directory. An explicit `$TMPDIR` wins over all.
fn temp_dir() -> Result<tempfile::TempDir> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if std::env::var_os("TMPDIR").is_none() {
        candidates.extend(std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from));
        if cfg!(target_os = "linux") {
            candidates.push(PathBuf::from("/dev/shm"));
        }
    }
    let builder = || {
        let mut b = tempfile::Builder::new();
        b.prefix("biopage-serve-");
        b
    };
    for parent in candidates.iter().filter(|p| p.is_absolute() && p.is_dir()) {
        if let Ok(dir) = builder().tempdir_in(parent) {
            return Ok(dir);
        }
    }
    let parent = std::env::temp_dir();
    builder().tempdir_in(&parent).with_context(|| {
        format!(
            "cannot create a temporary directory for the preview in {}",
            parent.display()
        )
    })
}

/// The site directory, canonical: some watchers (FSEvents) report canonical
/// paths, and they must match the paths the build names in its errors. An
/// agency is previewed one creator at a time (`only`), so that a save
/// rebuilds one page rather than every creator.
fn site_dir(dir: &Path, only: Option<&str>) -> Result<PathBuf, Failure> {
    let shown = dir.display();
    if !dir.is_dir() {
        return Err(Failure::usage(
            format!("{shown} is not a directory"),
            format!("give the site directory (the one with profile.toml), or create one with `biopage init {shown}`"),
        ));
    }
    let agency = crate::agency::is_agency(dir) && !dir.join("profile.toml").is_file();
    match (agency, only) {
        (true, None) => {
            let first = crate::agency::list(dir)
                .ok()
                .and_then(|(all, _)| all.into_iter().next())
                .map(|c| c.handle)
                .unwrap_or_else(|| "HANDLE".into());
            return Err(Failure::usage(
                format!("{shown} is an agency; serve previews one of its creators"),
                format!(
                    "add --only {first}: it is built with agency.toml's defaults, at /{first}/"
                ),
            ));
        }
        (true, Some(handle)) => {
            // build's check of --only, reported as a usage error (exit 2)
            let found = crate::agency::list(dir).and_then(|(all, broken)| {
                let handles: Vec<&str> = all
                    .iter()
                    .map(|c| c.handle.as_str())
                    .chain(broken.iter().map(|(h, _)| h.as_str()))
                    .collect();
                crate::agency::find_only(dir, handle, &handles)
            });
            match found {
                Ok(()) => {}
                Err(Failure::Input(d)) => {
                    let mut d = d.0.into_iter().next().unwrap_or_else(|| {
                        crate::diag::Diagnostic::error(format!("no creator \"{handle}\""))
                    });
                    d.message = format!("{shown}: {}", d.message);
                    return Err(Failure::Usage(Box::new(d)));
                }
                Err(other) => return Err(other),
            }
        }
        (false, Some(_)) => {
            return Err(Failure::usage(
                format!("--only is for agencies; {shown} is a single site"),
                "leave --only out (an agency is a directory with agency.toml and creators/)",
            ))
        }
        (false, None) => {
            if !dir.join("profile.toml").is_file() {
                return Err(Failure::usage(
                    format!("{shown} has no profile.toml"),
                    format!("give the site directory, or create one with `biopage init {shown}`"),
                ));
            }
        }
    }
    Ok(dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {shown}"))?)
}

/// Opens the listening socket. A port that was asked for must be honoured
/// (a preview silently moved to another port is easy to miss); the default
/// one gives way to any free port.
fn listen(ip: IpAddr, port: Option<u16>) -> Result<TcpListener> {
    let want = SocketAddr::new(ip, port.unwrap_or(DEFAULT_PORT));
    match (TcpListener::bind(want), port) {
        (Ok(l), _) => Ok(l),
        (Err(e), None) if e.kind() == ErrorKind::AddrInUse => {
            let any = SocketAddr::new(ip, 0);
            let l = TcpListener::bind(any).with_context(|| format!("cannot listen on {any}"))?;
            eprintln!("note: port {DEFAULT_PORT} is in use; using a free port instead");
            Ok(l)
        }
        (Err(e), Some(_)) if e.kind() == ErrorKind::AddrInUse => Err(anyhow!(
            "cannot listen on {want}: the port is already in use (perhaps by another `biopage serve`); choose another with --port, or --port 0 for any free port"
        )),
        (Err(e), _) => Err(e).with_context(|| format!("cannot listen on {want}")),
    }
}

/// The URL a browser on this machine should use: an unspecified address
/// (0.0.0.0, ::) is not one a browser can connect to.
fn url_for(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            format!("http://{}:{}/", Ipv4Addr::LOCALHOST, addr.port())
        }
        IpAddr::V4(ip) => format!("http://{ip}:{}/", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("http://[{}]:{}/", Ipv6Addr::LOCALHOST, addr.port())
        }
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    }
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reap it, so that it does not linger as a zombie while we serve.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: cannot open a browser ({e}); open {url} yourself"),
    }
}

/// SIGINT (Ctrl-C) and, on Unix, SIGTERM (sent by `kill`, systemd, docker).
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers now (needs the runtime entered).
    fn new() -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                int: signal(SignalKind::interrupt()).context("cannot handle SIGINT")?,
                term: signal(SignalKind::terminate()).context("cannot handle SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

// ---------------------------------------------------------------------------
// Building

#[derive(Clone)]
struct App {
    status: tokio_watch::Receiver<Status>,
    shutdown: tokio_watch::Receiver<bool>,
}

async fn serve(
    listener: TcpListener,
    app: App,
    shutdown_tx: tokio_watch::Sender<bool>,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    listener
        .set_nonblocking(true)
        .context("cannot configure the listening socket")?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .context("cannot configure the listening socket")?;
    let mut stopping = app.shutdown.clone();
    let router = Router::new().fallback(handle).with_state(app);
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            signal.await;
            // Ends every event stream, so that their connections can close.
            let _ = shutdown_tx.send(true);
        })
        .into_future();
    tokio::select! {
        r = server => r.context("the server failed")?,
        _ = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => eprintln!("note: some connections did not close in time"),
    }
    Ok(())
}

/// Every request: one place that decides what is allowed, before anything
/// touches the file system.
async fn handle(State(app): State<App>, req: Request) -> Response {
    let segments = match paths::segments(req.uri()) {
        Ok(s) => s,
        Err(paths::Refusal::BadRequest) => return plain(StatusCode::BAD_REQUEST, "bad request"),
        Err(paths::Refusal::NotFound) => return plain(StatusCode::NOT_FOUND, "not found"),
        Err(paths::Refusal::TooLong) => {
            return plain(StatusCode::URI_TOO_LONG, "the address is too long")
        }
    };
    if !hosts::allowed(req.headers().get(header::HOST)) {
        return plain(
            StatusCode::FORBIDDEN,
            "this preview answers only to an IP address or localhost in the Host header",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are allowed",
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    if req.uri().path() == EVENTS_PATH {
        return events::response(&app, req.uri().query());
    }
    if segments.first().map(String::as_str) == Some("__biopage") {
        return plain(StatusCode::NOT_FOUND, "not found");
    }
    let root = app.status.borrow().root.clone();
    // A few syscalls; not worth a trip to the blocking pool on a preview server.
    if !paths::contained(&root, &segments) {
        return plain(StatusCode::NOT_FOUND, "not found");
    }
    let path = req.uri().path().to_string();
    // the canonical form of the path, for redirects: one leading slash
    // (`//go` must not answer `Location: //go/`, another host to a browser)
    let canonical = format!("/{}", segments.join("/"));
    let mut files = ServeDir::new(&*root).not_found_service(ServeFile::new(root.join("404.html")));
    let mut res = match files.try_call(req).await {
        Ok(res) => res.map(Body::new),
        Err(e) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot read the file: {e}"),
            )
        }
    };
    // No file: a rule of the build's `_redirects` may answer, as the host's
    // would (short links of `go_pages = false` live only there).
    if res.status() == StatusCode::NOT_FOUND {
        if let Some(to) = fs_err::read_to_string(root.join("_redirects"))
            .ok()
            .and_then(|rules| redirects::lookup(&rules, &path))
        {
            res = to;
        }
    }
    if res.status().is_redirection() {
        let off_site = res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_none_or(|l| l.starts_with("//") || l.starts_with("/\\"));
        if off_site {
            let to = format!("{}/", canonical.trim_end_matches('/'));
            match HeaderValue::from_str(&to) {
                Ok(v) => {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                Err(_) => return plain(StatusCode::NOT_FOUND, "not found"),
            }
        }
    }
    // Always revalidate: the whole point of a preview is to show the latest build.
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, format!("{text}\n")).into_response()
}
