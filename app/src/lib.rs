//! The opsboard dashboard: Leptos components rendered on the server and
//! hydrated in the browser from one codebase.
//!
//! [`app`] holds the HTML shell and the routes, [`board`] the data a page
//! starts from (and the server functions that load it), [`view`] the view a
//! URL names, [`window`] the stretch of time it draws, [`select`] what it picks (lanes, nearest products, runs) and
//! [`rows`] how the timeline lays them out, [`dash`] the state a page shares, [`components`] the pieces of the
//! screen. Browser only: `live`, the websocket client that keeps a page
//! current; `browser`, the clock, keyboard and tab title; `timeline_input`,
//! drag, wheel and clicks on the timeline.

// The dashboard's nested view types are deep; components also erase theirs with `into_any`.
#![recursion_limit = "256"]

pub mod app;
#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "hydrate")]
mod browser;
pub mod compare;
pub mod components;

#[cfg(feature = "hydrate")]
mod download;
pub mod evidence;
mod lazy_pages;
pub mod links;
#[cfg(feature = "hydrate")]
mod listeners;
pub mod lite;
#[cfg(feature = "hydrate")]
mod live;
#[cfg(feature = "hydrate")]
mod map_fetch;
#[cfg(feature = "hydrate")]
mod map_input;
pub mod map_view;
#[cfg(feature = "hydrate")]
mod notify;
pub mod operations;
pub mod pages;
#[cfg(feature = "hydrate")]
mod request;
pub mod rows;
pub mod select;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;
#[cfg(feature = "hydrate")]
mod timeline_input;
pub mod upload_rows;
#[cfg(feature = "hydrate")]
mod uploader;
pub mod view;
pub mod window;

#[cfg(feature = "ssr")]
pub use app::shell;
pub use app::App;

/// The wasm entry point: attaches the browser to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Where time to interactive goes: benchmarks read this mark.
    if let Some(performance) = leptos::prelude::window().performance() {
        let _ = performance.mark("opsboard-hydrate-start");
    }
    // The board's panels the address opens are fetched first (the pages'
    // own code, split the same way, is awaited by the router).
    wasm_bindgen_futures::spawn_local(async {
        let location = leptos::prelude::window().location();
        let (path, query) = (location.pathname(), location.search());
        pages::board::lazy_panels::preload(&path.unwrap_or_default(), &query.unwrap_or_default())
            .await;
        leptos::mount::hydrate_lazy(App);
    });
}
