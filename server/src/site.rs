//! Server rendering of the dashboard (Leptos) and the built site's static files.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::OnceLock;

use app::{shell, App};
use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions, AxumRouteListing, LeptosRoutes};
use tower_http::services::ServeDir;

use crate::state::AppState;

/// Pages with a route of their own in the server (their caller is checked by
/// an extractor first): rendered with [`render`], not listed here.
pub const OWN_ROUTES: [&str; 1] = [crate::admin::PATH];

/// The app's routes, listed once per process. Listing them renders the app
/// with resource loading switched off process-wide (a Leptos global), so a
/// page rendering meanwhile in another server of the same process (tests
/// start many) would wait forever for its data.
static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();

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

/// What every page renders with: the catalogue, the in-memory index and the
/// site settings.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let catalogue = state.catalogue.clone();
    let current = state.hub.current().clone();
    let config = state.site.clone();
    move || {
        provide_context(catalogue.clone());
        provide_context(current.clone());
        provide_context(config.clone());
    }
}

/// The dashboard routes, rendered with [`page_context`]; the built wasm, JS
/// and CSS under `/pkg`, brotli or gzip files chosen by `Accept-Encoding`
/// where a release build wrote them (`--precompress`); the public assets for
/// everything else.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = ROUTES
        .get_or_init(|| {
            generate_route_list_with_exclusions(
                App,
                Some(OWN_ROUTES.iter().map(|r| r.to_string()).collect()),
            )
        })
        .clone();
    let options = state.leptos_options.clone();
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .leptos_routes_with_context(state, routes, page_context(state), move || {
            shell(options.clone())
        })
        .nest_service(
            "/pkg",
            ServeDir::new(pkg).precompressed_br().precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
}

/// Renders the page `request` names, with `extra` in context beside
/// [`page_context`]: for the routes in [`OWN_ROUTES`].
pub async fn render<T>(state: &AppState, extra: Option<T>, request: Request) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    let base = page_context(state);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            base();
            if let Some(extra) = extra.clone() {
                provide_context(extra);
            }
        },
        move || shell(options.clone()),
    );
    handler(request).await
}
