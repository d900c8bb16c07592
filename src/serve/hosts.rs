//! Which `Host` headers the preview answers. A web page the creator opens
//! elsewhere could otherwise point a name of its own at 127.0.0.1 (DNS
//! rebinding) and read the preview from its origin; that trick needs a
//! name, so only IP literals and `localhost` are let through, as Vite and
//! webpack's dev servers do. Phones on `--bind 0.0.0.0` use the machine's
//! IP address and are unaffected.

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
