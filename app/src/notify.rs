//! Browser notifications of decisions ("ATR42-20261129a: GO for 14:00 UTC")
//! and of expected products gone late ("GFS 024h_pgrb 07 Dec 12z +024h:
//! 1 min late"), for participants who allowed them: they reach them with
//! the board in another tab or the window minimised. Each notification is
//! tagged with what it is about, so two open pages show it once.

use model::expected::Expected;
use model::operations::{Decision, Operation};
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Whether this browser has not been asked yet (the button is offered).
pub fn may_ask() -> bool {
    Notification::permission() == NotificationPermission::Default
}

/// Asks the browser for permission (on a click: browsers refuse otherwise).
pub fn ask(answered: impl FnOnce(bool) + 'static) {
    let promise = Notification::request_permission();
    if let Ok(promise) = promise {
        leptos::task::spawn_local(async move {
            let granted = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .ok()
                .and_then(|answer| answer.as_string())
                .is_some_and(|answer| answer == "granted");
            answered(granted);
        });
    }
}

/// Shows `decision` on `operation`, if allowed and not taken by `me`.
pub fn decision(decision: &Decision, operation: &Operation, me: Option<&str>) {
    if Notification::permission() != NotificationPermission::Granted
        || me == Some(decision.author.as_str())
    {
        return;
    }
    let title = format!(
        "{}: {} for {}",
        operation.code,
        decision.to.label(),
        operation.plan.planned_start.format("%H:%M UTC")
    );
    let options = NotificationOptions::new();
    options.set_body(&format!(
        "{} — by {}",
        operation.plan.title, decision.author
    ));
    options.set_tag(&format!("decision-{}", decision.id));
    let _ = Notification::new_with_options(&title, &options);
}

/// Says that `expected` has gone late, if allowed.
pub fn late(expected: &Expected) {
    if Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(&format!(
        "Not received by its deadline ({})",
        expected.source
    ));
    options.set_tag(&format!(
        "late-{}-{}-{}",
        expected.source,
        expected.reference().timestamp(),
        expected.lead.unwrap_or_default()
    ));
    let _ = Notification::new_with_options(&expected.describe(chrono::Utc::now()), &options);
}
