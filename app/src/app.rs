//! The HTML shell and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::dashboard::Dashboard;
use crate::components::upload::UploadPage;

/// The document around the app: everything the server sends before the app's
/// own markup. The stylesheet and scripts are those built by cargo-leptos.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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

/// The routes. Pages render fully on the server (`SsrMode::Async`) so that they
/// are readable without JavaScript, on satcom links and old browsers.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=Dashboard ssr=SsrMode::Async/>
                <Route path=path!("/upload") view=UploadPage/>
            </Routes>
        </Router>
    }
}
