//! `/briefings/{id}`: a briefing's slides (a product version, or a view of
//! the board with the versions it showed, each with the presenter's
//! comment), the operations discussed and the decisions taken on them.
//! *Present* shows one slide full screen; the presenter's arrow keys or
//! on-screen buttons move every participant's presentation (through the
//! event stream); printing gives one slide per page. Scientists reorder,
//! comment and remove items here (see `briefing_edit`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::operations::{BriefingDetail, DecisionTick, Operation};
use serde::{Deserialize, Serialize};

use crate::components::briefing_edit::{Deck, SlideItem};
use crate::components::connection::{ConnIndicator, ConnState};
use crate::components::loaded::when_found;
use crate::components::ops_header::{OpsHeader, StatusBadge};
use crate::operations::utc;

#[component]
pub fn BriefingView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let loaded = Resource::new_blocking(id, load_briefing);
    view! {
        <main class="ops-page briefing-page">
            <OpsHeader title="Briefing"/>
            {when_found(loaded, "No such briefing.", move |page| view! { <BriefingBody page/> })}
        </main>
    }
}

#[component]
fn BriefingBody(page: BriefingPage) -> impl IntoView {
    let BriefingPage {
        detail,
        may_present,
        may_edit,
        last_seq,
    } = page;
    let BriefingDetail {
        briefing,
        slides,
        operations,
        decisions,
    } = detail;
    let deck = Deck::new(&briefing, slides);
    let presenting = RwSignal::new(false);
    let conn = RwSignal::new(ConnState::Static);
    let now = RwSignal::new(chrono::Utc::now());
    let count = move || deck.count();
    let go = move |to: usize| deck.present(to);
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |started: Option<()>| {
            if started.is_some() {
                return;
            }
            crate::live::start(
                last_seq,
                conn,
                move |event| {
                    if let model::EventKind::BriefingUpdated { briefing } = &event.kind {
                        deck.updated(briefing);
                    }
                },
                |_| {},
            );
        });
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            if !presenting.get_untracked() {
                return;
            }
            let at = deck.position.get_untracked();
            match ev.key().as_str() {
                "Escape" => presenting.set(false),
                "ArrowRight" | "PageDown" | " " if may_present && at + 1 < count() => go(at + 1),
                "ArrowLeft" | "PageUp" if may_present && at > 0 => go(at - 1),
                _ => {}
            }
        });
        on_cleanup(move || keys.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = last_seq;
    let hint = if may_present {
        "Your keys (← →) and buttons move every participant's presentation; Esc leaves it."
    } else {
        "The presenter's slides follow here; Esc leaves the presentation."
    };
    let step = move |forward: bool| {
        let at = deck.position.get_untracked();
        if forward && at + 1 < count() {
            go(at + 1);
        } else if !forward && at > 0 {
            go(at - 1);
        }
    };
    view! {
        <article class="briefing" class:presenting=move || presenting.get()>
            <header class="briefing-head">
                <h2>{briefing.title.clone()}</h2>
                <p>{utc(briefing.at)} " — presented by " {briefing.presenter.clone()}</p>
                <p class="present-controls">
                    <ConnIndicator state=conn now/>
                    <button type="button" class="primary" on:click=move |_| presenting.update(|p| *p = !*p)>
                        {move || if presenting.get() { "Leave the presentation" } else { "Present" }}
                    </button>
                    {may_present.then(|| view! {
                        <span class="present-steps">
                            <button type="button" aria-label="Previous slide" disabled=move || deck.position.get() == 0
                                on:click=move |_| step(false)>"◀ Previous"</button>
                            <button type="button" aria-label="Next slide" disabled=move || { deck.position.get() + 1 >= count() }
                                on:click=move |_| step(true)>"Next ▶"</button>
                        </span>
                    })}
                    <span class="hint">{hint}</span>
                    <span class="slide-count">{move || format!("{} / {}", deck.position.get() + 1, count())}</span>
                </p>
                {move || deck.problem.get().map(|p| view! { <p class="login-error" role="alert">{p}</p> })}
            </header>
            <Show when=move || count() == 0>
                <p class="muted">"No item yet: add products and views from the board with “Add to briefing”."</p>
            </Show>
            <ol class="slides">
                {move || deck.items.get().into_iter().enumerate().map(|(at, (_, slide))| view! {
                    <SlideItem slide at deck may_edit/>
                }).collect_view()}
            </ol>
            <Discussed operations decisions/>
        </article>
    }
}

/// The operations discussed, with the decisions taken on them that day.
#[component]
fn Discussed(operations: Vec<Operation>, decisions: Vec<DecisionTick>) -> impl IntoView {
    (!operations.is_empty()).then(|| {
        view! {
            <section class="discussed">
                <h3>"Operations discussed"</h3>
                <ul>
                    {operations.into_iter().map(|o| {
                        let taken: Vec<_> = decisions.iter().filter(|d| d.operation_id == o.id).cloned().collect();
                        view! {
                            <li>
                                <a href=format!("/operations/{}", o.id) rel="external">{o.code.clone()}</a>
                                " " <StatusBadge status=o.status/> " " {o.plan.title.clone()}
                                {taken.into_iter().map(|d| view! {
                                    <span class="taken">" → " {d.to.label()} " (" {d.author} ", " {d.at.format("%H:%M UTC").to_string()} ")"</span>
                                }).collect_view()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// A briefing's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingPage {
    pub detail: model::operations::BriefingDetail,
    /// The reader presents it (or is an admin): their keys move everyone's.
    pub may_present: bool,
    /// The reader is a scientist or an admin: items are reordered,
    /// commented and removed on the page.
    pub may_edit: bool,
    pub last_seq: i64,
}

#[server(endpoint = "briefing")]
pub async fn load_briefing(id: i64) -> Result<Option<BriefingPage>, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let failed = crate::ssr::internal;
    let reader = crate::ssr::reader();
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let detail = catalogue
        .briefing_detail(id, reader.visibility())
        .await
        .map_err(failed)?;
    Ok(detail.map(|detail| {
        let may_present = match &reader.participant {
            Some((name, role)) => {
                *role == model::Role::Admin
                    || (*role >= model::Role::Scientist && *name == detail.briefing.presenter)
            }
            None => false,
        };
        BriefingPage {
            detail,
            may_present,
            may_edit: reader.is_at_least(model::Role::Scientist),
            last_seq,
        }
    }))
}
