//! Who is asking, and what they may see and do.
//!
//! Every request passes [`resolve`] once. A Bearer token (a provider's upload
//! token or a participant's personal one) or the session cookie names the
//! [`Caller`], which goes into the request's extensions together with the
//! [`Reader`] that pages and server functions render for. In participants
//! mode an anonymous request stops there, except for what a visitor needs to
//! log in (the login and welcome pages, the session endpoint, the built
//! assets) and health: 401 for the API, a redirect to the login page for
//! pages. Handlers then take an extractor from [`extract`] — [`ReadAccess`] to
//! read products, [`AdminOnly`] to manage — and every catalogue read of
//! products takes the visibility that extractor gives: a handler cannot
//! forget to filter restricted products, because it cannot read without saying
//! for whom.
//!
//! Sessions are server-side (`tower-sessions`, its sqlx store in the
//! catalogue): the cookie holds a random id only. A session records the
//! user, the account's session epoch when it began, and when: a password
//! change or a disabled account bumps the epoch, which ends every session
//! and open websocket of that user at once (see [`revocations`]).

mod args;
pub mod extract;
pub mod first_admin;
pub mod form;
pub mod origin;
pub mod revocations;
pub mod session;
pub mod throttle;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use catalogue::provider::{hash_token, Provider};
use catalogue::user::User;
use model::{Reader, Role, Visibility};
use tower_sessions::Session;

pub use args::{Access, AccessArgs};
pub use extract::{AdminOnly, ProviderOnly, ReadAccess, Scientist};

use crate::error::ApiError;
use crate::state::AppState;

/// The access settings and their live parts, shared by every request.
#[derive(Clone)]
pub struct Auth {
    pub args: Arc<AccessArgs>,
    pub throttle: throttle::Throttle,
    pub revocations: revocations::Revocations,
    pub first_admin: first_admin::FirstAdmin,
    pub sessions: tower_sessions_sqlx_store::SqliteStore,
}

/// Who sent a request.
#[derive(Clone, Debug)]
pub enum Caller {
    Anonymous,
    /// A participant, logged in or with a personal token.
    Participant(Participant),
    /// An operational centre's upload token.
    Provider(Provider),
}

#[derive(Clone, Debug)]
pub struct Participant {
    pub user: User,
    /// How the participant proved who they are: checked again, for as long
    /// as a websocket stays open.
    pub via: Credential,
}

#[derive(Clone, Debug)]
pub enum Credential {
    /// A login's session.
    Session(Option<tower_sessions::session::Id>),
    /// A personal token, by its SHA-256 (what the catalogue keeps).
    Token(String),
}

impl Caller {
    /// What pages and queries need to know of the caller.
    pub fn reader(&self) -> Reader {
        match self {
            Caller::Participant(p) => Reader {
                participant: Some((p.user.name.clone(), p.user.role)),
            },
            Caller::Anonymous | Caller::Provider(_) => Reader::default(),
        }
    }

    /// Asked for every event of every websocket: no allocation.
    pub fn visibility(&self) -> Visibility {
        match self {
            Caller::Participant(_) => Visibility::Everything,
            Caller::Anonymous | Caller::Provider(_) => Visibility::OpenOnly,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Caller::Participant(p) => Some(p.user.role),
            _ => None,
        }
    }

    /// A name for the audit trail.
    pub fn name(&self) -> Option<String> {
        match self {
            Caller::Participant(p) => Some(p.user.name.clone()),
            Caller::Provider(p) => Some(format!("provider:{}", p.name)),
            Caller::Anonymous => None,
        }
    }
}

/// What a session stores: who, since when, under which epoch of the account.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct SessionAuth {
    pub user_id: i64,
    pub epoch: i64,
    pub login_ms: i64,
    /// Last request seen, written back at most every few minutes (a write
    /// per request would cost a SQLite commit per page).
    pub seen_ms: i64,
}

/// The session key of [`SessionAuth`].
pub const SESSION_KEY: &str = "participant";
/// How stale `seen_ms` may get before it is written back.
const SEEN_EVERY_MS: i64 = 5 * 60 * 1000;

/// Resolves the caller (see the module documentation) and, in participants
/// mode, stops anonymous requests that need a login.
pub async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let session = request.extensions().get::<Session>().cloned();
    let caller = identify(&state, request.headers(), session.as_ref()).await?;
    let path = request.uri().path().to_string();
    if matches!(caller, Caller::Anonymous)
        && state.auth.args.access == Access::Participants
        && !open_to_anyone(&path)
    {
        return Ok(if path.starts_with("/api/") {
            ApiError::LoginRequired.into_response()
        } else if path.starts_with("/stac/") || path == "/wms" {
            // STAC and OGC clients (pystac-client, QGIS, OWSLib, msui) read JSON or XML
            // and can send a personal token as Bearer or as a Basic password;
            // a login page would be a JSON decode error to them. (The
            // board's own API calls get no Basic challenge: browsers would
            // answer it with a password dialog.)
            let mut refused = ApiError::LoginRequired.into_response();
            refused.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static(
                    "Bearer realm=\"opsboard\", Basic realm=\"opsboard\"",
                ),
            );
            refused
        } else {
            let next = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            Redirect::to(&format!("/login?{query}")).into_response()
        });
    }
    if matches!(caller, Caller::Provider(_))
        && state.auth.args.access == Access::Participants
        && !for_providers(&path)
    {
        // Not a login: in participants mode an upload token reads nothing,
        // not even the board's open products.
        return Err(ApiError::Forbidden(
            "an upload token sends files; reading needs a participant's login or personal token"
                .into(),
        ));
    }
    request.extensions_mut().insert(caller.reader());
    request.extensions_mut().insert(caller);
    let assets = path.starts_with("/pkg/");
    let participants_only = state.auth.args.access == Access::Participants;
    let mut response = next.run(request).await;
    if !assets {
        private_to_caller(response.headers_mut(), participants_only);
    }
    Ok(response)
}

/// What a page or an answer shows depends on who asks: shared caches must
/// not keep it for others (`Vary`), and in participants mode must not keep
/// it at all (`private`); without a policy of its own an answer is checked
/// again each time.
fn private_to_caller(headers: &mut HeaderMap, participants_only: bool) {
    let cache = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let policy = match cache {
        None => Some("private, no-cache".to_string()),
        Some(c) if participants_only && c.contains("public") => {
            Some(c.replace("public", "private"))
        }
        Some(_) => None,
    };
    if let Some(value) = policy.and_then(|p| header::HeaderValue::from_str(&p).ok()) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.append(header::VARY, header::HeaderValue::from_static("Cookie"));
    headers.append(
        header::VARY,
        header::HeaderValue::from_static("Authorization"),
    );
}

/// Paths served to anyone in participants mode: what logging in needs.
fn open_to_anyone(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/welcome"
            // The upload form shows nothing of the campaign: a centre with
            // only its provider token sends files from it (the token is
            // checked by the drops API, as for a script).
            | "/upload"
            | "/api/v1/health"
            | "/api/v1/session"
            | "/favicon.ico"
            | "/favicon.svg"
            // The offline worker's script: code, the same for everyone.
            | "/sw.js"
    ) || path.starts_with("/pkg/")
        || path.starts_with("/api/v1/invitations/")
}

/// Paths an upload token serves for in participants mode: sending files,
/// and hearing why they were refused.
fn for_providers(path: &str) -> bool {
    path.starts_with("/api/v1/drops/")
        || matches!(path, "/api/v1/rejections" | "/api/v1/health" | "/upload")
        // The IWG1 relay of a ground station (its handler checks the rights;
        // the counts under the same path are for admins).
        || path
            .strip_prefix("/api/v1/platforms/")
            .is_some_and(|rest| rest.ends_with("/iwg1") && rest.matches('/').count() == 1)
}

/// The caller named by a token (Bearer, or a Basic password) or the session. A token that names no
/// one is refused (a script with a revoked token must hear so); a session
/// that no longer holds is ended and the request is anonymous.
async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&Session>,
) -> Result<Caller, ApiError> {
    if let Some(token) = bearer(headers) {
        let hash = hash_token(&token);
        if let Some(provider) = state.catalogue.provider_by_token_hash(&hash).await? {
            return Ok(Caller::Provider(provider));
        }
        if let Some(user) = state.catalogue.user_by_api_token(&hash).await? {
            return Ok(Caller::Participant(Participant {
                user,
                via: Credential::Token(hash),
            }));
        }
        return Err(ApiError::Unauthorized);
    }
    let Some(session) = session else {
        return Ok(Caller::Anonymous);
    };
    let auth = match session.get::<SessionAuth>(SESSION_KEY).await {
        Ok(Some(auth)) => auth,
        Ok(None) => return Ok(Caller::Anonymous),
        Err(error) => {
            tracing::warn!(%error, "a session could not be read; treated as logged out");
            return Ok(Caller::Anonymous);
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    match valid_user(state, &auth, now).await? {
        Some(user) => {
            if now - auth.seen_ms > SEEN_EVERY_MS {
                let seen = SessionAuth {
                    seen_ms: now,
                    ..auth
                };
                if let Err(error) = session.insert(SESSION_KEY, seen).await {
                    tracing::warn!(%error, "a session's last use could not be noted");
                }
            }
            Ok(Caller::Participant(Participant {
                user,
                via: Credential::Session(session.id()),
            }))
        }
        None => {
            let _ = session.flush().await;
            Ok(Caller::Anonymous)
        }
    }
}

/// The user of a session, if the session still holds at `now_ms`: the
/// account enabled, its epoch unchanged, neither idle nor absolute expiry passed.
pub async fn valid_user(
    state: &AppState,
    auth: &SessionAuth,
    now_ms: i64,
) -> Result<Option<User>, ApiError> {
    let args = &state.auth.args;
    let idle = args.idle().as_millis() as i64;
    let max_age = args.max_age().as_millis() as i64;
    if now_ms - auth.seen_ms > idle || now_ms - auth.login_ms > max_age {
        return Ok(None);
    }
    let user = state.catalogue.user_by_id(auth.user_id).await?;
    Ok(user.filter(|u| !u.disabled && u.session_epoch == auth.epoch))
}

/// The token of the `Authorization` header: `Bearer TOKEN`, or `Basic` with
/// the token as the password (the user name is ignored), which OGC clients
/// such as QGIS and OWSLib can send where they cannot send a Bearer token.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = if let Some(token) = value.strip_prefix("Bearer ") {
        token.trim().to_string()
    } else {
        let encoded = value.strip_prefix("Basic ")?.trim();
        // A token is 64 characters or so: a longer header is not one.
        if encoded.len() > 1024 {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()?;
        let pair = String::from_utf8(decoded).ok()?;
        pair.split_once(':')?.1.to_string()
    };
    Some(token).filter(|t| !t.is_empty())
}

/// The client's address: the peer's, or behind `--trust-proxy` the last one
/// the proxy appended to `X-Forwarded-For`.
pub fn client_address(state: &AppState, request_headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    if state.auth.args.trust_proxy {
        let forwarded = request_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        if let Some(address) = forwarded {
            return address;
        }
    }
    peer.ip()
}

/// The peer address a request came from, when the server records it.
pub fn peer(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// 403 with a reason, for a participant below the role an action needs.
pub fn needs(role: Role) -> ApiError {
    ApiError::Forbidden(format!("this needs the {role} role"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_token_comes_as_bearer_or_as_a_basic_password_and_nothing_else() {
        assert_eq!(bearer(&with("Bearer obp_x")).as_deref(), Some("obp_x"));
        let basic = format!("Basic {}", STANDARD.encode("qgis:obp_y"));
        assert_eq!(bearer(&with(&basic)).as_deref(), Some("obp_y"));
        let long = format!("Basic {}", "A".repeat(2000));
        let no_colon = format!("Basic {}", STANDARD.encode("obp_z"));
        let empty = format!("Basic {}", STANDARD.encode("user:"));
        let not_utf8 = format!("Basic {}", STANDARD.encode([0xff, 0x3a, 0x41]));
        for refused in [
            "Basic !!!",
            "Basic ",
            "Bearer ",
            "Digest x",
            &long,
            &no_colon,
            &empty,
            &not_utf8,
        ] {
            assert_eq!(bearer(&with(refused)), None, "{refused:.40}");
        }
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
