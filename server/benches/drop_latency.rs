//! Drop → websocket latency on loopback: how long from the moment a product
//! file is renamed into the drop folder until websocket clients receive its
//! event. Real server, real SQLite file, real inotify, real websocket
//! clients; drops are paced at a fixed rate (20 per second by default).
//!
//! Beside the measuring client, `LISTENERS` more connections (100 by
//! default) of mixed rights stay open, as a campaign's screens would: a
//! quarter anonymous (public mode, where every other drop is restricted by a
//! `--restrict` rule and reaches them as a skip marker), the rest logged in
//! through `POST /api/v1/session` as a viewer, a scientist and an admin,
//! several screens per session. A drop counts as delivered to all when the
//! last of them has its seq.
//!
//! `cargo bench -p server --bench drop_latency` (env `DROPS`, `RATE`, `LISTENERS`).

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/drops.rs"]
mod drops;
#[path = "support/stats.rs"]
mod stats;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use common::{add_user_with_token, next_event, ws_with, ws_with_cookie, TestServer, Ws};
use drops::demo_payloads;
use futures_util::StreamExt;
use model::name::format_time;
use model::{EventKind, Role};
use stats::{env_or, summary};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[derive(serde::Deserialize)]
struct Seq {
    seq: i64,
}

/// Reports the seq of every message `ws` receives (events and skip markers).
async fn listen(id: usize, mut ws: Ws, seqs: mpsc::UnboundedSender<(usize, i64)>) {
    while let Some(Ok(message)) = ws.next().await {
        if let Message::Text(text) = message {
            // Only the seq: a screen's own work is not the server's latency.
            if let Ok(Seq { seq }) = serde_json::from_str(&text) {
                if seqs.send((id, seq)).is_err() {
                    return;
                }
            }
        }
    }
}

/// Opens `count` listeners: a quarter anonymous, the rest on the sessions of
/// a viewer, a scientist and an admin in turn.
async fn listeners(t: &TestServer, count: usize) -> mpsc::UnboundedReceiver<(usize, i64)> {
    let mut cookies = Vec::new();
    for (name, role) in [
        ("vera", Role::Viewer),
        ("sami", Role::Scientist),
        ("ada", Role::Admin),
    ] {
        add_user_with_token(t.data(), name, role).await;
        cookies.push(t.session_cookie(name).await);
    }
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let (tx, rx) = mpsc::unbounded_channel();
    for id in 0..count {
        let ws = if id % 4 == 0 {
            ws_with(&url, None).await
        } else {
            ws_with_cookie(&url, &cookies[id % cookies.len()]).await
        };
        tokio::spawn(listen(id, ws.expect("listener connects"), tx.clone()));
    }
    rx
}

#[tokio::main]
async fn main() {
    let drops = env_or("DROPS", 300);
    let rate = env_or("RATE", 20).max(1);
    let count = env_or("LISTENERS", 100);
    let every = Duration::from_secs_f64(1.0 / rate as f64);

    // Realistic payloads from the demo feeder: a PNG model field, a JPEG
    // satellite image, a CSV time series, a CSV sounding.
    let now = Utc::now();
    let payloads = demo_payloads(now);

    // Thumbnails on, as in production: they must not delay the events.
    let t = TestServer::start_with(tempfile::tempdir().expect("temp dir"), |args| {
        args.no_previews = false;
        args.access.restrict = vec!["radar".parse().expect("rule")];
    })
    .await;
    let mut ws = t.events(None).await;
    let mut heard = listeners(&t, count).await;
    let mut newest = vec![0i64; count];
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let (mut first, mut all) = (Vec::with_capacity(drops), Vec::with_capacity(drops));
    let started = Instant::now();
    for i in 0..drops {
        let (ext, bytes) = &payloads[i % payloads.len()];
        let time = format_time(base + Span::minutes(i as i64));
        // Every other drop is restricted (`--restrict radar`).
        let category = if i % 2 == 0 { "satellite" } else { "radar" };
        let name = format!("{category}.BENCH.{time}.p{}.{ext}", i % payloads.len());
        let part = t.incoming().join(format!(".{name}.part"));
        std::fs::write(&part, bytes).expect("write");

        let dropped = Instant::now();
        std::fs::rename(&part, t.incoming().join(&name)).expect("rename");
        let seq = loop {
            let event = next_event(&mut ws).await;
            if let EventKind::ProductAdded { product } = &event.kind {
                if product.file_name == name {
                    break event.seq;
                }
            }
        };
        first.push(dropped.elapsed());
        while newest.iter().any(|&s| s < seq) {
            let (id, heard_seq) = heard.recv().await.expect("listeners run");
            newest[id] = newest[id].max(heard_seq);
        }
        all.push(dropped.elapsed());
        if let Some(rest) = every.checked_sub(dropped.elapsed()) {
            tokio::time::sleep(rest).await;
        }
    }
    let wall = started.elapsed();
    println!(
        "drop -> websocket, {drops} drops at {rate}/s over {:.1} s, {count} listeners of mixed rights \
         (loopback, SQLite WAL synchronous=FULL, inotify, previews on, half the drops restricted)",
        wall.as_secs_f64()
    );
    summary("measuring client (product.added)", first);
    summary(&format!("all {} connections have it", count + 1), all);
    t.server.shutdown().await.expect("shutdown");
}
