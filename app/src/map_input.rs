//! Pointer input on the map, in the browser: drag to pan, wheel to zoom
//! around the pointer, click to pick the point of a track under it.
//!
//! Listeners are attached to the map's element directly, as the timeline's
//! are: the wheel one must not be passive, or the page scrolls while zooming.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, MouseEvent, PointerEvent, WheelEvent};

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

pub fn attach(svg: Element, input: MapInput) {
    let input = Rc::new(input);
    // Whether the press moved far enough to be a drag.
    let press: Rc<Cell<Option<Press>>> = Rc::new(Cell::new(None));
    let dragged = Rc::new(Cell::new(false));

    let on_down = {
        let (svg, press, dragged) = (svg.clone(), press.clone(), dragged.clone());
        Closure::<dyn FnMut(PointerEvent)>::new(move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            let at = point(&svg, &ev);
            press.set(Some((at, at)));
            dragged.set(false);
            let _ = svg.set_pointer_capture(ev.pointer_id());
        })
    };
    let on_move = {
        let (svg, press, dragged, input) =
            (svg.clone(), press.clone(), dragged.clone(), input.clone());
        Closure::<dyn FnMut(PointerEvent)>::new(move |ev: PointerEvent| {
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
        })
    };
    let on_up = {
        let press = press.clone();
        Closure::<dyn FnMut(PointerEvent)>::new(move |_: PointerEvent| press.set(None))
    };
    let on_click = {
        let (svg, dragged, input) = (svg.clone(), dragged.clone(), input.clone());
        Closure::<dyn FnMut(MouseEvent)>::new(move |ev: MouseEvent| {
            // The click that ends a drag picks nothing.
            if !dragged.replace(false) {
                (input.on_click)(point(&svg, &ev));
            }
        })
    };
    let on_wheel = {
        let (svg, input) = (svg.clone(), input.clone());
        Closure::<dyn FnMut(WheelEvent)>::new(move |ev: WheelEvent| {
            ev.prevent_default();
            let factor = if ev.delta_y() < 0.0 {
                WHEEL_ZOOM
            } else {
                1.0 / WHEEL_ZOOM
            };
            let at = point(&svg, &ev);
            input.moved_by_hand.set(true);
            input.view.update(|view| *view = view.zoomed(factor, at));
        })
    };

    let target: &web_sys::EventTarget = svg.as_ref();
    for (name, listener) in [
        ("pointerdown", on_down.as_ref()),
        ("pointermove", on_move.as_ref()),
        ("pointerup", on_up.as_ref()),
        ("pointercancel", on_up.as_ref()),
        ("click", on_click.as_ref()),
    ] {
        let _ = target.add_event_listener_with_callback(name, listener.unchecked_ref());
    }
    let options = AddEventListenerOptions::new();
    options.set_passive(false);
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        on_wheel.as_ref().unchecked_ref(),
        &options,
    );
    // The map lives as long as its page.
    on_down.forget();
    on_move.forget();
    on_up.forget();
    on_click.forget();
    on_wheel.forget();
}
