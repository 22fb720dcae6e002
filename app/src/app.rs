//! The HTML shell and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::pages::admin::AdminPage;
use crate::pages::board::{BoardPage, MapPage};
use crate::pages::briefing::BriefingView;
use crate::pages::briefings::BriefingsPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::case_new::NewCaseStudy;
use crate::pages::case_study::CaseStudyView;
use crate::pages::day::DayView;
use crate::pages::login::{LoginPage, WelcomePage};
use crate::pages::operation::OperationView;
use crate::pages::operations::OperationsPage;
use crate::pages::search::SearchPage;
use crate::pages::upload::UploadPage;

/// The document around the app: everything the server sends before the app's
/// own markup. The stylesheet and scripts are those built by cargo-leptos.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <title>"opsboard"</title>
                <link rel="stylesheet" href="/pkg/opsboard.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
/// are readable without JavaScript, on satcom links and old browsers.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=BoardPage ssr=SsrMode::Async/>
                <Route path=path!("/upload") view=UploadPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/welcome") view=WelcomePage/>
                <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/map") view=MapPage ssr=SsrMode::Async/>
                <Route path=path!("/operations") view=OperationsPage ssr=SsrMode::Async/>
                <Route path=path!("/operations/:id") view=OperationView ssr=SsrMode::Async/>
                <Route path=path!("/briefings") view=BriefingsPage ssr=SsrMode::Async/>
                <Route path=path!("/briefings/:id") view=BriefingView ssr=SsrMode::Async/>
                <Route path=path!("/case-studies/new") view=NewCaseStudy ssr=SsrMode::Async/>
                <Route path=path!("/case-studies/:slug") view=CaseStudyView ssr=SsrMode::Async/>
                <Route path=path!("/calendar") view=CalendarPage ssr=SsrMode::Async/>
                <Route path=path!("/days/:day") view=DayView ssr=SsrMode::Async/>
                <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
