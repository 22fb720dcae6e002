//! Pointer input on the map, in the browser: drag to pan, wheel to zoom
//! around the pointer, click to pick the point of a track under it.
//!
//! Listeners are attached to the map's element directly, as the timeline's
//! are: the wheel one must not be passive, or the page scrolls while zooming.
//! They are removed when the map's effect drops them (`listeners`).

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::{Element, MouseEvent, PointerEvent, WheelEvent};

use crate::listeners::{self, Listener};

use crate::map_view::{MapView, HEIGHT, WIDTH};

/// Pixels a pointer must move before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 4.0;
/// Zoom of one wheel notch.
const WHEEL_ZOOM: f64 = 1.25;

/// What the map's input changes: its view (and that a person moved it, so
/// it no longer fits itself to what arrives), and what a click picks.
pub struct MapInput {
    pub view: RwSignal<MapView>,
    pub moved_by_hand: RwSignal<bool>,
    pub on_click: Box<dyn Fn((f64, f64))>,
}

/// The point under a mouse event, in the map's drawing units.
fn point(svg: &Element, ev: &MouseEvent) -> (f64, f64) {
    let rect = svg.get_bounding_client_rect();
    (
        (ev.client_x() as f64 - rect.left()) * WIDTH / rect.width().max(1.0),
        (ev.client_y() as f64 - rect.top()) * HEIGHT / rect.height().max(1.0),
    )
}

/// Where a press started, and the last point of its drag.
type Press = ((f64, f64), (f64, f64));

/// Listens to the map's pointer: the listeners end when the returned list
/// is dropped.
pub fn attach(svg: Element, input: MapInput) -> Vec<Listener> {
    let input = Rc::new(input);
    // Whether the press moved far enough to be a drag.
    let press: Rc<Cell<Option<Press>>> = Rc::new(Cell::new(None));
    let dragged = Rc::new(Cell::new(false));

    let on_down = {
        let (svg, press, dragged) = (svg.clone(), press.clone(), dragged.clone());
        move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            let at = point(&svg, &ev);
            press.set(Some((at, at)));
            dragged.set(false);
            let _ = svg.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_move = {
        let (svg, press, dragged, input) =
            (svg.clone(), press.clone(), dragged.clone(), input.clone());
        move |ev: PointerEvent| {
            let Some((start, last)) = press.get() else {
                return;
            };
            let at = point(&svg, &ev);
            if !dragged.get() && (at.0 - start.0).hypot(at.1 - start.1) < DRAG_THRESHOLD {
                return;
            }
            dragged.set(true);
            input.moved_by_hand.set(true);
            input
                .view
                .update(|view| *view = view.panned(at.0 - last.0, at.1 - last.1));
            press.set(Some((start, at)));
        }
    };
    let on_up = {
        let press = press.clone();
        move |_: PointerEvent| press.set(None)
    };
    let on_click = {
        let (svg, dragged, input) = (svg.clone(), dragged.clone(), input.clone());
        move |ev: MouseEvent| {
            // The click that ends a drag picks nothing.
            if !dragged.replace(false) {
                (input.on_click)(point(&svg, &ev));
            }
        }
    };
    let on_wheel = {
        let (svg, input) = (svg.clone(), input.clone());
        move |ev: WheelEvent| {
            ev.prevent_default();
            let factor = if ev.delta_y() < 0.0 {
                WHEEL_ZOOM
            } else {
                1.0 / WHEEL_ZOOM
            };
            let at = point(&svg, &ev);
            input.moved_by_hand.set(true);
            input.view.update(|view| *view = view.zoomed(factor, at));
        }
    };

    listeners::pointer(svg.as_ref(), on_down, on_move, on_up, on_click, on_wheel)
}
