//! DOM event listeners that end with what they serve. A [`Listener`] is
//! removed from its element when dropped: the map and the timeline keep
//! theirs in the effect that attached them, so a page that redraws them, or
//! leaves, takes its listeners away instead of leaking them.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget, MouseEvent, PointerEvent, WheelEvent};

/// One listener of one event on one element.
pub struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Calls `f` with each `name` event on `target`, as the event type `E`
    /// (`PointerEvent`, `WheelEvent`…).
    pub fn new<E: JsCast + 'static>(
        target: &EventTarget,
        name: &'static str,
        f: impl FnMut(E) + 'static,
    ) -> Self {
        Self::with_options(target, name, None, f)
    }

    /// As [`Listener::new`], for a handler that prevents the default (a
    /// wheel that zooms rather than scrolls the page): browsers make wheel
    /// listeners passive unless told.
    pub fn active<E: JsCast + 'static>(
        target: &EventTarget,
        name: &'static str,
        f: impl FnMut(E) + 'static,
    ) -> Self {
        let options = AddEventListenerOptions::new();
        options.set_passive(false);
        Self::with_options(target, name, Some(options), f)
    }

    fn with_options<E: JsCast + 'static>(
        target: &EventTarget,
        name: &'static str,
        options: Option<AddEventListenerOptions>,
        mut f: impl FnMut(E) + 'static,
    ) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(move |ev: Event| f(ev.unchecked_into()));
        let function = callback.as_ref().unchecked_ref();
        let _ = match &options {
            Some(options) => target
                .add_event_listener_with_callback_and_add_event_listener_options(
                    name, function, options,
                ),
            None => target.add_event_listener_with_callback(name, function),
        };
        Self {
            target: target.clone(),
            name,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.name, self.callback.as_ref().unchecked_ref());
    }
}

/// The listeners of a surface dragged and zoomed by pointer (the map, the
/// timeline): press, move, release (a cancelled pointer is released too),
/// click, and a wheel that zooms rather than scrolls.
pub fn pointer(
    target: &EventTarget,
    down: impl FnMut(PointerEvent) + 'static,
    moved: impl FnMut(PointerEvent) + 'static,
    up: impl FnMut(PointerEvent) + Clone + 'static,
    click: impl FnMut(MouseEvent) + 'static,
    wheel: impl FnMut(WheelEvent) + 'static,
) -> Vec<Listener> {
    vec![
        Listener::new(target, "pointerdown", down),
        Listener::new(target, "pointermove", moved),
        Listener::new(target, "pointerup", up.clone()),
        Listener::new(target, "pointercancel", up),
        Listener::new(target, "click", click),
        Listener::active(target, "wheel", wheel),
    ]
}
