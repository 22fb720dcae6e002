//! `/briefings`: every briefing of the campaign, the next first, and (for
//! scientists) a form to plan one; its page opens once it is made, and
//! items are added to it from the board ("Add to briefing").

use leptos::prelude::*;
use model::operations::Briefing;
use serde::{Deserialize, Serialize};

use crate::components::loaded::when_loaded;
use crate::components::ops_header::OpsHeader;
use crate::operations::utc;

#[component]
pub fn BriefingsPage() -> impl IntoView {
    let loaded = Resource::new_blocking(|| (), |_| load_briefings());
    view! {
        <main class="ops-page briefings-page">
            <OpsHeader title="Briefings"/>
            {when_loaded(loaded, move |list| view! { <BriefingsBody list/> })}
        </main>
    }
}

#[component]
fn BriefingsBody(list: BriefingList) -> impl IntoView {
    let BriefingList {
        briefings,
        may_write,
    } = list;
    let empty = briefings.is_empty();
    view! {
        {may_write.then(|| view! { <NewBriefing/> })}
        <section class="briefing-list">
            <h2>"Briefings"</h2>
            {empty.then(|| view! { <p class="muted">"No briefing yet."</p> })}
            <ul>
                {briefings.into_iter().map(|b| view! { <BriefingRow briefing=b/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn BriefingRow(briefing: Briefing) -> impl IntoView {
    let count = briefing.items.len();
    let items = if count == 1 {
        "1 item".to_string()
    } else {
        format!("{count} items")
    };
    view! {
        <li data-briefing=briefing.id>
            <a href=format!("/briefings/{}", briefing.id) rel="external">{briefing.title}</a>
            <span class="muted">{format!(" {} · {} · {items}", utc(briefing.at), briefing.presenter)}</span>
        </li>
    }
}

/// Plans a briefing: title, time (UTC) and presenter (the author when
/// empty). Items come afterwards, from the board.
#[component]
fn NewBriefing() -> impl IntoView {
    let title = RwSignal::new(String::new());
    let at = RwSignal::new(String::new());
    let presenter = RwSignal::new(String::new());
    let failed = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = serde_json::json!({
            "title": title.get(),
            "at": format!("{}:00Z", at.get()),
            "presenter": Some(presenter.get()).filter(|p| !p.trim().is_empty()),
        });
        #[cfg(feature = "hydrate")]
        crate::request::post_json(
            "/api/v1/briefings",
            &body.to_string(),
            move |status, text| {
                let answer = serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default();
                match (status, answer["briefing"]["id"].as_i64()) {
                    (201, Some(id)) => {
                        let _ = window().location().set_href(&format!("/briefings/{id}"));
                    }
                    _ => failed.set(Some(crate::request::refusal(status, &text))),
                }
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = body;
    };
    let input = |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    view! {
        <details class="plan-form new-briefing">
            <summary>"Plan a briefing"</summary>
            <form on:submit=submit>
                <label>"Title " <input type="text" name="title" required maxlength="200" on:input=input(title)/></label>
                <label>"When (UTC) " <input type="datetime-local" name="at" required on:input=input(at)/></label>
                <label>"Presenter (you when empty) " <input type="text" name="presenter" maxlength="64" on:input=input(presenter)/></label>
                <button type="submit" class="primary">"Plan the briefing"</button>
                {move || failed.get().map(|reason| view! { <p class="login-error" role="alert">{reason}</p> })}
            </form>
        </details>
    }
}

/// The briefings page's data: every briefing, and whether the reader may
/// plan one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingList {
    pub briefings: Vec<model::operations::Briefing>,
    pub may_write: bool,
}

#[server(endpoint = "briefings")]
pub async fn load_briefings() -> Result<BriefingList, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let mut briefings = catalogue
        .briefings(None)
        .await
        .map_err(crate::ssr::internal)?;
    // The newest first: the next briefing, then the campaign's past.
    briefings.reverse();
    Ok(BriefingList {
        briefings,
        may_write: crate::ssr::reader().is_at_least(model::Role::Scientist),
    })
}
