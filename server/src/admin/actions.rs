//! What the admin page's forms do. Each action is checked, done, written to
//! the audit trail (without secrets) and answered with a [`Notice`]; a
//! failure is a notice too, so the admin sees why on the same page.

use std::net::IpAddr;

use app::pages::admin::Notice;
use axum::http::{header, HeaderMap};
use catalogue::provider::{hash_token, new_token};
use catalogue::user::check_name;
use catalogue::CatalogueError;
use model::Role;
use serde::Deserialize;

use crate::auth::first_admin::{invite, INVITATION_LIFETIME};
use crate::auth::Participant;
use crate::error::ApiError;
use crate::state::AppState;

/// Most categories or platforms in a provider's rights.
const MAX_RIGHTS: usize = 32;

/// One form of the admin page, named by its `act` field.
#[derive(Debug, Deserialize)]
#[serde(tag = "act", rename_all = "kebab-case")]
pub enum AdminAction {
    /// A new participant without a password, and the invitation to set one.
    Invite {
        name: String,
        role: String,
    },
    Role {
        name: String,
        role: String,
    },
    Disable {
        name: String,
    },
    Enable {
        name: String,
    },
    /// A new invitation for an existing participant (a forgotten password).
    Reset {
        name: String,
    },
    AddProvider {
        name: String,
        #[serde(default)]
        categories: String,
        #[serde(default)]
        platforms: String,
        /// A checkbox: present when ticked.
        #[serde(default)]
        restricted: Option<String>,
    },
    RevokeProvider {
        name: String,
    },
    /// A personal token, by id (sent as `name`, like every subject).
    RevokeToken {
        name: String,
    },
    /// A case-study tag added or changed (the tag is the `name`).
    SaveTag {
        name: String,
        long_name: String,
        tier: String,
    },
    /// The campaign's `sources.toml`, as edited on the page (the file's
    /// path is the server's, never the form's).
    SaveSources {
        text: String,
    },
}

/// Who did it, from where: what the audit trail notes.
struct Actor<'a> {
    name: &'a str,
    address: String,
}

/// Does `action` for `admin`, answering what happened.
pub async fn perform(
    state: &AppState,
    admin: &Participant,
    action: AdminAction,
    headers: &HeaderMap,
    address: IpAddr,
) -> Notice {
    let actor = Actor {
        name: &admin.user.name,
        address: address.to_string(),
    };
    match act(state, &actor, action, headers).await {
        Ok(notice) => notice,
        Err(ApiError::BadRequest(reason) | ApiError::Forbidden(reason)) => Notice::failed(reason),
        Err(ApiError::NotFound(what)) => Notice::failed(format!("no such {what}")),
        Err(error) => {
            tracing::error!(%error, "an admin action failed");
            Notice::failed("internal error; the server log has the details")
        }
    }
}

async fn act(
    state: &AppState,
    actor: &Actor<'_>,
    action: AdminAction,
    headers: &HeaderMap,
) -> Result<Notice, ApiError> {
    let catalogue = &state.catalogue;
    let audit = |action: String, subject: String| async move {
        catalogue
            .audit(
                Some(actor.name),
                &action,
                Some(&subject),
                Some(&actor.address),
            )
            .await
    };
    match action {
        AdminAction::Invite { name, role } => {
            check_name(&name).map_err(|e| ApiError::BadRequest(e.to_string()))?;
            let role = parse_role(&role)?;
            let user = match catalogue.add_user(&name, role, None).await {
                Err(CatalogueError::UserExists(name)) => {
                    return Err(ApiError::BadRequest(format!(
                        "{name:?} already has an account: send a new invitation from their row"
                    )))
                }
                other => other?,
            };
            let link = invitation_link(state, headers, user.id, actor.name).await?;
            audit("user.invited".into(), user.name.clone()).await?;
            Ok(Notice::with_secret(
                format!(
                    "{} is invited as {role}: send them this link, which works once within {} hours.",
                    user.name,
                    INVITATION_LIFETIME.num_hours()
                ),
                link,
            ))
        }
        AdminAction::Reset { name } => {
            let user = known_user(state, &name).await?;
            if user.disabled {
                return Err(ApiError::BadRequest(format!(
                    "{name:?} is disabled: enable the account first"
                )));
            }
            let link = invitation_link(state, headers, user.id, actor.name).await?;
            audit("invitation.created".into(), user.name.clone()).await?;
            Ok(Notice::with_secret(
                format!(
                    "A new invitation for {}: with it they choose a new password (the current one works until then).",
                    user.name
                ),
                link,
            ))
        }
        AdminAction::Role { name, role } => {
            not_myself(actor, &name, "change your own role")?;
            let role = parse_role(&role)?;
            if !catalogue.set_role(&name, role).await? {
                return Err(ApiError::NotFound("user"));
            }
            audit(format!("role.{role}"), name.clone()).await?;
            state.auth.revocations.bump();
            Ok(Notice::done(format!("{name} is now {role}.")))
        }
        // Names are stored without case (`ADMIN2` is `admin2`): compared so.
        AdminAction::Disable { name } | AdminAction::Enable { name }
            if name.eq_ignore_ascii_case(actor.name) =>
        {
            Err(ApiError::BadRequest(
                "you cannot disable or enable yourself: ask another admin".into(),
            ))
        }
        AdminAction::Disable { name } => {
            if !catalogue.set_disabled(&name, true).await? {
                return Err(ApiError::NotFound("user"));
            }
            audit("user.disabled".into(), name.clone()).await?;
            // Open pages and websockets of this user close now.
            state.auth.revocations.bump();
            Ok(Notice::done(format!(
                "{name} is disabled: their sessions and tokens no longer work."
            )))
        }
        AdminAction::Enable { name } => {
            if !catalogue.set_disabled(&name, false).await? {
                return Err(ApiError::NotFound("user"));
            }
            audit("user.enabled".into(), name.clone()).await?;
            Ok(Notice::done(format!("{name} is enabled again.")))
        }
        AdminAction::AddProvider {
            name,
            categories,
            platforms,
            restricted,
        } => {
            check_name(&name).map_err(|e| ApiError::BadRequest(e.to_string()))?;
            let categories = rights(&categories, "categories")?;
            let platforms = rights(&platforms, "platforms")?;
            let token = new_token().map_err(|e| ApiError::Unavailable(e.to_string()))?;
            let provider = match catalogue
                .add_provider(
                    &name,
                    &categories,
                    &platforms,
                    restricted.is_some(),
                    &hash_token(&token),
                )
                .await
            {
                Err(CatalogueError::ProviderExists(name)) => {
                    return Err(ApiError::BadRequest(format!(
                        "a provider named {name:?} already exists"
                    )))
                }
                other => other?,
            };
            audit("provider.created".into(), provider.name.clone()).await?;
            Ok(Notice::with_secret(
                format!(
                    "Provider {} added ({}). Its upload token, for PUT /api/v1/drops/<file name> \
                     with Authorization: Bearer <token>:",
                    provider.name,
                    provider.rights()
                ),
                token,
            ))
        }
        AdminAction::RevokeProvider { name } => {
            if !catalogue.revoke_provider(&name).await? {
                return Err(ApiError::NotFound("active provider"));
            }
            audit("provider.revoked".into(), name.clone()).await?;
            Ok(Notice::done(format!(
                "Provider {name} is revoked: its token no longer uploads."
            )))
        }
        AdminAction::RevokeToken { name } => {
            let id: i64 = name
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("{name:?} is not a token number")))?;
            let Some(owner) = catalogue.revoke_api_token(id).await? else {
                return Err(ApiError::NotFound("active token"));
            };
            audit("token.revoked".into(), owner.clone()).await?;
            state.auth.revocations.bump();
            Ok(Notice::done(format!("Token {id} of {owner} is revoked.")))
        }
        AdminAction::SaveTag {
            name,
            long_name,
            tier,
        } => {
            let tier = tier
                .trim()
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("tier {tier:?} is not a number")))?;
            let tag = model::case_studies::CaseTag {
                tag: name.trim().to_string(),
                long_name: long_name.trim().to_string(),
                tier,
            };
            tag.check()
                .map_err(|e| ApiError::BadRequest(e.to_string()))?;
            state.hub.save_case_tag(&tag).await?;
            audit("case_tag.saved".into(), tag.tag.clone()).await?;
            Ok(Notice::done(format!(
                "The tag {} ({}, tier {}) is saved: case studies may use it.",
                tag.tag, tag.long_name, tag.tier
            )))
        }
        AdminAction::SaveSources { text } => {
            // A browser's text area sends its lines ended CRLF.
            let text = text.replace("\r\n", "\n");
            let path = state.sources.borrow().path.clone();
            let to = path.clone();
            tokio::task::spawn_blocking(move || crate::source_file::save(&to, &text))
                .await
                .map_err(|e| ApiError::Unavailable(e.to_string()))?
                .map_err(|reason| {
                    ApiError::BadRequest(format!("sources.toml is not saved: {reason}"))
                })?;
            audit("sources.saved".into(), path.display().to_string()).await?;
            Ok(Notice::done(
                "sources.toml is saved: the server takes it up within two seconds.",
            ))
        }
    }
}

fn parse_role(role: &str) -> Result<Role, ApiError> {
    role.parse()
        .map_err(|e: model::access::RoleError| ApiError::BadRequest(e.to_string()))
}

/// Refuses an action on the actor's own account; names are compared
/// without case, as the users table does (`COLLATE NOCASE`).
fn not_myself(actor: &Actor<'_>, name: &str, what: &str) -> Result<(), ApiError> {
    if name.eq_ignore_ascii_case(actor.name) {
        return Err(ApiError::BadRequest(format!(
            "you cannot {what}: ask another admin"
        )));
    }
    Ok(())
}

async fn known_user(state: &AppState, name: &str) -> Result<catalogue::user::User, ApiError> {
    state
        .catalogue
        .user(name)
        .await?
        .ok_or(ApiError::NotFound("user"))
}

/// A comma-separated list of categories or platforms, each a plain word.
fn rights(list: &str, what: &str) -> Result<Vec<String>, ApiError> {
    let words: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.len() > MAX_RIGHTS {
        return Err(ApiError::BadRequest(format!("at most {MAX_RIGHTS} {what}")));
    }
    if let Some(bad) = words.iter().find(|w| {
        w.len() > 64
            || !w
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    }) {
        return Err(ApiError::BadRequest(format!(
            "{bad:?}: {what} are letters, digits, '-' or '_'"
        )));
    }
    Ok(words)
}

/// An invitation for `user_id`, as the link to send: on `--public-url` when
/// set, else on the address the admin's browser used.
async fn invitation_link(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
    by: &str,
) -> Result<String, ApiError> {
    let token = invite(&state.catalogue, user_id, Some(by)).await?;
    let base = match &state.auth.args.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    Ok(format!("{base}/welcome?invitation={token}"))
}
