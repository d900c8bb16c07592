//! `biopage serve`: build a site, serve it over HTTP, rebuild it when its
//! files change, and reload the browser by itself.
//!
//! The parts, in the order a change travels through them:
//!
//! - [`crate::watch`] turns file-system events into batches of relevant
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

use crate::diag::Failure;
use crate::watch::{self, Msg, SiteWatcher};
use anyhow::{anyhow, Context as _, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::VecDeque;
use std::future::IntoFuture;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch as tokio_watch;
use tower_http::services::{ServeDir, ServeFile};

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

/// Builds the site into successive directories of the temporary directory
/// and publishes each result.
struct Rebuilder {
    site: PathBuf,
    /// Agency: the one creator built.
    only: Option<String>,
    tmp: PathBuf,
    base_url: String,
    /// Build ids start from the clock, so that a browser left open across a
    /// restart of `serve` sees a different id and reloads.
    first_id: u64,
    count: u64,
    /// Directories of builds still on disk: the current one and the one before.
    kept: VecDeque<PathBuf>,
    status: tokio_watch::Sender<Status>,
}

impl Rebuilder {
    /// Starts with a placeholder page, served until a build succeeds.
    fn new(
        site: &Path,
        only: Option<String>,
        tmp: &Path,
        base_url: &str,
    ) -> Result<(Rebuilder, tokio_watch::Receiver<Status>)> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let first_id = (millis % 1_000_000_000_000) * 1_000;
        let placeholder = tmp.join("build-0");
        std::fs::create_dir(&placeholder)
            .with_context(|| format!("cannot create {}", placeholder.display()))?;
        let page = inject::page(inject::PLACEHOLDER, first_id);
        for name in ["index.html", "404.html"] {
            let p = placeholder.join(name);
            std::fs::write(&p, &page).with_context(|| format!("cannot write {}", p.display()))?;
        }
        let (status, rx) = tokio_watch::channel(Status {
            build: first_id,
            root: Arc::from(placeholder.as_path()),
            error: None,
        });
        let rb = Rebuilder {
            site: site.to_path_buf(),
            only,
            tmp: tmp.to_path_buf(),
            base_url: base_url.to_string(),
            first_id,
            count: 0,
            kept: VecDeque::from([placeholder]),
            status,
        };
        Ok((rb, rx))
    }

    /// Builds once and publishes the outcome; prints it on stderr. Returns
    /// whether the build succeeded.
    fn rebuild(&mut self, why: Option<&str>) -> bool {
        let started = Instant::now();
        self.count += 1;
        let id = self.first_id + self.count;
        let out = self.tmp.join(format!("build-{}", self.count));
        let opts = crate::build::Options {
            out: out.clone(),
            resolve: crate::resolve::Options {
                now: crate::build::now(),
                base_url: Some(self.base_url.clone()),
            },
            image_cache: Some(self.tmp.join("images")),
            only: self.only.clone(),
            ..Default::default()
        };
        let built = crate::build::build(&self.site, &opts).and_then(|summary| {
            inject::dir(&out, id)?;
            Ok(summary)
        });
        let why = why.map(|w| format!("{w} changed; ")).unwrap_or_default();
        match built {
            Ok(summary) => {
                self.status.send_replace(Status {
                    build: id,
                    root: Arc::from(out.as_path()),
                    error: None,
                });
                let elapsed = started.elapsed();
                for w in summary.warnings.iter() {
                    eprint!("{w}");
                }
                eprintln!(
                    "{why}built {} in {} ms",
                    crate::text::plural(summary.pages, "page"),
                    elapsed.as_millis()
                );
                // After publishing: a slow disk delays the next build, not this one.
                self.kept.push_back(out);
                while self.kept.len() > 2 {
                    if let Some(old) = self.kept.pop_front() {
                        if let Err(e) = std::fs::remove_dir_all(&old) {
                            eprintln!("warning: cannot remove {}: {e}", old.display());
                        }
                        // an agency build's record, key and lock, beside its output
                        let _ = std::fs::remove_file(crate::incremental::cache_path(&old));
                        let _ = std::fs::remove_file(crate::incremental::key_path(&old));
                        let _ = std::fs::remove_file(crate::emit::beside(&old, "biopage-lock"));
                    }
                }
                true
            }
            Err(failure) => {
                let text = describe_failure(failure);
                eprint!("{text}");
                eprintln!("{why}the build failed; still serving the last good page\n");
                // Whatever a failed injection left behind is not served.
                if out.exists() {
                    let _ = std::fs::remove_dir_all(&out);
                }
                self.status.send_modify(|s| s.error = Some(Arc::from(text)));
                false
            }
        }
    }
}

/// A failure as the terminal shows it, rustc style, which is also what the
/// browser overlay shows.
fn describe_failure(failure: Failure) -> String {
    match failure {
        Failure::Input(diags) => {
            let diags = diags.sorted();
            let mut text = String::new();
            for d in diags.iter() {
                text.push_str(&d.to_string());
                text.push('\n');
            }
            let n = diags.error_count();
            text.push_str(&format!(
                "error: the build failed with {n} error{}\n",
                if n == 1 { "" } else { "s" }
            ));
            text
        }
        Failure::Environment(e) => {
            format!("error: {}\n", crate::diag::terminal_safe(&format!("{e:#}")))
        }
        Failure::Reported => "error: the build failed\n".to_string(),
        Failure::Usage(d) => d.to_string(),
    }
}

/// The build thread: one rebuild per settled batch of relevant changes
/// (unless the latest build already saw them), until told to stop.
fn build_loop(mut rebuilder: Rebuilder, mut watcher: SiteWatcher, rx: mpsc::Receiver<Msg>) {
    let root = watcher.root().to_path_buf();
    let mut seen = watch::Seen::default();
    while let Some(batch) = watch::next_batch(&root, &rx) {
        if let Err(e) = watcher.refresh(&batch) {
            eprintln!("warning: {}", crate::diag::terminal_safe(&format!("{e:#}")));
        }
        if !seen.changed(&batch) {
            continue;
        }
        seen.record(&batch);
        rebuilder.rebuild(Some(&batch.describe(&root)));
    }
}

// ---------------------------------------------------------------------------
// Serving

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
        if let Some(to) = std::fs::read_to_string(root.join("_redirects"))
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

/// Which `Host` headers the preview answers. A web page the creator opens
/// elsewhere could otherwise point a name of its own at 127.0.0.1 (DNS
/// rebinding) and read the preview from its origin; that trick needs a
/// name, so only IP literals and `localhost` are let through, as Vite and
/// webpack's dev servers do. Phones on `--bind 0.0.0.0` use the machine's
/// IP address and are unaffected.
pub mod hosts {
    use axum::http::HeaderValue;
    use std::net::IpAddr;

    pub fn allowed(host: Option<&HeaderValue>) -> bool {
        // HTTP/1.0 clients may send none; browsers always do
        let Some(host) = host else { return true };
        let Ok(host) = host.to_str() else {
            return false;
        };
        let name = match host.strip_prefix('[') {
            // [v6]:port
            Some(rest) => match rest.split_once(']') {
                Some((ip, port)) if port.is_empty() || port.starts_with(':') => ip,
                _ => return false,
            },
            None => host.rsplit_once(':').map_or(host, |(name, _)| name),
        };
        name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
    }

    #[cfg(test)]
    mod tests {
        use super::allowed;
        use axum::http::HeaderValue;

        fn ok(host: &str) -> bool {
            allowed(Some(&HeaderValue::from_str(host).unwrap()))
        }

        #[test]
        fn ip_literals_and_localhost_pass() {
            for h in [
                "127.0.0.1",
                "127.0.0.1:1111",
                "localhost:1111",
                "LOCALHOST",
                "[::1]:80",
                "[::1]",
                "192.168.1.20:1111",
            ] {
                assert!(ok(h), "{h}");
            }
            assert!(allowed(None));
        }

        #[test]
        fn names_are_refused() {
            for h in [
                "evil.example",
                "evil.example:1111",
                "localhost.evil.example",
                "127.0.0.1.nip.io:80",
                "[::1",
                "[::1]x",
                "",
            ] {
                assert!(!ok(h), "{h}");
            }
        }
    }
}

/// The rules of a build's `_redirects` that a static host would apply, so
/// that short links answer in the preview with `go_pages = false` too.
/// Only what biopage writes is understood: an exact path, a destination and
/// a 3xx status (Netlify's default, 301, when none is given); rewrites,
/// placeholders and splats are left alone, and a destination must be an
/// http(s) URL or a path of this site.
pub mod redirects {
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse as _, Response};

    /// The redirect `rules` give for the request path `path`, if any.
    pub fn lookup(rules: &str, path: &str) -> Option<Response> {
        let (status, to) = rule(rules, path)?;
        let location = HeaderValue::from_str(to).ok()?;
        let status = StatusCode::from_u16(status).ok()?;
        Some((status, [(header::LOCATION, location)], format!("{to}\n")).into_response())
    }

    /// The status and destination of the first rule for `path`. A rule
    /// for `/go/x/` also answers `/go/x`, as hosts normalise the slash.
    pub fn rule<'a>(rules: &'a str, path: &str) -> Option<(u16, &'a str)> {
        rules.lines().find_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let mut fields = line.split_whitespace();
            let (from, to) = (fields.next()?, fields.next()?);
            let status = match fields.next() {
                Some(s) => s.trim_end_matches('!').parse().ok()?,
                None => 301,
            };
            let same =
                from.trim_end_matches('/') == path.trim_end_matches('/') && from.starts_with('/');
            (same && (300..400).contains(&status) && safe(to)).then_some((status, to))
        })
    }

    fn safe(to: &str) -> bool {
        to.starts_with("https://")
            || to.starts_with("http://")
            || (to.starts_with('/') && !to.starts_with("//"))
    }

    #[cfg(test)]
    mod tests {
        use super::rule;

        const RULES: &str = "# biopage short links\n\
            /go/serum/ https://shop.example/p?a=1&utm_source=bio 302\n\
            /go/old/ /go/serum/\n\
            /go/forced/ https://x.example/ 301!\n\
            /go/rewrite/ /index.html 200\n\
            /go/evil/ javascript:alert(1) 302\n\
            /go/far/ //evil.example/ 302\n\
            /go/short/\n";

        #[test]
        fn exact_paths_with_or_without_the_slash() {
            assert_eq!(
                rule(RULES, "/go/serum/"),
                Some((302, "https://shop.example/p?a=1&utm_source=bio"))
            );
            assert_eq!(rule(RULES, "/go/serum").map(|r| r.0), Some(302));
            assert_eq!(rule(RULES, "/go/seru"), None);
            assert_eq!(rule(RULES, "/go/serum/x"), None);
            assert_eq!(rule(RULES, "/"), None);
        }

        #[test]
        fn status_defaults_to_301_and_force_marks_are_read() {
            assert_eq!(rule(RULES, "/go/old/"), Some((301, "/go/serum/")));
            assert_eq!(
                rule(RULES, "/go/forced/"),
                Some((301, "https://x.example/"))
            );
        }

        #[test]
        fn rewrites_unsafe_destinations_and_short_lines_are_ignored() {
            for path in [
                "/go/rewrite/",
                "/go/evil/",
                "/go/far/",
                "/go/short/",
                "# biopage",
            ] {
                assert_eq!(rule(RULES, path), None, "{path}");
            }
        }
    }
}

/// Which request targets may reach the file system.
///
/// `ServeDir` already refuses `..`, but a preview server is often exposed
/// (`--bind 0.0.0.0` on a café's Wi-Fi), so the rules are spelled out and
/// tested here, and applied before `ServeDir` sees the request: one percent-
/// decoding pass, no encoded separators (they would let one segment become
/// several after decoding), no dot segments, no control characters, no
/// absolute-form targets, and no symlink out of the build directory.
pub mod paths {
    use axum::http::Uri;
    use std::path::{Component, Path};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Refusal {
        /// Malformed or deliberately ambiguous: 400.
        BadRequest,
        /// Well-formed, but outside what is served: 404.
        NotFound,
        /// Longer than any path the build writes: 414.
        TooLong,
    }

    /// The longest request path served, and the longest segment (no file
    /// system takes a longer name; asking it would be an error, not a 404).
    pub const MAX_PATH: usize = 2048;
    pub const MAX_SEGMENT: usize = 255;

    /// The decoded path segments of a request target, or why it is refused.
    pub fn segments(uri: &Uri) -> Result<Vec<String>, Refusal> {
        // `GET http://evil/ HTTP/1.1`: proxies' absolute form. A preview
        // server is nobody's proxy.
        if uri.scheme().is_some() || uri.authority().is_some() {
            return Err(Refusal::BadRequest);
        }
        let raw = uri.path();
        if raw.len() > MAX_PATH {
            return Err(Refusal::TooLong);
        }
        if !raw.starts_with('/') || raw.contains('\\') {
            return Err(Refusal::BadRequest);
        }
        let decoded = String::from_utf8(decode(raw)?).map_err(|_| Refusal::BadRequest)?;
        let mut out = Vec::new();
        for seg in decoded.split('/') {
            match seg {
                "" => {}
                "." | ".." => return Err(Refusal::NotFound),
                s if s.len() > MAX_SEGMENT => return Err(Refusal::NotFound),
                s if s.chars().any(char::is_control) => return Err(Refusal::BadRequest),
                // e.g. `C:` on Windows
                s if !Path::new(s)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))) =>
                {
                    return Err(Refusal::NotFound)
                }
                s => out.push(s.to_string()),
            }
        }
        Ok(out)
    }

    /// Percent-decodes once, refusing encodings of `/`, `\` and NUL and
    /// malformed escapes.
    fn decode(raw: &str) -> Result<Vec<u8>, Refusal> {
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = bytes.get(i + 1..i + 3).ok_or(Refusal::BadRequest)?;
                let hex = std::str::from_utf8(hex).map_err(|_| Refusal::BadRequest)?;
                let b = u8::from_str_radix(hex, 16).map_err(|_| Refusal::BadRequest)?;
                if matches!(b, b'/' | b'\\' | 0) {
                    return Err(Refusal::BadRequest);
                }
                out.push(b);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        Ok(out)
    }

    /// Whether the file these segments name (or the `index.html` of the
    /// directory they name) really lies inside `root` once symlinks are
    /// followed. Names that do not exist pass: they get the 404 page.
    /// `root` must be canonical.
    pub fn contained(root: &Path, segments: &[String]) -> bool {
        let mut path = root.to_path_buf();
        path.extend(segments);
        let index = path.join("index.html");
        [path, index]
            .iter()
            .all(|p| match std::fs::symlink_metadata(p) {
                Ok(_) => p.canonicalize().is_ok_and(|real| real.starts_with(root)),
                Err(_) => true,
            })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn seg(target: &str) -> Result<Vec<String>, Refusal> {
            segments(&target.parse::<Uri>().unwrap())
        }

        #[test]
        fn ordinary_paths_decode_to_segments() {
            let table: &[(&str, &[&str])] = &[
                ("/", &[]),
                ("/index.html", &["index.html"]),
                ("/tiktok/", &["tiktok"]),
                ("/go/serum-b5/", &["go", "serum-b5"]),
                ("//assets//a.jpg", &["assets", "a.jpg"]),
                ("/%E1%BA%A3nh.jpg", &["ảnh.jpg"]),
                ("/a%20b.txt?x=1", &["a b.txt"]),
                (
                    "/.well-known/security.txt",
                    &[".well-known", "security.txt"],
                ),
                ("/...", &["..."]),
            ];
            for (target, want) in table {
                let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
                assert_eq!(seg(target), Ok(want), "{target}");
            }
        }

        #[test]
        fn escapes_are_refused() {
            use Refusal::*;
            let table: &[(&str, Refusal)] = &[
                ("/../etc/passwd", NotFound),
                ("/a/../../etc/passwd", NotFound),
                ("/./index.html", NotFound),
                ("/%2e%2e/%2e%2e/etc/passwd", NotFound),
                ("/%2E%2E/x", NotFound),
                ("/.%2e/x", NotFound),
                ("/..%2fetc%2fpasswd", BadRequest),
                ("/..%2Fetc", BadRequest),
                ("/..%5c..%5cwindows", BadRequest),
                ("/index.html%00.jpg", BadRequest),
                ("/%00", BadRequest),
                ("/%0a", BadRequest),
                ("/%zz", BadRequest),
                ("/%4", BadRequest),
                ("/%ff", BadRequest),
                ("http://evil.example/", BadRequest),
                ("http://127.0.0.1:1111/index.html", BadRequest),
                ("*", BadRequest),
            ];
            for (target, want) in table {
                assert_eq!(seg(target), Err(*want), "{target}");
            }
        }

        #[cfg(unix)]
        #[test]
        fn symlinks_out_of_the_root_are_not_contained() {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret"), "s").unwrap();
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().canonicalize().unwrap();
            std::fs::write(root.join("index.html"), "ok").unwrap();
            std::fs::create_dir(root.join("sub")).unwrap();
            std::fs::write(root.join("sub/index.html"), "ok").unwrap();
            let link = |target: &Path, name: &str| {
                std::os::unix::fs::symlink(target, root.join(name)).unwrap()
            };
            link(&outside.path().join("secret"), "leak");
            link(outside.path(), "outdir");
            link(&root.join("index.html"), "inside");
            link(&root.join("missing"), "dangling");
            std::fs::create_dir(root.join("d")).unwrap();
            std::os::unix::fs::symlink(outside.path().join("secret"), root.join("d/index.html"))
                .unwrap();
            let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            assert!(contained(&root, &s(&[])));
            assert!(contained(&root, &s(&["sub"])));
            assert!(contained(&root, &s(&["inside"])));
            assert!(contained(&root, &s(&["nothing-here"])));
            assert!(!contained(&root, &s(&["leak"])));
            assert!(!contained(&root, &s(&["outdir", "secret"])));
            assert!(!contained(&root, &s(&["outdir"])));
            assert!(!contained(&root, &s(&["dangling"])));
            assert!(!contained(&root, &s(&["d"])));
        }
    }
}

/// The live-reload script and its insertion into built pages.
///
/// Built pages forbid scripts through their Content-Security-Policy meta
/// tag; the served copy allows exactly this script, by hash, and event
/// streams from its own origin. The page the user publishes is untouched.
pub mod inject {
    use anyhow::{Context as _, Result};
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    use std::path::Path;
    use std::sync::LazyLock;

    /// Listens for build events; reloads on a new build, shows errors in an
    /// overlay. Text goes in with `textContent` only: error messages quote
    /// the user's files, which may hold markup.
    pub const SCRIPT: &str = r##"(function () {
  "use strict";
  var me = document.currentScript;
  var build = (me && me.getAttribute("data-biopage-build")) || "";
  var box = null, text = null;
  var events = new EventSource("/__biopage/events?build=" + encodeURIComponent(build));
  events.addEventListener("reload", function () {
    events.close();
    location.reload();
  });
  events.addEventListener("build-error", function (e) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.title = "Click to hide";
      var s = box.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.top = "0"; s.maxHeight = "100%";
      s.overflow = "auto"; s.zIndex = "2147483647"; s.boxSizing = "border-box";
      s.padding = "16px"; s.background = "rgba(24, 24, 27, 0.96)"; s.color = "#f4f4f5";
      s.font = "13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
      s.borderBottom = "4px solid #ef4444"; s.cursor = "pointer";
      var h = document.createElement("div");
      h.style.fontWeight = "bold"; h.style.color = "#fca5a5"; h.style.marginBottom = "8px";
      h.textContent = "biopage serve: the build failed. This page reloads by itself when the error is fixed.";
      text = document.createElement("pre");
      text.style.margin = "0"; text.style.whiteSpace = "pre-wrap"; text.style.font = "inherit";
      box.appendChild(h);
      box.appendChild(text);
      box.addEventListener("click", function () { box.hidden = true; });
      document.documentElement.appendChild(box);
    }
    text.textContent = e.data;
    box.hidden = false;
  });
})();"##;

    /// `'sha256-…'` of [`SCRIPT`], for `script-src`.
    pub static SCRIPT_SOURCE: LazyLock<String> = LazyLock::new(|| {
        let digest = Sha256::digest(SCRIPT.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    });

    /// What is served before the first successful build.
    pub const PLACEHOLDER: &str = "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><meta http-equiv=Content-Security-Policy content=\"default-src 'none'\"><title>biopage serve</title><p>The site has not built yet: see the errors in the terminal. This page reloads by itself when they are fixed.</p></html>";

    /// Injects the script (tagged with the build id) into every HTML file of
    /// a build directory.
    pub fn dir(root: &Path, build: u64) -> Result<()> {
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in
                std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))?
            {
                let entry = entry.with_context(|| format!("cannot read {}", d.display()))?;
                let p = entry.path();
                let ty = entry
                    .file_type()
                    .with_context(|| format!("cannot read {}", p.display()))?;
                if ty.is_dir() {
                    stack.push(p);
                } else if ty.is_file() && p.extension().is_some_and(|e| e == "html") {
                    let html = std::fs::read_to_string(&p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    std::fs::write(&p, page(&html, build))
                        .with_context(|| format!("cannot write {}", p.display()))?;
                }
            }
        }
        Ok(())
    }

    /// One page with the script added before `</body>` (or at the end: the
    /// minifier drops optional end tags) and its CSP widened to allow it.
    pub fn page(html: &str, build: u64) -> String {
        let mut out = allow_in_csp(html);
        let tag = format!("<script data-biopage-build=\"{build}\">{SCRIPT}</script>");
        match out.to_ascii_lowercase().rfind("</body") {
            Some(i) => out.insert_str(i, &tag),
            None => out.push_str(&tag),
        }
        out
    }

    /// Adds the script's hash to `script-src` and `'self'` to `connect-src`
    /// in every CSP meta tag, creating the directives if absent.
    pub fn allow_in_csp(html: &str) -> String {
        // ASCII lowercasing keeps byte offsets.
        let lower = html.to_ascii_lowercase();
        let mut out = String::with_capacity(html.len() + 160);
        let mut copied = 0;
        let mut from = 0;
        while let Some(found) = lower[from..].find("<meta") {
            let start = from + found;
            let Some(len) = lower[start..].find('>') else {
                break;
            };
            let end = start + len;
            from = end;
            if !lower[start..end].contains("content-security-policy") {
                continue;
            }
            if let Some((vs, ve, quote)) = content_value(&lower, start, end) {
                out.push_str(&html[copied..vs]);
                out.push_str(&widen(&html[vs..ve], quote));
                copied = ve;
            }
        }
        out.push_str(&html[copied..]);
        out
    }

    /// The byte range of the `content` attribute's value in the tag
    /// `lower[start..end]`, and its quote character.
    fn content_value(
        lower: &str,
        start: usize,
        end: usize,
    ) -> Option<(usize, usize, Option<char>)> {
        let tag = &lower[start..end];
        let mut search = 0;
        while let Some(i) = tag[search..].find("content") {
            let after = search + i + "content".len();
            search = after;
            let preceded = tag[..search - "content".len()]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
            let rest = tag[after..].trim_start();
            if !preceded || !rest.starts_with('=') {
                continue;
            }
            let value = rest[1..].trim_start();
            let vstart = end - value.len();
            return match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = value[1..].find(q)?;
                    Some((vstart + 1, vstart + 1 + close, Some(q)))
                }
                _ => {
                    let len = value.find(char::is_whitespace).unwrap_or(value.len());
                    Some((vstart, vstart + len, None))
                }
            };
        }
        None
    }

    fn widen(policy: &str, quote: Option<char>) -> String {
        let script = SCRIPT_SOURCE.as_str();
        let mut directives: Vec<String> = policy
            .split(';')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        for (name, source) in [("script-src", script), ("connect-src", "'self'")] {
            let existing = directives.iter_mut().find(|d| {
                d.split_whitespace()
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            });
            match existing {
                Some(d) if d.split_whitespace().skip(1).any(|s| s == source) => {}
                Some(d) => {
                    d.push(' ');
                    d.push_str(source);
                }
                None => directives.push(format!("{name} {source}")),
            }
        }
        let joined = directives.join("; ");
        match quote {
            Some('\'') => joined.replace('\'', "&#39;"),
            // An unquoted value cannot hold spaces or quotes; quoting it
            // would need the surrounding bytes. CSP meta tags with
            // directives always need quotes, so this is only a safe fallback.
            None => joined.replace(' ', "&#32;").replace('\'', "&#39;"),
            _ => joined,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const BUILT: &str = "<!doctype html><html lang=vi><meta charset=utf-8><meta content=\"default-src 'none'; img-src 'self'; style-src 'sha256-abc='; base-uri 'none'; form-action 'none'\" http-equiv=Content-Security-Policy><title>x</title><main><p>hi</main>";

        #[test]
        fn the_built_csp_gains_exactly_the_script_and_self_connections() {
            let out = page(BUILT, 42);
            let want = format!(
                "<meta content=\"default-src 'none'; img-src 'self'; style-src 'sha256-abc='; base-uri 'none'; form-action 'none'; script-src {}; connect-src 'self'\" http-equiv=Content-Security-Policy>",
                SCRIPT_SOURCE.as_str()
            );
            assert!(out.contains(&want), "{out}");
            assert!(out.ends_with(&format!(
                "<p>hi</main><script data-biopage-build=\"42\">{SCRIPT}</script>"
            )));
        }

        #[test]
        fn existing_directives_are_extended_and_body_end_respected() {
            let html = "<html><head><META HTTP-EQUIV='Content-Security-Policy' CONTENT='script-src https://cdn.example; connect-src https://api.example'></head><body><p>x</p></body></html>";
            let out = page(html, 7);
            let want = format!(
                "CONTENT='script-src https://cdn.example {}; connect-src https://api.example &#39;self&#39;'",
                SCRIPT_SOURCE.replace('\'', "&#39;")
            );
            assert!(out.contains(&want), "{out}");
            assert!(out.contains("</script></body></html>"));
        }

        #[test]
        fn sources_already_allowed_are_not_repeated() {
            let html = "<meta content=\"default-src 'none'; connect-src 'self'; base-uri 'none'\" http-equiv=Content-Security-Policy>";
            let once = allow_in_csp(html);
            assert!(
                once.contains("; connect-src 'self'; base-uri 'none'; script-src 'sha256-"),
                "{once}"
            );
            assert_eq!(allow_in_csp(&once), once, "widening is idempotent");
        }

        #[test]
        fn pages_without_csp_only_gain_the_script() {
            let html = "<p>plain</p>";
            assert_eq!(
                page(html, 1),
                format!("<p>plain</p><script data-biopage-build=\"1\">{SCRIPT}</script>")
            );
        }

        #[test]
        fn the_hash_has_the_shape_csp_wants() {
            // That it matches the served script is checked end to end in
            // tests/testsuite/serve.rs.
            assert!(SCRIPT_SOURCE.starts_with("'sha256-") && SCRIPT_SOURCE.ends_with("='"));
            assert_eq!(SCRIPT_SOURCE.len(), "'sha256-'".len() + 44);
        }

        #[test]
        fn the_script_never_writes_markup() {
            assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("insertAdjacentHTML"));
            assert!(SCRIPT.contains("textContent = e.data"));
        }
    }
}

/// Server-Sent Events: `reload` when a new build is served, `build-error`
/// (rustc-style text) when the latest build failed.
///
/// A stream is a pipe: a task writes events into one end, the response body
/// reads the other (tower-http's `AsyncReadBody`), so no extra stream crate
/// is needed. When the browser goes away the body is dropped and the next
/// write — at the latest the keep-alive — fails and ends the task.
mod events {
    use super::{App, Status};
    use axum::body::Body;
    use axum::http::{header, HeaderValue};
    use axum::response::Response;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::io::{AsyncWrite, AsyncWriteExt};
    use tokio::sync::watch;
    use tower_http::services::fs::AsyncReadBody;

    const KEEP_ALIVE: Duration = Duration::from_secs(15);

    pub(super) fn response(app: &App, query: Option<&str>) -> Response {
        // The build the page was served from; absent for other clients
        // (tests, curl), which only want news from now on.
        let seen = query
            .unwrap_or("")
            .split('&')
            .find_map(|kv| kv.strip_prefix("build="))
            .and_then(|v| v.parse::<u64>().ok());
        let (reader, writer) = tokio::io::duplex(64 * 1024);
        tokio::spawn(pump(writer, app.status.clone(), app.shutdown.clone(), seen));
        let mut res = Response::new(Body::new(AsyncReadBody::with_capacity(reader, 64 * 1024)));
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream; charset=utf-8"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res
    }

    async fn pump(
        out: impl AsyncWrite + Unpin,
        status: watch::Receiver<Status>,
        shutdown: watch::Receiver<bool>,
        seen: Option<u64>,
    ) {
        // An error means the browser left; nothing to report.
        let _ = stream(out, status, shutdown, seen).await;
    }

    async fn stream(
        mut out: impl AsyncWrite + Unpin,
        mut status: watch::Receiver<Status>,
        mut shutdown: watch::Receiver<bool>,
        mut seen: Option<u64>,
    ) -> std::io::Result<()> {
        // Reconnect quickly after a restart of `serve`.
        out.write_all(b"retry: 500\n\n").await?;
        let mut shown: Option<Arc<str>> = None;
        loop {
            if *shutdown.borrow_and_update() {
                return Ok(());
            }
            let now = status.borrow_and_update().clone();
            out.write_all(updates(&now, &mut seen, &mut shown).as_bytes())
                .await?;
            out.flush().await?;
            tokio::select! {
                r = status.changed() => if r.is_err() { return Ok(()) },
                _ = shutdown.changed() => return Ok(()),
                _ = tokio::time::sleep(KEEP_ALIVE) => out.write_all(b": keep-alive\n\n").await?,
            }
        }
    }

    /// The events a client needs to go from what it has seen to `now`.
    pub(super) fn updates(
        now: &Status,
        seen: &mut Option<u64>,
        shown: &mut Option<Arc<str>>,
    ) -> String {
        let mut out = String::new();
        match *seen {
            None => *seen = Some(now.build),
            Some(b) if b != now.build => {
                out.push_str(&format!(
                    "event: reload\ndata: {{\"build\":{}}}\n\n",
                    now.build
                ));
                *seen = Some(now.build);
                *shown = None;
            }
            Some(_) => {}
        }
        match &now.error {
            Some(e) if shown.as_ref() != Some(e) => {
                out.push_str("event: build-error\n");
                // CR, LF and CRLF all end a line of the event stream: a CR
                // left inside a `data:` line would start a field of the
                // attacker's choosing (`event: reload`, in a loop)
                for line in e
                    .trim_end()
                    .split("\r\n")
                    .flat_map(|l| l.split(['\r', '\n']))
                {
                    out.push_str("data: ");
                    out.push_str(line);
                    out.push('\n');
                }
                out.push('\n');
                *shown = Some(e.clone());
            }
            Some(_) => {}
            None => *shown = None,
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::path::Path;

        fn status(build: u64, error: Option<&str>) -> Status {
            Status {
                build,
                root: Arc::from(Path::new("/x")),
                error: error.map(Arc::from),
            }
        }

        #[test]
        fn clients_hear_what_they_have_not_seen() {
            let (mut seen, mut shown) = (None, None);
            // A client without a build id starts from now.
            assert_eq!(updates(&status(5, None), &mut seen, &mut shown), "");
            assert_eq!(
                updates(&status(6, None), &mut seen, &mut shown),
                "event: reload\ndata: {\"build\":6}\n\n"
            );
            let e = "error: bad\n --> p.toml:1:2\r\n";
            assert_eq!(
                updates(&status(6, Some(e)), &mut seen, &mut shown),
                "event: build-error\ndata: error: bad\ndata:  --> p.toml:1:2\n\n"
            );
            // A lone CR cannot smuggle a field into the stream.
            let (mut seen2, mut shown2) = (Some(6), None);
            let evil = updates(
                &status(6, Some("x\revent: reload\rdata: 1")),
                &mut seen2,
                &mut shown2,
            );
            assert_eq!(
                evil,
                "event: build-error\ndata: x\ndata: event: reload\ndata: data: 1\n\n"
            );
            assert!(!evil.contains('\r'));
            // The same error is not repeated; a fix arrives as a new build.
            assert_eq!(updates(&status(6, Some(e)), &mut seen, &mut shown), "");
            assert_eq!(
                updates(&status(7, None), &mut seen, &mut shown),
                "event: reload\ndata: {\"build\":7}\n\n"
            );
        }

        #[test]
        fn a_page_from_an_older_build_reloads_at_once() {
            let (mut seen, mut shown) = (Some(3), None);
            assert!(updates(&status(4, None), &mut seen, &mut shown).starts_with("event: reload"));
            // A page of the current build, while its successor is broken: the overlay only.
            let (mut seen, mut shown) = (Some(4), None);
            assert!(updates(&status(4, Some("e")), &mut seen, &mut shown)
                .starts_with("event: build-error"));
        }
    }
}
