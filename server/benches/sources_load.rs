//! What the sources' poller costs, on the real binary (release build) as a
//! child process, against a real HTTP server on loopback:
//!
//! 1. Memory while one source fetches a `FETCH_MB` file (2 048 MiB by
//!    default, zeros made as they are sent): the process's resident memory
//!    before, its peak after (`VmHWM`), and the throughput. Goal: flat,
//!    ≤ 64 MiB above idle.
//! 2. 20 sources × 4 runs × 17 leads (1 360 files) polled at once, every
//!    minute, for `LOAD_MINUTES` minutes (3): the requests the centre
//!    answered and the CPU time the process used, minute by minute (the
//!    first minute fetches every file, the next ones re-ask with validators
//!    until the deadlines: 304s).
//!
//! `cargo bench -p server --bench sources_load` (env `FETCH_MB`, `LOAD_MINUTES`).

#[path = "../tests/suite/common/mod.rs"]
mod common;
// Its settings only: these figures are rates, not latencies.
#[allow(dead_code)]
#[path = "support/stats.rs"]
mod stats;

use std::time::{Duration, Instant};

use chrono::{DurationRound, Utc};
use common::centre::{Centre, Serve};
use common::png;
use common::process::Opsboard;
use model::name::format_time;
use stats::env_or;

#[tokio::main]
async fn main() {
    let fetch_mb = env_or("FETCH_MB", 2048).clamp(1, 16 * 1024) as u64;
    let minutes = env_or("LOAD_MINUTES", 3).clamp(1, 30);
    big_fetch(fetch_mb).await;
    many_sources(minutes).await;
}

/// The hour of the run an hour ago, as a run hour.
fn last_run_hour() -> String {
    let run = (Utc::now() - chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::hours(1))
        .expect("an hour");
    format_time(run)[8..10].to_string()
}

async fn big_fetch(mb: u64) {
    let centre = Centre::start().await;
    let hour = last_run_hour();
    let size = mb << 20;
    centre.put(
        &format!("big-t{hour}z.grib2"),
        Vec::new(),
        Serve::Zeros(size),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = format!(
        "[[source]]\nname = \"big\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"BIG\"\n\
         url = \"{}/big-t{{run:%H}}z.grib2\"\nproduct = \"fc\"\nruns = [\"{hour}\"]\n\
         deadline = \"20h\"\npoll = \"1h\"\nkeep_runs = 1\nmax_bytes = {}\n",
        centre.url(),
        size + 1
    );
    std::fs::write(dir.path().join("sources.toml"), toml).expect("sources.toml");
    // Started with nothing due yet would be cleaner; the file is due at
    // once, so idle is read as soon as the server answers.
    let server = Opsboard::start(dir.path(), &[]).await;
    let idle = server.rss_kib();
    let start = Instant::now();
    server.wait_for_products(1, Duration::from_secs(600)).await;
    let took = start.elapsed();
    let peak = server.peak_rss_kib();
    println!("sources: one {mb} MiB file fetched, streamed to disk, hashed, catalogued");
    println!(
        "  took {:.1} s ({:.0} MiB/s); resident {} MiB at the start, peak {} MiB: {} MiB above (goal ≤ 64)",
        took.as_secs_f64(),
        mb as f64 / took.as_secs_f64(),
        idle / 1024,
        peak / 1024,
        peak.saturating_sub(idle) / 1024
    );
}

async fn many_sources(minutes: usize) {
    const SOURCES: usize = 20;
    const LEADS: usize = 17;
    let centre = Centre::start().await;
    // The four runs the schedule keeps: the latest started and the three
    // before it, every file of them there.
    let latest = Utc::now()
        .duration_trunc(chrono::Duration::hours(6))
        .expect("a run");
    let mut files = 0;
    for source in 0..SOURCES {
        for back in 0..4 {
            let stamp = format_time(latest - chrono::Duration::hours(6 * back));
            for lead in (0..LEADS).map(|l| l * 3) {
                let name = format!(
                    "s{source:02}.{}.t{}z.f{lead:03}.png",
                    &stamp[..8],
                    &stamp[8..10]
                );
                centre.put(&name, png((source + lead) as u8), Serve::Plain);
                files += 1;
            }
        }
    }
    let sources: String = (0..SOURCES)
        .map(|s| {
            format!(
                "[[source]]\nname = \"s{s:02}\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"S{s:02}\"\n\
                 url = \"{}/s{s:02}.{{run:%Y%m%d}}.t{{run:%H}}z.f{{lead:03}}.png\"\nproduct = \"{{lead:03}}h_t2m\"\n\
                 runs = [\"00\", \"06\", \"12\", \"18\"]\nleads = \"0..=48/3\"\ndeadline = \"30h\"\npoll = \"1m\"\nkeep_runs = 4\n\n",
                centre.url()
            )
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), sources).expect("sources.toml");
    let server = Opsboard::start(dir.path(), &[]).await;
    println!(
        "sources: {SOURCES} sources × 4 runs × {LEADS} leads ({files} files on the centre), polled every minute"
    );
    let mut asked = 0;
    let mut cpu = server.cpu_time();
    for minute in 1..=minutes {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let total = centre.requests();
        let used = server.cpu_time();
        println!(
            "  minute {minute}: {} requests, {:.2} s of CPU ({:.1} % of one core)",
            total - asked,
            (used - cpu).as_secs_f64(),
            (used - cpu).as_secs_f64() / 60.0 * 100.0
        );
        asked = total;
        cpu = used;
    }
    let catalogued = server.get("/api/v1/health").await["products"].clone();
    println!("  products catalogued: {catalogued}");
}
