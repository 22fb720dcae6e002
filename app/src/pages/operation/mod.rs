//! `/operations/{id}`: one operation, its plan, the decision form for
//! scientists, and its decision history, each decision with the product
//! versions that were on screen (thumbnails) and what has arrived since.

mod plans;
mod report;
mod sections;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::operations::{DecisionSeen, EvidenceSeen, Operation, Status};
use serde::{Deserialize, Serialize};

use crate::components::cited_choice::CitedChoice;
use crate::components::connection::{ConnIndicator, ConnState};
use crate::components::loaded::when_found;
use crate::components::ops_header::{OpsHeader, StatusBadge};
use crate::evidence::Pins;
use crate::operations::utc;
use plans::{typical_speed_kmh, PlansSection};
use report::{ReportKept, ReportSection};

#[component]
pub fn OperationView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let loaded = Resource::new_blocking(id, load_operation);
    let conn = RwSignal::new(ConnState::Static);
    let now = RwSignal::new(chrono::Utc::now());
    // What the last decision (or report) sent here came to: kept above the
    // page, which is read again once it is recorded.
    let outcome = RwSignal::new(None::<(bool, String)>);
    let report = ReportKept::default();
    let plan_outcome = RwSignal::new(None::<(bool, String)>);
    let section_fields = RwSignal::new(sections::default_fields());
    #[cfg(feature = "hydrate")]
    keep_current(loaded, conn);
    view! {
        <main class="ops-page">
            <OpsHeader title="Operation"/>
            <ConnIndicator state=conn now/>
            {when_found(loaded, "No such operation.", move |page| view! { <OperationBody page loaded outcome report plan_outcome section_fields/> })}
        </main>
    }
}

type Loaded = Resource<Result<Option<OperationPage>, ServerFnError>>;

/// Once the page has loaded, follows the live stream (one connection for
/// the page's life) and reads the page again when its operation changes or
/// a product it cites gets a newer version or run.
#[cfg(feature = "hydrate")]
fn keep_current(loaded: Loaded, conn: RwSignal<ConnState>) {
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(Ok(Some(page))) = loaded.get() else {
            return;
        };
        if started.get_value() {
            return;
        }
        started.set_value(true);
        let id = page.detail.operation.id;
        let cites = move |category: &str, platform: &str| {
            loaded.with_untracked(|page| {
                let Some(Ok(Some(page))) = page else {
                    return false;
                };
                page.detail
                    .decisions
                    .iter()
                    .flat_map(|d| &d.evidence_seen)
                    .any(|seen| {
                        seen.product.category == category && seen.product.platform == platform
                    })
            })
        };
        crate::live::start(
            page.last_seq,
            conn,
            move |event| {
                use model::EventKind;
                let read_again = match &event.kind {
                    EventKind::ProductAdded { product }
                    | EventKind::ProductUpdated { product, .. } => {
                        cites(&product.category, &product.platform)
                    }
                    EventKind::FlightPlanSaved { plan } => plan.operation_id == id,
                    EventKind::FlightPlanRemoved { operation_id, .. } => *operation_id == id,
                    _ => crate::operations::operation_of(&event).is_some_and(|o| o.id == id),
                };
                if read_again {
                    loaded.refetch();
                }
            },
            |_| {},
        );
    });
}

#[component]
fn OperationBody(
    page: OperationPage,
    loaded: Loaded,
    outcome: RwSignal<Option<(bool, String)>>,
    report: ReportKept,
    plan_outcome: RwSignal<Option<(bool, String)>>,
    /// The fields drawn along the plans, kept as the page is read again.
    section_fields: RwSignal<String>,
) -> impl IntoView {
    let OperationPage {
        detail,
        may_decide,
        plans,
        platform_kind,
        ..
    } = page;
    let operation = detail.operation;
    let speed = platform_kind.and_then(typical_speed_kmh);
    let moves = operation.status.moves();
    view! {
        <article class="operation" data-status=operation.status.as_str()>
            <Plan operation=operation.clone()/>
            {(may_decide && !moves.is_empty()).then(|| view! { <DecisionForm operation=operation.clone() loaded outcome/> })}
            {move || outcome.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "notice failed" } role=if ok { "status" } else { "alert" }>{text}</p>
            })}
            <PlansSection operation_id=operation.id plans speed may_edit=may_decide outcome=plan_outcome fields=section_fields/>
            <ReportSection operation=operation.clone() report=detail.report may_write=may_decide loaded kept=report/>
            <section class="decisions">
                <h2>"Decisions"</h2>
                <ol class="decision-list">
                    {detail.decisions.into_iter().rev().map(|decision| view! { <DecisionItem decision/> }).collect_view()}
                </ol>
            </section>
        </article>
    }
    .into_any()
}

#[component]
fn Plan(operation: Operation) -> impl IntoView {
    let plan = operation.plan;
    let window = match plan.planned_end {
        Some(end) => format!("{} – {}", utc(plan.planned_start), utc(end)),
        None => utc(plan.planned_start),
    };
    let field = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{label}</dt><dd class="prose">{value}</dd> })
    };
    let bbox = plan
        .bbox
        .map(|[w, s, e, n]| format!("{w}° to {e}° E, {s}° to {n}° N"))
        .unwrap_or_default();
    view! {
        <header class="operation-head">
            <h2><span class="op-code">{operation.code}</span> " " <StatusBadge status=operation.status/></h2>
            <p class="op-title">{plan.title}</p>
        </header>
        <dl class="op-plan">
            <dt>"Platform"</dt><dd>{plan.platform} " (" {plan.kind.as_str()} ")"</dd>
            <dt>"Planned"</dt><dd>{window}</dd>
            {field("IOP", plan.iop.unwrap_or_default())}
            {field("Target area", bbox)}
            {field("Objectives", plan.objectives)}
            {field("Crew", plan.crew)}
            {field("Contacts", plan.contacts)}
            {field("Instruments", plan.instruments)}
            {field("Notes", plan.notes)}
            <dt>"Planned by"</dt><dd>{operation.created_by} ", " {utc(operation.created_at)}</dd>
        </dl>
    }
}

#[component]
fn DecisionItem(decision: DecisionSeen) -> impl IntoView {
    let DecisionSeen {
        decision,
        evidence_seen,
    } = decision;
    let new_window = decision.planned_start.map(|start| {
        let end = decision
            .planned_end
            .map(|e| format!(" – {}", utc(e)))
            .unwrap_or_default();
        view! { <p class="new-window">"New window: " {utc(start)} {end}</p> }
    });
    view! {
        <li class="decision" data-to=decision.to.as_str()>
            <p class="decision-move">
                <StatusBadge status=decision.from/> " → " <StatusBadge status=decision.to/>
                <span class="decision-who">{decision.author} ", " {utc(decision.at)}</span>
            </p>
            {(!decision.rationale.is_empty()).then(|| view! { <p class="prose rationale">{decision.rationale}</p> })}
            {new_window}
            {decision.view.map(|view| view! { <p><a href=view rel="external">"The view it was taken on"</a></p> })}
            {(!evidence_seen.is_empty()).then(|| view! {
                <ul class="evidence">
                    {evidence_seen.into_iter().map(|seen| view! { <EvidenceItem seen/> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[component]
fn EvidenceItem(seen: EvidenceSeen) -> impl IntoView {
    let product = seen.product;
    let thumbnail = product.thumbnail_url.clone();
    let since = seen
        .newer_run
        .map(|newer| {
            let run = newer
                .run_time
                .map(|t| t.format("%d %H UTC").to_string())
                .unwrap_or_default();
            format!("Run {run} arrived after this decision")
        })
        .or(seen
            .newer_version
            .map(|newer| format!("Version {} arrived since", newer.version)));
    view! {
        <li class="evidence-item">
            <a href=product.file_url.clone() rel="external" title="The version cited, as it was">
                {thumbnail.map(|src| view! { <img src=src alt="" loading="lazy" width="160"/> })}
                <span class="evidence-name">{product.file_name} " (v" {product.version} ")"</span>
            </a>
            {since.map(|since| view! { <span class="newer" role="note">{since}</span> })}
        </li>
    }
}

/// The decision form: the moves the lifecycle allows from here, a
/// rationale, the products pinned in this browser as evidence, and the
/// board's link. Sent as JSON; the page reads itself again once recorded.
#[component]
fn DecisionForm(
    operation: Operation,
    loaded: Loaded,
    outcome: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let moves = operation.status.moves();
    // Nothing chosen for the reader: a decision is recorded for good.
    let to = RwSignal::new(None::<Status>);
    let rationale = RwSignal::new(String::new());
    let pins = RwSignal::new(Pins::default());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let view_link = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    // The products cited in this browser are offered, none ticked: evidence
    // cited for an earlier decision must not slip into this one.
    Effect::new(move |_| {
        let loaded = crate::evidence::load();
        view_link.set(loaded.view.clone().unwrap_or_default());
        pins.set(loaded);
    });
    let id = operation.id;
    let named = format!("{} “{}”", operation.code, operation.plan.title);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(to) = to.get() else {
            return; // the form's own validation asks for a status
        };
        if rationale.with(|r| r.trim().is_empty()) {
            return;
        }
        if to.is_final_call()
            && !confirmed(&format!(
                "Record {} for {named}? A decision cannot be changed afterwards.",
                to.label()
            ))
        {
            return;
        }
        let evidence: Vec<_> = pins.with(|p| {
            p.pins
                .iter()
                .filter(|pin| chosen.with(|c| c.contains(&pin.product_id)))
                .map(
                    |pin| serde_json::json!({"product_id": pin.product_id, "version": pin.version}),
                )
                .collect()
        });
        let mut body = serde_json::json!({
            "to": to, "rationale": rationale.get(), "evidence": evidence,
        });
        let link = view_link.get();
        if !link.is_empty() {
            body["view"] = link.into();
        }
        if to == Status::Postponed {
            body["planned_start"] = format!("{}:00Z", start.get()).into();
            if !end.get().is_empty() {
                body["planned_end"] = format!("{}:00Z", end.get()).into();
            }
        }
        #[cfg(feature = "hydrate")]
        crate::request::submit(
            "POST",
            &format!("/api/v1/operations/{id}/decisions"),
            &body.to_string(),
            201,
            outcome,
            "Recorded.",
            move || loaded.refetch(),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (body, id, loaded, outcome);
    };
    view! {
        <form class="decision-form" on:submit=submit>
            <h2>"Decide"</h2>
            <fieldset class="moves">
                <legend>"New status"</legend>
                {moves.iter().map(|&status| view! {
                    <label class="move">
                        <input type="radio" name="to" value=status.as_str() required
                            prop:checked=move || to.get() == Some(status)
                            on:change=move |_| to.set(Some(status))/>
                        <StatusBadge status/>
                    </label>
                }).collect_view()}
            </fieldset>
            <Show when=move || to.get() == Some(Status::Postponed)>
                <label>"New start (UTC) " <input type="datetime-local" name="planned_start" required
                    on:input=move |ev| start.set(event_target_value(&ev))/></label>
                <label>"New end (UTC) " <input type="datetime-local" name="planned_end"
                    on:input=move |ev| end.set(event_target_value(&ev))/></label>
            </Show>
            <label class="rationale-input">"Rationale"
                <textarea name="rationale" rows="3" maxlength="10000" required
                    prop:value=move || rationale.get()
                    on:input=move |ev| rationale.set(event_target_value(&ev))></textarea>
            </label>
            <CitedChoice legend="Evidence (products cited from the board's viewer)" cited=Signal::derive(move || pins.get().pins) chosen/>
            <label>"View (link)"
                <input type="text" name="view" prop:value=move || view_link.get()
                    on:input=move |ev| view_link.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="primary">"Record decision"</button>
        </form>
    }
    .into_any()
}

/// Whether the reader confirms `question` (a browser dialog); on the
/// server, where no one clicks, never.
fn confirmed(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .confirm_with_message(question)
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

/// One operation's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperationPage {
    pub detail: model::operations::OperationDetail,
    /// The reader is a scientist or an admin: the decision form is shown.
    pub may_decide: bool,
    /// Its flight plans, oldest first.
    pub plans: Vec<model::tracks::plan::StoredPlan>,
    /// Its platform's kind, for the speed plans are timed at.
    pub platform_kind: Option<model::operations::PlatformKind>,
    pub last_seq: i64,
}

#[server(endpoint = "operation")]
pub async fn load_operation(id: i64) -> Result<Option<OperationPage>, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let failed = crate::ssr::internal;
    let reader = crate::ssr::reader();
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let detail = catalogue
        .operation_detail(id, reader.visibility())
        .await
        .map_err(failed)?;
    if detail.is_none() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let Some(detail) = detail else {
        return Ok(None);
    };
    let plans = catalogue.flight_plans(id).await.map_err(failed)?;
    let platform = &detail.operation.plan.platform;
    let platform_kind = catalogue
        .platforms()
        .await
        .map_err(failed)?
        .into_iter()
        .find(|p| p.name == *platform)
        .map(|p| p.kind);
    Ok(Some(OperationPage {
        detail,
        may_decide: reader.is_at_least(model::Role::Scientist),
        plans,
        platform_kind,
        last_seq,
    }))
}
