//! Server rendering of the dashboard (Leptos) and the built site's static files.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use app::{shell, App};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::{get_service, MethodRouter};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions, AxumRouteListing, LeptosRoutes};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

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
/// the binary runs the same with or without cargo-leptos around it. Files
/// named after their content are used when the build's hash file is there
/// (`hashes`, else `hash.txt` beside the binary, where cargo-leptos writes it).
pub fn leptos_options(site_root: &Path, hashes: Option<&Path>, addr: SocketAddr) -> LeptosOptions {
    let beside_binary = || {
        let exe = std::env::current_exe().ok()?;
        Some(exe.parent()?.join("hash.txt"))
    };
    let hash_file = hashes
        .map(|path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
        .or_else(beside_binary)
        .filter(|path| path.is_file())
        .filter(|path| {
            let read = std::fs::read_to_string(path).is_ok_and(|t| app::assets::is_hash_file(&t));
            if !read {
                tracing::warn!(path = %path.display(), "not a build's hash file: the built files keep their plain names");
            }
            read
        });
    LeptosOptions::builder()
        .output_name("opsboard")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_file.is_some())
        .hash_file(
            hash_file.map_or_else(|| "hash.txt".into(), |path| path.to_string_lossy().into()),
        )
        .build()
}

/// The built stylesheet's path on disk (hashed or not, as [`leptos_options`]
/// finds the build).
pub fn built_stylesheet(options: &LeptosOptions) -> PathBuf {
    Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(app::assets::built_name(options, "css", "css"))
}

/// What every page renders with: the catalogue, the in-memory index, the
/// site settings and what the sources expect.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let catalogue = state.catalogue.clone();
    let current = state.hub.current().clone();
    let config = state.site.clone();
    let expected = {
        let (current, sources) = (current.clone(), state.sources.clone());
        app::ssr::ExpectedNow(std::sync::Arc::new(move |visibility| {
            let set = sources.borrow().set.clone();
            crate::api::expected::expected_now(&current, &set, chrono::Utc::now(), visibility)
        }))
    };
    let sources = crate::source_file::admin_view(state);
    let punctuality = {
        let (current, sources) = (current.clone(), state.sources.clone());
        app::ssr::PunctualityOf(std::sync::Arc::new(move |from, to, visibility| {
            let set = sources.borrow().set.clone();
            let (_, products) =
                current.window(from, to, crate::api::expected::MAX_MATCHED, visibility);
            set.punctuality(from, to, chrono::Utc::now(), &products)
        }))
    };
    move || {
        provide_context(catalogue.clone());
        provide_context(current.clone());
        provide_context(config.clone());
        provide_context(expected.clone());
        provide_context(sources.clone());
        provide_context(punctuality.clone());
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
    let options_hashed = options.hash_files;
    let worker = service_worker(&options);
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .leptos_routes_with_context(state, routes, page_context(state), move || {
            shell(options.clone())
        })
        .nest("/pkg", built_files(pkg, options_hashed))
        .route("/sw.js", worker)
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

/// The built wasm, JS and CSS, brotli or gzip files chosen by
/// `Accept-Encoding`. A build that named them after their content has them
/// kept for good by browsers and caches (the name changes with the content);
/// otherwise they are checked again on each use (`no-cache`, answered 304
/// while unchanged). Either way they are code, the same for everyone: no
/// campaign data is ever under `/pkg`. What is not found is not kept.
fn built_files(pkg: PathBuf, hashed: bool) -> Router<AppState> {
    let policy = HeaderValue::from_static(if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    });
    Router::new()
        .fallback_service(ServeDir::new(pkg).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::map_response(
            move |mut response: Response| {
                let policy = policy.clone();
                async move {
                    if response.status().is_success()
                        || response.status() == axum::http::StatusCode::NOT_MODIFIED
                    {
                        response.headers_mut().insert(header::CACHE_CONTROL, policy);
                    }
                    response
                }
            },
        ))
}

/// The service worker's script (`public/sw.js`). A worker takes the policy
/// of its own script's answer for what it fetches: this one may fetch from
/// this origin and nothing else, and run nothing but itself. Checked on each
/// registration, so that a new deployment's worker is found at once.
fn service_worker(options: &LeptosOptions) -> MethodRouter<AppState> {
    let script = Path::new(options.site_root.as_ref()).join("sw.js");
    let service = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; connect-src 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeFile::new(script));
    get_service(service)
}
