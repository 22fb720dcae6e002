//! Cross-site request refusal: a page on another site can make a logged-in
//! participant's browser send a form here (cookies go along, `SameSite=Lax`
//! notwithstanding for top-level POSTs in some browsers), so every request
//! that changes something and comes from a browser must come from this
//! site's own pages. Browsers say where a request comes from in
//! `Sec-Fetch-Site` (all current ones) or `Origin`; scripts send neither and
//! prove themselves with a token instead.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn same_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !from_this_site(request.headers(), state.auth.args.public_url.as_deref()) {
        return Err(ApiError::Forbidden(
            "a request from another site cannot change anything here".into(),
        ));
    }
    Ok(next.run(request).await)
}

/// Whether a browser says the request comes from this site's pages (or says
/// nothing: not a browser). Also asked of a websocket's opening, which is a
/// GET the middleware lets through: a page of another site must not read
/// the live stream with a participant's cookie.
pub fn from_this_site(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(authority) else {
        return false; // "null" (a sandboxed frame, a file) or garbage
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|h| h.eq_ignore_ascii_case(origin))
        || public_url
            .and_then(authority)
            .is_some_and(|p| p.eq_ignore_ascii_case(origin))
}

/// `host:port` of `scheme://host:port[/…]`.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    (!authority.is_empty()).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_this_sites_pages_and_non_browsers_pass() {
        let host = ("host", "127.0.0.1:3000");
        assert!(from_this_site(&headers(&[host]), None), "a script");
        assert!(from_this_site(
            &headers(&[host, ("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!from_this_site(
            &headers(&[host, ("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!from_this_site(
            &headers(&[host, ("sec-fetch-site", "same-site")]),
            None
        ));
        assert!(from_this_site(
            &headers(&[host, ("origin", "http://127.0.0.1:3000")]),
            None
        ));
        assert!(!from_this_site(
            &headers(&[host, ("origin", "https://evil.example")]),
            None
        ));
        assert!(!from_this_site(&headers(&[host, ("origin", "null")]), None));
        assert!(from_this_site(
            &headers(&[
                ("host", "internal:3000"),
                ("origin", "https://ops.campaign.org")
            ]),
            Some("https://ops.campaign.org/")
        ));
    }
}
