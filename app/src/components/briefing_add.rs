//! "Add to briefing", wherever a scientist looks at something worth
//! showing at the next briefing: the viewer (a product version), the
//! run-to-run and the comparison (the view and the two versions side by
//! side), the map (its view, area and images). The item keeps the exact
//! versions, so the slide shows what was seen, whatever arrives since.

use leptos::prelude::*;
use model::operations::{Briefing, BriefingItem, Evidence};

use crate::state::use_dash;

/// A version as an item cites it.
pub fn cited(product: &model::Product) -> Evidence {
    Evidence {
        product_id: product.id,
        version: product.version,
    }
}

/// An item showing one product version.
pub fn product_item(product: &model::Product) -> BriefingItem {
    BriefingItem {
        product: Some(cited(product)),
        view: None,
        shows: Vec::new(),
        area: None,
        comment: String::new(),
    }
}

/// An item showing the view at `href` (a path with its query) with the
/// versions it shows.
pub fn view_item<'a>(
    href: String,
    shows: impl IntoIterator<Item = &'a model::Product>,
) -> BriefingItem {
    BriefingItem {
        product: None,
        view: Some(href),
        shows: shows.into_iter().map(cited).collect(),
        area: None,
        comment: String::new(),
    }
}

/// Where the chosen item goes: a briefing of the coming days, or a new one.
const NEW: &str = "new";

/// The button and its small form; nothing for readers who may not write
/// briefings. `item` is read when the form is sent.
#[component]
pub fn AddToBriefing(#[prop(into)] item: Signal<BriefingItem>) -> impl IntoView {
    let dash = use_dash();
    let may = dash.participant.with_value(|p| {
        p.as_ref()
            .is_some_and(|(_, role)| *role >= model::Role::Scientist)
    });
    may.then(|| view! { <AddForm item/> })
}

#[component]
fn AddForm(item: Signal<BriefingItem>) -> impl IntoView {
    let dash = use_dash();
    let briefings: RwSignal<Vec<Briefing>> = RwSignal::new(Vec::new());
    let chosen = RwSignal::new(String::from(NEW));
    let title = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let outcome: RwSignal<Option<(bool, String, Option<i64>)>> = RwSignal::new(None);
    // The list is fetched when the form opens: it changes all day.
    let opened = move |_| {
        let today = dash.now.get_untracked().date_naive();
        title.set(format!("Briefing {}", today.format("%a %-d %b")));
        #[cfg(feature = "hydrate")]
        crate::request::get(
            &format!("/api/v1/briefings?from={today}T00:00:00Z"),
            move |status, text| {
                let list: Vec<Briefing> = match status {
                    200 => serde_json::from_str(&text).unwrap_or_default(),
                    _ => Vec::new(),
                };
                if let Some(first) = list.first() {
                    chosen.set(first.id.to_string());
                }
                briefings.set(list);
            },
        );
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut item = item.get_untracked();
        item.comment = comment.get_untracked();
        let target = chosen.get_untracked();
        let (url, body) = match target.parse::<i64>() {
            Ok(id) => (
                format!("/api/v1/briefings/{id}/items"),
                serde_json::to_string(&item).unwrap_or_default(),
            ),
            Err(_) => (
                "/api/v1/briefings".to_string(),
                serde_json::json!({
                    "title": title.get_untracked(),
                    "at": dash.now.get_untracked(),
                    "items": [item],
                })
                .to_string(),
            ),
        };
        outcome.set(Some((true, "Adding…".into(), None)));
        #[cfg(feature = "hydrate")]
        crate::request::post_json(&url, &body, move |status, text| {
            let answer = serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default();
            let briefing = &answer["briefing"];
            match (status, briefing["id"].as_i64()) {
                (201, Some(id)) => {
                    let count = briefing["items"].as_array().map_or(0, Vec::len);
                    let name = briefing["title"].as_str().unwrap_or_default();
                    outcome.set(Some((
                        true,
                        format!("Added to {name} as item {count}."),
                        Some(id),
                    )));
                    comment.set(String::new());
                }
                _ => outcome.set(Some((false, crate::request::refusal(status, &text), None))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (url, body);
    };
    view! {
        <details class="add-briefing" on:toggle=opened>
            <summary class="control">"Add to briefing"</summary>
            <form class="add-briefing-form" on:submit=send>
                <label>
                    "Briefing"
                    <select name="briefing" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <For each=move || briefings.get() key=|b| b.id let:b>
                            <option value=b.id.to_string() selected=move || chosen.get() == b.id.to_string()>
                                {format!("{} — {}", b.at.format("%a %d %b %H:%M UTC"), b.title)}
                            </option>
                        </For>
                        <option value=NEW selected=move || chosen.get() == NEW>"A new briefing…"</option>
                    </select>
                </label>
                <Show when=move || chosen.get() == NEW>
                    <label>
                        "Title of the new briefing"
                        <input type="text" name="title" required maxlength="200" prop:value=title
                            on:input=move |ev| title.set(event_target_value(&ev))/>
                    </label>
                </Show>
                <label>
                    "Comment"
                    <textarea name="comment" rows="2" prop:value=comment
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="primary">"Add"</button>
                {move || outcome.get().map(|(ok, text, id)| view! {
                    <p class=if ok { "outcome" } else { "outcome login-error" } role="status">
                        {text}" "
                        {id.map(|id| view! { <a href=format!("/briefings/{id}") rel="external">"Open the briefing"</a> })}
                    </p>
                })}
            </form>
        </details>
    }
}
