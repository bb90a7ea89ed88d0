//! OAuth 2.0 on the wire, shared by every grant and endpoint: form-encoded requests, the
//! `{error, error_description}` answer with status 400, and token answers that are never
//! cached.

use std::collections::HashMap;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The scope that asks for an access token ZITADEL's own APIs accept.
pub(crate) const ZITADEL_AUDIENCE_SCOPE: &str = "urn:zitadel:iam:org:project:id:zitadel:aud";

pub(crate) fn oauth_error(error: &str, description: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description.into()})),
    )
        .into_response()
}

/// A successful token response (never cached).
pub(crate) fn token_response(body: serde_json::Value) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// `application/x-www-form-urlencoded`; later keys win, broken escapes stay as they are.
pub(crate) fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        let f = parse_form(b"grant_type=urn%3Aietf%3Aparams&scope=openid+x&bad=%zz%4&empty");
        assert_eq!(f["grant_type"], "urn:ietf:params");
        assert_eq!(f["scope"], "openid x");
        assert_eq!(f["bad"], "%zz%4");
        assert_eq!(f["empty"], "");
        assert_eq!(percent_decode("%C3%BC"), "ü");
    }
}
