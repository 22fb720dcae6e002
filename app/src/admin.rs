//! What the admin page shows, and the server function that loads it.
//!
//! The page is a list of forms posted to `/admin` itself: the server checks
//! the caller is an admin, acts, and renders the page again with a
//! [`Notice`] of what it did. A secret (an invitation link, a provider's
//! token) is shown in that one answer only: never in a URL, a redirect or
//! the catalogue.

use leptos::prelude::*;
use model::accounts::{ApiToken, AuditEntry, Provider, User};
use serde::{Deserialize, Serialize};

/// Lines of the audit trail shown.
pub const AUDIT_LINES: i64 = 100;

/// Everything the admin page lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminBoard {
    /// The admin looking (who cannot disable or demote themselves).
    pub me: String,
    pub users: Vec<User>,
    pub providers: Vec<Provider>,
    pub tokens: Vec<ApiToken>,
    pub audit: Vec<AuditEntry>,
    /// The case studies' tag vocabulary.
    pub tags: Vec<model::case_studies::CaseTag>,
    /// What the action just posted did.
    pub notice: Option<Notice>,
}

/// The outcome of an admin's action, shown once above the lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub text: String,
    /// A link or token to hand over, shown in this answer only.
    pub secret: Option<String>,
    pub failed: bool,
}

impl Notice {
    pub fn done(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            secret: None,
            failed: false,
        }
    }

    pub fn with_secret(text: impl Into<String>, secret: String) -> Self {
        Self {
            secret: Some(secret),
            ..Self::done(text)
        }
    }

    pub fn failed(text: impl Into<String>) -> Self {
        Self {
            failed: true,
            ..Self::done(text)
        }
    }
}

/// The admin page's lists, for admins only (anyone can call a server
/// function: the role is checked here too, not only by the page's route).
#[server(endpoint = "admin_lists")]
pub async fn load_admin() -> Result<AdminBoard, ServerFnError> {
    use model::Role;
    let reader = crate::board::reader();
    let Some((me, Role::Admin)) = reader.participant else {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return Err(ServerFnError::new("this needs the admin role"));
    };
    let catalogue = use_context::<catalogue::Catalogue>()
        .ok_or_else(|| ServerFnError::new("the catalogue is not available"))?;
    let failed = crate::board::internal;
    Ok(AdminBoard {
        me,
        users: catalogue.users().await.map_err(failed)?,
        providers: catalogue.providers().await.map_err(failed)?,
        tokens: catalogue.api_tokens().await.map_err(failed)?,
        audit: catalogue.audit_trail(AUDIT_LINES).await.map_err(failed)?,
        tags: catalogue.case_tags().await.map_err(failed)?,
        notice: use_context::<Notice>(),
    })
}
