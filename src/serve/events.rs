//! Server-Sent Events: `reload` when a new build is served, `build-error`
//! (rustc-style text) when the latest build failed.
//!
//! A stream is a pipe: a task writes events into one end, the response body
//! reads the other (tower-http's `AsyncReadBody`), so no extra stream crate
//! is needed. When the browser goes away the body is dropped and the next
//! write — at the latest the keep-alive — fails and ends the task.

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
        assert!(
            updates(&status(4, Some("e")), &mut seen, &mut shown).starts_with("event: build-error")
        );
    }
}
