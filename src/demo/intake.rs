//! The layer every request passes first: body size limit, request log, and the faults of
//! the API paths (latency, hang, injected failures, truncated answers).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::auth::bearer;
use super::errors::ApiFailure;
use super::faults::{is_api_path, truncate_json};
use super::request_log::LoggedRequest;
use super::respond::{ErrorShape, failure_with_status};
use super::state::Shared;
use crate::api::wire::grpc_code;

/// Largest request body accepted; larger ones answer 413.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

pub(crate) async fn intake(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let shape = ErrorShape::of_path(&path);
    let body = to_bytes(body, BODY_LIMIT).await.ok();
    let id = shared.log.start(LoggedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        body: body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
        bearer: bearer(&parts.headers),
        org: parts
            .headers
            .get("x-zitadel-orgid")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        status: 0,
    });
    let response = match body {
        None => failure_with_status(
            shape,
            StatusCode::PAYLOAD_TOO_LARGE,
            &ApiFailure::bare(
                grpc_code::RESOURCE_EXHAUSTED,
                format!("request body larger than {BODY_LIMIT} bytes (or unreadable)"),
            ),
        ),
        Some(body) => {
            let req = Request::from_parts(parts, Body::from(body));
            if is_api_path(&path) {
                with_faults(&shared, shape, req, next).await
            } else {
                next.run(req).await
            }
        }
    };
    shared.log.finish(id, response.status().as_u16());
    response
}

async fn with_faults(shared: &Shared, shape: ErrorShape, req: Request, next: Next) -> Response {
    let plan = shared.faults.plan();
    let injected = |status: u16| {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        failure_with_status(shape, status, &ApiFailure::injected(status.as_u16()))
    };
    if plan.hang {
        // Never answer; shutting down releases the request so the server can stop.
        shared.cancel.cancelled().await;
        return injected(503);
    }
    if !plan.latency.is_zero() {
        tokio::select! {
            _ = tokio::time::sleep(plan.latency) => {}
            _ = shared.cancel.cancelled() => {}
        }
    }
    if let Some(status) = plan.fail {
        return injected(status);
    }
    let response = next.run(req).await;
    if !plan.malformed {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let full = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(truncate_json(&full)))
}
