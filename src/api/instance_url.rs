//! Instance URLs as trust decisions see them: when two name the same instance (a credential
//! belongs to one), when an endpoint lies on the instance's own origin, when a request may skip
//! a proxy, and how a URL is shown — never with the user name and password it may carry.

use std::borrow::Cow;

use reqwest::Url;

/// The URL as it may be shown in a message, a log line or a file: without `user:password@`.
pub fn shown(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.as_str().to_string();
    }
    let mut clean = url.clone();
    // Only fails for URLs that cannot have credentials, which then have none to remove.
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.as_str().to_string()
}

/// Text that was meant to be a URL (it may not parse), as it may be shown: everything between
/// the scheme and the last `@` is replaced, since that is where a password would be, whatever
/// else in the text is broken.
pub fn shown_text(raw: &str) -> Cow<'_, str> {
    let Some(at) = raw.rfind('@') else {
        return Cow::Borrowed(raw);
    };
    let start = raw.find("://").map_or(0, |i| i + 3).min(at);
    Cow::Owned(format!("{}…{}", &raw[..start], &raw[at..]))
}

/// The instance a URL names, for comparing two of them: scheme and host lower-case (as the URL
/// parser leaves them), the port always explicit, the path without its trailing slash, no
/// user name or password. `https://ACME.example:443/` and `https://acme.example` are the same.
pub fn normalised(url: &Url) -> String {
    let mut out = origin(url);
    out.push_str(url.path().trim_end_matches('/'));
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Whether two URLs name the same instance (see [`normalised`]).
pub fn same_instance(a: &Url, b: &Url) -> bool {
    normalised(a) == normalised(b)
}

/// `scheme://host:port`, the port explicit: where requests go, nothing about which call.
pub fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// Whether a request to `url` goes to the same scheme, host and port as one to `base`.
pub fn same_origin(url: &Url, base: &Url) -> bool {
    origin(url) == origin(base)
}

/// Whether the host is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Plain `http://` to this machine: a proxy would see the token in clear, so such a request
/// never goes through one.
pub fn is_plain_loopback(url: &Url) -> bool {
    url.scheme() == "http" && url.host_str().is_some_and(is_loopback_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_same_instance_however_it_is_written() {
        for (a, b) in [
            ("https://acme.example", "https://ACME.example/"),
            ("https://acme.example:443", "https://acme.example"),
            ("HTTPS://acme.example/", "https://acme.example:443/"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://localhost", "http://localhost:80/"),
            ("https://acme.example/zitadel/", "https://acme.example/zitadel"),
        ] {
            assert!(same_instance(&u(a), &u(b)), "{a} = {b}");
        }
        for (a, b) in [
            ("https://acme.example", "http://acme.example"),
            ("https://acme.example", "https://acme.example:8443"),
            ("https://acme.example", "https://evil.example"),
            ("https://acme.example", "https://acme.example.evil.example"),
            ("https://acme.example/a", "https://acme.example/b"),
            ("http://127.0.0.1:8080", "http://127.0.0.2:8080"),
        ] {
            assert!(!same_instance(&u(a), &u(b)), "{a} ≠ {b}");
        }
    }

    #[test]
    fn an_origin_is_scheme_host_and_port_only() {
        let base = u("https://acme.example/");
        assert!(same_origin(&u("https://acme.example/oauth/v2/token"), &base));
        assert!(same_origin(&u("https://acme.example:443/x?y"), &base));
        assert!(!same_origin(&u("http://acme.example/oauth/v2/token"), &base));
        assert!(!same_origin(&u("https://acme.example:444/"), &base));
        assert!(!same_origin(&u("https://evil.example/acme.example"), &base));
    }

    #[test]
    fn a_password_is_never_shown() {
        let url = u("https://admin:hunter2@acme.example/x");
        assert_eq!(shown(&url), "https://acme.example/x");
        assert_eq!(shown(&u("https://acme.example/")), "https://acme.example/");
        for raw in [
            "https://admin:hunter2@acme.example",
            "https://admin:hunter2@127.0.0.1:99999",
            "admin:hunter2@acme.example",
            "https://admin:pa@ss/hunter2@acme.example",
            "ftp://admin:hunter2@x",
        ] {
            let text = shown_text(raw);
            assert!(
                !text.contains("hunter2") && !text.contains("admin"),
                "{raw} → {text}"
            );
        }
        assert_eq!(
            shown_text("https://u:hunter2@acme.example:99999"),
            "https://…@acme.example:99999"
        );
        assert_eq!(shown_text("https://acme.example"), "https://acme.example");
    }

    #[test]
    fn only_plain_http_to_this_machine_skips_proxies() {
        for yes in [
            "http://127.0.0.1:1",
            "http://localhost:8080/",
            "http://[::1]:80",
            "http://127.0.0.2",
        ] {
            assert!(is_plain_loopback(&u(yes)), "{yes}");
        }
        for no in [
            "https://127.0.0.1:1",
            "http://10.0.0.1",
            "http://acme.example",
            "http://localhost.evil.example",
        ] {
            assert!(!is_plain_loopback(&u(no)), "{no}");
        }
    }
}
