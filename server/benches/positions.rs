//! IWG1 packet → position on a map, on loopback: how long from the moment a
//! UDP packet leaves an aircraft's (simulated) data system until another
//! participant's map has parsed its position from the websocket. Real
//! server, real SQLite file, real UDP listeners, real websocket clients.
//!
//! `PLATFORMS` aircraft (10 by default) each send a packet a second for
//! `SECONDS` (60), staggered across the second as real clocks are; at the
//! same time products are dropped at `RATE` per second (20) and a board's
//! websocket measures drop → event, which the positions must not slow.
//!
//! `cargo bench -p server --bench positions`.

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/drops.rs"]
mod drops;
#[path = "support/stats.rs"]
mod stats;

use std::collections::HashMap;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use common::{next_event, ws_with, TestServer};
use drops::demo_payloads;
use futures_util::StreamExt;
use model::name::format_time;
use model::EventKind;
use stats::{env_or, summary};
use tokio_tungstenite::tungstenite::Message;

/// When each packet was sent, by platform and packet time.
type Sent = Arc<Mutex<HashMap<(String, DateTime<Utc>), Instant>>>;

fn free_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a free port");
    socket.local_addr().expect("its address").port()
}

/// A packet at `time`, with the 28 other standard values empty.
fn packet(time: DateTime<Utc>, n: u32) -> String {
    let lon = 1.0 + f64::from(n) * 1e-3;
    format!(
        "IWG1,{},43.5,{lon:.4},5000,,,,150{}\r\n",
        time.format("%Y-%m-%dT%H:%M:%S%.3f"),
        ",".repeat(24)
    )
}

#[derive(serde::Deserialize)]
struct Pushed {
    #[serde(rename = "type")]
    kind: String,
    platform: String,
    time: DateTime<Utc>,
}

#[tokio::main]
async fn main() {
    let platforms = env_or("PLATFORMS", 10);
    let seconds = env_or("SECONDS", 60) as u32;
    let rate = env_or("RATE", 20).max(1);

    let names: Vec<String> = (0..platforms).map(|i| format!("AC{i}")).collect();
    let ports: Vec<u16> = names.iter().map(|_| free_port()).collect();
    let listeners = names
        .iter()
        .zip(&ports)
        .map(|(name, port)| {
            format!("127.0.0.1:{port}={name}")
                .parse()
                .expect("listener")
        })
        .collect();
    let t = TestServer::start_with(tempfile::tempdir().expect("temp dir"), |args| {
        args.no_previews = false;
        args.positions.iwg1 = listeners;
    })
    .await;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    t.add_aircraft(&refs).await;

    // The measuring map.
    let url = t
        .url("/api/v1/events?positions=true")
        .replace("http://", "ws://");
    let mut map = ws_with(&url, Some(&t.token)).await.expect("map connects");
    let sent: Sent = Arc::default();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let heard = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let message = tokio::select! {
                    _ = &mut stopped => break,
                    message = map.next() => message,
                };
                let Some(Ok(message)) = message else { break };
                let received = Instant::now();
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(pushed) = serde_json::from_str::<Pushed>(&text) else {
                    continue;
                };
                if pushed.kind != "position" {
                    continue;
                }
                let key = (pushed.platform, pushed.time);
                if let Some(at) = sent.lock().expect("sent").get(&key) {
                    latencies.push(received.duration_since(*at));
                }
            }
            latencies
        })
    };

    // The aircraft: each its own socket, a packet a second, staggered.
    let base = Utc.with_ymd_and_hms(2026, 11, 29, 14, 0, 0).unwrap();
    let started = tokio::time::Instant::now() + Duration::from_millis(200);
    let mut senders = Vec::new();
    for (i, (name, port)) in names.iter().cloned().zip(ports).enumerate() {
        let sent = sent.clone();
        senders.push(tokio::spawn(async move {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("a socket");
            let offset = Duration::from_millis(1_000 * i as u64 / platforms as u64);
            for n in 0..seconds {
                tokio::time::sleep_until(started + offset + Duration::from_secs(u64::from(n)))
                    .await;
                let time = base + Span::seconds(i64::from(n));
                sent.lock()
                    .expect("sent")
                    .insert((name.clone(), time), Instant::now());
                socket
                    .send_to(packet(time, n).as_bytes(), ("127.0.0.1", port))
                    .expect("send");
            }
        }));
    }

    // Meanwhile, drops at `rate` per second, each measured to the board.
    let mut board = t.events(None).await;
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    let now = Utc::now();
    let payloads = demo_payloads(now);
    let mut drops = Vec::new();
    let end = started + Duration::from_secs(u64::from(seconds));
    let mut i = 0usize;
    while tokio::time::Instant::now() < end {
        let (ext, bytes) = &payloads[i % payloads.len()];
        let time = format_time(base + Span::minutes(i as i64));
        let name = format!("satellite.BENCH.{time}.p{}.{ext}", i % payloads.len());
        let part = t.incoming().join(format!(".{name}.part"));
        std::fs::write(&part, bytes).expect("write");
        let dropped = Instant::now();
        std::fs::rename(&part, t.incoming().join(&name)).expect("rename");
        loop {
            let event = next_event(&mut board).await;
            if let EventKind::ProductAdded { product } = &event.kind {
                if product.file_name == name {
                    break;
                }
            }
        }
        drops.push(dropped.elapsed());
        if let Some(rest) = every.checked_sub(dropped.elapsed()) {
            tokio::time::sleep(rest).await;
        }
        i += 1;
    }
    for sender in senders {
        sender.await.expect("sender");
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let _ = stop.send(());
    let latencies = heard.await.expect("the map's reader");
    let packets = platforms as u32 * seconds;
    println!(
        "IWG1 → map, {platforms} aircraft at 1 Hz for {seconds} s over UDP ({packets} packets), \
         {} drops at {rate}/s meanwhile (loopback, SQLite WAL synchronous=FULL, previews on)",
        drops.len()
    );
    summary(
        &format!(
            "packet → position on a map ({} of {packets} pushed)",
            latencies.len()
        ),
        latencies,
    );
    summary("drop → product.added on a board, meanwhile", drops);
    t.server.shutdown().await.expect("shutdown");
}
