//! `/api/v1/session`: logging in and out, for pages and scripts alike.
//!
//! `POST` with `{"user": …, "password": …}` (JSON from scripts, or the login
//! page's form) checks the password against its Argon2id hash, off the async
//! threads, and starts a new session under a new id (an id seen before the
//! login is never the logged-in one). `GET` says who is logged in, `DELETE`
//! (or the page's logout form) ends the session at once, its websockets too.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use catalogue::user::{hash_password, verify_password, MAX_NAME, MAX_PASSWORD};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

use super::extract::AnyCaller;
use super::form::FormOrJson;
use super::{client_address, AccessArgs, Caller, Credential, SessionAuth, SESSION_KEY};
use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "opsboard_session";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", get(who).post(login).delete(logout))
        .route("/session/logout", post(logout_form))
}

/// The session middleware: cookie `HttpOnly`, `SameSite=Lax`, `Secure`
/// behind a TLS proxy, ended after the idle time without a request.
pub fn layer(store: SqliteStore, args: &AccessArgs) -> SessionManagerLayer<SqliteStore> {
    let idle = tower_sessions::cookie::time::Duration::seconds(args.idle().as_secs() as i64);
    SessionManagerLayer::new(store)
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(args.trust_proxy)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

#[derive(Debug, Deserialize)]
struct Credentials {
    user: String,
    password: String,
    /// The login form's page to go back to.
    #[serde(default)]
    next: Option<String>,
}

async fn who(
    AnyCaller(caller): AnyCaller,
    State(state): State<AppState>,
) -> Json<serde_json::Value> {
    let access = match state.auth.args.access {
        super::Access::Public => "public",
        super::Access::Participants => "participants",
    };
    Json(match caller {
        Caller::Participant(p) => json!({
            "user": p.user.name, "role": p.user.role, "access": access,
            "via": match p.via { Credential::Session(_) => "session", Credential::Token(_) => "token" },
        }),
        _ => json!({ "user": null, "role": null, "access": access }),
    })
}

/// Where a form goes after a login: a path of this site only, never
/// `//elsewhere` or `https://…` (an open redirect would help phishing).
/// Browsers drop tabs and line breaks from a `Location` (`/\t/evil.example`
/// is `//evil.example` to them) and read a backslash as a slash, so a path
/// with any whitespace, control character or backslash is refused whole.
pub fn local_path(next: Option<&str>) -> &str {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    })
    .unwrap_or("/")
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    FormOrJson {
        value: credentials,
        from_form: form,
    }: FormOrJson<Credentials>,
) -> Result<Response, ApiError> {
    let address = client_address(&state, &headers, peer);
    let back_to_form = |failed: &str| {
        let query = serde_urlencoded::to_string([
            ("failed", failed),
            ("next", local_path(credentials.next.as_deref())),
        ])
        .unwrap_or_default();
        Redirect::to(&format!("/login?{query}")).into_response()
    };
    if let Err(throttled) = state.auth.throttle.attempt(&credentials.user, address) {
        audit_failure(&state, &credentials.user, address, "login.throttled").await;
        return match throttled {
            ApiError::Throttled(_) if form => {
                let mut response = back_to_form("throttled");
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(60));
                Ok(response)
            }
            other => Err(other),
        };
    }
    let user = check_password(&state, &credentials.user, &credentials.password).await?;
    let Some(user) = user else {
        audit_failure(&state, &credentials.user, address, "login.failed").await;
        return if form {
            Ok(back_to_form("1"))
        } else {
            Err(ApiError::BadLogin)
        };
    };
    start_session(&state, &session, &user).await?;
    let _ = state
        .catalogue
        .audit(Some(&user.name), "login", None, Some(&address.to_string()))
        .await;
    if form {
        return Ok(Redirect::to(local_path(credentials.next.as_deref())).into_response());
    }
    Ok(Json(json!({ "user": user.name, "role": user.role })).into_response())
}

/// Starts a session for `user` under a fresh id.
pub async fn start_session(
    state: &AppState,
    session: &Session,
    user: &catalogue::user::User,
) -> Result<(), ApiError> {
    let failed = |e: tower_sessions::session::Error| {
        ApiError::Unavailable(format!("the session could not be saved: {e}"))
    };
    session.cycle_id().await.map_err(failed)?;
    let now = chrono::Utc::now().timestamp_millis();
    session
        .insert(
            SESSION_KEY,
            SessionAuth {
                user_id: user.id,
                epoch: user.session_epoch,
                login_ms: now,
                seen_ms: now,
            },
        )
        .await
        .map_err(failed)?;
    state.catalogue.record_login(user.id).await?;
    Ok(())
}

/// The enabled user whose password this is. An unknown name costs the same
/// Argon2 time as a known one, so timing does not tell which names exist.
async fn check_password(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<Option<catalogue::user::User>, ApiError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    let valid_name = catalogue::user::check_name(name).is_ok() && name.len() <= MAX_NAME;
    let stored = if valid_name {
        state.catalogue.password_hash(name).await?
    } else {
        None
    };
    let known = stored.is_some();
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || {
        let hash = stored.unwrap_or_else(|| {
            DECOY
                .get_or_init(|| hash_password("decoy password, never a user's").unwrap_or_default())
                .clone()
        });
        password.len() <= MAX_PASSWORD && verify_password(&hash, &password)
    })
    .await
    .map_err(|e| ApiError::Unavailable(format!("the password check failed: {e}")))?;
    if !(known && matches) {
        return Ok(None);
    }
    Ok(state.catalogue.user(name).await?.filter(|u| !u.disabled))
}

/// Writes a failed or throttled login to the audit trail, a few in a row
/// per address and then one a minute, each saying how many were left out
/// before it (see [`super::throttle::Throttle::audit_failure`]).
async fn audit_failure(state: &AppState, name: &str, address: std::net::IpAddr, action: &str) {
    let Some(left_out) = state.auth.throttle.audit_failure(address) else {
        return;
    };
    // The name as typed, bounded and printable: it is input, and it is shown to admins.
    let mut shown: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    if left_out > 0 {
        shown.push_str(&format!(
            " (and {left_out} earlier failures from this address)"
        ));
    }
    let _ = state
        .catalogue
        .audit(None, action, Some(&shown), Some(&address.to_string()))
        .await;
}

async fn logout(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    end_session(&state, &caller, &session).await?;
    Ok((CLEAR_SITE_DATA, StatusCode::NO_CONTENT))
}

async fn logout_form(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    end_session(&state, &caller, &session).await?;
    Ok((CLEAR_SITE_DATA, Redirect::to("/login")))
}

/// What a logout tells the browser to forget: the pages, thumbnails and
/// files it kept (its HTTP cache and the service worker's caches, with the
/// worker itself), so that the next person at this browser sees no
/// restricted product, not even offline. Cookies are left: the session's is
/// already ended, and the reader's choice of lite mode stays.
const CLEAR_SITE_DATA: [(&str, &str); 1] = [("clear-site-data", "\"cache\", \"storage\"")];

async fn end_session(state: &AppState, caller: &Caller, session: &Session) -> Result<(), ApiError> {
    session
        .flush()
        .await
        .map_err(|e| ApiError::Unavailable(format!("the session could not be ended: {e}")))?;
    // Only a participant's logout ends anything: an anonymous one must not
    // make every open websocket ask the catalogue again.
    if let Caller::Participant(p) = caller {
        let _ = state
            .catalogue
            .audit(Some(&p.user.name), "logout", None, None)
            .await;
        state.auth.revocations.bump();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn a_login_only_goes_back_to_this_site() {
        assert_eq!(local_path(Some("/?t=2026")), "/?t=2026");
        for away in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/evil",
            "/\u{85}/evil",
            "/\u{3000}/evil",
        ] {
            assert_eq!(local_path(Some(away)), "/", "{away}");
        }
        assert_eq!(local_path(None), "/");
    }
}
