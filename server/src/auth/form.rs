//! The body of the login and invitation endpoints: JSON from a script, or
//! the urlencoded form of a page (which then gets redirects, not JSON).

use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest body read: a name, a password, a token and a path. Reading stops
/// there, whatever the client declares.
pub const MAX_BODY: usize = 8 * 1024;

/// A body of at most `LIMIT` bytes (the admin page's forms carry a whole
/// `sources.toml`, and take more).
pub struct FormOrJson<T, const LIMIT: usize = MAX_BODY> {
    pub value: T,
    /// Sent by an HTML form.
    pub from_form: bool,
}

/// Whether the body came from an HTML form.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

impl<T: DeserializeOwned, S: Send + Sync, const LIMIT: usize> FromRequest<S>
    for FormOrJson<T, LIMIT>
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        let from_form = is_form(request.headers());
        let body = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| ApiError::BadRequest(format!("the body is over {LIMIT} bytes")))?;
        let value = if from_form {
            serde_urlencoded::from_bytes(&body).map_err(|e| e.to_string())
        } else {
            serde_json::from_slice(&body).map_err(|e| e.to_string())
        };
        let value = value
            .map_err(|e| ApiError::BadRequest(format!("expected a JSON object or a form: {e}")))?;
        Ok(Self { value, from_form })
    }
}
