//! An operation's report on its page: the sections as written, the
//! attached products (report files that arrived, products pinned by the
//! author), and for scientists the form that writes or amends it.

use leptos::prelude::*;
use model::operations::{Attached, AttachmentSeen, Operation, ReportSections, ReportSeen, Status};

use super::OperationPage;
use crate::components::cited_choice::CitedChoice;
use crate::evidence::Pin;
use crate::operations::utc;

type Loaded = Resource<Result<Option<OperationPage>, ServerFnError>>;

/// What the report form keeps above the page, which is read again whenever
/// its operation changes (a report file arriving, a decision): the text
/// being written, and what the last save came to.
#[derive(Clone, Copy)]
pub struct ReportKept {
    /// The sections as edited here; None until edited, and again once saved.
    draft: RwSignal<Option<ReportSections>>,
    outcome: RwSignal<Option<(bool, String)>>,
}

impl Default for ReportKept {
    fn default() -> Self {
        Self {
            draft: RwSignal::new(None),
            outcome: RwSignal::new(None),
        }
    }
}

#[component]
pub fn ReportSection(
    operation: Operation,
    report: Option<ReportSeen>,
    may_write: bool,
    loaded: Loaded,
    kept: ReportKept,
) -> impl IntoView {
    let file_hint = format!(
        "report.{}.{}.<name>.<ext>",
        operation.plan.platform,
        operation.plan.planned_start.format("%Y%m%d%H%M")
    );
    let due = matches!(operation.status, Status::Completed | Status::Aborted);
    let written = report.as_ref().map(|seen| {
        let report = &seen.report;
        let byline = (!report.author.is_empty())
            .then(|| format!("Written by {}, {}", report.author, utc(report.updated_at)));
        view! {
            {byline.map(|b| view! { <p class="byline">{b}</p> })}
            <dl class="report-sections">
                {report.sections.headed().into_iter().filter(|(_, text)| !text.trim().is_empty())
                    .map(|(heading, text)| view! { <dt>{heading}</dt><dd class="prose">{text.to_string()}</dd> })
                    .collect_view()}
            </dl>
        }
    });
    let attachments = report
        .as_ref()
        .map(|seen| seen.attachments.clone())
        .unwrap_or_default();
    let form = may_write.then(|| {
        let draft = report.clone();
        view! { <ReportForm id=operation.id report=draft loaded kept/> }.into_any()
    });
    view! {
        <section class="report" id="report">
            <h2>"Report"</h2>
            {match (&written, due) {
                (None, true) => Some(view! { <p class="hint">"Flown: the report is due."</p> }),
                _ => None,
            }}
            {written}
            {(!attachments.is_empty()).then(|| view! {
                <ul class="attachments">
                    {attachments.into_iter().map(|attachment| view! { <AttachmentItem attachment/> }).collect_view()}
                </ul>
            })}
            <p class="hint">"Files sent as " <code>{file_hint}</code> " attach themselves here."</p>
            {form}
        </section>
    }
    .into_any()
}

#[component]
fn AttachmentItem(attachment: AttachmentSeen) -> impl IntoView {
    let product = attachment.product;
    let how = match attachment.how {
        Attached::Dropped => "sent",
        Attached::Pinned => "pinned",
    };
    view! {
        <li class="attachment" data-how=attachment.how.as_str()>
            <a href=product.file_url.clone() rel="external">
                {product.thumbnail_url.clone().map(|src| view! { <img src=src alt="" loading="lazy" width="160"/> })}
                <span class="evidence-name">{product.file_name.clone()} " (v" {product.version} ")"</span>
            </a>
            <span class="how">{how}</span>
        </li>
    }
}

/// The form: one text area per section, and the products to pin — those
/// pinned before (ticked) and those cited in this browser (to tick).
#[component]
fn ReportForm(
    id: i64,
    report: Option<ReportSeen>,
    loaded: Loaded,
    kept: ReportKept,
) -> impl IntoView {
    let ReportKept { draft, outcome } = kept;
    let sections = draft.get_untracked().unwrap_or_else(|| {
        report
            .as_ref()
            .map(|seen| seen.report.sections.clone())
            .unwrap_or_default()
    });
    let pinned_before: Vec<Pin> = report
        .iter()
        .flat_map(|seen| &seen.attachments)
        .filter(|a| a.how == Attached::Pinned)
        .map(|a| Pin {
            product_id: a.product.id,
            version: a.product.version,
            label: a.product.file_name.clone(),
        })
        .collect();
    let chosen = RwSignal::new(
        pinned_before
            .iter()
            .map(|p| p.product_id)
            .collect::<Vec<_>>(),
    );
    let candidates = RwSignal::new(pinned_before);
    Effect::new(move |_| {
        let cited = crate::evidence::load().pins;
        candidates.update(|list| {
            for pin in cited {
                if !list.iter().any(|p| p.product_id == pin.product_id) {
                    list.push(pin);
                }
            }
        });
    });
    let fields = RwSignal::new(sections);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pinned: Vec<_> = candidates.with(|list| {
            list.iter()
                .filter(|pin| chosen.with(|c| c.contains(&pin.product_id)))
                .map(
                    |pin| serde_json::json!({"product_id": pin.product_id, "version": pin.version}),
                )
                .collect()
        });
        let mut body = serde_json::to_value(fields.get()).unwrap_or_default();
        body["pinned"] = pinned.into();
        #[cfg(feature = "hydrate")]
        crate::request::submit(
            "PUT",
            &format!("/api/v1/operations/{id}/report"),
            &body.to_string(),
            200,
            outcome,
            "Saved.",
            move || {
                draft.set(None);
                loaded.refetch();
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (body, id, loaded, outcome);
    };
    view! {
        <form class="report-form" on:submit=submit>
            <h3>"Write the report"</h3>
            <SectionInput label="Crew" name="crew" fields draft get=|s| s.crew.clone() set=|s, v| s.crew = v/>
            <SectionInput label="Track summary" name="track_summary" fields draft get=|s| s.track_summary.clone() set=|s, v| s.track_summary = v/>
            <SectionInput label="Conditions" name="conditions" fields draft get=|s| s.conditions.clone() set=|s, v| s.conditions = v/>
            <SectionInput label="Execution" name="execution" fields draft get=|s| s.execution.clone() set=|s, v| s.execution = v/>
            <SectionInput label="Impressions" name="impressions" fields draft get=|s| s.impressions.clone() set=|s, v| s.impressions = v/>
            <SectionInput label="Instrument status" name="instrument_status" fields draft get=|s| s.instrument_status.clone() set=|s, v| s.instrument_status = v/>
            <CitedChoice legend="Products to attach (cited from the board's viewer)" cited=candidates chosen/>
            <button type="submit" class="primary">"Save report"</button>
            {move || outcome.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "notice failed" } role=if ok { "status" } else { "alert" }>{text}</p>
            })}
        </form>
    }
    .into_any()
}

/// One section's text area, bound to its field of the draft.
#[component]
fn SectionInput(
    label: &'static str,
    name: &'static str,
    fields: RwSignal<ReportSections>,
    draft: RwSignal<Option<ReportSections>>,
    get: fn(&ReportSections) -> String,
    set: fn(&mut ReportSections, String),
) -> impl IntoView {
    let input = move |ev| {
        fields.update(|s| set(s, event_target_value(&ev)));
        draft.set(Some(fields.get_untracked()));
    };
    view! {
        <label class="section-input">{label}
            <textarea name=name rows="3" maxlength="10000"
                prop:value=move || fields.with(get) on:input=input></textarea>
        </label>
    }
}
