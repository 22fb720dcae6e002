//! Pointer input on the timeline, in the browser: drag to pan, wheel to zoom
//! around the pointer, pinch to zoom on a touch screen, click on the axis to
//! place the cursor, click on a mark to open it, click on a count to zoom
//! into it.
//!
//! Listeners are attached to the timeline element directly: the wheel one must
//! not be passive (it stops the page from scrolling while zooming), and one
//! listener serves every mark.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use model::name::parse_time;
use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent, PointerEvent, WheelEvent};

use crate::listeners::{self, Listener};

use crate::state::Dash;

/// Pixels a pointer must move before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 4.0;
/// Wheel distance that makes one zoom step (one notch of a mouse wheel).
const WHEEL_STEP: f64 = 100.0;

/// How far two fingers must spread (or close) for one zoom step.
const PINCH_STEP: f64 = 1.35;

/// The fingers on the timeline: their pointer ids and horizontal positions,
/// and the spread of two at the last zoom step.
#[derive(Default)]
struct Pinch {
    touches: Vec<(i32, f64)>,
    base: Option<f64>,
}

impl Pinch {
    fn spread(&self) -> Option<(f64, f64)> {
        match self.touches.as_slice() {
            [(_, a), (_, b)] => Some(((a - b).abs(), (a + b) / 2.0)),
            _ => None,
        }
    }
}

/// A press on the tracks, possibly turning into a drag.
#[derive(Clone, Copy)]
struct Press {
    x: f64,
    width: f64,
    dragging: bool,
}

/// Listens to the timeline's pointer: the listeners end when the returned
/// list is dropped.
pub fn attach(section: Element, dash: Dash, pan: RwSignal<f64>) -> Vec<Listener> {
    let press: Rc<Cell<Option<Press>>> = Rc::new(Cell::new(None));
    // Set when a drag ends, so the click that follows does not open a mark.
    let just_dragged = Rc::new(Cell::new(false));
    let wheel_total = Rc::new(Cell::new(0.0_f64));
    let pinch: Rc<RefCell<Pinch>> = Rc::default();

    let track_rect = {
        let section = section.clone();
        move || {
            section
                .query_selector(".axis .track")
                .ok()
                .flatten()
                .map(|t| t.get_bounding_client_rect())
        }
    };

    let on_down = {
        let (press, track_rect, just_dragged, pinch) = (
            press.clone(),
            track_rect.clone(),
            just_dragged.clone(),
            pinch.clone(),
        );
        move |ev: PointerEvent| {
            just_dragged.set(false);
            if ev.pointer_type() == "touch" {
                let mut pinch = pinch.borrow_mut();
                pinch.touches.retain(|(id, _)| *id != ev.pointer_id());
                pinch.touches.push((ev.pointer_id(), ev.client_x() as f64));
                if let Some((spread, _)) = pinch.spread() {
                    // Two fingers: a pinch, not a drag.
                    pinch.base = Some(spread.max(1.0));
                    press.set(None);
                    pan.set(0.0);
                    return;
                }
            }
            let on_track = closest(&ev, ".track").is_some() && closest(&ev, ".axis").is_none();
            if ev.button() != 0 || !on_track {
                return;
            }
            if let Some(rect) = track_rect() {
                press.set(Some(Press {
                    x: ev.client_x() as f64,
                    width: rect.width(),
                    dragging: false,
                }));
            }
        }
    };
    let on_move = {
        let (press, section, pinch, track_rect) = (
            press.clone(),
            section.clone(),
            pinch.clone(),
            track_rect.clone(),
        );
        move |ev: PointerEvent| {
            if ev.pointer_type() == "touch" && pinched(&pinch, &ev, &track_rect, dash) {
                return;
            }
            let Some(mut p) = press.get() else { return };
            let dx = ev.client_x() as f64 - p.x;
            if !p.dragging && dx.abs() > DRAG_THRESHOLD {
                p.dragging = true;
                let _ = section.set_pointer_capture(ev.pointer_id());
                let _ = section.class_list().add_1("dragging");
            }
            press.set(Some(p));
            if p.dragging {
                pan.set(dx);
            }
        }
    };
    let on_up = {
        let (press, just_dragged, section, pinch) = (
            press.clone(),
            just_dragged.clone(),
            section.clone(),
            pinch.clone(),
        );
        move |ev: PointerEvent| {
            {
                let mut pinch = pinch.borrow_mut();
                pinch.touches.retain(|(id, _)| *id != ev.pointer_id());
                if pinch.touches.len() < 2 {
                    pinch.base = None;
                }
            }
            let Some(p) = press.take() else { return };
            if !p.dragging {
                return;
            }
            let _ = section.class_list().remove_1("dragging");
            let dx = ev.client_x() as f64 - p.x;
            just_dragged.set(true);
            pan.set(0.0);
            let view = dash.view.get_untracked();
            dash.go(view.panned(-dx / p.width.max(1.0), dash.now.get_untracked()));
        }
    };
    let on_click = {
        let (just_dragged, track_rect) = (just_dragged.clone(), track_rect.clone());
        move |ev: MouseEvent| {
            if just_dragged.replace(false) {
                ev.prevent_default();
                return;
            }
            if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                return;
            }
            let view = dash.view.get_untracked();
            let now = dash.now.get_untracked();
            if let Some(mark) = closest(&ev, "[data-id]") {
                if let Some(id) = mark.get_attribute("data-id").and_then(|v| v.parse().ok()) {
                    ev.prevent_default();
                    dash.go(view.with_open(Some(id)));
                }
            } else if let Some(cluster) = closest(&ev, "[data-zoom]") {
                if let Some(t) = cluster
                    .get_attribute("data-zoom")
                    .and_then(|v| parse_time(&v).ok())
                {
                    dash.go(view.zoomed(-2, 0.5, now).with_centre(t));
                }
            } else if closest(&ev, ".axis").is_some() {
                if let Some(rect) = track_rect() {
                    let fraction = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0);
                    if (0.0..=1.0).contains(&fraction) {
                        let t = dash.window.get_untracked().at(fraction);
                        let t =
                            chrono::DurationRound::duration_round(t, chrono::Duration::minutes(1))
                                .unwrap_or(t);
                        dash.go(view.with_cursor(Some(t), now));
                    }
                }
            }
        }
    };
    let on_wheel = {
        let (wheel_total, track_rect) = (wheel_total.clone(), track_rect.clone());
        move |ev: WheelEvent| {
            if ev.ctrl_key() {
                return; // the browser's own page zoom
            }
            let Some(rect) = track_rect() else { return };
            let fraction = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0);
            if !(0.0..=1.0).contains(&fraction) {
                return;
            }
            ev.prevent_default();
            let total = wheel_total.get() + ev.delta_y();
            if total.abs() < WHEEL_STEP {
                wheel_total.set(total);
                return;
            }
            wheel_total.set(0.0);
            zoom_at(dash, if total > 0.0 { 1 } else { -1 }, fraction);
        }
    };

    listeners::pointer(
        section.as_ref(),
        on_down,
        on_move,
        on_up,
        on_click,
        on_wheel,
    )
}

/// Follows two fingers: a zoom step each time their spread grows or shrinks
/// by [`PINCH_STEP`], around the point between them. Whether the move was
/// part of a pinch.
fn pinched(
    pinch: &RefCell<Pinch>,
    ev: &PointerEvent,
    track_rect: &impl Fn() -> Option<web_sys::DomRect>,
    dash: Dash,
) -> bool {
    let mut pinch = pinch.borrow_mut();
    if let Some(touch) = pinch
        .touches
        .iter_mut()
        .find(|(id, _)| *id == ev.pointer_id())
    {
        touch.1 = ev.client_x() as f64;
    }
    let (Some(base), Some((spread, middle))) = (pinch.base, pinch.spread()) else {
        return false;
    };
    let steps = if spread >= base * PINCH_STEP {
        -1
    } else if spread * PINCH_STEP <= base {
        1
    } else {
        return true;
    };
    pinch.base = Some(spread.max(1.0));
    let Some(rect) = track_rect() else {
        return true;
    };
    let fraction = ((middle - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0);
    zoom_at(dash, steps, fraction);
    true
}

/// Zooms `steps` levels keeping the time at `fraction` of the width where
/// it is; zooming around a point pins the window.
fn zoom_at(dash: Dash, steps: i32, fraction: f64) {
    let view = dash.view.get_untracked();
    if !view.can_zoom(steps) {
        return;
    }
    let now = dash.now.get_untracked();
    let pinned = if view.follows_now() {
        view.panned(0.0, now)
    } else {
        view
    };
    dash.go(pinned.zoomed(steps, fraction, now));
}

/// The nearest ancestor of the event's target matching `selector`.
fn closest(ev: &web_sys::Event, selector: &str) -> Option<Element> {
    ev.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}
