//! Lite mode, for a satellite link or a weak phone network: thumbnails only
//! (a preview or a file when asked), no frames fetched ahead, live events
//! applied together once a second, and the bytes this page has used shown in
//! the header.
//!
//! Chosen with `?lite=1` (and left with `?lite=0`), remembered in a cookie so
//! that the server renders the next page lite too; chosen by the browser itself
//! when it reports `saveData` or a slow connection, unless the reader said no.

/// The cookie that remembers the choice: `1` lite, `0` not (said by the
/// reader: the browser's own hint no longer counts).
pub const COOKIE: &str = "opsboard_lite";

/// What a cookie header and an address's query say: the query's `lite` first
/// (and whether it asked, so the choice is remembered), else the cookie.
pub fn chosen(cookies: &str, query: &str) -> (bool, Option<bool>) {
    let asked = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(name, _)| name == "lite")
        .map(|(_, value)| value == "1");
    (asked.or(remembered(cookies)).unwrap_or(false), asked)
}

/// What the reader's cookie says, if it says anything.
pub fn remembered(cookies: &str) -> Option<bool> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value == "1")
}

/// The cookie remembering `lite` for a year.
pub fn cookie(lite: bool) -> String {
    format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        u8::from(lite)
    )
}

/// Lite mode as the server renders the page: the request's address and
/// cookie; an address that chose is answered with the cookie remembering it.
#[cfg(feature = "ssr")]
pub fn on_server() -> bool {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return false;
    };
    let cookies = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    let (lite, asked) = chosen(&cookies, parts.uri.query().unwrap_or_default());
    if let (Some(asked), Some(response)) = (asked, use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&cookie(asked)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
    lite
}

/// The page's cookies as the browser's script sees them.
#[cfg(feature = "hydrate")]
pub fn document_cookies() -> String {
    js_sys::Reflect::get(&leptos::prelude::document(), &"cookie".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// Whether this page is lite, as the browser knows it: its address's
/// choice, else the cookie (which the board also sets when the browser
/// asked for less).
#[cfg(feature = "hydrate")]
pub fn in_browser() -> bool {
    let query = leptos::prelude::window()
        .location()
        .search()
        .unwrap_or_default();
    chosen(&document_cookies(), &query).0
}

/// Whether the browser asks for less: `saveData`, or a connection it rates
/// `slow-2g`, `2g` or `3g`; `false` where it says nothing.
#[cfg(feature = "hydrate")]
pub fn browser_asks_for_less() -> bool {
    let Ok(connection) =
        js_sys::Reflect::get(&leptos::prelude::window().navigator(), &"connection".into())
    else {
        return false;
    };
    if connection.is_undefined() || connection.is_null() {
        return false;
    }
    let save_data = js_sys::Reflect::get(&connection, &"saveData".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let slow = js_sys::Reflect::get(&connection, &"effectiveType".into())
        .ok()
        .and_then(|v| v.as_string())
        .is_some_and(|t| matches!(t.as_str(), "slow-2g" | "2g" | "3g"));
    save_data || slow
}

/// The bytes this page has fetched over the network so far: the page itself
/// and every resource the browser lists (what came from a cache counts 0),
/// plus the live stream's messages, counted as they arrive.
#[cfg(feature = "hydrate")]
pub fn bytes_used(live_bytes: u64) -> u64 {
    use wasm_bindgen::JsCast;
    let Some(performance) = leptos::prelude::window().performance() else {
        return live_bytes;
    };
    let mut total = live_bytes;
    for kind in ["navigation", "resource"] {
        for entry in performance.get_entries_by_type(kind).iter() {
            if let Ok(timing) = entry.dyn_into::<web_sys::PerformanceResourceTiming>() {
                total += timing.transfer_size() as u64;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_chooses_and_the_cookie_remembers() {
        assert_eq!(chosen("", ""), (false, None));
        assert_eq!(chosen("", "?lite=1&span=48"), (true, Some(true)));
        assert_eq!(chosen("a=b; opsboard_lite=1", ""), (true, None));
        assert_eq!(chosen("opsboard_lite=1", "lite=0"), (false, Some(false)));
        assert_eq!(chosen("opsboard_lite=0", ""), (false, None));
        assert_eq!(chosen("opsboard_lite_x=1", ""), (false, None));
        assert_eq!(
            cookie(true),
            "opsboard_lite=1; Path=/; Max-Age=31536000; SameSite=Lax"
        );
    }
}
