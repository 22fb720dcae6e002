//! `/case-studies/new`: a new case study, opened from wherever a situation
//! is shown with what it already knows — a timeline window or a day
//! (`from`, `to`), an open product (`pin`), a decision's operation and
//! evidence (`operation`, `pin`). Scientists fill in the rest; it is sent
//! as JSON to the API and its page opens once it is saved.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::case_studies::CaseTag;
use serde::{Deserialize, Serialize};

use crate::components::ops_header::OpsHeader;
use crate::operations::utc;

#[component]
pub fn NewCaseStudy() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            (
                q.get("pin").unwrap_or_default(),
                q.get("operation").unwrap_or_default(),
            )
        })
    };
    let loaded =
        Resource::new_blocking(asked, |(pins, operations)| load_case_form(pins, operations));
    let field = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    view! {
        <main class="ops-page case-new">
            <OpsHeader title="New case study"/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || loaded.get().map(|form| match form {
                    Ok(form) if form.may_write => view! {
                        <CaseFormView
                            form
                            from=local_input(&field("from"))
                            to=local_input(&field("to"))
                            bbox=field("bbox")
                        />
                    }.into_any(),
                    Ok(_) => view! {
                        <p class="notice">"Case studies are written by scientists: "<a href="/login" rel="external">"log in"</a>"."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="login-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// A `2026-08-15T00:00Z` (or with seconds) query value as a
/// `datetime-local` input's `2026-08-15T00:00`; empty when unreadable.
pub fn local_input(value: &str) -> String {
    crate::view::parse_at(value.trim_end_matches('Z'))
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|t| t.to_utc())
        })
        .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A slug made of a title: lowercase letters and digits, words joined by
/// `-`, at most 64 characters.
pub fn slug_of(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(64);
    slug.trim_end_matches('-').to_string()
}

#[component]
fn CaseFormView(form: CaseForm, from: String, to: String, bbox: String) -> impl IntoView {
    let text = |value: String| RwSignal::new(value);
    let (title, slug, description) = (
        text(String::new()),
        text(String::new()),
        text(String::new()),
    );
    let (from, to, bbox) = (text(from), text(to), text(bbox));
    let tags = RwSignal::new(BTreeSet::<String>::new());
    let pins = RwSignal::new(
        form.products
            .iter()
            .map(|p| (p.id, p.version))
            .collect::<BTreeSet<_>>(),
    );
    let operations = RwSignal::new(
        form.operations
            .iter()
            .map(|o| o.id)
            .collect::<BTreeSet<_>>(),
    );
    let published = RwSignal::new(false);
    let licence = RwSignal::new(String::new());
    let failed = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let slug = Some(slug.get())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slug_of(&title.get()));
        let utc = |local: String| (!local.is_empty()).then(|| format!("{local}:00Z"));
        let bbox: Option<Vec<f64>> = Some(bbox.get())
            .filter(|b| !b.trim().is_empty())
            .map(|b| b.split(',').filter_map(|n| n.trim().parse().ok()).collect());
        let body = serde_json::json!({
            "slug": slug, "title": title.get(), "start": utc(from.get()), "end": utc(to.get()),
            "bbox": bbox, "tags": tags.get(), "description": description.get(),
            "operations": operations.get(),
            "pins": pins.get().into_iter().map(|(id, version)| serde_json::json!({"product_id": id, "version": version})).collect::<Vec<_>>(),
            "published": published.get(),
            "licence": Some(licence.get().trim().to_string()).filter(|l| !l.is_empty()),
        });
        #[cfg(feature = "hydrate")]
        crate::request::post_json(
            "/api/v1/case-studies",
            &body.to_string(),
            move |status, text| {
                if status == 201 {
                    let _ = window()
                        .location()
                        .set_href(&format!("/case-studies/{slug}"));
                } else {
                    failed.set(Some(crate::request::refusal(status, &text)));
                }
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (body, slug, failed);
    };
    let input = |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    let (no_products, no_operations) = (form.products.is_empty(), form.operations.is_empty());
    view! {
        <form class="case-form" on:submit=submit>
            <label>"Title" <input type="text" name="title" required maxlength="200" on:input=input(title)/></label>
            <label>"Slug (the case's address; from the title when empty) "
                <input type="text" name="slug" maxlength="64" pattern="[a-z0-9][a-z0-9_-]*"
                    placeholder=move || slug_of(&title.get()) on:input=input(slug)/>
            </label>
            <label>"From (UTC) " <input type="datetime-local" name="start" required prop:value=from on:input=input(from)/></label>
            <label>"To (UTC) " <input type="datetime-local" name="end" required prop:value=to on:input=input(to)/></label>
            <label>"Area (west, south, east, north; optional) "
                <input type="text" name="bbox" placeholder="-20,10,5,25" prop:value=bbox on:input=input(bbox)/>
            </label>
            <TagChoice vocabulary=form.tags chosen=tags/>
            <label>"Description (Markdown)" <textarea name="description" rows="6" maxlength="10000" on:input=input(description)></textarea></label>
            <fieldset class:hidden=no_products>
                <legend>"Products, pinned at these versions"</legend>
                {form.products.into_iter().map(|p| {
                    let key = (p.id, p.version);
                    view! {
                        <label class="check">
                            <input type="checkbox" name="pin" checked on:change=move |_| pins.update(|s| toggle(s, key))/>
                            {format!("{} (version {})", p.file_name, p.version)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class:hidden=no_operations>
                <legend>"Operations"</legend>
                {form.operations.into_iter().map(|o| {
                    let id = o.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" name="operation" checked on:change=move |_| operations.update(|s| toggle(s, id))/>
                            {format!("{} — {} ({})", o.code, o.plan.title, utc(o.plan.planned_start))}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label>"Licence (SPDX; the campaign's data policy when empty) "
                <input type="text" name="licence" maxlength="64" list="licences"
                    placeholder=model::case_studies::DEFAULT_LICENCE on:input=input(licence)/>
                <datalist id="licences">
                    {LICENCES.into_iter().map(|l| view! { <option value=l/> }).collect_view()}
                </datalist>
            </label>
            <label class="check">
                <input type="checkbox" name="published" on:change=move |ev| published.set(event_target_checked(&ev))/>
                "Publish (for everyone, for good); otherwise a draft for participants"
            </label>
            <button type="submit" class="primary">"Save the case study"</button>
            {move || failed.get().map(|reason| view! { <p class="notice failed" role="alert">{reason}</p> })}
        </form>
    }
}

/// Licences research data is commonly shared under, offered as choices.
const LICENCES: [&str; 6] = [
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC0-1.0",
    "ODbL-1.0",
    "etalab-2.0",
];

/// The vocabulary as checkboxes, by tier.
#[component]
fn TagChoice(vocabulary: Vec<CaseTag>, chosen: RwSignal<BTreeSet<String>>) -> impl IntoView {
    (!vocabulary.is_empty()).then(|| {
        view! {
            <fieldset class="case-tag-choice">
                <legend>"Tags"</legend>
                {vocabulary.into_iter().map(|t| {
                    let tag = t.tag.clone();
                    view! {
                        <label class="check" title=format!("tier {}", t.tier)>
                            <input type="checkbox" name="tag" value=t.tag.clone()
                                on:change=move |_| chosen.update(|s| toggle(s, tag.clone()))/>
                            {format!("{} ({})", t.long_name, t.tag)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    })
}

fn toggle<T: Ord>(set: &mut BTreeSet<T>, item: T) {
    if !set.remove(&item) {
        set.insert(item);
    }
}

/// What the form for a new case study starts from: the vocabulary, and the
/// products and operations it was opened with (`?pin=…&operation=…`), as
/// the reader may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseForm {
    pub may_write: bool,
    pub tags: Vec<model::case_studies::CaseTag>,
    pub products: Vec<model::Product>,
    pub operations: Vec<model::operations::Operation>,
}

/// The most products or operations a form may be opened with.
pub const MAX_FORM_ITEMS: usize = 50;

/// Ids from a comma-separated list, at most [`MAX_FORM_ITEMS`].
pub fn ids(list: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .split(',')
        .take(MAX_FORM_ITEMS * 2)
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.dedup();
    ids.truncate(MAX_FORM_ITEMS);
    ids
}

#[server(endpoint = "case_form")]
pub async fn load_case_form(pins: String, operations: String) -> Result<CaseForm, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let reader = crate::ssr::reader();
    let failed = crate::ssr::internal;
    let mut products = Vec::new();
    for id in ids(&pins) {
        if let Some(stored) = catalogue
            .product(id, reader.visibility())
            .await
            .map_err(failed)?
        {
            products.push(stored.product);
        }
    }
    let mut found = Vec::new();
    for id in ids(&operations) {
        if let Some(operation) = catalogue.operation(id).await.map_err(failed)? {
            found.push(operation);
        }
    }
    Ok(CaseForm {
        may_write: reader.is_at_least(model::Role::Scientist),
        tags: catalogue.case_tags().await.map_err(failed)?,
        products,
        operations: found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_takes_a_bounded_list_of_ids_and_skips_the_rest() {
        assert_eq!(ids("3,1,x,,-2, 7 "), vec![3, 1, -2, 7]);
        assert_eq!(ids(""), Vec::<i64>::new());
        assert_eq!(ids("99999999999999999999999,4"), vec![4]);
        let many = (0..100_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(ids(&many).len(), MAX_FORM_ITEMS);
        assert_eq!(ids("5,"), vec![5]);
    }

    #[test]
    fn slugs_are_made_of_titles() {
        assert_eq!(slug_of("Squall line, 15 Aug!"), "squall-line-15-aug");
        assert_eq!(slug_of("  --Été  "), "t");
        assert_eq!(slug_of(&"a".repeat(100)).len(), 64);
    }

    #[test]
    fn query_times_fill_the_inputs() {
        assert_eq!(local_input("2026-08-15T00:00Z"), "2026-08-15T00:00");
        assert_eq!(local_input("2026-08-15T06:30:00Z"), "2026-08-15T06:30");
        assert_eq!(local_input("nonsense"), "");
    }
}
