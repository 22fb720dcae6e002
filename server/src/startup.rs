//! Start-up and shutdown of `opsboard serve`.
//!
//! **Start**, in this order: lock the data dir (a second `serve` or an
//! `import` on it refuses), sweep `uploads/` (a crash leaves only uploads
//! whose sender never got an answer, and who will send again), open the
//! catalogue, reconcile the archive with it, start the supervised tasks
//! (previews, ingest, the drop-folder watcher), queue the files that arrived
//! while the server was down, then serve HTTP.
//!
//! **Shutdown** drains, as tokio-rs/mini-redis does: one `watch` flag turns
//! true and every task sees it.
//! - HTTP stops accepting; requests in flight finish; websocket sessions
//!   send a close frame and end.
//! - Ingest finishes the file in hand and stops taking new ones. Queued drops
//!   stay in the drop folder for the next start; queued uploads are answered
//!   503 "stopping" and their bytes removed (the sender keeps them).
//! - Preview workers finish the job in hand within the drain limit; jobs not
//!   started are made at the next start (the catalogue knows which).
//! - The catalogue is closed (its WAL checkpointed), then the lock released.
//!
//! Everything is given [`DRAIN_LIMIT`] in all, so a stop never takes more
//! than ten seconds whatever a client or a file does; what a crash or that
//! limit interrupts is repaired at the next start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::{middleware, Router};
use catalogue::store::{DataDir, DataLock};
use catalogue::{Catalogue, Current, EventLog, ProductQuery};
use model::operations::{Platform, PlatformKind};
use model::Visibility;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};
use tower_http::trace::TraceLayer;
use tower_sessions_sqlx_store::SqliteStore;

use crate::auth::first_admin::FirstAdmin;
use crate::auth::revocations::Revocations;
use crate::auth::throttle::Throttle;
use crate::auth::Auth;
use crate::config::ServeArgs;
use crate::connections::Connections;
use crate::hub::Hub;
use crate::ingest::{Inbox, Ingest, Uploads};
use crate::limits::Limiter;
use crate::positions::{udp, Receivers};
use crate::previews::Previews;
use crate::state::AppState;
use crate::supervisor::{supervise, Tasks, STUCK_AFTER};
use crate::{admin, api, auth, demo, reconcile, security_headers, site, watcher};

/// Files waiting for the ingest task. Large enough for a bulk drop; the
/// watcher waits when it is full rather than losing a file.
const READY_QUEUE: usize = 8192;
/// How long the sources' poller waits for a centre's server to accept a
/// connection, and for a request or a body that sends nothing.
const FETCH_CONNECT: Duration = Duration::from_secs(10);
const FETCH_STALL: Duration = Duration::from_secs(30);
/// Uploads waiting for the ingest task.
const UPLOAD_QUEUE: usize = 64;
/// Memory for model fields kept decoded between maps (a global 0.25°
/// field takes about 17 MB with its index).
const FIELD_CACHE_BYTES: usize = 512 << 20;
/// The longest a stop waits for requests, the file in hand and previews.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(8);

/// A running server. Dropping it without [`Server::shutdown`] leaves the tasks
/// running until the runtime ends.
pub struct Server {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    /// Drained at shutdown.
    tasks: Vec<JoinHandle<()>>,
    /// Only feed the drop folder (backlog, demo): stopped at once.
    feeders: Vec<JoinHandle<()>>,
    catalogue: Catalogue,
    watcher: watcher::DropWatcher,
    lock: DataLock,
}

/// Opens the catalogue, starts watching the drop folder, takes what is already
/// in it, and serves HTTP on `args.listen`.
pub async fn start(args: ServeArgs) -> anyhow::Result<Server> {
    let data = DataDir::new(&args.data_dir);
    data.create_all()
        .with_context(|| format!("creating the data dir {}", args.data_dir.display()))?;
    let lock = data.lock()?;
    let swept = data.sweep_uploads()?;
    if swept > 0 {
        tracing::warn!(
            swept,
            "removed uploads left unanswered by an interrupted run"
        );
    }
    let (log, catalogue) = EventLog::open(&data.database())
        .await
        .with_context(|| format!("opening the catalogue {}", data.database().display()))?;
    // Every current product, restricted ones included: the index serves
    // participants too, and each reader's view filters it.
    let everything = ProductQuery {
        visibility: Visibility::Everything,
        ..ProductQuery::default()
    };
    let current = Current::new(
        catalogue.last_seq().await?,
        catalogue.products(&everything).await?,
    );
    let hub = Hub::new(log, catalogue.clone(), current);
    let report = reconcile::reconcile(&data, &hub)
        .await
        .context("reconciling the archive with the catalogue")?;
    if report != reconcile::Report::default() {
        tracing::warn!(?report, "archive reconciled");
    }
    let restricted = reconcile::apply_rules(&hub, &args.access.policy())
        .await
        .context("applying the --restrict rules to the catalogue")?;
    if restricted > 0 {
        tracing::info!(
            restricted,
            "products catalogued before a --restrict rule now restricted"
        );
    }

    let sources_path = args
        .sources
        .clone()
        .unwrap_or_else(|| args.data_dir.join("sources.toml"));
    let (sources_tx, sources) = watch::channel(crate::source_file::load(&sources_path)?);

    let (shutdown, stop) = watch::channel(false);
    let tasks = Tasks::default();
    let mut drained = Vec::new();
    let previews = if args.no_previews {
        None
    } else {
        let (previews, task) = Previews::start(
            data.clone(),
            hub.clone(),
            args.preview_limits.limits(),
            args.preview_workers(),
            tasks.register("previews"),
            stop.clone(),
            args.hooks.clone(),
        );
        drained.push(task);
        // Products whose renditions an interrupted run did not make.
        for pending in catalogue.renditions_pending().await? {
            previews.request(&pending.product, &pending.stored_path);
        }
        Some(previews)
    };

    let (ready_tx, ready_rx) = mpsc::channel(READY_QUEUE);
    let (uploads_tx, uploads_rx) = mpsc::channel(UPLOAD_QUEUE);
    let ingest_task = tasks.register("ingest");
    let ingest = Ingest::new(
        data.clone(),
        args.name_rules(),
        hub.clone(),
        previews,
        ingest_task.clone(),
        args.hooks.clone(),
        args.access.policy(),
    );
    // The queues outlive a restarted task (see the supervisor).
    let inbox = Arc::new(tokio::sync::Mutex::new(Inbox {
        ready: ready_rx,
        uploads: uploads_rx,
    }));
    let ingest_stop = stop.clone();
    drained.push(supervise(ingest_task, move || {
        let (ingest, inbox, stop) = (ingest.clone(), inbox.clone(), ingest_stop.clone());
        async move { ingest.run(&mut *inbox.lock().await, stop).await }
    }));

    let (watcher, watch_task) = watcher::spawn(
        data.incoming(),
        args.completion(),
        args.settle(),
        ready_tx.clone(),
        tasks.register("watcher"),
        stop.clone(),
    )
    .context("watching the drop folder")?;
    drained.push(watch_task);
    let feeders = feed_backlog(&data, &args, ready_tx);

    let auth = Auth {
        args: Arc::new(args.access.clone()),
        throttle: Throttle::default(),
        revocations: Revocations::default(),
        first_admin: FirstAdmin::default(),
        sessions: SqliteStore::new(catalogue.session_pool()),
    };
    auth.sessions
        .migrate()
        .await
        .context("preparing the sessions table")?;
    drained.push(tokio::spawn(
        auth.revocations
            .clone()
            .watch(catalogue.clone(), stop.clone()),
    ));

    drained.push(tokio::spawn(crate::source_file::follow(
        sources_tx,
        stop.clone(),
    )));
    let fetch_reports = crate::fetch::report::Reports::default();
    let poll_now = crate::fetch::poll_now::PollNow::default();
    let poller = crate::fetch::Poller {
        client: crate::fetch::http::Client::new(
            FETCH_CONNECT,
            args.hooks.fetch_stall.unwrap_or(FETCH_STALL),
            crate::fetch::hosts::Hosts::new(sources.borrow().set.per_host),
        )
        .context("making the sources' HTTP client")?,
        catalogue: catalogue.clone(),
        uploads: Uploads::new(uploads_tx.clone()),
        data: data.clone(),
        reports: fetch_reports.clone(),
        poll_now: poll_now.clone(),
        listings: Default::default(),
    };
    let (late_hub, late_sources, late_stop) = (hub.clone(), sources.clone(), stop.clone());
    drained.push(supervise(tasks.register("lateness"), move || {
        crate::lateness::run(late_hub.clone(), late_sources.clone(), late_stop.clone())
    }));
    let (poller_sources, poller_stop) = (sources.clone(), stop.clone());
    drained.push(supervise(tasks.register("sources"), move || {
        poller
            .clone()
            .run(poller_sources.clone(), poller_stop.clone())
    }));

    add_listened_platforms(&args, &hub).await?;
    let receivers = start_positions(&args, &catalogue, &tasks, &stop, &mut drained).await?;

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let state = AppState {
        catalogue: catalogue.clone(),
        hub,
        data,
        rules: args.name_rules(),
        uploads: Uploads::new(uploads_tx),
        max_upload_bytes: args.max_upload_bytes,
        upload_places: Limiter::new(usize::MAX, args.max_uploads_per_provider),
        rejected_quota_bytes: args.rejected_quota_bytes,
        leptos_options: site::leptos_options(&args.site_root, args.site_hashes.as_deref(), addr),
        site: args.site_config(),
        publisher: args.publisher.clone(),
        shutdown: stop.clone(),
        tasks,
        stuck_after: args.hooks.stuck_after.unwrap_or(STUCK_AFTER),
        connections: Connections::new(args.max_websockets, args.max_websockets_per_address),
        auth: auth.clone(),
        receivers,
        sources,
        fetch_reports,
        poll_now,
        fields: crate::field_cache::FieldCache::new(FIELD_CACHE_BYTES),
    };
    let sessions = auth::session::layer(auth.sessions.clone(), &args.access);
    let app = Router::new()
        .merge(api::router())
        .merge(crate::stac::router())
        .merge(crate::wms::router())
        .merge(site::router(&state))
        .merge(admin::router());
    let app = app
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::origin::same_origin,
        ));
    let app = security_headers::apply(app)
        // Pages and API answers, brotli where the client takes it (gzip
        // otherwise): what crosses a satcom link. Level 5: most of brotli's
        // gain at a fraction of its top level's time, paid on every request.
        // Images, wasm (a release build sends its precompressed copy; a debug
        // one is tens of MB, not worth compressing on every load) and
        // precompressed files are sent as they are.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(5))
                .compress_when(
                    DefaultPredicate::new()
                        .and(NotForContentType::const_new("application/wasm"))
                        .and(NotForContentType::const_new("application/zip")),
                ),
        )
        // A bug in one handler answers 500 to that request; the server goes on.
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    let mut http_stop = stop;
    let http = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = http_stop.wait_for(|stopped| *stopped).await;
        })
        .await
    });
    tracing::info!(%addr, data_dir = %args.data_dir.display(), access = ?args.access.access, "opsboard is serving");
    if let Some(token) = auth.first_admin.prepare(&catalogue).await? {
        let base = args
            .access
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let link = format!("{}/welcome?setup={token}", base.trim_end_matches('/'));
        // Printed, not logged at a level a log shipper might drop: the one
        // way in on a fresh machine.
        println!(
            "\nNo participant yet. Create the first admin (this link works once):\n  {link}\n"
        );
        tracing::warn!("no user yet: open the link printed above to create the first admin");
    }
    Ok(Server {
        addr,
        shutdown,
        http,
        tasks: drained,
        feeders,
        catalogue,
        watcher,
        lock,
    })
}

/// The files that arrived while the server was down (the watch is already
/// on, so nothing slips between this scan and the live events), and the demo
/// feeder if asked for.
fn feed_backlog(
    data: &DataDir,
    args: &ServeArgs,
    ready: mpsc::Sender<std::path::PathBuf>,
) -> Vec<JoinHandle<()>> {
    let backlog = watcher::list_files(&data.incoming());
    if !backlog.is_empty() {
        tracing::info!(
            files = backlog.len(),
            "taking files already in the drop folder"
        );
    }
    let mut feeders = vec![tokio::spawn(async move {
        for path in backlog {
            if ready.send(path).await.is_err() {
                break;
            }
        }
    })];
    if args.demo {
        feeders.push(tokio::spawn(demo::run(
            data.incoming(),
            Duration::from_millis(args.demo_interval_ms),
        )));
    }
    feeders
}

impl Server {
    /// Drains as the module documentation says, within [`DRAIN_LIMIT`].
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        for feeder in &self.feeders {
            feeder.abort();
        }
        drop(self.watcher);
        let http = self.http;
        let tasks = self.tasks;
        let drained = tokio::time::timeout(DRAIN_LIMIT, async move {
            let served = http.await;
            futures_util::future::join_all(tasks).await;
            served
        })
        .await;
        let result = match drained {
            Ok(served) => served.map_err(anyhow::Error::from).and_then(|r| Ok(r?)),
            Err(_) => {
                tracing::warn!(
                    "the drain took longer than {DRAIN_LIMIT:?}; stopping anyway (the next start repairs)"
                );
                Ok(())
            }
        };
        if tokio::time::timeout(Duration::from_secs(1), self.catalogue.close())
            .await
            .is_err()
        {
            tracing::warn!(
                "the catalogue did not close in time; SQLite recovers its WAL at the next start"
            );
        }
        drop(self.lock);
        result
    }
}

/// `opsboard serve`: runs until Ctrl-C or SIGTERM, then drains.
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

/// The IWG1 listeners (`--iwg1`) and the pacing of positions pushed to open
/// maps; their tasks end at `stop`, the listeners writing what they hold.
/// A platform named by `--iwg1 ADDR=PLATFORM` that the campaign does not
/// know yet is added as an aircraft (through the hub, so open boards hear
/// of it): without it the packets would be stored and nothing shown (no
/// position, no track) until an admin thought of adding it.
async fn add_listened_platforms(args: &ServeArgs, hub: &Hub) -> anyhow::Result<()> {
    let known = hub.catalogue().platforms().await?;
    let mut added: Vec<&str> = Vec::new();
    for listener in &args.positions.iwg1 {
        let name = listener.platform.as_str();
        if known.iter().any(|p| p.name == name) || added.contains(&name) {
            continue;
        }
        hub.save_platform(&Platform::new(name, PlatformKind::Aircraft))
            .await
            .with_context(|| format!("adding the platform {name} named by --iwg1"))?;
        tracing::warn!(
            platform = name,
            "--iwg1 names a platform the campaign did not have: added as an aircraft (admins can change it)"
        );
        added.push(name);
    }
    Ok(())
}

async fn start_positions(
    args: &ServeArgs,
    catalogue: &Catalogue,
    tasks: &Tasks,
    stop: &watch::Receiver<bool>,
    drained: &mut Vec<tokio::task::JoinHandle<()>>,
) -> anyhow::Result<Receivers> {
    let receivers = Receivers::default();
    let live = receivers.live.clone();
    let pace_stop = stop.clone();
    drained.push(supervise(tasks.register("positions"), move || {
        live.clone().run(pace_stop.clone())
    }));
    let senders = Arc::new(args.positions.clone());
    for listener in &args.positions.iwg1 {
        let socket = Arc::new(udp::bind(listener).await?);
        tracing::info!(addr = %listener.addr, platform = %listener.platform, "receiving IWG1");
        if senders.iwg1_from.is_empty() {
            tracing::warn!(
                addr = %listener.addr,
                "IWG1 is taken from any sender: name the relays with --iwg1-from"
            );
        }
        let (platform, receivers, catalogue, stop, senders) = (
            listener.platform.clone(),
            receivers.clone(),
            catalogue.clone(),
            stop.clone(),
            senders.clone(),
        );
        drained.push(supervise(tasks.register("iwg1"), move || {
            udp::receive(
                socket.clone(),
                platform.clone(),
                senders.clone(),
                receivers.clone(),
                catalogue.clone(),
                stop.clone(),
            )
        }));
    }
    Ok(receivers)
}
