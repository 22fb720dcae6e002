//! The HTML shell and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::lazy_pages::*;
use crate::pages::board::BoardPage;

/// The document around the app: everything the server sends before the app's
/// own markup. The stylesheet and scripts are those built by cargo-leptos.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    content_security_policy();
    let stylesheet = crate::assets::stylesheet_href(&options);
    // Before the wasm, so that a page whose wasm never arrives is kept too.
    let keep_offline = format!(
        "if ('serviceWorker' in navigator) navigator.serviceWorker.register({:?}).catch(() => {{}});",
        crate::assets::service_worker_url(&options)
    );
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <title>"opsboard"</title>
                <link rel="stylesheet" href=stylesheet/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <script nonce=leptos::nonce::use_nonce()>{keep_offline}</script>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's `Content-Security-Policy`: scripts only from this origin or
/// inline with this response's nonce (the hydration script), wasm compiled
/// from them, connections (the websocket included) to this origin only, and
/// no framing. Styles may be inline: the timeline positions its marks with
/// `style` attributes, which cannot carry a nonce.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The routes. Pages render fully on the server (`SsrMode::Async`) so that they
/// are readable without JavaScript, on satcom links and old browsers. The
/// board's code comes with the first load; every other page's is fetched when
/// it is opened ([`crate::lazy_pages`]).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=BoardPage ssr=SsrMode::Async/>
                <Route path=path!("/upload") view={Lazy::<UploadRoute>::new()}/>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()}/>
                <Route path=path!("/welcome") view={Lazy::<WelcomeRoute>::new()}/>
                <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/map") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/operations") view={Lazy::<OperationsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/operations/:id") view={Lazy::<OperationRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/briefings") view={Lazy::<BriefingsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/briefings/:id") view={Lazy::<BriefingRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/case-studies/new") view={Lazy::<NewCaseRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/case-studies/:slug") view={Lazy::<CaseStudyRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/calendar") view={Lazy::<CalendarRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/days/:day") view={Lazy::<DayRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/search") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
