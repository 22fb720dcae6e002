//! IWG1 over UDP on loopback, as aircraft send it: one platform at 1 Hz and
//! another at 20 Hz at the same time, garbage among the packets; positions
//! reach a map's websocket at most once a second per platform; a map that
//! reconnects finds every point it missed in the track; the public never
//! gets a restricted platform's positions.

use std::net::UdpSocket;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::common;
use common::{ws_with, TestServer, Ws};

/// The same in EOL's compact time form (`20261129T140010`, whole seconds),
/// with two values of the platform's own after the 32 standard fields.
fn compact_packet(tenths: u32) -> String {
    let (s, lon) = (tenths / 10, 2.0 + f64::from(tenths) * 1e-4);
    format!(
        "IWG1,20261129T14{:02}{:02},44.25,{lon:.4},5000,,,,150{},7.5,-3\r\n",
        s / 60,
        s % 60,
        ",".repeat(24)
    )
}

/// A free UDP port on loopback (the server binds it next).
fn free_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a free port");
    socket.local_addr().expect("its address").port()
}

/// An IWG1 packet at `tenths` tenths of a second past 14:00 UTC.
fn packet(tenths: u32) -> String {
    let (s, t) = (tenths / 10, tenths % 10);
    let lon = 2.0 + f64::from(tenths) * 1e-4;
    format!(
        "IWG1,2026-11-29T14:{:02}:{:02}.{t},44.25,{lon:.4},5000,,,,150{}\r\n",
        s / 60,
        s % 60,
        ",".repeat(24)
    )
}

/// The position messages `ws` gets within `within`, as JSON.
async fn positions(ws: &mut Ws, within: Duration) -> Vec<Value> {
    let end = Instant::now() + within;
    let mut got = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(end, ws.next()).await {
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).expect("JSON");
            if value["type"] == "position" {
                got.push(value);
            }
        }
    }
    got
}

async fn start(restrict: &[&str]) -> (TestServer, u16, u16) {
    let (slow, fast) = (free_port(), free_port());
    let rules = restrict.iter().map(|r| r.parse().unwrap()).collect();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.positions.iwg1 = vec![
            format!("127.0.0.1:{slow}=ATR42").parse().unwrap(),
            format!("127.0.0.1:{fast}=FALCON").parse().unwrap(),
        ];
        args.access.restrict = rules;
    })
    .await;
    t.add_aircraft(&["ATR42", "FALCON"]).await;
    (t, slow, fast)
}

fn map_url(t: &TestServer) -> String {
    t.url("/api/v1/events?positions=true")
        .replace("http://", "ws://")
}

#[tokio::test]
async fn packets_at_1_and_20_hz_reach_a_map_paced_and_a_reconnect_misses_nothing() {
    let (t, slow, fast) = start(&[]).await;
    let mut map = ws_with(&map_url(&t), Some(&t.token)).await.unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Three seconds: ATR42 once a second, FALCON twenty times, garbage twice.
    let started = Instant::now();
    for tick in 0..60u32 {
        let at = started + Duration::from_millis(50 * u64::from(tick));
        tokio::time::sleep_until(at).await;
        sender
            .send_to(packet(tick * 5).as_bytes(), ("127.0.0.1", fast))
            .unwrap();
        if tick % 20 == 0 {
            sender
                .send_to(compact_packet(tick * 5).as_bytes(), ("127.0.0.1", slow))
                .unwrap();
        }
        if tick == 30 {
            sender
                .send_to(b"IWG1,garbage,1,2\n\xff\xfe", ("127.0.0.1", fast))
                .unwrap();
        }
    }
    let got = positions(&mut map, Duration::from_millis(1500)).await;
    let of = |platform: &str| -> Vec<&Value> {
        got.iter().filter(|p| p["platform"] == platform).collect()
    };
    assert_eq!(of("ATR42").len(), 3, "each 1 Hz packet: {got:?}");
    let falcon = of("FALCON");
    assert!(
        (2..=5).contains(&falcon.len()),
        "20 Hz paced to about one a second: {}",
        falcon.len()
    );
    let last = falcon.last().unwrap();
    assert_eq!(
        last["time"], "2026-11-29T14:00:29.500Z",
        "the newest comes last"
    );
    assert_eq!(last["values"]["grnd_spd"], 150.0);

    // The 1 Hz platform's compact times and extra fields were read.
    let atr: Vec<&Value> = of("ATR42");
    assert_eq!(atr[2]["time"], "2026-11-29T14:00:20Z");
    assert_eq!(atr[2]["lon"], 2.02);

    // Every packet is stored, paced or not; the garbage is counted.
    let (_, track) = t.get_json("/api/v1/platforms/FALCON/track").await;
    assert_eq!(track["properties"]["points"], 60);
    let (_, received) = t.get_json("/api/v1/platforms/FALCON/iwg1").await;
    assert_eq!(
        (received["accepted"].as_u64(), received["refused"].as_u64()),
        (Some(60), Some(2))
    );

    // The map goes away; packets go on; back, it is told where each
    // platform is, and the track since the last point it saw has no gap.
    let seen = last["time"].as_str().unwrap().to_string();
    drop(map);
    for n in 60..70u32 {
        sender
            .send_to(packet(n * 5).as_bytes(), ("127.0.0.1", fast))
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut map = ws_with(&map_url(&t), Some(&t.token)).await.unwrap();
    let now = positions(&mut map, Duration::from_millis(300)).await;
    let falcon_now = now
        .iter()
        .find(|p| p["platform"] == "FALCON")
        .expect("FALCON's newest");
    assert_eq!(falcon_now["time"], "2026-11-29T14:00:34.500Z");
    assert!(now.iter().any(|p| p["platform"] == "ATR42"));
    let (_, missed) = t
        .get_json(&format!("/api/v1/platforms/FALCON/track?from={seen}"))
        .await;
    let times: Vec<&str> = missed["properties"]["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        times.len(),
        11,
        "the point seen and the ten after it: {times:?}"
    );
    assert_eq!(times[0], seen);
    assert_eq!(times[10], "2026-11-29T14:00:34.500Z");
}

#[tokio::test]
async fn the_public_map_never_gets_a_restricted_platforms_positions() {
    let (t, slow, fast) = start(&["*.FALCON"]).await;
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(packet(0).as_bytes(), ("127.0.0.1", fast))
        .unwrap();
    sender
        .send_to(packet(0).as_bytes(), ("127.0.0.1", slow))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut public = ws_with(&map_url(&t), None).await.unwrap();
    let mut participant = ws_with(&map_url(&t), Some(&t.token)).await.unwrap();
    sender
        .send_to(packet(20).as_bytes(), ("127.0.0.1", fast))
        .unwrap();
    sender
        .send_to(packet(20).as_bytes(), ("127.0.0.1", slow))
        .unwrap();
    let public_got = positions(&mut public, Duration::from_millis(1500)).await;
    let participant_got = positions(&mut participant, Duration::from_millis(300)).await;
    assert!(!public_got.is_empty(), "ATR42 is open");
    assert!(
        public_got.iter().all(|p| p["platform"] == "ATR42"),
        "{public_got:?}"
    );
    assert!(participant_got.iter().any(|p| p["platform"] == "FALCON"));
    // A board that did not ask for positions gets none.
    let mut board = ws_with(
        &t.url("/api/v1/events").replace("http://", "ws://"),
        Some(&t.token),
    )
    .await
    .unwrap();
    sender
        .send_to(packet(40).as_bytes(), ("127.0.0.1", slow))
        .unwrap();
    assert!(positions(&mut board, Duration::from_millis(1500))
        .await
        .is_empty());
}

/// Sends each packet of `packets` to `port` from `from`, then waits for the
/// listener to take them.
async fn send_from(from: &str, port: u16, packets: &[String]) {
    let sender = UdpSocket::bind((from, 0)).unwrap();
    for packet in packets {
        sender
            .send_to(packet.as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
}

#[tokio::test]
async fn a_listened_platform_is_added_and_only_its_relays_and_sane_times_are_heard() {
    let port = free_port();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.positions.iwg1 = vec![format!("127.0.0.1:{port}=GV").parse().unwrap()];
        args.positions.iwg1_from = vec!["127.0.0.2/32".parse().unwrap()];
    })
    .await;
    // Named on the command line, added to the campaign as an aircraft.
    let (_, platforms) = t.get_json("/api/v1/platforms").await;
    let gv = platforms
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "GV")
        .unwrap_or_else(|| panic!("GV was not added: {platforms}"));
    assert_eq!(gv["kind"], "aircraft");
    // From a sender not named by --iwg1-from: refused, nothing stored.
    send_from("127.0.0.1", port, &[packet(0)]).await;
    let (_, received) = t.get_json("/api/v1/platforms/GV/iwg1").await;
    assert_eq!(
        (received["accepted"].as_u64(), received["refused"].as_u64()),
        (Some(0), Some(1)),
        "{received}"
    );
    // From the relay: heard; one dated 2099 among them is refused and does
    // not become the newest position.
    let future = packet(10).replace("2026-11-29", "2099-11-29");
    send_from("127.0.0.2", port, &[packet(10), future, packet(20)]).await;
    let (_, received) = t.get_json("/api/v1/platforms/GV/iwg1").await;
    assert_eq!(
        (received["accepted"].as_u64(), received["refused"].as_u64()),
        (Some(2), Some(2)),
        "{received}"
    );
    let reasons = received["last_reasons"].to_string();
    assert!(
        reasons.contains("in the future") && reasons.contains("--iwg1-from"),
        "{reasons}"
    );
    let mut map = ws_with(&map_url(&t), Some(&t.token)).await.unwrap();
    let now = positions(&mut map, Duration::from_millis(500)).await;
    let gv = now
        .iter()
        .find(|p| p["platform"] == "GV")
        .expect("GV's newest");
    assert_eq!(gv["time"], "2026-11-29T14:00:02Z");
}

#[tokio::test]
async fn a_rule_on_a_category_hides_that_kinds_positions_from_the_public() {
    let (t, slow, fast) = start(&["aircraft"]).await;
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for port in [slow, fast] {
        sender
            .send_to(packet(0).as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let public_map = ws_with(&map_url(&t), None).await;
    let mut public_map = public_map.unwrap();
    for port in [slow, fast] {
        sender
            .send_to(packet(20).as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    let public_got = positions(&mut public_map, Duration::from_millis(1500)).await;
    assert!(public_got.is_empty(), "{public_got:?}");
    for platform in ["ATR42", "FALCON"] {
        let status = t
            .anonymous()
            .get(t.url(&format!("/api/v1/platforms/{platform}/track")))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, reqwest::StatusCode::NOT_FOUND, "{platform}");
        let (status, _) = t
            .get_json(&format!("/api/v1/platforms/{platform}/track"))
            .await;
        assert_eq!(
            status,
            reqwest::StatusCode::OK,
            "participants see {platform}"
        );
    }
}
