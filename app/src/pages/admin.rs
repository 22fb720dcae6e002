//! `/admin`: participants, providers, personal tokens and the audit trail,
//! for admins. Every action is a plain form posted to `/admin` (so the page
//! needs no JavaScript); the answer is this page again, with a notice of
//! what was done and, once, the secret to hand over.
//! A secret (an invitation link, a provider's token) is shown in that one
//! answer only: never in a URL, a redirect or the catalogue.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use model::accounts::{ApiToken, AuditEntry, Provider, User};
use model::Role;
use serde::{Deserialize, Serialize};

use crate::components::loaded::when_loaded;
use crate::pages::admin_sources::{Sources, SourcesAdmin};

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
    /// The campaign's sources and what their polling did.
    pub sources: SourcesAdmin,
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
    let reader = crate::ssr::require(model::Role::Admin)?;
    let Some((me, _)) = reader.participant else {
        return Err(crate::ssr::internal("an admin without a name"));
    };
    let catalogue = crate::ssr::catalogue()?;
    let failed = crate::ssr::internal;
    Ok(AdminBoard {
        me,
        users: catalogue.users().await.map_err(failed)?,
        providers: catalogue.providers().await.map_err(failed)?,
        tokens: catalogue.api_tokens().await.map_err(failed)?,
        audit: catalogue.audit_trail(AUDIT_LINES).await.map_err(failed)?,
        tags: catalogue.case_tags().await.map_err(failed)?,
        sources: crate::pages::admin_sources::sources_now(),
        notice: use_context::<Notice>(),
    })
}

fn when(t: Option<DateTime<Utc>>, never: &'static str) -> String {
    t.map_or_else(
        || never.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let board = Resource::new_blocking(|| (), |_| load_admin());
    view! {
        <main class="admin">
            <header class="admin-top">
                <h1><a href="/" rel="external">"opsboard"</a></h1>
                <span class="admin-title">"Admin"</span>
                <a class="nav" href="/" rel="external">"Board"</a>
                <form method="post" action="/api/v1/session/logout">
                    <button type="submit" class="logout">"Log out"</button>
                </form>
            </header>
            {when_loaded(board, move |board| view! { <AdminLists board/> })}
        </main>
    }
}

#[component]
fn AdminLists(board: AdminBoard) -> impl IntoView {
    let AdminBoard {
        me,
        users,
        providers,
        tokens,
        audit,
        tags,
        sources,
        notice,
    } = board;
    view! {
        {notice.map(|notice| view! { <NoticeBox notice/> })}
        <Users users me/>
        <Providers providers/>
        <Tokens tokens/>
        <Tags tags/>
        <Sources sources/>
        <Audit audit/>
    }
}

#[component]
fn NoticeBox(notice: Notice) -> impl IntoView {
    let class = if notice.failed {
        "notice failed"
    } else {
        "notice"
    };
    let role = if notice.failed { "alert" } else { "status" };
    view! {
        <section class=class role=role>
            <p>{notice.text}</p>
            {notice.secret.map(|secret| view! {
                <p class="secret">
                    <label>"Shown this once: copy it now"
                        <input readonly class="secret-value" value=secret size="80"/>
                    </label>
                </p>
            })}
        </section>
    }
}

/// A hidden field naming the action and its subject.
#[component]
fn Act(act: &'static str, #[prop(into)] name: String) -> impl IntoView {
    view! {
        <input type="hidden" name="act" value=act/>
        <input type="hidden" name="name" value=name/>
    }
}

/// A table's only row when it has nothing to list.
fn empty_row(shown: bool, text: &'static str) -> impl IntoView {
    shown.then(|| view! { <tr><td colspan="5" class="empty">{text}</td></tr> })
}

#[component]
fn RoleSelect(selected: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> })
        .collect_view()
}

#[component]
fn Users(users: Vec<User>, me: String) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let state = match (u.disabled, u.has_password) {
                (true, _) => "disabled",
                (false, false) => "invited",
                (false, true) => "active",
            };
            let myself = u.name == me;
            let name = u.name.clone();
            view! {
                <tr data-user=u.name.clone()>
                    <td>{u.name.clone()}</td>
                    <td>
                        <form method="post" action="/admin" class="inline">
                            <Act act="role" name=name.clone()/>
                            <select name="role" aria-label=format!("Role of {name}") disabled=myself>
                                <RoleSelect selected=u.role/>
                            </select>
                            <button type="submit" disabled=myself>"Change"</button>
                        </form>
                    </td>
                    <td class="state">{state}</td>
                    <td>{when(u.last_login_at, "never")}</td>
                    <td class="actions">
                        <form method="post" action="/admin" class="inline">
                            <Act act="reset" name=name.clone()/>
                            <button type="submit" disabled=u.disabled>"New invitation"</button>
                        </form>
                        <form method="post" action="/admin" class="inline">
                            <Act act=if u.disabled { "enable" } else { "disable" } name=name.clone()/>
                            <button type="submit" disabled=myself>
                                {if u.disabled { "Enable" } else { "Disable" }}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="users-heading">
            <h2 id="users-heading">"Participants"</h2>
            <table>
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"State"</th><th>"Last login"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <form method="post" action="/admin" class="admin-form">
                <h3>"Invite a participant"</h3>
                <input type="hidden" name="act" value="invite"/>
                <label>"User name"
                    <input name="name" required maxlength="64" pattern="[A-Za-z0-9._@\\-]{1,64}"
                        title="letters, digits, '.', '_', '-' or '@'"/>
                </label>
                <label>"Role"
                    <select name="role"><RoleSelect selected=Role::Viewer/></select>
                </label>
                <button type="submit">"Invite"</button>
                <p class="hint">"The invitation link works once, for 72 hours: send it to the participant, who chooses a password with it."</p>
            </form>
        </section>
    }
}

#[component]
fn Providers(providers: Vec<Provider>) -> impl IntoView {
    let none = empty_row(
        providers.is_empty(),
        "No provider yet: add one below to give an operational centre an upload token.",
    );
    let rows = providers
        .into_iter()
        .map(|p| {
            let last = p.last_upload.as_ref().map_or_else(
                || "nothing yet".to_string(),
                |u| format!("{} ({}) {}", u.file_name, u.outcome, when(Some(u.at), "")),
            );
            let revoked = p.revoked_at.is_some();
            view! {
                <tr data-provider=p.name.clone()>
                    <td>{p.name.clone()}</td>
                    <td>{p.rights()}{if p.restricted { "; restricted by default" } else { "" }}</td>
                    <td class="state">{if revoked { format!("revoked {}", when(p.revoked_at, "")) } else { "active".into() }}</td>
                    <td>{last}</td>
                    <td class="actions">
                        <form method="post" action="/admin" class="inline">
                            <Act act="revoke-provider" name=p.name.clone()/>
                            <button type="submit" disabled=revoked>"Revoke"</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="providers-heading">
            <h2 id="providers-heading">"Providers"</h2>
            <table>
                <thead><tr><th>"Name"</th><th>"Rights"</th><th>"State"</th><th>"Last upload"</th><th></th></tr></thead>
                <tbody>{none}{rows}</tbody>
            </table>
            <form method="post" action="/admin" class="admin-form">
                <h3>"Add a provider"</h3>
                <input type="hidden" name="act" value="add-provider"/>
                <label>"Name" <input name="name" required maxlength="64"/></label>
                <label>"Categories (comma-separated, empty for any)" <input name="categories" maxlength="512"/></label>
                <label>"Platforms (comma-separated, empty for any)" <input name="platforms" maxlength="512"/></label>
                <label class="check"><input type="checkbox" name="restricted" value="on"/>" Its products are for participants only"</label>
                <button type="submit">"Add and show its token"</button>
            </form>
        </section>
    }
}

#[component]
fn Tokens(tokens: Vec<ApiToken>) -> impl IntoView {
    let none = empty_row(tokens.is_empty(), "No personal token.");
    let rows = tokens
        .into_iter()
        .map(|t| {
            let revoked = t.revoked_at.is_some();
            view! {
                <tr>
                    <td>{t.id}</td>
                    <td>{t.user}</td>
                    <td>{t.label}</td>
                    <td>{when(t.last_used_at, "never")}</td>
                    <td class="actions">
                        <form method="post" action="/admin" class="inline">
                            <Act act="revoke-token" name=t.id.to_string()/>
                            <button type="submit" disabled=revoked>{if revoked { "Revoked" } else { "Revoke" }}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"Personal tokens"</h2>
            <p class="hint">"Made with " <code>"opsboard user token NAME"</code> " for scripts."</p>
            <table>
                <thead><tr><th>"Id"</th><th>"User"</th><th>"Label"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>{none}{rows}</tbody>
            </table>
        </section>
    }
}

/// The case studies' tag vocabulary: each tag's long name and tier
/// changed in its row, a new one added below.
#[component]
fn Tags(tags: Vec<model::case_studies::CaseTag>) -> impl IntoView {
    let none = empty_row(tags.is_empty(), "No tag yet.");
    let tier = |value: u8| {
        view! {
            <input type="number" name="tier" min="1" max=model::case_studies::MAX_TIER
                value=value required aria-label="Tier" size="2"/>
        }
    };
    let rows = tags
        .into_iter()
        .map(|t| {
            view! {
                <tr data-tag=t.tag.clone()>
                    <td><code>{t.tag.clone()}</code></td>
                    <td colspan="3">
                        <form method="post" action="/admin" class="inline">
                            <Act act="save-tag" name=t.tag.clone()/>
                            <input type="text" name="long_name" value=t.long_name required maxlength="200"
                                aria-label=format!("Long name of {}", t.tag)/>
                            {tier(t.tier)}
                            <button type="submit">"Save"</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="tags-heading">
            <h2 id="tags-heading">"Case-study tags"</h2>
            <p class="hint">"The vocabulary case studies are tagged with (lower case, digits, - and _), by tier."</p>
            <table>
                <thead><tr><th>"Tag"</th><th colspan="3">"Long name and tier"</th></tr></thead>
                <tbody>{none}{rows}</tbody>
            </table>
            <form method="post" action="/admin" class="admin-form">
                <input type="hidden" name="act" value="save-tag"/>
                <label>"Tag " <input type="text" name="name" required maxlength="64"/></label>
                <label>"Long name " <input type="text" name="long_name" required maxlength="200"/></label>
                <label>"Tier " {tier(1)}</label>
                <button type="submit">"Add the tag"</button>
            </form>
        </section>
    }
}

#[component]
fn Audit(audit: Vec<AuditEntry>) -> impl IntoView {
    let rows = audit
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td>{when(Some(a.at), "")}</td>
                    <td>{a.actor.unwrap_or_default()}</td>
                    <td>{a.action}</td>
                    <td>{a.subject.unwrap_or_default()}</td>
                    <td>{a.address.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit trail"</h2>
            <table class="audit">
                <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"About"</th><th>"From"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
