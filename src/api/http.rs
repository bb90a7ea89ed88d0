//! The one HTTP path of the API layer: every call — the user API, the permissions call, the
//! token exchange and every OIDC endpoint — is built, sent, size-capped, status-checked and
//! decoded here, so they all fail the same way.
//!
//! Transport failures keep apart "nothing was sent" ([`ApiError::Connect`]) from "the request
//! may have arrived" ([`ApiError::Timeout`], [`ApiError::Interrupted`]): a mutation's outcome
//! hinges on it.

use std::time::Duration;

use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::error::{ApiError, Call, NotSent, excerpt};
use super::instance_url;

/// The largest answer read. ZITADEL's biggest (a page of 1000 users) is a few MiB; anything
/// near this is not an answer worth holding in memory.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// An HTTP client with zitadesk's user agent and no redirects (an API call or token request
/// that redirects is misconfigured; following it would re-send a POST, or a device code,
/// elsewhere). Cheap to clone: clones share the connection pool.
#[derive(Clone, Debug)]
pub struct Http {
    /// Uses the system's proxies (`HTTPS_PROXY`, `ALL_PROXY`, ...).
    client: reqwest::Client,
    /// Never uses a proxy: for plain `http://` to this machine, whose token a proxy would
    /// read in clear (see [`Http::client_for`]).
    direct: reqwest::Client,
    /// The request timeout, for messages.
    timeout: Duration,
}

/// What a request carries.
pub(crate) enum Body<'a> {
    Empty,
    /// Already encoded (see [`Body::json`]).
    Json(Vec<u8>),
    Form(&'a [(&'a str, &'a str)]),
}

impl Body<'_> {
    /// A JSON body; a value that cannot be encoded is refused before sending.
    pub(crate) fn json<T: Serialize + ?Sized>(call: Call, value: &T) -> Result<Body<'static>, ApiError> {
        encode_json(call, value).map(Body::Json)
    }
}

/// Encodes a JSON body once (a retried call sends the same bytes again).
pub(crate) fn encode_json<T: Serialize + ?Sized>(call: Call, value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| {
        ApiError::NotSent(NotSent::Unprepared {
            call,
            reason: format!("the request body cannot be encoded: {e}"),
        })
    })
}

/// One request: which call (for messages, the error dialect and whether the answer may be
/// quoted), where, with which credentials and body.
pub(crate) struct Request<'a> {
    pub call: Call,
    pub method: Method,
    pub url: &'a Url,
    pub bearer: Option<&'a SecretString>,
    /// `x-zitadel-orgid`: the organisation the call acts in.
    pub org: Option<&'a str>,
    pub body: Body<'a>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(call: Call, method: Method, url: &'a Url) -> Self {
        Request {
            call,
            method,
            url,
            bearer: None,
            org: None,
            body: Body::Empty,
        }
    }

    pub(crate) fn bearer(mut self, token: &'a SecretString) -> Self {
        self.bearer = Some(token);
        self
    }

    pub(crate) fn body(mut self, body: Body<'a>) -> Self {
        self.body = body;
        self
    }
}

impl Http {
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Result<Self, ApiError> {
        let builder = || {
            reqwest::Client::builder()
                .user_agent(concat!("zitadesk/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(connect_timeout)
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
        };
        let setup = |e: reqwest::Error| ApiError::NotSent(NotSent::HttpSetup(e.to_string()));
        let client = builder().build().map_err(setup)?;
        let direct = builder().no_proxy().build().map_err(setup)?;
        Ok(Http {
            client,
            direct,
            timeout,
        })
    }

    /// The client for a request to `url`. Plain `http://` to this machine never goes through
    /// a proxy from `HTTP_PROXY`/`ALL_PROXY`: the bearer token would travel in clear to the
    /// proxy (and on to wherever it forwards). Over https a proxy sees only ciphertext, so
    /// proxies stay usable there. Chosen per request, so OIDC endpoints and the stored
    /// issuer of a logout follow the same rule as the API.
    fn client_for(&self, url: &Url) -> &reqwest::Client {
        if instance_url::is_plain_loopback(url) {
            &self.direct
        } else {
            &self.client
        }
    }

    /// Sends the request and decodes a 2xx answer into `R`. A non-2xx answer is classified
    /// (ZITADEL's or OAuth's error body, by [`Call::speaks_oauth`]).
    pub(crate) async fn send<R: DeserializeOwned>(&self, request: Request<'_>) -> Result<R, ApiError> {
        let call = request.call;
        let (status, body) = self.exchange(request).await?;
        decode(call, status, &body)
    }

    /// Sends the request and checks that the answer is a 2xx; its body is not read further.
    pub(crate) async fn send_expecting_no_answer(&self, request: Request<'_>) -> Result<(), ApiError> {
        self.exchange(request).await.map(|_| ())
    }

    /// Whether anything answers at `url`: any HTTP status counts (TLS must verify).
    pub(crate) async fn reach(&self, url: &Url) -> Result<u16, ApiError> {
        let resp = self
            .client_for(url)
            .get(url.clone())
            .send()
            .await
            .map_err(|e| transport_error(Call::Probe, url, &e, self.timeout))?;
        Ok(resp.status().as_u16())
    }

    /// Sends, reads the body under the cap, and turns a non-2xx status into its error.
    async fn exchange(&self, request: Request<'_>) -> Result<(u16, Vec<u8>), ApiError> {
        let Request {
            call,
            method,
            url,
            bearer,
            org,
            body,
        } = request;
        let mut req = self
            .client_for(url)
            .request(method.clone(), url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = bearer {
            req = req.bearer_auth(token.expose_secret());
        }
        if let Some(org) = org {
            req = req.header("x-zitadel-orgid", org);
        }
        req = match body {
            Body::Empty => req,
            Body::Json(bytes) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes),
            Body::Form(form) => req.form(form),
        };
        let started = Instant::now();
        let resp = req
            .send()
            .await
            .map_err(|e| transport_error(call, url, &e, self.timeout))?;
        let status = resp.status().as_u16();
        let body = read_capped(call, url, resp, MAX_ANSWER_BYTES, self.timeout).await?;
        tracing::debug!(%method, path = url.path(), status, elapsed_ms = started.elapsed().as_millis() as u64, call = call.describe(), "http call");
        if !(200..300).contains(&status) {
            return Err(if call.speaks_oauth() {
                ApiError::from_oauth_response(call, status, &body)
            } else {
                ApiError::from_response(call, status, &body)
            });
        }
        Ok((status, body))
    }
}

/// Reads the body chunk by chunk and gives up once it exceeds `cap`, so a huge (or endless)
/// answer never sits in memory.
async fn read_capped(
    call: Call,
    url: &Url,
    mut resp: reqwest::Response,
    cap: usize,
    timeout: Duration,
) -> Result<Vec<u8>, ApiError> {
    let http = resp.status().as_u16();
    let too_large = || ApiError::TooLarge {
        call,
        http,
        limit: cap,
    };
    let announced = resp.content_length().unwrap_or(0);
    if usize::try_from(announced).map_or(true, |n| n > cap) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport_error(call, url, &e, timeout))?
    {
        if body.len().saturating_add(chunk.len()) > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Decodes a 2xx answer. An unreadable one is quoted, unless it may carry a secret.
fn decode<R: DeserializeOwned>(call: Call, http: u16, body: &[u8]) -> Result<R, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Decode {
        call,
        http,
        reason: serde_error_without_content(&e),
        excerpt: if call.answer_may_carry_secrets() {
            String::new()
        } else {
            excerpt(body)
        },
    })
}

/// serde_json's messages can quote input; keep only the position.
pub(crate) fn serde_error_without_content(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "missing or wrong fields",
        serde_json::error::Category::Eof => "the JSON ends too early",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// A failure below HTTP. A connect failure (DNS, refused, TLS, a connect timeout) sent
/// nothing; a time-out waiting for the answer, or a connection that broke after the request
/// went out or while the answer came in, may have delivered the request.
pub(crate) fn transport_error(
    call: Call,
    url: &Url,
    e: &reqwest::Error,
    request_timeout: Duration,
) -> ApiError {
    if e.is_timeout() && !e.is_connect() {
        return ApiError::Timeout {
            call,
            secs: request_timeout.as_secs().max(1),
        };
    }
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    // reqwest's own text is generic ("error sending request"); the cause says what happened.
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    let url = shown_origin(url);
    if e.is_connect() || e.is_builder() {
        ApiError::Connect { url, reason }
    } else {
        ApiError::Interrupted { call, url, reason }
    }
}

/// Scheme, host and port: where the instance is, without the path of one call, and never
/// with a user name or password.
fn shown_origin(url: &Url) -> String {
    let mut o = url.clone();
    o.set_path("");
    o.set_query(None);
    o.set_fragment(None);
    instance_url::shown(&o).trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::super::error::Delivery;
    use super::*;

    /// A one-shot server that answers every connection with `answer` as it is.
    async fn serve(answer: Vec<u8>) -> Url {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Url::parse(&format!("http://{addr}/")).unwrap()
    }

    fn http() -> Http {
        Http::new(Duration::from_secs(2), Duration::from_secs(5)).unwrap()
    }

    fn chunked(parts: usize, part: &[u8]) -> Vec<u8> {
        let mut out =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                .to_vec();
        for _ in 0..parts {
            out.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            out.extend_from_slice(part);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    #[tokio::test]
    async fn an_answer_beyond_the_cap_is_refused_while_streaming() {
        let url = serve(chunked(8, &[b' '; 1024])).await;
        let resp = http().client.get(url.clone()).send().await.unwrap();
        let e = read_capped(Call::ListUsers, &url, resp, 4096, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::TooLarge {
                    limit: 4096,
                    http: 200,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("answer too large"), "{e}");
        let resp = http().client.get(url.clone()).send().await.unwrap();
        let body = read_capped(Call::ListUsers, &url, resp, 8192, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(body.len(), 8192);
    }

    #[tokio::test]
    async fn an_announced_length_beyond_the_cap_is_refused_before_reading() {
        let url = serve(b"HTTP/1.1 200 OK\r\ncontent-length: 999999999999\r\n\r\n{".to_vec()).await;
        let resp = http().client.get(url.clone()).send().await.unwrap();
        let e = read_capped(Call::GetUser, &url, resp, 1024, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::TooLarge { .. }), "{e:?}");
    }

    #[tokio::test]
    async fn a_cut_off_answer_may_have_been_delivered() {
        let url = serve(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"result\":".to_vec()).await;
        let e = http()
            .send::<serde_json::Value>(Request::new(Call::ResendEmailCode, Method::POST, &url))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::Interrupted {
                    call: Call::ResendEmailCode,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.delivery(), Delivery::Unknown);
    }

    #[tokio::test]
    async fn a_refused_connection_sent_nothing() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        drop(listener);
        let e = http()
            .send::<serde_json::Value>(Request::new(Call::ResendEmailCode, Method::POST, &url))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Connect { .. }), "{e:?}");
        assert_eq!(e.delivery(), Delivery::NotSent);
    }

    #[test]
    fn a_transport_error_never_names_a_password_in_the_url() {
        let url = Url::parse("http://admin:hunter2@127.0.0.1:1/v2/users?x=1").unwrap();
        assert_eq!(shown_origin(&url), "http://127.0.0.1:1");
    }

    #[tokio::test]
    async fn secret_bearing_answers_are_never_quoted() {
        let url =
            serve(b"HTTP/1.1 200 OK\r\ncontent-length: 22\r\n\r\n{\"verificationCode\":\"X".to_vec()).await;
        for (call, quoted) in [
            (Call::SendEmailCode, false),
            (Call::Refresh, false),
            (Call::GetUser, true),
        ] {
            let e = http()
                .send::<serde_json::Map<String, serde_json::Value>>(Request::new(call, Method::GET, &url))
                .await
                .unwrap_err();
            match e {
                ApiError::Decode { excerpt, .. } => assert_eq!(!excerpt.is_empty(), quoted, "{call:?}"),
                other => panic!("{call:?}: {other:?}"),
            }
        }
    }
}
