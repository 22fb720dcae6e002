//! The one error type of the HTTP API.
//!
//! Every handler returns `Result<_, ApiError>`; the response is always JSON
//! `{"error": "<code>", "reason": "<sentence>"}` so that scripts of operational
//! centres can report it. Internal failures are logged in full and answered
//! with a generic sentence: their details are for operators, not clients.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use catalogue::{CatalogueError, PlanningError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The catalogue knows the product but its bytes are not where they were stored.
    #[error("the file of product {0} is missing from the archive")]
    FileMissing(i64),
    /// No token, or one that is unknown or revoked.
    #[error("a valid provider token is required: Authorization: Bearer <token>")]
    Unauthorized,
    /// No session and no token where a participant is needed.
    #[error("log in first: POST /api/v1/session, or send a personal token as Authorization: Bearer <token>")]
    LoginRequired,
    /// A wrong user name or password (which of the two is not said).
    #[error("wrong user name or password")]
    BadLogin,
    /// Too many login attempts: try again after this many seconds.
    #[error("too many login attempts; try again in {0} s")]
    Throttled(u64),
    /// A known provider sending outside its rights.
    #[error("{0}")]
    Forbidden(String),
    #[error("the upload is over the limit of {0} bytes")]
    TooLarge(u64),
    /// The file was refused; for uploads of a bare name its bytes are kept in rejected/.
    #[error("{0}")]
    Rejected(String),
    /// A client over one of its quotas: send again after `Retry-After`.
    #[error("{0}")]
    TooManyRequests(String),
    /// The server is stopping (or a part of it is down): send again later.
    #[error("{0}")]
    Unavailable(String),
    /// A change of operations refused (or failed): see [`PlanningError`].
    #[error(transparent)]
    Planning(#[from] PlanningError),
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
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
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::LoginRequired => (StatusCode::UNAUTHORIZED, "login_required"),
            ApiError::BadLogin => (StatusCode::UNAUTHORIZED, "bad_login"),
            ApiError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "rejected"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Planning(refused) => match refused {
                PlanningError::Invalid(_)
                | PlanningError::UnknownPlatform(_)
                | PlanningError::UnknownIop(_)
                | PlanningError::UnknownEvidence(_)
                | PlanningError::UnknownTag(_) => (StatusCode::BAD_REQUEST, "bad_request"),
                PlanningError::UnknownOperation
                | PlanningError::UnknownBriefing
                | PlanningError::UnknownPlan
                | PlanningError::UnknownCaseStudy => (StatusCode::NOT_FOUND, "not_found"),
                PlanningError::Move { .. }
                | PlanningError::CodesExhausted(_)
                | PlanningError::SlugTaken(_)
                | PlanningError::StaysPublished => (StatusCode::CONFLICT, "conflict"),
                PlanningError::Catalogue(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            },
            ApiError::Ingest(_) | ApiError::Catalogue(_) | ApiError::Io(_) => {
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
            model::INTERNAL_ERROR.to_string()
        } else {
            self.to_string()
        };
        let mut body = serde_json::json!({ "error": code, "reason": reason });
        // A refused move says which moves the lifecycle allows from here.
        if let ApiError::Planning(PlanningError::Move { from, .. }) = &self {
            body["allowed"] = serde_json::json!(from.moves());
        }
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let after = match &self {
                ApiError::Throttled(seconds) => axum::http::HeaderValue::from((*seconds).max(1)),
                _ => axum::http::HeaderValue::from_static("60"),
            };
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, after);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
