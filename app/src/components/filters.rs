//! Filters: families, category, platform, words, and "new since I opened the
//! page". A plain GET form without JavaScript; applied as they change with it.

use std::collections::BTreeSet;

use leptos::prelude::*;
use model::record::Family;

use crate::state::use_dash;
use crate::view::{Filter, ALL_FAMILIES};

/// Categories and platforms present, sorted.
type Choices = (BTreeSet<String>, BTreeSet<String>);

#[component]
pub fn Filters() -> impl IntoView {
    let dash = use_dash();
    let initial = dash.filter.get_untracked();
    // The categories and platforms loaded, for the two selects.
    let options = Memo::new(move |_| {
        dash.products.with(|list| {
            let categories: BTreeSet<String> = list.iter().map(|p| p.category.clone()).collect();
            let platforms: BTreeSet<String> = list.iter().map(|p| p.platform.clone()).collect();
            (categories, platforms)
        })
    });
    let apply = move |change: &dyn Fn(&mut Filter)| {
        let mut filter = dash.filter.get_untracked();
        change(&mut filter);
        dash.go(dash.view.get_untracked().with_filter(filter));
    };
    let value = |ev: &leptos::ev::Event| event_target_value(ev);
    let family_box = move |family: Family| {
        let checked = initial.families.contains(&family);
        view! {
            <label class=format!("chip fam-{}", family.key())>
                <input
                    type="checkbox"
                    name="fam"
                    value=family.key()
                    checked=checked
                    prop:checked=move || dash.filter.with(|f| f.families.contains(&family))
                    on:change=move |_| apply(&|f| {
                        if !f.families.remove(&family) {
                            f.families.insert(family);
                        }
                    })
                />
                {family.label()}
            </label>
        }
    };
    let select = move |name: &'static str,
                       label: &'static str,
                       current: Option<String>,
                       pick: fn(&Choices) -> Vec<String>| {
        view! {
            <label class="field">
                <span>{label}</span>
                <select
                    name=name
                    on:change=move |ev| {
                        let v = value(&ev);
                        let v = (!v.is_empty()).then_some(v);
                        apply(&|f| if name == "cat" { f.category = v.clone() } else { f.platform = v.clone() })
                    }
                >
                    <option value="">"all"</option>
                    {move || options.with(pick).into_iter().map(|o| {
                        let selected = current.as_deref() == Some(o.as_str());
                        view! { <option value=o.clone() selected=selected>{o.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    // Without JavaScript the form keeps the rest of the view in hidden fields.
    let kept = move || {
        let view = dash.view.get_untracked();
        let href = view.with_filter(Filter::default()).href();
        form_urlencoded::parse(href.trim_start_matches('?').as_bytes())
            .into_owned()
            .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
            .collect_view()
    };
    view! {
        <form class="filters" method="get" action="/" role="search" aria-label="Filters"
            on:submit=move |ev| ev.prevent_default()
        >
            {kept}
            <fieldset class="families">
                <legend class="visually-hidden">"Families"</legend>
                {ALL_FAMILIES.into_iter().map(family_box).collect_view()}
            </fieldset>
            {select("cat", "Category", initial.category.clone(), |o| o.0.iter().cloned().collect())}
            {select("plat", "Platform", initial.platform.clone(), |o| o.1.iter().cloned().collect())}
            <label class="field">
                <span class="visually-hidden">"Search product names"</span>
                <input
                    type="search"
                    name="q"
                    placeholder="Search names…"
                    value=initial.text.clone()
                    on:input=move |ev| {
                        let text = value(&ev).trim().to_string();
                        apply(&|f| f.text = text.clone())
                    }
                />
            </label>
            <label class="chip new-only">
                <input
                    type="checkbox"
                    name="new"
                    value="1"
                    checked=initial.new_only
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        apply(&|f| f.new_only = on)
                    }
                />
                "New since opened"
            </label>
            // Needed without JavaScript only; hidden once the page is interactive.
            <button type="submit" class="apply">"Apply"</button>
        </form>
    }
}
