//! opsboard's server: the path of a product from the drop folder to every open
//! dashboard, one module per step.
//!
//! [`watcher`] (a file is complete) → [`ingest`] (parse, archive, catalogue, or
//! reject; [`reconcile`] repairs an interrupted one at start) → [`hub`] (store the event, broadcast it) → [`api`] (websocket and
//! REST) and [`site`] (the server-rendered dashboard). [`config`] holds the
//! command line, [`demo`] the demo feeder.

pub mod api;
pub mod config;
pub mod demo;
pub mod error;
pub mod hub;
pub mod import;
pub mod ingest;
pub mod previews;
pub mod providers;
pub mod reconcile;
pub mod site;
pub mod state;
pub mod watcher;

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use products::catalogue::{Catalogue, Current, ProductQuery};
use products::store::DataDir;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tower_http::trace::TraceLayer;

use crate::config::ServeArgs;
use crate::hub::Hub;
use crate::ingest::{Ingest, Uploads};
use crate::previews::Previews;
use crate::state::AppState;

/// Files waiting for the ingest task. Large enough for a bulk drop; the
/// watcher waits when it is full rather than losing a file.
const READY_QUEUE: usize = 8192;

/// A running server. Dropping it without [`Server::shutdown`] leaves the tasks
/// running until the runtime ends.
pub struct Server {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    background: Vec<JoinHandle<()>>,
    _watcher: watcher::DropWatcher,
}

/// Opens the catalogue, starts watching the drop folder, takes what is already
/// in it, and serves HTTP on `args.listen`.
pub async fn start(args: ServeArgs) -> anyhow::Result<Server> {
    let data = DataDir::new(&args.data_dir);
    data.create_all()
        .with_context(|| format!("creating the data dir {}", args.data_dir.display()))?;
    let catalogue = Catalogue::open(&data.database())
        .await
        .with_context(|| format!("opening the catalogue {}", data.database().display()))?;
    let current = Current::new(
        catalogue.last_seq().await?,
        catalogue.products(&ProductQuery::default()).await?,
    );
    let hub = Hub::new(catalogue.clone(), current);
    let report = reconcile::reconcile(&data, &hub)
        .await
        .context("reconciling the archive with the catalogue")?;
    if report != reconcile::Report::default() {
        tracing::warn!(?report, "archive reconciled");
    }

    let (ready_tx, ready_rx) = mpsc::channel(READY_QUEUE);
    let watcher = watcher::spawn(
        data.incoming(),
        args.completion(),
        args.settle(),
        ready_tx.clone(),
    )
    .context("watching the drop folder")?;
    let mut background = Vec::new();
    let previews = if args.no_previews {
        None
    } else {
        let (previews, task) = Previews::start(
            data.clone(),
            hub.clone(),
            args.preview_limits.limits(),
            args.preview_workers(),
        );
        background.push(task);
        // Products whose renditions an interrupted run did not make.
        for pending in catalogue.renditions_pending().await? {
            previews.request(
                pending.product.id,
                &pending.stored_path,
                &pending.product.file_name,
            );
        }
        Some(previews)
    };
    let ingest = Ingest::new(data.clone(), args.name_rules(), hub.clone(), previews);
    let (uploads_tx, uploads_rx) = mpsc::channel(64);
    background.push(tokio::spawn(ingest.run(ready_rx, uploads_rx)));
    // Files that arrived while the server was down. The watch is already on,
    // so nothing can slip between the scan and the live events.
    let backlog = watcher::list_files(&data.incoming());
    if !backlog.is_empty() {
        tracing::info!(
            files = backlog.len(),
            "taking files already in the drop folder"
        );
    }
    background.push(tokio::spawn(async move {
        for path in backlog {
            if ready_tx.send(path).await.is_err() {
                break;
            }
        }
    }));
    if args.demo {
        background.push(tokio::spawn(demo::run(
            data.incoming(),
            std::time::Duration::from_millis(args.demo_interval_ms),
        )));
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let state = AppState {
        catalogue,
        hub,
        data,
        rules: args.name_rules(),
        uploads: Uploads::new(uploads_tx),
        max_upload_bytes: args.max_upload_bytes,
        leptos_options: site::leptos_options(&args.site_root, addr),
        shutdown: shutdown_rx.clone(),
    };
    let app = Router::new()
        .merge(api::router())
        .merge(site::router(&state, args.site_config()))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    let mut stop = shutdown_rx;
    let http = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await
    });
    tracing::info!(%addr, data_dir = %args.data_dir.display(), "opsboard is serving");
    Ok(Server {
        addr,
        shutdown,
        http,
        background,
        _watcher: watcher,
    })
}

impl Server {
    /// Stops accepting requests, closes websocket sessions and waits for
    /// in-flight requests; background tasks are stopped.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        for task in &self.background {
            task.abort();
        }
        self.http.await??;
        Ok(())
    }
}

/// `opsboard serve`: runs until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let server = start(args).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
