//! The board's live events in lite mode ([`crate::lite`]): held and applied
//! together once a second, so that a busy feed repaints a slow phone or
//! laptop once a second, not once an event. (Browser only.)

thread_local! {
    /// Live events held for the next second's repaint (lite mode).
    static HELD: std::cell::RefCell<Vec<model::Event>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Applies a live event to the page: at once, or in lite mode with the
/// others of the same second, so that a busy feed repaints a slow phone or
/// laptop once a second, not once an event.
pub fn apply_live(event: model::Event, dash: crate::state::Dash) {
    use leptos::prelude::GetUntracked;
    if !dash.lite.get_untracked() {
        flush(dash);
        crate::state::apply_event(&event, dash, crate::browser::hidden());
        return;
    }
    let first = HELD.with(|held| {
        let mut held = held.borrow_mut();
        held.push(event);
        held.len() == 1
    });
    if first {
        leptos::prelude::set_timeout(move || flush(dash), std::time::Duration::from_secs(1));
    }
}

/// Applies the events held so far, in their order.
pub fn flush(dash: crate::state::Dash) {
    let held = HELD.with(|held| std::mem::take(&mut *held.borrow_mut()));
    let hidden = crate::browser::hidden();
    for event in &held {
        crate::state::apply_event(event, dash, hidden);
    }
}
