//! Security headers on every response, pages, API answers and files alike.
//!
//! Pages carry their own `Content-Security-Policy` with a fresh nonce for the
//! hydration script (set by the app's shell, which renders it); everything
//! else gets a policy that allows nothing to run or load, unless its handler
//! chose one (downloads of non-images are `sandbox`ed). No response may be
//! framed by another site, sniffed into another type, or leak its URL.

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of what is not a page: nothing runs, nothing loads, no frame.
const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'";

pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CONTENT_SECURITY_POLICY, LOCKED_DOWN),
    ];
    fixed.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
