//! Who has access, as listed: participants' accounts, upload providers,
//! personal tokens and the audit trail. Wire types only (never a secret or
//! a hash), shared by the server, the command line and the admin page in
//! the browser; storing and checking them is the catalogue's job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::name::ProductName;

/// An account as listed (never with its hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    /// False until an invitation is used.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Bumped when the password changes or the account is disabled: a
    /// session taken under another value is no longer honoured.
    pub session_epoch: i64,
}

/// A provider and its rights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub name: String,
    /// Categories it may send; empty means any.
    pub categories: Vec<String>,
    /// Platforms it may send; empty means any.
    pub platforms: Vec<String>,
    /// Its products are for participants only unless their sidecar says otherwise.
    #[serde(default)]
    pub restricted: bool,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it sent last, whatever became of it.
    #[serde(default)]
    pub last_upload: Option<LastUpload>,
}

/// A provider's newest upload: when, which file, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastUpload {
    pub at: DateTime<Utc>,
    pub file_name: String,
    /// `added`, `updated`, `unchanged`, `kept` (a sidecar) or `rejected`.
    pub outcome: String,
}

impl Provider {
    /// Whether this provider may send a file named `name`.
    pub fn may_send(&self, name: &ProductName) -> bool {
        allowed(&self.categories, &name.category) && allowed(&self.platforms, &name.platform)
    }

    /// Whether this provider may relay `platform`'s positions (IWG1): they
    /// count as that platform's `aircraft` data.
    pub fn may_relay_positions(&self, platform: &str) -> bool {
        allowed(&self.categories, "aircraft") && allowed(&self.platforms, platform)
    }

    /// Its rights in words, for the command line, the admin page and error messages.
    pub fn rights(&self) -> String {
        let list = |l: &[String]| {
            if l.is_empty() {
                "any".to_string()
            } else {
                l.join(", ")
            }
        };
        format!(
            "categories: {}; platforms: {}",
            list(&self.categories),
            list(&self.platforms)
        )
    }
}

/// A provider's list of rights allows `value`: empty allows anything.
fn allowed(list: &[String], value: &str) -> bool {
    list.is_empty() || list.iter().any(|v| v == value)
}

/// A personal token as listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub user: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who acted (a user, `cli`, or the address of a failed login).
    pub actor: Option<String>,
    /// `login`, `login.failed`, `role.admin`, `token.created`…
    pub action: String,
    /// Whom it was about.
    pub subject: Option<String>,
    pub address: Option<String>,
}
