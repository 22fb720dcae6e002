//! The server side of pages (compiled with `ssr` only, as the Leptos todo
//! example's `ssr` module): one error and access policy for every server
//! function. What the catalogue failed is logged and answered with the REST
//! API's sentence ([`internal`]); what a caller may not do is refused before
//! anything is read ([`require`]).

use leptos::prelude::*;
use model::{Reader, Role};

/// An error of the server's own (the catalogue failed): logged with its
/// cause, answered 500 with [`model::INTERNAL_ERROR`] only.
pub fn internal(error: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(%error, "a page or server function failed");
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    ServerFnError::new(model::INTERNAL_ERROR)
}

/// An error for a request that asks for what cannot be: answered 400.
pub fn refuse(reason: String) -> ServerFnError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::BAD_REQUEST);
    }
    ServerFnError::new(reason)
}

/// Who asked for this page or call, as the server's access layer found out:
/// the public unless it says otherwise (what is not known shows less).
pub fn reader() -> Reader {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Reader>().cloned())
        .unwrap_or_default()
}

/// The catalogue the server provides to pages and server functions.
pub fn catalogue() -> Result<catalogue::Catalogue, ServerFnError> {
    use_context::<catalogue::Catalogue>()
        .ok_or_else(|| ServerFnError::new("the catalogue is not available"))
}

/// The current products in memory, kept by the hub.
pub fn current() -> Result<catalogue::Current, ServerFnError> {
    use_context::<catalogue::Current>()
        .ok_or_else(|| ServerFnError::new("the product index is not available"))
}

/// What the campaign's sources expect now, matched against what a reader
/// with a given visibility may see: the server's `sources.toml`, handed to
/// pages as a function (the app knows no sources file).
#[derive(Clone)]
pub struct ExpectedNow(
    pub std::sync::Arc<dyn Fn(model::Visibility) -> Vec<model::expected::Expected> + Send + Sync>,
);

/// What is expected and has not come, as `visibility` may see, or nothing
/// where the server gave no sources.
pub fn expected_now(visibility: model::Visibility) -> Vec<model::expected::Expected> {
    use_context::<ExpectedNow>()
        .map(|expected| (expected.0)(visibility))
        .unwrap_or_default()
}

/// How punctual the sources were over a stretch, matched as a reader with
/// a given visibility may see: the server's, handed to pages as a function.
#[derive(Clone)]
pub struct PunctualityOf(pub std::sync::Arc<PunctualityFn>);

/// From, to, and who reads: each source's punctuality.
pub type PunctualityFn = dyn Fn(
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        model::Visibility,
    ) -> Vec<model::expected::Punctuality>
    + Send
    + Sync;

/// The sources' punctuality from `from` to `to`, or nothing where the
/// server gave no sources.
pub fn punctuality(
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    visibility: model::Visibility,
) -> Vec<model::expected::Punctuality> {
    use_context::<PunctualityOf>()
        .map(|of| (of.0)(from, to, visibility))
        .unwrap_or_default()
}

/// The caller, if they hold `role` or more; else the call is refused 403
/// (anyone can call a server function: the page's route is no guard).
pub fn require(role: Role) -> Result<Reader, ServerFnError> {
    let reader = reader();
    if reader.is_at_least(role) {
        return Ok(reader);
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    Err(ServerFnError::new(format!(
        "this needs the {} role",
        role.as_str()
    )))
}
