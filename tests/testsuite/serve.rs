//! `biopage serve`, end to end: the real binary as a child process on a
//! free port, spoken to over raw TCP (so that no client normalises the
//! paths we send) and through its Server-Sent Events stream.
//!
//! Every wait is bounded; every child is killed by [`Server`]'s `Drop`, even
//! when an assertion fails.

use crate::{biopage, select_attr, Fixture, BASE_PROFILE};
use base64::Engine as _;
use sha2::Digest as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the first build may take (debug binary, tests in parallel).
const STARTUP: Duration = Duration::from_secs(60);
/// How long a rebuild may take to be announced.
const EVENT: Duration = Duration::from_secs(15);

fn profile(bio: &str) -> String {
    format!("{BASE_PROFILE}avatar = \"images/avatar.jpg\"\nbio = \"{bio}\"\n")
}

/// A running `biopage serve`, killed on drop.
struct Server {
    child: Child,
    url: String,
    port: u16,
    stderr: Arc<Mutex<String>>,
    /// Reads stderr until the child closes it.
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    /// The child's TMPDIR, to check what it leaves behind.
    tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with a private TMPDIR, collecting stdout lines and
/// stderr; the returned guard owns the child from the first instant.
fn spawn(args: &[&str]) -> (Server, mpsc::Receiver<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args(args)
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut server = Server {
        child,
        url: String::new(),
        port: 0,
        stderr: Arc::new(Mutex::new(String::new())),
        stderr_reader: None,
        tmp,
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let sink = server.stderr.clone();
    server.stderr_reader = Some(std::thread::spawn(move || {
        let mut r = BufReader::new(stderr);
        let mut line = String::new();
        while r.read_line(&mut line).is_ok_and(|n| n > 0) {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    }));
    (server, rx)
}

/// `biopage serve DIR --port 0`, once it has printed its URL.
fn start(site: &Path) -> Server {
    start_with(&["serve", site.to_str().unwrap(), "--port", "0"])
}

fn start_with(args: &[&str]) -> Server {
    start_at(args, "/")
}

/// Starts `biopage serve` and waits for the URL it prints, which must be
/// `http://127.0.0.1:PORT` followed by `path`.
fn start_at(args: &[&str], path: &str) -> Server {
    let (mut server, stdout) = spawn(args);
    let url = match stdout.recv_timeout(STARTUP) {
        Ok(url) => url,
        Err(_) => panic!(
            "no URL on stdout within {STARTUP:?}; stderr:\n{}",
            server.stderr()
        ),
    };
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix(path))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the first line is not the URL: {url:?}"));
    server.url = url;
    server.port = port;
    server
}

impl Server {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (bounded) for the child to exit on its own, and for the last
    /// of its stderr.
    fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.stderr_reader.take() {
                    reader.join().unwrap();
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {within:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (bounded) until stderr contains `text`.
    fn wait_stderr(&self, text: &str) -> String {
        let deadline = Instant::now() + EVENT;
        loop {
            let err = self.stderr();
            if err.contains(text) {
                return err;
            }
            assert!(
                Instant::now() < deadline,
                "stderr never said {text:?}:\n{err}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The names in the child's TMPDIR.
    fn temp_entries(&self) -> Vec<String> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    fn get(&self, path: &str) -> Reply {
        request(
            self.port,
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    fn page(&self) -> String {
        let r = self.get("/");
        assert_eq!(r.status, 200, "{}", r.head);
        r.text()
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// Sends `raw` as is and reads the whole reply (the request says
/// `Connection: close`, or the server closes on a bad request).
fn request(port: u16, raw: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(EVENT)).unwrap();
    s.write_all(raw).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&all)));
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    Reply {
        status,
        head,
        body: all[split + 4..].to_vec(),
    }
}

#[derive(Debug)]
struct Event {
    name: String,
    data: String,
}

impl Event {
    /// The build id of a `reload` event.
    fn build(&self) -> u64 {
        self.data
            .strip_prefix("{\"build\":")
            .and_then(|s| s.strip_suffix('}'))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not a reload: {self:?}"))
    }
}

/// A minimal Server-Sent Events client over HTTP/1.1 chunked encoding.
struct Events {
    reader: BufReader<TcpStream>,
    text: String,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(EVENT)).unwrap();
        s.write_all(
            b"GET /__biopage/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "closed: {head}");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("content-type: text/event-stream"), "{head}");
        assert!(lower.contains("transfer-encoding: chunked"), "{head}");
        Events {
            reader,
            text: String::new(),
        }
    }

    /// The next event before `deadline`, or `None` (timeout or end of stream).
    fn next(&mut self, deadline: Instant) -> Option<Event> {
        loop {
            while let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                let (mut name, mut data) = (None, Vec::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = Some(v.trim_start().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                    }
                }
                if let Some(name) = name {
                    return Some(Event {
                        name,
                        data: data.join("\n"),
                    });
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            // One chunk: a hex size line, the bytes, CRLF.
            let mut size = String::new();
            if self.reader.read_line(&mut size).ok()? == 0 {
                return None;
            }
            let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            if n == 0 {
                return None;
            }
            let mut chunk = vec![0; n + 2];
            self.reader.read_exact(&mut chunk).ok()?;
            chunk.truncate(n);
            self.text.push_str(&String::from_utf8(chunk).ok()?);
        }
    }

    /// Waits (bounded) for an event named `name`; other events are returned
    /// in the panic message if it never comes.
    fn expect(&mut self, name: &str) -> Event {
        let deadline = Instant::now() + EVENT;
        let mut others = Vec::new();
        while let Some(e) = self.next(deadline) {
            if e.name == name {
                return e;
            }
            others.push(e);
        }
        panic!("no {name:?} event within {EVENT:?}; got {others:?}");
    }
}

/// Saves in place, as most editors do: truncate, then write. A build may
/// run between the two and fail on the empty file; the write's own event
/// then rebuilds. Tests that need one exact outcome use [`replace`].
fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// Saves by rename, as vim, JetBrains IDEs and many tools do: one atomic
/// step, so that no build can see the file half-written.
fn replace(path: &Path, text: &str) {
    let mut scratch = path.as_os_str().to_owned();
    scratch.push(".tmp");
    std::fs::write(&scratch, text).unwrap();
    std::fs::rename(&scratch, path).unwrap();
}

impl Server {
    /// Waits (bounded) for reloads until `path` serves text containing `needle`.
    fn await_content(&self, events: &mut Events, path: &str, needle: &str) -> String {
        for _ in 0..10 {
            events.expect("reload");
            let r = self.get(path);
            let text = r.text();
            if r.status == 200 && text.contains(needle) {
                return text;
            }
        }
        panic!("{path} never served {needle:?}; stderr:\n{}", self.stderr());
    }
}

/// The served page's inline script, and the `script-src` of its CSP.
fn script_and_csp(html: &str) -> (String, String) {
    let start = html
        .find("<script data-biopage-build=")
        .expect("no live-reload script");
    let body_start = start + html[start..].find('>').unwrap() + 1;
    let body_end = body_start + html[body_start..].find("</script>").unwrap();
    let csp = select_attr(html, "meta[http-equiv=Content-Security-Policy]", "content");
    assert_eq!(csp.len(), 1, "one CSP meta tag");
    (html[body_start..body_end].to_string(), csp[0].clone())
}

#[test]
fn serves_the_page_with_live_reload_and_rebuilds_on_save() {
    let site = Fixture::new(&profile("Bio number one"), None);
    let server = start(site.path());

    let html = server.page();
    assert!(html.contains("Bio number one"));
    // The script runs under the page's CSP only because its hash is allowed.
    let (script, csp) = script_and_csp(&html);
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&script));
    assert!(
        csp.contains(&format!("script-src 'sha256-{hash}'")),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!script.contains("innerHTML"));
    // Built for the served URL (not the profile's base_url), and its assets load.
    let canonical = select_attr(&html, "link[rel=canonical]", "href");
    assert_eq!(canonical, vec![server.url.clone()]);
    let img = select_attr(&html, "img", "src");
    let img = img
        .iter()
        .find(|s| s.contains("/assets/"))
        .expect("an image");
    let path = img
        .strip_prefix(server.url.trim_end_matches('/'))
        .unwrap_or(img);
    let r = server.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.head);
    assert_eq!(r.header("content-type").as_deref(), Some("image/jpeg"));

    let mut events = server.events();
    write(
        &site.path().join("profile.toml"),
        &profile("Bio number two"),
    );
    events.expect("reload");
    let html = server.page();
    assert!(html.contains("Bio number two"), "{html}");
    assert!(!html.contains("Bio number one"));
    server.wait_stderr("profile.toml changed");

    // Serving never writes the site's own output.
    assert!(!site.out().exists(), "serve wrote public/");
}

#[test]
fn a_broken_edit_keeps_the_last_page_reports_where_and_recovers() {
    let site = Fixture::new(&profile("Good bio"), None);
    let server = start(site.path());
    let mut events = server.events();

    let broken = format!("{}bioo = \"typo\"\n", profile("Broken bio"));
    let line = broken.lines().position(|l| l.starts_with("bioo")).unwrap() + 1;
    replace(&site.path().join("profile.toml"), &broken);
    let error = events.expect("build-error");
    let at = format!("profile.toml:{line}:1");
    assert!(error.data.contains(&at), "{at} not in {}", error.data);
    assert!(error.data.contains("bioo"), "{}", error.data);
    // The terminal says the same.
    let err = server.wait_stderr("still serving the last good page");
    assert!(err.contains(&at), "{err}");

    // The last good page is still served, and a browser that opens it now
    // hears about the error at once.
    let html = server.page();
    assert!(html.contains("Good bio") && !html.contains("Broken bio"));
    let mut late = server.events();
    assert!(late.expect("build-error").data.contains(&at));

    replace(&site.path().join("profile.toml"), &profile("Fixed bio"));
    events.expect("reload");
    late.expect("reload");
    assert!(server.page().contains("Fixed bio"));
}

#[test]
fn saves_by_rename_and_directories_created_later_are_seen() {
    let site = Fixture::new(&profile("Before rename"), None);
    let server = start(site.path());
    let mut events = server.events();

    // A JetBrains "safe write": a scratch file renamed over the original.
    let scratch = site.path().join("profile.toml___jb_tmp___");
    write(&scratch, &profile("After rename"));
    std::fs::rename(&scratch, site.path().join("profile.toml")).unwrap();
    events.expect("reload");
    assert!(server.page().contains("After rename"));

    // static/ did not exist when serve started …
    let statics = site.path().join("static");
    std::fs::create_dir(&statics).unwrap();
    write(&statics.join("hello.txt"), "first");
    server.await_content(&mut events, "/hello.txt", "first");
    // … and it is watched from then on.
    write(&statics.join("hello.txt"), "second");
    server.await_content(&mut events, "/hello.txt", "second");
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = Fixture::new(&profile("Start"), None);
    let server = start(site.path());
    let mut events = server.events();
    let path = site.path().join("profile.toml");

    // Ten saves by rename, all within 15 ms: the first build cannot start
    // before the debounce (10 ms) and the settle time (10 ms) have passed
    // since the first save, so it reads the last one, whatever the scheduling. The versions are written beforehand in
    // a directory that is not watched, so that only the renames make events.
    // If this thread is descheduled in the middle (a loaded CI machine), the
    // saves were not a burst and the attempt does not count: the server is
    // brought to a known state and the burst tried again.
    let drafts = site.path().join("drafts");
    std::fs::create_dir(&drafts).unwrap();
    let mut burst = None;
    for attempt in 0..10 {
        let staged: Vec<_> = (0..10)
            .map(|i| {
                let p = drafts.join(format!("v{i}"));
                write(&p, &profile(&format!("Burst {attempt}-{i}")));
                p
            })
            .collect();
        let started = Instant::now();
        for p in &staged {
            std::fs::rename(p, &path).unwrap();
        }
        let took = started.elapsed();
        if took < Duration::from_millis(15) {
            let build = events.expect("reload").build();
            assert!(
                server.page().contains(&format!("Burst {attempt}-9")),
                "took {took:?}; stderr:\n{}",
                server.stderr()
            );
            burst = Some(build);
            break;
        }
        replace(&path, &profile(&format!("Sync {attempt}")));
        server.await_content(&mut events, "/", &format!("Sync {attempt}"));
    }
    let burst = burst.expect("ten attempts at a burst were all descheduled");

    // Had the burst been built twice, the next event would be that second
    // build, not the build of this save.
    replace(&path, &profile("After the burst"));
    let next = events.expect("reload").build();
    assert_eq!(next, burst + 1, "stderr:\n{}", server.stderr());
    assert!(server.page().contains("After the burst"));
}

#[test]
fn only_ip_addresses_and_localhost_may_be_named_in_host() {
    let site = Fixture::new(&profile("Hosts"), None);
    let server = start(site.path());
    let get = |host: &str| {
        request(
            server.port,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    for host in [
        format!("127.0.0.1:{}", server.port),
        format!("localhost:{}", server.port),
    ] {
        assert_eq!(get(&host).status, 200, "{host}");
    }
    // a rebinding page's own name pointed at 127.0.0.1
    let r = get(&format!("rebind.evil.example:{}", server.port));
    assert_eq!(r.status, 403, "{}", r.head);
    assert!(!r.text().contains("Linh"), "{}", r.text());
}

#[test]
fn short_links_without_go_pages_answer_from_redirects() {
    let text = format!(
        "go_pages = false\n{}\n[[links]]\nid = \"serum\"\ntitle = \"Serum\"\nurl = \"https://shop.example/serum?a=1\"\n",
        profile("Short links")
    );
    let site = Fixture::new(&text, None);
    let server = start(site.path());
    for path in ["/go/serum/", "/go/serum"] {
        let r = server.get(path);
        assert_eq!(r.status, 302, "{path}: {}", r.head);
        let to = r.header("location").unwrap();
        assert!(to.starts_with("https://shop.example/serum?a=1&"), "{to}");
        assert!(to.contains("utm_source="), "{to}");
    }
    // only what a rule names: anything else is still the 404 page
    let r = server.get("/go/other/");
    assert_eq!(r.status, 404, "{}", r.head);
    assert!(r.header("location").is_none());
}

#[test]
fn only_get_and_head_are_allowed() {
    let site = Fixture::new(&profile("Methods"), None);
    let server = start(site.path());
    for (method, path) in [
        ("POST", "/"),
        ("PUT", "/index.html"),
        ("DELETE", "/index.html"),
        ("PATCH", "/"),
        ("OPTIONS", "/"),
        ("POST", "/__biopage/events"),
    ] {
        let r = request(
            server.port,
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi").as_bytes(),
        );
        assert_eq!(r.status, 405, "{method} {path}: {}", r.head);
        assert_eq!(r.header("allow").as_deref(), Some("GET, HEAD"));
    }
    let head = request(
        server.port,
        b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200, "{}", head.head);
    assert!(head.body.is_empty());
    let len: usize = head.header("content-length").unwrap().parse().unwrap();
    assert_eq!(len, server.get("/").body.len());
}

#[cfg(unix)]
#[test]
fn nothing_outside_the_build_is_reachable() {
    let site = Fixture::new(&profile("Traversal"), None);
    let outside = tempfile::tempdir().unwrap();
    let secret = "TOP-SECRET-42";
    std::fs::write(outside.path().join("secret.txt"), secret).unwrap();
    let server = start(site.path());
    let mut events = server.events();

    // A symlink out of the site is refused by the build; the last good
    // build stays, without the file.
    let statics = site.path().join("static");
    std::fs::create_dir(&statics).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), statics.join("leak.txt"))
        .unwrap();
    let error = events.expect("build-error");
    assert!(error.data.contains("leak.txt"), "{}", error.data);

    let profile_text = "handle = \"linhreview\"";
    let targets = [
        "/leak.txt",
        "/../profile.toml",
        "/../../../../../../etc/passwd",
        "/assets/../../profile.toml",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/profile.toml",
        "/.%2e/profile.toml",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%2F..%2Fprofile.toml",
        "/..%5c..%5cprofile.toml",
        "/..\\..\\profile.toml",
        "/index.html%00.jpg",
        "/%00",
        "//etc/passwd",
        "http://evil.example/",
        "http://127.0.0.1/../../etc/passwd",
        "/__biopage/../profile.toml",
    ];
    for target in targets {
        let raw = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let r = request(server.port, raw.as_bytes());
        assert!(r.status == 400 || r.status == 404, "{target}: {}", r.head);
        let text = r.text();
        assert!(
            !text.contains(secret) && !text.contains("root:") && !text.contains(profile_text),
            "{target} leaked: {text}"
        );
    }
    // A raw NUL byte in the request line.
    let r = request(
        server.port,
        b"GET /index.html\0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 400, "{}", r.head);
    // The site itself is still served.
    assert!(server.page().contains("Traversal"));
}

#[test]
fn a_port_that_was_asked_for_must_be_free() {
    let site = Fixture::new(&profile("Busy"), None);
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (mut server, _stdout) = spawn(&["serve", site.path().to_str().unwrap(), "--port", &port]);
    let status = server.wait_exit(STARTUP);
    assert_eq!(status.code(), Some(2), "{}", server.stderr());
    let err = server.stderr();
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("--port"), "{err}");
    assert!(server.temp_entries().is_empty());
}

#[test]
fn the_default_port_gives_way_when_busy() {
    let site = Fixture::new(&profile("Default port"), None);
    // Hold 1111 if it is free; if something else holds it, it is busy anyway.
    let _hold = TcpListener::bind("127.0.0.1:1111");
    let server = start_with(&["serve", site.path().to_str().unwrap()]);
    assert_ne!(server.port, 1111);
    assert!(
        server.stderr().contains("port 1111 is in use"),
        "{}",
        server.stderr()
    );
    assert!(server.page().contains("Default port"));
}

#[cfg(unix)]
#[test]
fn signals_stop_cleanly_and_remove_the_temporary_directory() {
    for signal in ["-TERM", "-INT"] {
        let site = Fixture::new(&profile("Signals"), None);
        let mut server = start(site.path());
        let before = server.temp_entries();
        assert_eq!(before.len(), 1, "{before:?}");
        assert!(before[0].starts_with("biopage-serve-"), "{before:?}");
        // An open event stream (a browser tab) must not hold the server up.
        let _events = server.events();
        let killed = Command::new("kill")
            .args([signal, &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = server.wait_exit(Duration::from_secs(10));
        assert!(
            status.success(),
            "{signal}: {status:?}\n{}",
            server.stderr()
        );
        assert!(server.stderr().contains("stopped"));
        assert_eq!(server.temp_entries(), Vec::<String>::new(), "{signal}");
        assert!(!site.out().exists());
    }
}

#[test]
fn an_agency_creator_is_previewed_with_the_agencys_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let agency = tmp.path().join("ag");
    let dir = agency.to_str().unwrap();
    assert_eq!(biopage(&["init", "--agency", dir]).code, 0);

    // an agency is previewed one creator at a time, and says how
    let run = biopage(&["serve", dir, "--port", "0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("add --only linh"), "{}", run.stderr);
    let run = biopage(&["serve", dir, "--only", "lihn", "--port", "0"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"linh\"?"),
        "{}",
        run.stderr
    );

    let server = start_at(&["serve", dir, "--only", "linh", "--port", "0"], "/linh/");
    let r = server.get("/linh/");
    assert_eq!(r.status, 200, "{}", r.head);
    let html = r.text();
    assert_eq!(
        select_attr(&html, "link[rel=canonical]", "href"),
        vec![server.url.clone()]
    );
    // agency.toml's tracking applies, and no other creator is built
    assert!(html.contains("utm_medium=social"), "{html}");
    assert_eq!(server.get("/mei/").status, 404);

    let mut events = server.events();
    let agency_toml = agency.join("agency.toml");
    let text = std::fs::read_to_string(&agency_toml).unwrap();
    replace(
        &agency_toml,
        &text.replace("utm_medium = \"social\"", "utm_medium = \"agencywide\""),
    );
    server.await_content(&mut events, "/linh/", "utm_medium=agencywide");
    server.wait_stderr("agency.toml changed");

    let profile = agency.join("creators/linh/profile.toml");
    let text = std::fs::read_to_string(&profile).unwrap();
    write(
        &profile,
        &text.replacen("bio = \"", "bio = \"Edited while serving. ", 1),
    );
    server.await_content(&mut events, "/linh/", "Edited while serving.");
    server.wait_stderr("creators/linh/profile.toml changed");
    // serving never writes the agency's own output
    assert!(!agency.join("public").exists());
}

#[test]
fn redirects_stay_on_the_preview_and_long_paths_are_refused() {
    let site = Fixture::new(
        &format!(
            "{}[[links]]\nid = \"shop\"\ntitle = \"Shop\"\nurl = \"https://shop.example/\"\n",
            profile("Redirects")
        ),
        None,
    );
    let server = start(site.path());
    assert!(server.page().contains("Redirects"));
    // a folder without its slash answers with its canonical path: one slash
    for (target, location) in [
        ("/go", "/go/"),
        ("//go", "/go/"),
        ("///go/shop", "/go/shop/"),
        ("//go//shop", "/go/shop/"),
    ] {
        let raw = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let r = request(server.port, raw.as_bytes());
        if (300..400).contains(&r.status) {
            let to = r.header("location").unwrap_or_default();
            assert!(
                to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
                "{target}: Location {to}"
            );
            assert_eq!(to, location, "{target}");
        } else {
            assert!(r.status == 200 || r.status == 404, "{target}: {}", r.head);
        }
    }
    // a segment no file system takes, and a path longer than any written
    let long_segment = format!("/{}", "a".repeat(300));
    let r = server.get(&long_segment);
    assert_eq!(r.status, 404, "{}", r.head);
    let long_path = "/a".repeat(1500);
    let raw = format!("GET {long_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let r = request(server.port, raw.as_bytes());
    assert_eq!(r.status, 414, "{}", r.head);
}
