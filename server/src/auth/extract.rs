//! The extractors that let a handler run: taking one is the handler's
//! authorisation, and what it yields is what the handler may read with.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use model::{Role, Visibility};

use super::{needs, Access, Caller, Participant};
use crate::error::ApiError;
use crate::state::AppState;

fn caller(parts: &Parts) -> Caller {
    parts
        .extensions
        .get::<Caller>()
        .cloned()
        .unwrap_or(Caller::Anonymous)
}

/// A caller who may read products: participants always; in public mode,
/// anonymous visitors and provider tokens too, for unrestricted products.
pub struct ReadAccess {
    pub caller: Caller,
}

impl ReadAccess {
    /// What the catalogue may show this caller.
    pub fn visibility(&self) -> Visibility {
        self.caller.visibility()
    }
}

impl FromRequestParts<AppState> for ReadAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts);
        match (&caller, state.auth.args.access) {
            (Caller::Participant(_), _) | (_, Access::Public) => Ok(Self { caller }),
            (Caller::Anonymous, Access::Participants) => Err(ApiError::LoginRequired),
            (Caller::Provider(_), Access::Participants) => Err(ApiError::Forbidden(
                "an upload token sends files; reading needs a participant's login or personal token"
                    .into(),
            )),
        }
    }
}

/// Anyone, identified or not, for handlers that decide themselves (the
/// rejections: admins see all, a provider its own).
pub struct AnyCaller(pub Caller);

impl FromRequestParts<AppState> for AnyCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        Ok(Self(caller(parts)))
    }
}

/// A data provider's token: what sends files and relays positions. Anyone
/// else is told a provider's token is needed, whoever they are.
pub struct ProviderOnly(pub catalogue::provider::Provider);

impl FromRequestParts<AppState> for ProviderOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        match caller(parts) {
            Caller::Provider(provider) => Ok(Self(provider)),
            Caller::Participant(_) | Caller::Anonymous => Err(ApiError::Unauthorized),
        }
    }
}

/// A participant with the admin role.
pub struct AdminOnly(pub Participant);

impl FromRequestParts<AppState> for AdminOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        match caller(parts) {
            Caller::Participant(p) if p.user.role == Role::Admin => Ok(Self(p)),
            Caller::Participant(_) | Caller::Provider(_) => Err(needs(Role::Admin)),
            Caller::Anonymous => Err(ApiError::LoginRequired),
        }
    }
}

/// A participant who may plan and decide operations: a scientist or an
/// admin. Viewers are told which role they would need.
pub struct Scientist(pub Participant);

impl FromRequestParts<AppState> for Scientist {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        match caller(parts) {
            Caller::Participant(p) if p.user.role >= Role::Scientist => Ok(Self(p)),
            Caller::Participant(_) | Caller::Provider(_) => Err(needs(Role::Scientist)),
            Caller::Anonymous => Err(ApiError::LoginRequired),
        }
    }
}
