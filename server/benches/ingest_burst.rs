//! A burst through the drop folder: `FILES` product files (1 000 by
//! default, a model run's leads delivered together) renamed into
//! `incoming/` at once, timed from the first rename to the last
//! `product.added` a websocket client receives. Real server, real SQLite
//! file (synchronous=FULL), real inotify; previews off, so that what is
//! measured is the ingest's taking and the catalogue's durable commits.
//! `ROUNDS` bursts (3), each of new products; the goal is 1 000 files a
//! second or more.
//!
//! `cargo bench -p server --bench ingest_burst` (env `FILES`, `ROUNDS`).

#[path = "../tests/suite/common/mod.rs"]
mod common;
// Its settings only: these figures are rates, not latencies.
#[allow(dead_code)]
#[path = "support/stats.rs"]
mod stats;

use std::time::{Duration, Instant};

use common::{next_event, png, TestServer};
use model::EventKind;
use stats::env_or;

#[tokio::main]
async fn main() {
    let files = env_or("FILES", 1000).clamp(1, 20_000);
    let rounds = env_or("ROUNDS", 3).clamp(1, 9);
    let server = TestServer::start().await;
    let mut ws = server.events(None).await;
    let staging = server.data().join("staging");
    std::fs::create_dir_all(&staging).expect("staging folder");

    let mut rates = Vec::new();
    for round in 0..rounds {
        // Written beforehand beside the drop folder (same file system), so
        // that the burst is renames only, as a relay's finished files are.
        let names: Vec<String> = (0..files)
            .map(|i| format!("model.BURST.202612070{round}00.t2m_{i:05}.png"))
            .collect();
        for (i, name) in names.iter().enumerate() {
            std::fs::write(staging.join(name), png(i as u8)).expect("staged file");
        }
        let start = Instant::now();
        for name in &names {
            std::fs::rename(staging.join(name), server.incoming().join(name)).expect("rename");
        }
        let renamed = start.elapsed();
        let mut added = 0;
        let patience = Instant::now() + Duration::from_secs(120);
        while added < files && Instant::now() < patience {
            if let EventKind::ProductAdded { .. } = next_event(&mut ws).await.kind {
                added += 1;
            }
        }
        let took = start.elapsed();
        let rate = added as f64 / took.as_secs_f64();
        println!(
            "  burst {round}: {added} of {files} files announced in {:.0} ms ({rate:.0} files/s; renames took {:.0} ms)",
            took.as_secs_f64() * 1000.0,
            renamed.as_secs_f64() * 1000.0
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "ingest burst, {files} files, {rounds} rounds: median {:.0} files/s (min {:.0}, max {:.0}; goal ≥ 1 000)",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    );
}
