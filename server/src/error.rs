//! The one error type of the HTTP API.
//!
//! Every handler returns `Result<_, ApiError>`; the response is always JSON
//! `{"error": "<code>", "reason": "<sentence>"}` so that scripts of operational
//! centres can report it. Internal failures are logged in full and answered
//! with a generic sentence: their details are for operators, not clients.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use products::catalogue::CatalogueError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The catalogue knows the product but its bytes are not where they were stored.
    #[error("the file of product {0} is missing from the archive")]
    FileMissing(i64),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::FileMissing(_) => (StatusCode::GONE, "file_missing"),
            ApiError::Catalogue(_) | ApiError::Io(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let reason = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error; the server log has the details".to_string()
        } else {
            self.to_string()
        };
        (
            status,
            Json(serde_json::json!({ "error": code, "reason": reason })),
        )
            .into_response()
    }
}
