//! Setting a password from a link: the first admin's, printed when a server
//! starts with no user (so `make run` on a fresh machine ends on a working
//! dashboard), and the invitations admins hand out.
//!
//! The first admin's link lives in memory only, is used once, is replaced at
//! every start while no user exists, and is dead the moment any admin
//! exists (even one made by `opsboard user add` while the server runs).
//! Invitations are stored (a SHA-256 of their secret), used once, and expire
//! (see [`INVITATION_LIFETIME`]); a user's newer invitation, or the use of
//! any, ends the others.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Json, Router};
use catalogue::provider::{hash_token, new_token};
use catalogue::user::{check_name, hash_password};
use catalogue::{Catalogue, InvitationRefused};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::client_address;
use super::form::FormOrJson;
use super::session::start_session;
use crate::error::ApiError;
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_LIFETIME: chrono::Duration = chrono::Duration::hours(72);

/// The first admin's single-use link, while there is no user.
#[derive(Clone, Default)]
pub struct FirstAdmin {
    token_hash: Arc<Mutex<Option<String>>>,
}

impl FirstAdmin {
    /// With no user in the catalogue, a new link's secret (to print);
    /// otherwise none.
    pub async fn prepare(&self, catalogue: &Catalogue) -> anyhow::Result<Option<String>> {
        if catalogue.has_users().await? {
            return Ok(None);
        }
        let token = new_token()?;
        *self.lock() = Some(hash_token(&token));
        Ok(Some(token))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.token_hash
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the link if `token` is it: it works once.
    fn take(&self, token: &str) -> bool {
        let mut held = self.lock();
        if held.as_deref() == Some(hash_token(token).as_str()) {
            *held = None;
            true
        } else {
            false
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/invitations/accept", post(accept))
}

#[derive(Debug, Deserialize)]
struct Acceptance {
    token: String,
    password: String,
    /// The first admin chooses a name; an invited participant has one.
    #[serde(default)]
    user: Option<String>,
}

/// Sets the password an invitation (or the first admin's link) is for, then
/// logs the participant in. A form gets redirects (to the board, or back to
/// the welcome page with the reason), a script JSON.
async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    FormOrJson {
        value: acceptance,
        from_form: form,
    }: FormOrJson<Acceptance>,
) -> Result<Response, ApiError> {
    let address = client_address(&state, &headers, peer);
    // An invitation's secret is 256 random bits, but the endpoint is throttled
    // like a login all the same: per address, and per link (keyed by a
    // prefix of its hash), so that one client's attempts slow down that
    // client and that link, not every invitation of the campaign.
    let link = hash_token(&acceptance.token);
    state.auth.throttle.attempt(
        &format!("invitation:{}", &link[..16.min(link.len())]),
        address,
    )?;
    match welcome(&state, &acceptance).await {
        Ok(user) => {
            start_session(&state, &session, &user).await?;
            let _ = state
                .catalogue
                .audit(
                    Some(&user.name),
                    "password.set",
                    Some(&user.name),
                    Some(&address.to_string()),
                )
                .await;
            state.auth.revocations.bump();
            Ok(if form {
                Redirect::to("/").into_response()
            } else {
                Json(json!({ "user": user.name, "role": user.role })).into_response()
            })
        }
        Err(ApiError::BadRequest(reason)) if form => {
            let query = serde_urlencoded::to_string([
                ("invitation", acceptance.token.as_str()),
                ("failed", reason.as_str()),
            ])
            .unwrap_or_default();
            Ok(Redirect::to(&format!("/welcome?{query}")).into_response())
        }
        Err(error) => Err(error),
    }
}

async fn welcome(
    state: &AppState,
    acceptance: &Acceptance,
) -> Result<catalogue::user::User, ApiError> {
    let hash =
        hash_password(&acceptance.password).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if let Some(name) = acceptance.user.as_deref().filter(|n| !n.is_empty()) {
        check_name(name).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        if !state.auth.first_admin.take(&acceptance.token) {
            return Err(ApiError::BadRequest(
                "this link is not valid (it works once, and only until the first admin exists)"
                    .into(),
            ));
        }
        let Some(user) = state.catalogue.add_first_admin(name, &hash).await? else {
            return Err(ApiError::BadRequest(
                "this link is not valid: an admin exists already (ask them for an invitation)"
                    .into(),
            ));
        };
        tracing::info!(user = %user.name, "the first admin was created");
        return Ok(user);
    }
    match state
        .catalogue
        .accept_invitation(&hash_token(&acceptance.token), &hash)
        .await?
    {
        Ok(user) => Ok(user),
        Err(InvitationRefused::Expired) => Err(ApiError::BadRequest(
            "this invitation has expired: ask an admin for a new one".into(),
        )),
        Err(InvitationRefused::Invalid) => Err(ApiError::BadRequest(
            "this invitation is not valid (each link works once): ask an admin for a new one"
                .into(),
        )),
    }
}

/// A new invitation for `user_id` by `by`: the secret, shown once, to put in a link.
pub async fn invite(
    catalogue: &Catalogue,
    user_id: i64,
    by: Option<&str>,
) -> Result<String, ApiError> {
    let token = new_token().map_err(|e| ApiError::Unavailable(e.to_string()))?;
    catalogue
        .add_invitation(
            user_id,
            &hash_token(&token),
            by,
            chrono::Utc::now() + INVITATION_LIFETIME,
        )
        .await?;
    Ok(token)
}
