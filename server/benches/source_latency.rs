//! Source → websocket latency: how long from the moment a file appears on a
//! centre's server (a real HTTP server on loopback, answering 404 until the
//! file is released) until a websocket client receives its `product.added`,
//! through the sources' poller at its poll interval, the ingest and the hub.
//! One source of `FILES` leads (200 by default), released one by one over
//! `SPREAD_S` seconds (60), polled every `POLL_S` seconds (10): the goal is
//! p99 ≤ poll + 1 s.
//!
//! `cargo bench -p server --bench source_latency` (env `FILES`, `POLL_S`, `SPREAD_S`).

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/stats.rs"]
mod stats;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DurationRound, Utc};
use common::centre::{Centre, Serve};
use common::{next_event, png, TestServer};
use model::name::format_time;
use model::EventKind;
use stats::{env_or, summary};

#[tokio::main]
async fn main() {
    let files = env_or("FILES", 200).clamp(1, 1000);
    let poll = env_or("POLL_S", 10).max(1);
    let spread = Duration::from_secs(env_or("SPREAD_S", 60) as u64);

    let centre = Centre::start().await;
    let run = (Utc::now() - chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::hours(1))
        .expect("an hour");
    let hour = format_time(run)[8..10].to_string();
    let name = move |lead: usize| format!("t{hour}z.f{lead:03}.png");
    for lead in 0..files {
        centre.put(&name(lead), png(lead as u8), Serve::Withheld);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("sources.toml"),
        format!(
            "[[source]]\nname = \"bench\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"BENCH\"\n\
             url = \"{}/t{{run:%H}}z.f{{lead:03}}.png\"\nproduct = \"{{lead:03}}h_t2m\"\n\
             runs = [\"{}\"]\nleads = \"0..={}/1\"\ndeadline = \"20h\"\npoll = \"{poll}s\"\nkeep_runs = 1\n",
            centre.url(),
            &format_time(run)[8..10],
            files - 1
        ),
    )
    .expect("sources.toml");
    let server = TestServer::start_in(dir).await;
    let mut ws = server.events(None).await;

    // Released one by one, evenly over the spread, while the events are read:
    // each side keeps its instants, paired at the end.
    let releases = {
        let (centre, name) = (centre.clone(), name.clone());
        let every = spread / files as u32;
        tokio::spawn(async move {
            let mut released = HashMap::new();
            for lead in 0..files {
                centre.put(&name(lead), png(lead as u8), Serve::Plain);
                released.insert(format!("{lead:03}h_t2m"), Instant::now());
                tokio::time::sleep(every).await;
            }
            released
        })
    };
    let mut received: HashMap<String, Instant> = HashMap::new();
    let patience = Instant::now() + spread + Duration::from_secs(poll as u64 * 3 + 30);
    while received.len() < files && Instant::now() < patience {
        let event = next_event(&mut ws).await;
        if let EventKind::ProductAdded { product } = event.kind {
            received.entry(product.product).or_insert_with(Instant::now);
        }
    }
    let released = releases.await.expect("releases");
    let latencies: Vec<Duration> = received
        .iter()
        .filter_map(|(token, at)| Some(at.duration_since(*released.get(token)?)))
        .collect();
    println!(
        "source → websocket, {files} files released over {} s, polled every {poll} s (goal: p99 ≤ {} s)",
        spread.as_secs(),
        poll + 1
    );
    println!("  received {} of {files}", latencies.len());
    summary("latency", latencies);
}
