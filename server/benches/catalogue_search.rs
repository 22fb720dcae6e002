//! Search and the STAC API at 100 000 products (`PRODUCTS`), side by side
//! with `rustac serve` (its in-memory backend) on the same items and the
//! same STAC queries, in one run.
//!
//! The campaign: 20 lanes over 52 days (satellite images every 15 min,
//! forecasts of four runs a day with their leads, radar, soundings…),
//! imported with the real command line; a quarter of the products have
//! sidecars (titles, tags, boxes), and eight IOPs of two to three days
//! each (counted in every search's IOP facet). Measured on loopback with one client,
//! each request timed from send to the whole answer parsed:
//!
//! - `GET /api/v1/search`: nine searches (words, prefixes, facets,
//!   filters, an area, an IOP), `ROUNDS` times each;
//! - STAC `/search` for a one-day window (first page of 100), on
//!   `ROUNDS` × 8 days;
//! - paging through every item, 1 000 a page, following `next` links;
//! - `opsboard export-site` of the whole campaign.
//!
//! `cargo bench -p server --bench catalogue_search` (`make bench` installs
//! rustac first with `scripts/stac-tools.sh bench`); `PARTS=search` (or any
//! of `search,stac,export`, comma-separated) measures only those.

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/stats.rs"]
mod stats;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use stats::{env_or, percentile, summary};

const LANES: [(&str, &str, &str); 20] = [
    ("satellite", "MSG", "ir108"),
    ("satellite", "MSG", "wv062"),
    ("satellite", "MSG", "vis006"),
    ("satellite", "GOES16", "ir"),
    ("radar", "TLS", "dbz"),
    ("radar", "BOR", "dbz"),
    ("lidar", "P2OA", "backscatter"),
    ("surface", "LAN", "t2m"),
    ("surface", "LAN", "wind"),
    ("surface", "CRA", "t2m"),
    ("upperair", "TLS", "sounding"),
    ("insitu", "MAST", "flux"),
    ("model", "AROME", "precip"),
    ("model", "AROME", "cape"),
    ("model", "ARPEGE", "precip"),
    ("model", "IFS", "z500"),
    ("aircraft", "ATR42", "track"),
    ("satellite", "MSG", "rgb"),
    ("radar", "NIM", "dbz"),
    ("surface", "PER", "rain"),
];

const WORDS: [&str; 6] = [
    "squall",
    "convection",
    "cold pool",
    "sea breeze",
    "fog",
    "dust",
];

fn campaign_start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// Eight IOPs, two to three days each, a week apart, as `opsboard campaign
/// import` reads them.
fn iops_toml() -> String {
    (0..8)
        .map(|k| {
            let start = campaign_start() + chrono::Duration::days(2 + 6 * k);
            let end = start + chrono::Duration::hours(48 + 12 * (k % 3));
            let z = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            format!(
                "[[iops]]\nname = \"IOP{}\"\nstart = \"{}\"\nend = \"{}\"\n\n",
                k + 1,
                z(start),
                z(end)
            )
        })
        .collect()
}

/// Writes `count` products (and a sidecar for every fourth) into `source`.
fn write_campaign(source: &Path, count: usize) {
    let per_lane = count.div_ceil(LANES.len());
    let mut written = 0;
    for (lane, (category, platform, field)) in LANES.iter().enumerate() {
        for i in 0..per_lane {
            if written == count {
                return;
            }
            written += 1;
            let name = if *category == "model" {
                let run = campaign_start() + chrono::Duration::hours(6 * (i / 49) as i64);
                format!(
                    "model.{platform}.{}.{:03}h_{field}.csv",
                    run.format("%Y%m%d%H%M"),
                    i % 49
                )
            } else {
                let t = campaign_start() + chrono::Duration::minutes(15 * i as i64);
                format!(
                    "{category}.{platform}.{}.{field}.csv",
                    t.format("%Y%m%d%H%M")
                )
            };
            std::fs::write(source.join(&name), format!("time,value\n0,{i}\n")).expect("write");
            if (i + lane) % 4 == 0 {
                let west = -5.0 + (i % 7) as f64;
                let sidecar = json!({
                    "title": format!("{} {} near {}", WORDS[i % WORDS.len()], field, platform),
                    "tags": [WORDS[(i / 3) % WORDS.len()].replace(' ', "_")],
                    "bbox": [west, 42.0, west + 2.0, 44.0],
                });
                std::fs::write(source.join(format!("{name}.json")), sidecar.to_string())
                    .expect("write");
            }
        }
    }
}

async fn timed(client: &reqwest::Client, url: &str) -> (Duration, Value) {
    let started = Instant::now();
    let answer: Value = client
        .get(url)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    (started.elapsed(), answer)
}

/// The one-day windows asked for: `n` days spread over the campaign.
fn days(n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let day = campaign_start() + chrono::Duration::days(((k * 7) % 50) as i64);
            let next = day + chrono::Duration::days(1);
            let z = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            format!("{}/{}", z(day), z(next))
        })
        .collect()
}

/// Pages through every item of the API at `root`, 1 000 a page: the items,
/// each page's time and the whole time.
async fn page_through(
    client: &reqwest::Client,
    root: &str,
) -> (Vec<Value>, Vec<Duration>, Duration) {
    let started = Instant::now();
    let mut url = format!("{root}/search?limit=1000");
    let mut items = Vec::new();
    let mut pages = Vec::new();
    loop {
        let (took, answer) = timed(client, &url).await;
        pages.push(took);
        items.extend(answer["features"].as_array().cloned().unwrap_or_default());
        let next = answer["links"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["rel"] == "next"))
            .and_then(|l| l["href"].as_str().map(str::to_string));
        match next {
            Some(next) => url = next,
            None => return (items, pages, started.elapsed()),
        }
    }
}

/// One STAC API's figures: the one-day windows and paging through all.
async fn stac_figures(
    label: &str,
    client: &reqwest::Client,
    root: &str,
    rounds: usize,
) -> Vec<Value> {
    let mut windows = Vec::new();
    let mut found = 0;
    for window in days(rounds * 8) {
        let (took, answer) = timed(
            client,
            &format!("{root}/search?datetime={window}&limit=100"),
        )
        .await;
        found += answer["features"].as_array().map_or(0, Vec::len);
        windows.push(took);
    }
    summary(
        &format!("{label} STAC /search, one day (first 100; {found} items in all)"),
        windows,
    );
    let (items, pages, whole) = page_through(client, root).await;
    let mut ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    println!(
        "  {label} paging through all: {} items ({} distinct) in {} pages, {:.2} s",
        items.len(),
        ids.len(),
        pages.len(),
        whole.as_secs_f64()
    );
    summary(&format!("{label} one page of 1 000"), pages);
    items
}

/// `rustac serve` on `items`, if scripts/stac-tools.sh installed it.
fn rustac(items: &Path, addr: &str) -> Option<Child> {
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.stac-tools/bin/rustac");
    if !program.exists() {
        println!("  rustac is not installed (scripts/stac-tools.sh bench): no comparison");
        return None;
    }
    Command::new(program)
        .args(["serve", "--create-collections", "--addr", addr])
        .arg(items)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

#[tokio::main]
async fn main() {
    let products = env_or("PRODUCTS", 100_000);
    let parts = std::env::var("PARTS").unwrap_or_else(|_| "search,stac,export".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    let rounds = env_or("ROUNDS", 25);
    let source = tempfile::tempdir().expect("temp dir");
    write_campaign(source.path(), products);
    let started = Instant::now();
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_string_lossy().into_owned();
    let source_dir = source.path().to_string_lossy().into_owned();
    let (ok, out) = common::opsboard_cli(&["import", &source_dir, "--data-dir", &dir]);
    assert!(ok, "{out}");
    let iops = source.path().join("iops.toml");
    std::fs::write(&iops, iops_toml()).expect("write");
    let (ok, out) = common::opsboard_cli(&[
        "campaign",
        "import",
        &iops.to_string_lossy(),
        "--data-dir",
        &dir,
    ]);
    assert!(ok, "{out}");
    println!(
        "search and STAC at {products} products (imported in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    drop(source);
    let work = tempfile::tempdir().expect("temp dir");
    let t = common::TestServer::start_in(data).await;
    let client = reqwest::Client::new();

    let searches = [
        "q=squall",
        "q=conv",
        "q=cold%20pool&category=satellite",
        "q=ir108",
        "tag=sea_breeze",
        "q=fog&day=2026-06-20",
        "q=precip&platform=AROME",
        "bbox=0,42.5,1,43.5&kind=product",
        "iop=IOP3&category=radar",
    ];
    let mut all = Vec::new();
    for query in searches.into_iter().filter(|_| part("search")) {
        let mut each = Vec::new();
        let mut total = 0;
        for _ in 0..rounds {
            let (took, answer) = timed(&client, &t.url(&format!("/api/v1/search?{query}"))).await;
            total = answer["total"].as_i64().unwrap_or(-1);
            each.push(took);
        }
        each.sort();
        println!(
            "    {query:<40} {total:>6} hits  p50 {:.2} ms",
            percentile(&each, 50.0).as_secs_f64() * 1000.0
        );
        all.extend(each);
    }
    if part("search") {
        summary("search (all nine, with facets)", all);
    }
    if part("stac") {
        stac_side_by_side(&client, &t, work.path(), rounds).await;
    }
    if part("export") {
        export_site(&t, work.path());
    }
}

/// opsboard's STAC API, then `rustac serve` on the same items.
async fn stac_side_by_side(
    client: &reqwest::Client,
    t: &common::TestServer,
    work: &Path,
    rounds: usize,
) {
    let items = stac_figures("opsboard", client, &t.url("/stac/v1"), rounds).await;
    let file = work.join("items.json");
    let collection = json!({"type": "FeatureCollection", "features": items});
    std::fs::write(&file, serde_json::to_vec(&collection).expect("JSON")).expect("write items");
    drop(collection);
    let addr = "127.0.0.1:7822";
    if let Some(mut server) = rustac(&file, addr) {
        let root = format!("http://{addr}");
        let ready = Instant::now();
        while client.get(&root).send().await.is_err() && ready.elapsed() < Duration::from_secs(300)
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        println!(
            "  rustac serve loaded the items in {:.1} s",
            ready.elapsed().as_secs_f64()
        );
        stac_figures("rustac", client, &root, rounds).await;
        let _ = server.kill();
    }
}

/// The whole campaign as a static site, beside the running server.
fn export_site(t: &common::TestServer, work: &Path) {
    let site = work.join("site");
    let started = Instant::now();
    let (ok, out) = common::opsboard_cli(&[
        "export-site",
        &site.to_string_lossy(),
        "--data-dir",
        &t.data().to_string_lossy(),
    ]);
    assert!(ok, "{out}");
    println!(
        "  export-site, the whole campaign: {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        out.trim()
    );
}
