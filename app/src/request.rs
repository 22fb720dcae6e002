//! JSON requests from the browser to the API, for the forms that act
//! (a decision, a report): the session cookie goes along; the answer's status and
//! body come back to the caller.

use wasm_bindgen::prelude::*;
use web_sys::XmlHttpRequest;

/// POSTs `body` (JSON) to `url`; `done` gets the status and the body, or
/// status 0 when the request could not be made.
pub fn post_json(url: &str, body: &str, done: impl FnOnce(u16, String) + 'static) {
    send_json("POST", url, body, done)
}

/// GETs `url` (JSON for the map's layers); `done` as for [`post_json`].
pub fn get(url: &str, done: impl FnOnce(u16, String) + 'static) {
    send_json("GET", url, "", done)
}

/// The same with another method (`PUT` for what a form replaces whole).
pub fn send_json(method: &str, url: &str, body: &str, done: impl FnOnce(u16, String) + 'static) {
    let opened = XmlHttpRequest::new().and_then(|xhr| {
        xhr.open(method, url)?;
        xhr.set_request_header("Content-Type", "application/json")?;
        Ok(xhr)
    });
    if let Some(xhr) = answered(opened, done) {
        // A request that cannot be sent still ends with `loadend` (status 0).
        let _ = xhr.send_with_opt_str(Some(body));
    }
}

/// The opened request, its end handed to `done`; `None` (and `done`
/// told so) when it could not be opened.
fn answered(
    opened: Result<XmlHttpRequest, JsValue>,
    done: impl FnOnce(u16, String) + 'static,
) -> Option<XmlHttpRequest> {
    let Ok(xhr) = opened else {
        done(0, "the browser could not make the request".into());
        return None;
    };
    let answer = xhr.clone();
    // One closure per request, run once; forgotten rather than tracked, as
    // these requests are a person's clicks, not a stream.
    let on_end = Closure::once_into_js(move || {
        let text = answer.response_text().ok().flatten().unwrap_or_default();
        done(answer.status().unwrap_or(0), text);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    Some(xhr)
}

/// POSTs a file the user chose as the body, as the plans API takes it.
pub fn post_file(url: &str, file: &web_sys::File, done: impl FnOnce(u16, String) + 'static) {
    let opened = XmlHttpRequest::new().and_then(|xhr| xhr.open("POST", url).map(|_| xhr));
    if let Some(xhr) = answered(opened, done) {
        let _ = xhr.send_with_opt_blob(Some(file));
    }
}

/// What to tell the user of a refused request: the API's `reason`, or the
/// status when the answer has none.
pub fn refusal(status: u16, text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["reason"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("the server answered {status}"))
}

/// Sends a form's JSON body and says how it went in `outcome`: "Sending…",
/// then `done` and `then()` when the server answers `expected`, else its
/// refusal. The outcome signal lives above the page, which `then` may read
/// again.
pub fn submit(
    method: &str,
    url: &str,
    body: &str,
    expected: u16,
    outcome: leptos::prelude::RwSignal<Option<(bool, String)>>,
    done: &'static str,
    then: impl FnOnce() + 'static,
) {
    use leptos::prelude::Set;
    outcome.set(Some((true, "Sending…".into())));
    send_json(method, url, body, move |status, text| {
        if status == expected {
            outcome.set(Some((true, done.into())));
            then();
        } else {
            outcome.set(Some((false, refusal(status, &text))));
        }
    });
}
