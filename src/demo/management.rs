//! The v1 management paths the client calls: `ListUserChanges` (a user's history). The
//! organisation the call acts in comes from `x-zitadel-orgid`, as in ZITADEL.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::errors::ApiFailure;
use super::ops;
use super::respond::{ErrorShape, failure};
use super::state::Shared;

pub(crate) async fn user_changes(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Path(user_id)) = path else {
        return failure(ErrorShape::Rest, &ApiFailure::route_not_found());
    };
    match ops::user_changes(&s, &headers, &user_id, &body) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(f) => failure(ErrorShape::Rest, &f),
    }
}
