//! `/admin`: the admin page, served by the server itself rather than the
//! general page routes so that its caller is checked by an extractor before
//! anything renders. `GET` shows it; `POST` takes one of its forms (see
//! [`actions`]), acts, and answers with the page again and a notice of what
//! was done. That answer is the only place a new secret appears.

mod actions;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::extract::AdminOnly;
use crate::auth::form::FormOrJson;
use crate::auth::{client_address, Participant};
use crate::error::ApiError;
use crate::site;
use crate::state::AppState;

pub use actions::AdminAction;

/// Largest admin form read: a whole `sources.toml` (1 MiB) as a form
/// encodes it, every byte escaped at worst.
const ADMIN_BODY: usize = 3 * sources::MAX_FILE_BYTES + 4096;

/// The admin page's path.
pub const PATH: &str = "/admin";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(show).post(act))
}

/// An admin asking for the admin page. Anyone else is sent to log in (no
/// session) or refused with a page that says why (another role, a token).
pub struct Admin(pub Participant);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match AdminOnly::from_request_parts(parts, state).await {
            Ok(AdminOnly(participant)) => Ok(Self(participant)),
            Err(ApiError::LoginRequired) => {
                Err(Redirect::to("/login?next=%2Fadmin").into_response())
            }
            Err(_) => Err((
                StatusCode::FORBIDDEN,
                Html(format!(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                     <title>opsboard: admins only</title>\
                     <link rel=\"stylesheet\" href=\"{}\"></head>\
                     <body><main class=\"login\"><h1>opsboard</h1>\
                     <p class=\"login-error\" role=\"alert\">This page is for the campaign's admins.</p>\
                     <p><a href=\"/\">Back to the board</a></p></main></body></html>",
                    app::assets::stylesheet_href(&state.leptos_options)
                )),
            )
                .into_response()),
        }
    }
}

async fn show(State(state): State<AppState>, _: Admin, request: Request) -> Response {
    site::render::<()>(&state, None, request).await
}

async fn act(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Admin(admin): Admin,
    parts: Parts,
    FormOrJson { value: action, .. }: FormOrJson<AdminAction, ADMIN_BODY>,
) -> Response {
    let address = client_address(&state, &parts.headers, peer);
    let notice = actions::perform(&state, &admin, action, &parts.headers, address).await;
    let status = if notice.failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut page = site::render(
        &state,
        Some(notice),
        Request::from_parts(parts, Default::default()),
    )
    .await;
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    // The answer may hold a secret: no cache keeps it, no back button shows it again.
    page.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    page
}
