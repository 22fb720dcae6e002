//! `/briefings/{id}`: a briefing's slides (a product version or a view of
//! the board, with the presenter's comment), the operations discussed and
//! the decisions taken on them. *Present* shows one slide full screen; the
//! presenter's arrow keys move every participant's presentation (through
//! the event stream); printing gives one slide per page.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use products::operations::{BriefingDetail, Slide};

use crate::components::connection::{ConnIndicator, ConnState};
use crate::components::missions::{OpsHeader, StatusBadge};
use crate::operations::{load_briefing, utc, BriefingPage};

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
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || loaded.get().map(|page| match page {
                    Ok(Some(page)) => view! { <BriefingBody page/> }.into_any(),
                    Ok(None) => view! { <p class="not-found">"No such briefing."</p> }.into_any(),
                    Err(error) => view! { <p class="login-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn BriefingBody(page: BriefingPage) -> impl IntoView {
    let BriefingPage {
        detail,
        may_present,
        last_seq,
    } = page;
    let BriefingDetail {
        briefing,
        slides,
        operations,
        decisions,
    } = detail;
    let count = slides.len();
    let position = RwSignal::new(briefing.position);
    let presenting = RwSignal::new(false);
    let conn = RwSignal::new(ConnState::Static);
    let now = RwSignal::new(chrono::Utc::now());
    let id = briefing.id;
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
                    if let products::EventKind::BriefingUpdated { briefing } = &event.kind {
                        if briefing.id == id {
                            position.set(briefing.position);
                        }
                    }
                },
                |_| {},
            );
        });
        let go = move |to: usize| {
            position.set(to);
            let body = serde_json::json!({ "position": to }).to_string();
            crate::request::post_json(
                &format!("/api/v1/briefings/{id}/position"),
                &body,
                |_, _| {},
            );
        };
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            if !presenting.get_untracked() {
                return;
            }
            let at = position.get_untracked();
            match ev.key().as_str() {
                "Escape" => presenting.set(false),
                "ArrowRight" | "PageDown" | " " if may_present && at + 1 < count => go(at + 1),
                "ArrowLeft" | "PageUp" if may_present && at > 0 => go(at - 1),
                _ => {}
            }
        });
        on_cleanup(move || keys.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (last_seq, id, may_present);
    let hint = if may_present {
        "Your arrow keys move every participant's presentation; Esc leaves it."
    } else {
        "The presenter's slides follow here; Esc leaves the presentation."
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
                    <span class="hint">{hint}</span>
                    <span class="slide-count">{move || format!("{} / {count}", position.get() + 1)}</span>
                </p>
            </header>
            <ol class="slides">
                {slides.into_iter().enumerate().map(|(at, slide)| view! {
                    <SlideView slide at current=Signal::derive(move || position.get() == at)/>
                }).collect_view()}
            </ol>
            {(!operations.is_empty()).then(|| view! {
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
            })}
        </article>
    }
}

#[component]
fn SlideView(slide: Slide, at: usize, current: Signal<bool>) -> impl IntoView {
    let Slide {
        product,
        view,
        comment,
    } = slide;
    let picture = product.as_ref().and_then(|p| {
        p.preview_url
            .clone()
            .or_else(|| p.is_image().then(|| p.file_url.clone()))
    });
    let name = product
        .as_ref()
        .map(|p| format!("{} (v{})", p.file_name, p.version));
    view! {
        <li class="slide" class:current=current data-slide=at>
            {picture.map(|src| view! { <img src=src alt=name.clone().unwrap_or_default()/> })}
            {name.map(|name| view! { <p class="slide-name">{name}</p> })}
            {view.map(|href| view! { <p><a href=href rel="external">"Open this view on the board"</a></p> })}
            <p class="prose slide-comment">{comment}</p>
        </li>
    }
}
