//! Server rendering of the dashboard (Leptos) and the built site's static files.

use std::net::SocketAddr;
use std::path::Path;

use app::board::SiteConfig;
use app::{shell, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;

use crate::state::AppState;

/// Leptos settings for a site built by `cargo leptos build` into `site_root`.
/// The names match the `[[workspace.metadata.leptos]]` block of Cargo.toml, so
/// the binary runs the same with or without cargo-leptos around it.
pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("opsboard")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// The dashboard routes, rendered with the catalogue and the site settings in
/// context; the built wasm, JS and CSS under `/pkg`, brotli or gzip files
/// chosen by `Accept-Encoding` where a release build wrote them
/// (`--precompress`); the public assets for everything else.
pub fn router(state: &AppState, config: SiteConfig) -> Router<AppState> {
    let routes = generate_route_list(App);
    let catalogue = state.catalogue.clone();
    let current = state.hub.current().clone();
    let options = state.leptos_options.clone();
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .leptos_routes_with_context(
            state,
            routes,
            move || {
                provide_context(catalogue.clone());
                provide_context(current.clone());
                provide_context(config.clone());
            },
            move || shell(options.clone()),
        )
        .nest_service(
            "/pkg",
            ServeDir::new(pkg).precompressed_br().precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
}
