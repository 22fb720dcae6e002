//! An operation's flight plans on its page: each with its waypoints,
//! length, duration at the platform's speed, a map thumbnail and its
//! exports; scientists attach one by dropping or choosing the file a
//! planning tool wrote (KML/KMZ, GPX, FTML, CSV, FliteStar), replace it
//! with a newer file, or remove it. The reader says what it left out of a
//! file. The page reads itself again on `flight_plan.*` events.

use leptos::prelude::*;
use model::operations::PlatformKind;
use model::tracks::plan::StoredPlan;

use super::sections::{PlanSections, SectionFields};
use crate::components::map_snapshot::MapSnapshot;
use crate::operations::utc;

/// The ground speed plans are timed at until the reader says another:
/// a research jet's, a ship's, a drone's; none for what drifts or stands.
pub fn typical_speed_kmh(kind: PlatformKind) -> Option<f64> {
    match kind {
        PlatformKind::Aircraft => Some(750.0),
        PlatformKind::Drone => Some(100.0),
        PlatformKind::Ship => Some(20.0),
        PlatformKind::Balloon | PlatformKind::Sonde | PlatformKind::Ground => None,
    }
}

/// What the last attachment came to: the reader's remarks or its refusal.
type Outcome = RwSignal<Option<(bool, String)>>;

#[component]
pub fn PlansSection(
    operation_id: i64,
    plans: Vec<StoredPlan>,
    speed: Option<f64>,
    may_edit: bool,
    /// Kept above the page, which is read again once a plan is attached.
    outcome: Outcome,
    /// The model fields drawn along each plan (kept above the page too).
    fields: RwSignal<String>,
) -> impl IntoView {
    let speed = RwSignal::new(speed.unwrap_or(0.0));
    let empty = plans.is_empty();
    view! {
        <section class="op-plans">
            <h2>"Flight plans"</h2>
            <label class="plan-speed">
                "Ground speed (km/h) "
                <input type="number" min="1" max="3000" step="10" name="speed"
                    prop:value=move || speed.get().to_string()
                    on:input=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(0.0))/>
            </label>
            {(!empty).then(|| view! { <SectionFields fields/> })}
            {empty.then(|| view! { <p class="muted">"No plan attached."</p> })}
            <ol class="plan-list">
                {plans.into_iter().map(|plan| view! { <PlanCard plan speed may_edit outcome fields/> }).collect_view()}
            </ol>
            {may_edit.then(|| view! { <AttachPlan operation_id outcome replaces=None/> })}
            {move || outcome.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "notice failed" } role=if ok { "status" } else { "alert" }>{text}</p>
            })}
        </section>
    }
}

#[component]
fn PlanCard(
    plan: StoredPlan,
    speed: RwSignal<f64>,
    may_edit: bool,
    outcome: Outcome,
    fields: RwSignal<String>,
) -> impl IntoView {
    let id = plan.id;
    let waypoints = plan.plan.waypoints.len();
    let duration = {
        let plan = plan.plan.clone();
        move || match plan.duration_at(speed.get()) {
            Some(d) => format!(
                "{}h{:02} at {:.0} km/h",
                d.num_hours(),
                d.num_minutes() % 60,
                speed.get()
            ),
            None => "duration: give a speed".into(),
        }
    };
    let line: Vec<[f64; 2]> = plan.plan.waypoints.iter().map(|w| [w.lon, w.lat]).collect();
    let thumbnail = plan.bounds.map(|area| {
        let label = format!("Map of {}", plan.plan.name);
        view! { <MapSnapshot area lines=vec![line] label/> }
    });
    let labels: Vec<String> = plan
        .plan
        .waypoints
        .iter()
        .enumerate()
        .map(|(n, w)| match (w.label.is_empty(), w.alt) {
            (false, Some(alt)) => format!("{} ({:.0} m)", w.label, alt),
            (false, None) => w.label.clone(),
            (true, _) => format!("{} {:.3}, {:.3}", n + 1, w.lat, w.lon),
        })
        .collect();
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        crate::request::send_json(
            "DELETE",
            &format!("/api/v1/plans/{id}"),
            "",
            move |status, text| {
                if status != 200 {
                    outcome.set(Some((false, crate::request::refusal(status, &text))));
                }
            },
        );
    };
    view! {
        <li class="plan-card" data-plan=id>
            <div class="plan-thumb">{thumbnail}</div>
            <div class="plan-facts">
                <h3>{plan.plan.name.clone()}</h3>
                <p class="plan-numbers">
                    <span class="plan-waypoints">{format!("{waypoints} waypoints")}</span>" · "
                    <span class="plan-length">{format!("{:.0} km", plan.length_km)}</span>" · "
                    <span class="plan-duration">{duration}</span>
                </p>
                <p class="muted">{format!("{} file, attached by {} {}", plan.format.label(), plan.created_by, utc(plan.created_at))}</p>
                <details class="plan-route">
                    <summary>"Waypoints"</summary>
                    <ol>{labels.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
                </details>
                <p class="plan-actions">
                    <a href=format!("/api/v1/plans/{id}/gpx") rel="external">"GPX"</a>
                    <a href=format!("/api/v1/plans/{id}/kml") rel="external">"KML"</a>
                    {may_edit.then(|| view! {
                        <AttachPlan operation_id=plan.operation_id outcome replaces=Some(id)/>
                        <button type="button" class="remove" on:click=remove>"Remove"</button>
                    })}
                </p>
            </div>
            <PlanSections plan=id fields/>
        </li>
    }
}

/// Drop or choose a plan file; with `replaces`, the new plan takes that
/// one's place once it is read (the old one is removed only then).
#[component]
fn AttachPlan(operation_id: i64, outcome: Outcome, replaces: Option<i64>) -> impl IntoView {
    let dragging = RwSignal::new(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = (operation_id, outcome);
    #[cfg(feature = "hydrate")]
    let send = move |file: web_sys::File| {
        let url = format!(
            "/api/v1/operations/{operation_id}/plans?file={}",
            String::from(js_sys::encode_uri_component(&file.name()))
        );
        outcome.set(Some((true, format!("Reading {}…", file.name()))));
        crate::request::post_file(&url, &file, move |status, text| {
            if status != 201 {
                outcome.set(Some((false, crate::request::refusal(status, &text))));
                return;
            }
            let plan = serde_json::from_str::<StoredPlan>(&text).ok();
            let said = plan.map_or_else(String::new, |p| said_of(&p));
            outcome.set(Some((true, said)));
            if let Some(old) = replaces {
                crate::request::send_json("DELETE", &format!("/api/v1/plans/{old}"), "", |_, _| {});
            }
        });
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.item(0))
        {
            send(file);
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(input) = input {
                if let Some(file) = input.files().and_then(|f| f.item(0)) {
                    send(file);
                }
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let (class, text) = match replaces {
        Some(_) => ("plan-replace", "Replace with a newer file"),
        None => ("plan-drop", "Drop a plan file here, or choose one"),
    };
    view! {
        <label class=class class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            {text}
            <input type="file" name="plan" accept=".kml,.kmz,.gpx,.ftml,.csv,.txt" on:change=on_pick/>
            {replaces.is_none().then(|| view! {
                <span class="hint">" KML or KMZ, GPX, FTML (Open-MSS), CSV, FliteStar (.txt)"</span>
            })}
        </label>
    }
}

/// What attaching `plan` came to, with what its reader left out.
#[cfg(feature = "hydrate")]
fn said_of(plan: &StoredPlan) -> String {
    let mut said = format!(
        "Attached {}: {} waypoints, {:.0} km.",
        plan.plan.name,
        plan.plan.waypoints.len(),
        plan.length_km
    );
    if !plan.plan.skipped.is_empty() {
        said.push_str(&format!(" Left out: {}.", plan.plan.skipped.join("; ")));
    }
    said
}
