//! What a request sends, read with bounds: a JSON body of at most a known
//! size, and the RFC 3339 times of a query. Refusals are the API's JSON
//! errors, saying what was wrong and what was expected.

use axum::extract::{FromRequest, Request};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body of the planning API: an operation's longest fields
/// are a few pages of text.
pub const MAX_JSON_BODY: usize = 512 * 1024;

/// A JSON body of at most [`MAX_JSON_BODY`] bytes. Reading stops there,
/// whatever the client declares; a body that is not the expected shape is
/// a 400 naming the field (axum's own `Json` answers in plain text).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        let body = axum::body::to_bytes(request.into_body(), MAX_JSON_BODY)
            .await
            .map_err(|_| ApiError::BadRequest(format!("the body is over {MAX_JSON_BODY} bytes")))?;
        if body.is_empty() {
            return Err(ApiError::BadRequest(
                "expected a JSON object, got an empty body".into(),
            ));
        }
        let deserializer = &mut serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|e| {
                let path = e.path().to_string();
                let at = if path == "." {
                    String::new()
                } else {
                    format!(" at {path}")
                };
                ApiError::BadRequest(format!("invalid JSON body{at}: {}", e.into_inner()))
            })
    }
}

/// An optional RFC 3339 time of a query (`from`, `to`); empty is absent.
pub fn parse_bound(field: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    ApiError::BadRequest(format!(
                        "`{field}` must be an RFC 3339 time such as 2026-11-28T12:00:00Z ({e})"
                    ))
                })
        })
        .transpose()
}
