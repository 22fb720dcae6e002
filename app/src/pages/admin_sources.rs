//! The admin page's sources: what each source's polling did, and the
//! campaign's `sources.toml` to edit — saved only when it reads well (the
//! same checks as at start; a refusal says the line and the reason), then
//! taken up by the running server within seconds.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Largest `sources.toml` the form takes (the file's own limit).
pub const MAX_TEXT: usize = 1 << 20;

/// The sources as the admin page shows them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourcesAdmin {
    /// Where the file is.
    pub path: String,
    /// The file as it is on disk (empty: no file).
    pub text: String,
    /// Why its last edit was refused, if it was.
    pub refused: Option<String>,
    pub sources: Vec<SourceRow>,
    /// `[[expect]]` entries, by `category.platform`.
    pub expected: Vec<String>,
}

/// One source and what its polling did since the server started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub name: String,
    pub kind: String,
    pub lane: String,
    pub last_success: Option<DateTime<Utc>>,
    pub next_poll: Option<DateTime<Utc>>,
    /// The last failure, said in full (`HTTP 503`, a refusal's reason).
    pub last_error: Option<String>,
    pub files: u64,
    pub not_modified: u64,
    pub late: usize,
}

/// What the server gives pages to describe its sources (the app knows no
/// sources file of its own).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct SourcesView(pub std::sync::Arc<dyn Fn() -> SourcesAdmin + Send + Sync>);

/// The sources, as the server describes them (nothing where it gives none).
#[cfg(feature = "ssr")]
pub fn sources_now() -> SourcesAdmin {
    use_context::<SourcesView>()
        .map(|view| (view.0)())
        .unwrap_or_default()
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "—".to_string(),
        |t| t.format("%d %b %H:%M:%S UTC").to_string(),
    )
}

#[component]
pub fn Sources(sources: SourcesAdmin) -> impl IntoView {
    let SourcesAdmin {
        path,
        text,
        refused,
        sources,
        expected,
    } = sources;
    let none = sources
        .is_empty()
        .then(|| view! { <tr><td colspan="7" class="empty">"No source is fetched."</td></tr> });
    let rows = sources
        .into_iter()
        .map(|s| {
            let (late, failing, key) = (s.late > 0, s.last_error.is_some(), s.name.clone());
            view! {
                <tr data-source=key class:failing=failing>
                    <td><code>{s.name}</code>{format!(" {}", s.kind)}</td>
                    <td>{s.lane}</td>
                    <td>{when(s.last_success)}</td>
                    <td>{when(s.next_poll)}</td>
                    <td>{format!("{} files, {} unchanged", s.files, s.not_modified)}</td>
                    <td class:late=late>{s.late}</td>
                    <td class="reason">{s.last_error.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let pushed = (!expected.is_empty()).then(|| {
        view! { <p class="hint">"Expected from providers: " {expected.join(", ")}</p> }
    });
    view! {
        <section class="admin-section" aria-labelledby="sources-heading">
            <h2 id="sources-heading">"Sources"</h2>
            <table>
                <thead><tr>
                    <th>"Source"</th><th>"Lane"</th><th>"Last fetched"</th><th>"Next poll"</th>
                    <th>"Since start"</th><th>"Late"</th><th>"Last error"</th>
                </tr></thead>
                <tbody>{none}{rows}</tbody>
            </table>
            {pushed}
            {refused.map(|reason| view! {
                <p class="notice failed" role="alert">"The file's last edit was refused: " {reason}</p>
            })}
            <form method="post" action="/admin" class="admin-form sources-form">
                <input type="hidden" name="act" value="save-sources"/>
                <label>
                    <code>{path}</code>
                    <textarea name="text" rows="16" cols="100" spellcheck="false" maxlength=MAX_TEXT>{text}</textarea>
                </label>
                <button type="submit">"Check and save"</button>
            </form>
        </section>
    }
}
