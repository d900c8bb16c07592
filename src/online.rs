//! `check --online`: is every destination still alive?
//!
//! Each distinct URL is asked with HEAD (then GET when a server refuses
//! HEAD), with a bounded number of requests in flight, a timeout, retries
//! for network errors and 5xx, and `Retry-After` honoured on 429. Redirects
//! are followed by hand so that the whole chain can be reported.

use std::sync::mpsc;
use std::time::Duration;

/// How a check is run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub concurrency: usize,
    pub timeout: Duration,
    pub retries: u32,
    pub max_redirects: usize,
    /// The longest `Retry-After` honoured; longer waits count as a failure.
    pub max_retry_after: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            retries: 2,
            max_redirects: 10,
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Reached, after these hops (each `status url`).
    Redirected {
        chain: Vec<String>,
        final_status: u16,
    },
    /// A final status of 400 or more (after redirects).
    Dead {
        status: u16,
        chain: Vec<String>,
    },
    /// Never answered: DNS, connection, TLS or timeout.
    Unreachable(String),
}

/// Checks `urls` (deduplicated by the caller) and returns verdicts in the
/// same order.
pub fn check(urls: &[String], settings: &Settings) -> Vec<Verdict> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(concat!("biopage-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let (job_tx, job_rx) = mpsc::channel::<(usize, String)>();
    let job_rx = std::sync::Arc::new(std::sync::Mutex::new(job_rx));
    let (res_tx, res_rx) = mpsc::channel::<(usize, Verdict)>();
    for (i, u) in urls.iter().enumerate() {
        let _ = job_tx.send((i, u.clone()));
    }
    drop(job_tx);
    let workers = settings.concurrency.clamp(1, 64).min(urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let rx = job_rx.clone();
            let tx = res_tx.clone();
            let agent = agent.clone();
            scope.spawn(move || loop {
                let job = rx.lock().map(|r| r.recv()).unwrap_or(Err(mpsc::RecvError));
                let Ok((i, url)) = job else { break };
                let _ = tx.send((i, check_one(&agent, &url, settings)));
            });
        }
    });
    drop(res_tx);
    let mut out = vec![Verdict::Ok; urls.len()];
    for (i, v) in res_rx {
        out[i] = v;
    }
    out
}

fn check_one(agent: &ureq::Agent, url: &str, s: &Settings) -> Verdict {
    let mut chain = Vec::new();
    let mut current = url.to_string();
    for _ in 0..=s.max_redirects {
        let status = match request(agent, &current, s) {
            Ok((status, location)) => {
                if (300..400).contains(&status) {
                    if let Some(loc) = location {
                        let next = url::Url::parse(&current)
                            .and_then(|base| base.join(&loc))
                            .map(|u| u.to_string())
                            .unwrap_or(loc);
                        chain.push(format!("{status} {next}"));
                        current = next;
                        continue;
                    }
                }
                status
            }
            Err(e) => return Verdict::Unreachable(e),
        };
        return if status >= 400 {
            Verdict::Dead { status, chain }
        } else if chain.is_empty() {
            Verdict::Ok
        } else {
            Verdict::Redirected {
                chain,
                final_status: status,
            }
        };
    }
    Verdict::Unreachable(format!("more than {} redirects", s.max_redirects))
}

/// One hop: HEAD, or GET when HEAD is refused; retried on network errors,
/// 5xx and 429.
fn request(agent: &ureq::Agent, url: &str, s: &Settings) -> Result<(u16, Option<String>), String> {
    let mut attempt = 0;
    loop {
        let head = agent.head(url).call();
        let result = match head {
            Ok(r) if matches!(r.status().as_u16(), 400 | 403 | 405 | 501) => agent.get(url).call(),
            other => other,
        };
        let retry_in = match &result {
            Ok(r) if r.status().as_u16() == 429 => {
                let wait = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs)
                    .unwrap_or(Duration::from_secs(1 << attempt.min(4)));
                if wait > s.max_retry_after {
                    return Ok((429, None));
                }
                Some(wait)
            }
            Ok(r) if r.status().as_u16() >= 500 => {
                Some(Duration::from_millis(250 << attempt.min(4)))
            }
            Ok(_) => None,
            Err(_) => Some(Duration::from_millis(250 << attempt.min(4))),
        };
        match (retry_in, attempt < s.retries) {
            (Some(wait), true) => {
                attempt += 1;
                std::thread::sleep(wait);
            }
            _ => {
                return match result {
                    Ok(r) => Ok((
                        r.status().as_u16(),
                        r.headers()
                            .get("location")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                    )),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }
}
