//! `Client`: the ZITADEL user calls over the v2 REST mapping. Reads are retried on transient
//! failures; email code calls never are (each call mails the user again and invalidates the
//! previous code).

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::auth::{Credentials, TokenInfo, TokenSource};
use super::changes::{Change, ListUserChangesRequest, ListUserChangesResponse};
use super::error::{ApiError, Call, Missing, NotSent};
use super::http::{Body, Http, Request, encode_json};
use super::user_id::check_user_id;
use super::wire::{
    AuthenticationMethodType, GetUserByIdResponse, ListAuthenticationMethodTypesResponse, ListQuery,
    ListUsersRequest, ListUsersResponse, User,
};

/// The largest page we ask for. Released ZITADELs have no maximum (and treat 0 as "every
/// row"), but a bounded page keeps each answer within the response cap.
pub const MAX_PAGE: u32 = 1000;
/// What we ask for when the caller did not say.
pub const DEFAULT_PAGE: u32 = 100;
/// Retries of a read after the first try.
const READ_RETRIES: u32 = 2;

/// Which user API serves the resend call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiFlavour {
    /// `zitadel.user.v2.UserService` (GA): every call.
    #[default]
    V2,
    /// The v3alpha resource API for resend (schema users, `UserSchema` feature); the rest v2.
    V3Alpha,
}

impl ApiFlavour {
    pub fn from_setting(s: &str) -> Option<Self> {
        match s {
            "v2" => Some(ApiFlavour::V2),
            "v3alpha" => Some(ApiFlavour::V3Alpha),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiFlavour::V2 => "v2",
            ApiFlavour::V3Alpha => "v3alpha",
        }
    }
}

/// What [`Client::list_users_upto`] gathered.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    pub response: ListUsersResponse,
    /// False when the page budget ran out before `want` rows or the end of the result.
    pub complete: bool,
    /// Users a later page brought again and that were left out: the order shifted between
    /// pages (ties in the sort column, or users added or removed meanwhile), so as many others
    /// may have been skipped.
    pub repeated: usize,
}

/// How to reach the instance.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The instance URL (= OIDC issuer), e.g. `https://acme.zitadel.cloud`.
    pub base_url: Url,
    pub credentials: Credentials,
    pub api: ApiFlavour,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// First pause before a retried read; doubled per retry, with jitter.
    pub retry_base_delay: Duration,
}

impl ClientConfig {
    pub fn new(base_url: Url, credentials: Credentials) -> Self {
        ClientConfig {
            base_url,
            credentials,
            api: ApiFlavour::V2,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            retry_base_delay: Duration::from_millis(250),
        }
    }
}

/// A ZITADEL API client. Cheap to clone (shares the connection pool and token cache).
#[derive(Clone)]
pub struct Client {
    http: Http,
    base: Url,
    tokens: Arc<TokenSource>,
    api: ApiFlavour,
    retry_base_delay: Duration,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let http = Http::new(config.connect_timeout, config.request_timeout)?;
        let mut base = config.base_url;
        // `join` treats the last segment as a file unless the path ends with '/'.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Client {
            http,
            base,
            tokens: Arc::new(TokenSource::new(config.credentials, config.request_timeout)),
            api: config.api,
            retry_base_delay: config.retry_base_delay,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn api(&self) -> ApiFlavour {
        self.api
    }

    /// Which credentials are in use and, once a token is obtained (exchanged or refreshed as
    /// needed), its expiry and who it acts as.
    pub async fn token_info(&self) -> Result<TokenInfo, ApiError> {
        self.tokens.token_info(&self.http, &self.base).await
    }

    /// Whether the instance answers at all: any HTTP status counts (TLS must verify). For
    /// the doctor's first check.
    pub async fn probe(&self) -> Result<u16, ApiError> {
        self.http.reach(&self.base).await
    }

    /// The issuer from `/.well-known/openid-configuration`: proves the URL is an instance.
    pub async fn discovery_summary(&self) -> Result<String, ApiError> {
        super::oidc::discover(&self.http, &self.base)
            .await
            .map(|d| d.issuer)
    }

    /// `POST /auth/v1/permissions/zitadel/me/_search`: the caller's own permissions
    /// (`user.read`, `user.write`, …) in `org` (sent as `x-zitadel-orgid`), or in the
    /// caller's own organisation without one.
    pub async fn my_permissions(&self, org: Option<&str>) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Permissions {
            result: Vec<String>,
        }
        let call = Call::Permissions;
        let url = self.url(call, &["auth", "v1", "permissions", "zitadel", "me", "_search"])?;
        let token = self.tokens.bearer(&self.http, &self.base).await?;
        let mut request = Request::new(call, Method::POST, &url)
            .bearer(&token)
            .body(Body::json(call, &serde_json::json!({}))?);
        request.org = org;
        let answer: Permissions = self.http.send(request).await?;
        Ok(answer.result)
    }

    /// `POST /v2/users`: one page. A missing limit becomes [`DEFAULT_PAGE`]; a larger one than
    /// ZITADEL allows is lowered to [`MAX_PAGE`], so an explicit limit ≤ 1000 is always sent.
    pub async fn list_users(&self, request: &ListUsersRequest) -> Result<ListUsersResponse, ApiError> {
        let mut request = request.clone();
        let query = request.query.get_or_insert_with(ListQuery::default);
        query.limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let answer = self
            .call(
                Call::ListUsers,
                Method::POST,
                &["v2", "users"],
                Some(&request),
                true,
            )
            .await;
        answer.map_err(|e| match super::query::searches_phone(&request.queries) {
            true => e.in_light_of(Missing::PhoneSearch),
            false => e,
        })
    }

    /// Up to `want` users from `offset` on, across pages of at least [`DEFAULT_PAGE`]. Pages
    /// advance by the requested limit and stop at `details.totalResult`, never by page length:
    /// ZITADEL drops rows the caller may not read *after* paging, so a short page does not mean
    /// the end. A caller who may read few of many users would page through the whole instance,
    /// so at most `max_pages` requests are made; [`Collected::complete`] says whether the walk
    /// reached `want` or the end. ZITADEL's sort has no tie-breaker, so a later page can repeat
    /// a user: each is kept once ([`Collected::repeated`] counts the rest); the set of IDs is
    /// no larger than the result itself.
    pub async fn list_users_upto(
        &self,
        request: &ListUsersRequest,
        want: usize,
        max_pages: usize,
    ) -> Result<Collected, ApiError> {
        let base_query = request.query.clone().unwrap_or_default();
        let mut offset = base_query.offset;
        let mut collected = ListUsersResponse::default();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut repeated = 0;
        for _ in 0..max_pages.max(1) {
            let remaining = want.saturating_sub(collected.result.len());
            let limit = u32::try_from(remaining)
                .unwrap_or(MAX_PAGE)
                .clamp(DEFAULT_PAGE, MAX_PAGE);
            let mut page_request = request.clone();
            page_request.query = Some(ListQuery {
                offset,
                limit,
                asc: base_query.asc,
            });
            let page = self.list_users(&page_request).await?;
            collected.details = page.details;
            collected.sorting_column = page.sorting_column;
            for user in page.result {
                if seen.insert(user.user_id.clone()) {
                    collected.result.push(user);
                } else {
                    repeated += 1;
                }
            }
            let next = offset.checked_add(u64::from(limit));
            let done =
                collected.result.len() >= want || next.is_none_or(|n| n >= collected.details.total_result);
            if done {
                collected.result.truncate(want);
                return Ok(Collected {
                    response: collected,
                    complete: true,
                    repeated,
                });
            }
            offset = next.unwrap_or(u64::MAX);
        }
        Ok(Collected {
            response: collected,
            complete: false,
            repeated,
        })
    }

    /// `GET /v2/users/{userId}`.
    pub async fn get_user(&self, user_id: &str) -> Result<User, ApiError> {
        let resp: GetUserByIdResponse = self
            .call::<(), _>(Call::GetUser, Method::GET, &["v2", "users", user_id], None, true)
            .await?;
        resp.user.ok_or_else(|| ApiError::Decode {
            call: Call::GetUser,
            http: 200,
            reason: "the answer has no user".into(),
            excerpt: String::new(),
        })
    }

    /// `GET /v2/users/{userId}/authentication_methods`.
    pub async fn list_auth_methods(&self, user_id: &str) -> Result<Vec<AuthenticationMethodType>, ApiError> {
        let resp: ListAuthenticationMethodTypesResponse = self
            .call::<(), _>(
                Call::ListAuthMethods,
                Method::GET,
                &["v2", "users", user_id, "authentication_methods"],
                None,
                true,
            )
            .await?;
        Ok(resp.auth_method_types)
    }

    /// `POST /management/v1/users/{userId}/changes/_search` in `org` (the user's own
    /// organisation, sent as `x-zitadel-orgid`): the newest `limit` events, newest first.
    /// Always v1 REST: no v2 service serves a user's history.
    pub async fn user_history(&self, user_id: &str, org: &str, limit: u32) -> Result<Vec<Change>, ApiError> {
        // The organisation comes from a server answer and goes into a header: the ID rules hold.
        check_user_id(org).map_err(|e| ApiError::NotSent(NotSent::BadUserId(e)))?;
        let body = ListUserChangesRequest::newest(limit);
        let resp: ListUserChangesResponse = self
            .call_in(
                Call::UserHistory,
                Method::POST,
                &["management", "v1", "users", user_id, "changes", "_search"],
                Some(&body),
                true,
                (!org.is_empty()).then_some(org),
            )
            .await?;
        Ok(resp.result)
    }

    /// One call with the retry policy: reads up to [`READ_RETRIES`] more times on transient
    /// failures; any call once more after a 401 when the token can be fetched again.
    pub(super) async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        call: Call,
        method: Method,
        path: &[&str],
        body: Option<&B>,
        retry_reads: bool,
    ) -> Result<R, ApiError> {
        self.call_in(call, method, path, body, retry_reads, None).await
    }

    /// [`Client::call`] in the context of organisation `org` (`x-zitadel-orgid`).
    pub(super) async fn call_in<B: Serialize, R: DeserializeOwned>(
        &self,
        call: Call,
        method: Method,
        path: &[&str],
        body: Option<&B>,
        retry_reads: bool,
        org: Option<&str>,
    ) -> Result<R, ApiError> {
        let url = self.url(call, path)?;
        let json = body.map(|b| encode_json(call, b)).transpose()?;
        let mut retries_left = if retry_reads { READ_RETRIES } else { 0 };
        let mut token_refetched = false;
        let mut attempt = 0u32;
        loop {
            // A failed token exchange is final here: only an API call's 401 earns a new token.
            let token = self.tokens.bearer(&self.http, &self.base).await?;
            let mut request = Request::new(call, method.clone(), &url).bearer(&token);
            request.org = org;
            if let Some(bytes) = &json {
                request = request.body(Body::Json(bytes.clone()));
            }
            let result = self.http.send(request).await;
            match result {
                Err(ApiError::Unauthenticated(_)) if !token_refetched && self.tokens.can_refresh() => {
                    // A 401 means nothing was done, so a second try cannot double an action.
                    token_refetched = true;
                    self.tokens.invalidate(&token).await;
                }
                Err(e) if retries_left > 0 && e.is_retryable_read() => {
                    retries_left -= 1;
                    let pause = backoff(self.retry_base_delay, attempt);
                    attempt += 1;
                    tracing::debug!(call = call.describe(), error = %e.log_line(), pause_ms = pause.as_millis() as u64, "retrying read");
                    tokio::time::sleep(pause).await;
                }
                other => return other,
            }
        }
    }

    /// The URL of an API path. Every segment passes the user-ID check (the fixed ones do
    /// trivially), so a user ID cannot be empty, a path step or a slash; and each is
    /// percent-encoded besides, so nothing in it can change the path.
    fn url(&self, call: Call, segments: &[&str]) -> Result<Url, ApiError> {
        for segment in segments {
            check_user_id(segment).map_err(|e| ApiError::NotSent(NotSent::BadUserId(e)))?;
        }
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|_| {
                ApiError::NotSent(NotSent::Unprepared {
                    call,
                    reason: format!("{} cannot carry a path", self.base),
                })
            })?;
            path.pop_if_empty();
            path.extend(segments);
        }
        Ok(url)
    }
}

/// Exponential backoff with jitter in [50 %, 100 %] of the step, so many consoles that failed
/// together do not come back together.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let step = base.saturating_mul(1u32 << attempt.min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let fraction = 0.5 + f64::from(nanos % 1000) / 2000.0;
    step.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(url: &str) -> Client {
        Client::new(ClientConfig::new(
            Url::parse(url).unwrap(),
            Credentials::token("t"),
        ))
        .unwrap()
    }

    #[test]
    fn user_ids_cannot_escape_their_path_segment() {
        let c = client("https://id.example.com");
        for bad in ["../../admin", "..", ".", ""] {
            let refused = c.url(Call::ResendEmailCode, &["v2", "users", bad, "email", "resend"]);
            assert!(
                matches!(refused, Err(ApiError::NotSent(NotSent::BadUserId(_)))),
                "{bad:?}: {refused:?}"
            );
        }
        // What passes the check is still percent-encoded: no query, no fragment.
        let url = c
            .url(
                Call::ResendEmailCode,
                &["v2", "users", "a?x=1#y", "email", "resend"],
            )
            .unwrap();
        assert_eq!(url.path(), "/v2/users/a%3Fx=1%23y/email/resend");
        assert_eq!(url.query(), None);
    }

    #[test]
    fn a_base_path_is_kept() {
        let c = client("https://gw.example.com/zitadel");
        assert_eq!(
            c.url(Call::ListUsers, &["v2", "users"]).unwrap().as_str(),
            "https://gw.example.com/zitadel/v2/users"
        );
        let c = client("https://gw.example.com/zitadel/");
        assert_eq!(
            c.url(Call::ListUsers, &["v2", "users"]).unwrap().as_str(),
            "https://gw.example.com/zitadel/v2/users"
        );
    }

    #[test]
    fn backoff_grows_and_stays_within_its_jitter_band() {
        let base = Duration::from_millis(100);
        for attempt in 0..3 {
            let d = backoff(base, attempt);
            let step = base * (1 << attempt);
            assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
        }
    }
}
