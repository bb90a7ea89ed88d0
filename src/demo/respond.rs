//! ZITADEL's error answers over HTTP: a path speaks one of two error body shapes, and every
//! failure the demo raises is answered in the shape of the path it came in on.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::errors::ApiFailure;
use crate::api::wire::grpc_code;

/// Which error body shape a path speaks: grpc-gateway's REST shape (numeric code, one
/// `ErrorDetail`) or the Connect protocol's (code name, no details).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    Rest,
    Connect,
}

impl ErrorShape {
    pub fn of_path(path: &str) -> ErrorShape {
        if path.starts_with("/zitadel.") {
            ErrorShape::Connect
        } else {
            ErrorShape::Rest
        }
    }
}

/// A failure in the path's shape, with an explicit HTTP status. grpc-gateway also puts the
/// message of an Unauthenticated status into `WWW-Authenticate`
/// (grpc-gateway runtime/errors.go, `DefaultHTTPErrorHandler`).
pub(crate) fn failure_with_status(shape: ErrorShape, status: StatusCode, f: &ApiFailure) -> Response {
    let body = match shape {
        ErrorShape::Rest => f.rest_body(),
        ErrorShape::Connect => f.connect_body(),
    };
    let mut response = (status, Json(body)).into_response();
    if shape == ErrorShape::Rest
        && f.code == grpc_code::UNAUTHENTICATED
        && let Ok(value) = HeaderValue::from_str(&f.message())
    {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// A failure in the path's shape, with the HTTP status its gRPC code maps to.
pub(crate) fn failure(shape: ErrorShape, f: &ApiFailure) -> Response {
    let status = StatusCode::from_u16(f.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    failure_with_status(shape, status, f)
}
