//! Drop → websocket latency on loopback: how long from the moment a product
//! file is renamed into the drop folder until a websocket client receives its
//! `product.added` event. Real server, real SQLite file, real inotify, real
//! websocket client; drops are paced at a fixed rate (20 per second by default).
//!
//! `cargo bench -p server --bench drop_latency` (env `DROPS`, `RATE`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use common::{next_event, TestServer};
use opsboard::demo;
use products::name::format_time;
use products::EventKind;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let drops = env_or("DROPS", 300);
    let rate = env_or("RATE", 20).max(1);
    let every = Duration::from_secs_f64(1.0 / rate as f64);

    // Realistic payloads from the demo feeder: a PNG model field, a JPEG
    // satellite image, a CSV time series, a CSV sounding.
    let now = Utc::now();
    let payloads: Vec<(String, Vec<u8>)> = (0..4)
        .map(|tick| {
            let drop = demo::make(tick, now).expect("demo product");
            let ext = drop.name.rsplit('.').next().unwrap_or("bin").to_string();
            (ext, drop.bytes)
        })
        .collect();

    // Thumbnails on, as in production: they must not delay `product.added`.
    let t = TestServer::start_with(tempfile::tempdir().expect("temp dir"), |args| {
        args.no_previews = false
    })
    .await;
    let mut ws = t.events(None).await;
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let mut latencies = Vec::with_capacity(drops);
    let started = Instant::now();
    for i in 0..drops {
        let (ext, bytes) = &payloads[i % payloads.len()];
        let time = format_time(base + Span::minutes(i as i64));
        let name = format!("satellite.BENCH.{time}.p{}.{ext}", i % payloads.len());
        let part = t.incoming().join(format!(".{name}.part"));
        std::fs::write(&part, bytes).expect("write");

        let dropped = Instant::now();
        std::fs::rename(&part, t.incoming().join(&name)).expect("rename");
        loop {
            let event = next_event(&mut ws).await;
            if let EventKind::ProductAdded { product } = &event.kind {
                if product.file_name == name {
                    break;
                }
            }
        }
        latencies.push(dropped.elapsed());
        if let Some(rest) = every.checked_sub(dropped.elapsed()) {
            tokio::time::sleep(rest).await;
        }
    }
    let wall = started.elapsed();
    latencies.sort();
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    println!(
        "drop -> websocket product.added, {drops} drops at {rate}/s over {:.1} s (loopback, SQLite WAL synchronous=FULL, inotify, previews on)",
        wall.as_secs_f64()
    );
    println!(
        "  p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   max {:.2} ms   mean {:.2} ms",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 90.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies[latencies.len() - 1]),
        ms(mean)
    );
    t.server.shutdown().await.expect("shutdown");
}
