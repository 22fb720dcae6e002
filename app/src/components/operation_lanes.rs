//! The Operations family at the top of the timeline: one lane per platform
//! with operations in view, each planned window a bar coloured by its
//! status (the code on it, a link to its page), each decision a tick at
//! the time it was taken. Live: a decision moves its bar's colour on every
//! open board.

use chrono::Duration;
use leptos::prelude::*;
use model::operations::{DecisionTick, Operation};

use crate::state::use_dash;
use crate::window::Window;

/// How wide a launch (one instant) is drawn.
const INSTANT: i64 = 20;

/// One platform's lane: its operations and the decisions taken on them.
#[derive(Clone, Debug, PartialEq)]
struct Lane {
    platform: String,
    colour: String,
    operations: Vec<Operation>,
    decisions: Vec<DecisionTick>,
}

impl Lane {
    /// What the lane draws, hashed: the lane is redrawn only when it changes.
    fn signature(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&self.platform, &self.colour).hash(&mut hasher);
        for operation in &self.operations {
            (operation.id, operation.status, operation.updated_at).hash(&mut hasher);
        }
        for decision in &self.decisions {
            decision.id.hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// The lanes of the operations that overlap what the timeline draws.
fn lanes(window: &Window, ops: &crate::operations::OpsLanes) -> Vec<Lane> {
    let (from, to) = window.render_range();
    let mut lanes: Vec<Lane> = Vec::new();
    for operation in &ops.operations {
        let start = operation.plan.planned_start;
        let end = operation.plan.planned_end.unwrap_or(start);
        if end < from || start > to {
            continue;
        }
        let platform = &operation.plan.platform;
        let at = match lanes.iter().position(|l| &l.platform == platform) {
            Some(at) => at,
            None => {
                lanes.push(Lane {
                    platform: platform.clone(),
                    colour: ops.colour(platform).unwrap_or("#cc79a7").to_string(),
                    operations: Vec::new(),
                    decisions: Vec::new(),
                });
                lanes.len() - 1
            }
        };
        lanes[at].operations.push(operation.clone());
        lanes[at].decisions.extend(
            ops.decisions
                .iter()
                .filter(|d| d.operation_id == operation.id && from <= d.at && d.at <= to)
                .cloned(),
        );
    }
    lanes.sort_by(|a, b| a.platform.cmp(&b.platform));
    lanes
}

fn left(pct: f64) -> String {
    format!("{pct:.3}%")
}

#[component]
pub fn OperationLanes() -> impl IntoView {
    let dash = use_dash();
    let lanes = Memo::new(move |_| {
        let window = dash.window.get();
        dash.ops.with(|ops| lanes(&window, ops))
    });
    let keyed = move || {
        let window = dash.window.get();
        lanes
            .get()
            .into_iter()
            .map(move |lane| (window, lane))
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || lanes.with(|l| !l.is_empty())>
            <div class="row depth-0 fam-ops header" data-row="operations">
                <div class="lane-label"><span class="row-name">"Operations"</span></div>
                <div class="track"></div>
            </div>
            <For
                each=keyed
                key=|(window, lane)| (window.start, window.span, lane.signature())
                children=move |(window, lane)| view! { <OperationLane lane window/> }
            />
        </Show>
    }
}

#[component]
fn OperationLane(lane: Lane, window: Window) -> impl IntoView {
    let Lane {
        platform,
        colour,
        operations,
        decisions,
    } = lane;
    let count = operations.len();
    let bars = operations
        .into_iter()
        .map(|operation| {
            let start = operation.plan.planned_start;
            let end = operation
                .plan
                .planned_end
                .unwrap_or(start + Duration::minutes(INSTANT));
            let (from, to) = (window.pct(start), window.pct(end));
            let title = format!(
                "{}: {}\n{}\n{} – {} UTC",
                operation.code,
                operation.status.label(),
                operation.plan.title,
                start.format("%d %b %H:%M"),
                end.format("%d %b %H:%M")
            );
            view! {
                <a
                    class="op-bar"
                    data-status=operation.status.as_str()
                    data-code=operation.code.clone()
                    href=format!("/operations/{}", operation.id)
                    rel="external"
                    title=title
                    style:left=left(from)
                    style:width=left((to - from).max(0.4))
                >
                    {operation.code.clone()}
                </a>
            }
        })
        .collect_view();
    let ticks = decisions
        .into_iter()
        .map(|decision| {
            let title = format!(
                "→ {} by {}, {} UTC",
                decision.to.label(),
                decision.author,
                decision.at.format("%d %b %H:%M")
            );
            view! { <span class="op-tick" data-to=decision.to.as_str() title=title style:left=left(window.pct(decision.at))></span> }
        })
        .collect_view();
    let row = format!("ops.{platform}");
    view! {
        <div class="row depth-1 fam-ops" data-row=row>
            <div class="lane-label">
                <span class="swatch" style=format!("background:{colour}")></span>
                <span class="row-name">{platform}</span>
                <span class="row-count" title="Operations in view">{count}</span>
            </div>
            <div class="track">
                <div class="marks">{bars}{ticks}</div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::fixtures::{at, operation};
    use model::operations::Status;

    #[test]
    fn one_lane_per_platform_with_what_overlaps_the_drawn_range() {
        let window = Window {
            start: at(29, 12, 0),
            span: Duration::hours(6),
        };
        let tick = |id, operation_id, hour| DecisionTick {
            id,
            operation_id,
            at: at(29, hour, 0),
            to: Status::Warning,
            author: "marie".into(),
        };
        let ops = crate::operations::OpsLanes {
            operations: vec![
                operation(1, "F20", 14, Status::Warning),
                operation(2, "ATR42", 10, Status::Warning),
                operation(3, "ATR42", 23, Status::Warning),
                // Drawn range is 06–00 UTC the next day; 02 UTC is beyond it.
                operation(4, "DC8", 2, Status::Warning),
            ],
            decisions: vec![tick(1, 1, 9), tick(2, 2, 1)],
            platforms: Vec::new(),
        };
        let lanes = lanes(&window, &ops);
        let names: Vec<_> = lanes.iter().map(|l| l.platform.as_str()).collect();
        assert_eq!(names, ["ATR42", "F20"]);
        assert_eq!(lanes[0].operations.len(), 2);
        assert!(
            lanes[0].decisions.is_empty(),
            "a tick outside the range is not drawn"
        );
        assert_eq!(lanes[1].decisions.len(), 1);
        assert_eq!(
            lanes[1].colour, "#cc79a7",
            "a platform without a colour gets the family's"
        );
    }
}
