//! Clients that misbehave, by mistake or on purpose: a resume point from
//! another catalogue, a 64 MiB websocket message, too many sessions, a
//! thousand dashboards replaying history at once, an upload cut mid-body.
//! Each through the real server on loopback with real clients.

use crate::common;

use opsboard::watcher::list_files;

use std::time::{Duration, Instant};

use common::{next_event, png, TestServer};
use futures_util::{SinkExt, StreamExt};
use model::EventKind;
use tokio_tungstenite::tungstenite::Message;

/// Drops `n` products and waits for each event; returns the last `seq`.
async fn drop_many(t: &TestServer, n: usize) -> i64 {
    let mut ws = t.events(None).await;
    let mut last = 0;
    for i in 0..n {
        t.drop_file(
            &format!("surface.S{i:04}.202611281200.t2m.png"),
            &png(i as u8),
        );
        last = next_event(&mut ws).await.seq;
    }
    last
}

#[tokio::test]
async fn a_resume_beyond_the_log_gets_a_reset_then_live_events() {
    let t = TestServer::start().await;
    let last = drop_many(&t, 3).await;
    let mut ws = t.events(Some(last + 1000)).await;
    let first = tokio::time::timeout(common::PATIENCE, ws.next())
        .await
        .expect("an answer, not silence")
        .unwrap()
        .unwrap();
    let reset: serde_json::Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
    assert_eq!(
        reset,
        serde_json::json!({"type": "reset", "last_seq": last})
    );
    t.drop_file("surface.LATE.202611281200.t2m.png", &png(9));
    assert_eq!(
        next_event(&mut ws).await.seq,
        last + 1,
        "live from last_seq"
    );
}

#[tokio::test]
async fn a_64_mib_websocket_message_closes_that_session_only() {
    let t = TestServer::start().await;
    let mut bystander = t.events(None).await;
    let mut attacker = t.events(None).await;
    // The server refuses the frame from its header; the send may or may not
    // complete before it hangs up.
    let _ = attacker
        .send(Message::Binary(vec![0u8; 64 << 20].into()))
        .await;
    let ended = tokio::time::timeout(common::PATIENCE, async {
        loop {
            match attacker.next().await {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the session was closed");
    t.drop_file("surface.AFTER.202611281200.t2m.png", &png(1));
    assert!(matches!(
        next_event(&mut bystander).await.kind,
        EventKind::ProductAdded { .. }
    ));
}

#[tokio::test]
async fn sessions_over_the_per_address_cap_are_refused_with_503() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.max_websockets_per_address = 2;
    })
    .await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let first = t.events(None).await;
    let _second = t.events(None).await;
    let refused = tokio_tungstenite::connect_async(&url).await.unwrap_err();
    match refused {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
    // A closed session frees its place.
    drop(first);
    let deadline = Instant::now() + common::PATIENCE;
    while tokio_tungstenite::connect_async(&url).await.is_err() {
        assert!(Instant::now() < deadline, "the place was never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_thousand_replaying_sessions_do_not_delay_a_drop_for_a_fresh_client() {
    const SESSIONS: usize = 1000;
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.max_websockets_per_address = SESSIONS + 10;
    })
    .await;
    drop_many(&t, 200).await;
    // A thousand dashboards all resume from the start, reading nothing back
    // (their sockets fill), as a reconnect storm after an outage would.
    let mut storm = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        storm.push(t.events(Some(0)).await);
    }
    let mut fresh = t.events(None).await;
    let dropped = Instant::now();
    t.drop_file("surface.URGENT.202611281200.t2m.png", &png(1));
    let event = next_event(&mut fresh).await;
    let took = dropped.elapsed();
    assert!(matches!(event.kind, EventKind::ProductAdded { .. }));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    // The storm was served too: one of them reads its whole replay.
    let mut one = storm.pop().unwrap();
    let mut seen = 0;
    while seen < 201 {
        seen = next_event(&mut one).await.seq;
    }
}

#[tokio::test]
async fn an_upload_cut_mid_body_leaves_nothing_behind() {
    let t = TestServer::start().await;
    let token = common::add_provider(t.data(), "relay", &[]);
    let stream = common::stalled_upload(
        t.server.addr,
        t.data(),
        &token,
        "surface.SETE.202611281200.t2m.png",
        100_000,
        1000,
    )
    .await;
    let uploads = t.data().join("uploads");
    drop(stream);
    let deadline = Instant::now() + common::PATIENCE;
    while !list_files(&uploads).is_empty() || std::fs::read_dir(&uploads).unwrap().count() > 0 {
        assert!(Instant::now() < deadline, "left in uploads/");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, health) = t.get_json("/api/v1/health").await;
    assert_eq!(health["products"], 0);
}

#[tokio::test]
async fn the_board_loader_refuses_windows_it_cannot_hold_with_400() {
    use leptos::server_fn::ServerFn;
    let t = TestServer::start().await;
    let loader = t.url(app::pages::board::load::LoadBoard::PATH);
    for body in [
        "span_hours=9223372036854775807".to_string(),
        "span_hours=-5".to_string(),
        "span_hours=48&from=%2B262142-12-31T00%3A00%3A00Z".to_string(),
    ] {
        let response = t
            .http
            .post(&loader)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 400, "{body}: {text}");
        assert!(
            text.contains("span_hours is") || text.contains("beyond the calendar"),
            "{text}"
        );
    }
    let fine = t
        .http
        .post(&loader)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("span_hours=48")
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), 200);
    assert_eq!(t.http.get(t.url("/")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_provider_cannot_fill_the_disk_with_rejected_uploads() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.rejected_quota_bytes = 1000;
    })
    .await;
    let noisy = common::add_provider(t.data(), "noisy", &[]);
    let careful = common::add_provider(t.data(), "careful", &[]);
    let put = |token: &str, name: &str, bytes: Vec<u8>| {
        t.http
            .put(t.url(&format!("/api/v1/drops/{name}")))
            .bearer_auth(token)
            .body(bytes)
            .send()
    };
    // Refused files are kept (with their reason) until the quota is reached.
    for i in 0..2 {
        let refused = put(&noisy, &format!("not-a-product-{i}.png"), vec![1; 800])
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
    }
    let over = put(&noisy, "surface.SETE.202611281200.t2m.png", png(1))
        .await
        .unwrap();
    assert_eq!(over.status(), 429);
    assert_eq!(over.headers()["retry-after"], "60");
    let body: serde_json::Value = over.json().await.unwrap();
    assert!(
        body["reason"].as_str().unwrap().contains("1600 bytes"),
        "{body}"
    );
    let kept = std::fs::read_dir(t.data().join("rejected"))
        .unwrap()
        .count();
    assert_eq!(kept, 4, "two files and their reasons, no more");
    // Another provider is not held back.
    let fine = put(&careful, "surface.SETE.202611281200.t2m.png", png(1))
        .await
        .unwrap();
    assert_eq!(fine.status(), 201);
}

#[tokio::test]
async fn a_provider_gets_its_own_number_of_uploads_at_once() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.max_uploads_per_provider = 1;
    })
    .await;
    let token = common::add_provider(t.data(), "relay", &[]);
    let stalled = common::stalled_upload(
        t.server.addr,
        t.data(),
        &token,
        "surface.A.202611281200.t2m.png",
        100_000,
        100,
    )
    .await;
    let put = || {
        t.http
            .put(t.url("/api/v1/drops/surface.B.202611281200.t2m.png"))
            .bearer_auth(&token)
            .body(png(2))
            .send()
    };
    assert_eq!(put().await.unwrap().status(), 429);
    drop(stalled);
    let deadline = Instant::now() + common::PATIENCE;
    loop {
        let status = put().await.unwrap().status();
        if status == 201 {
            break;
        }
        assert_eq!(status, 429);
        assert!(Instant::now() < deadline, "the place was never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn malformed_or_empty_loader_requests_are_refused_and_the_next_one_loads() {
    use leptos::server_fn::ServerFn;
    let t = TestServer::start().await;
    let loader = t.url(app::pages::board::load::LoadBoard::PATH);
    for body in [
        "span_hours=abc",
        "",
        "span_hours=48&from=yesterday",
        "span_hours=48&open=x",
    ] {
        let response = t
            .http
            .post(&loader)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status.is_client_error() || status == 500,
            "{body:?}: {status}"
        );
        assert_ne!(status, 200, "{body:?} was accepted");
    }
    let fine = t
        .http
        .post(&loader)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("span_hours=48")
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), 200);
}

#[tokio::test]
async fn odd_resume_points_and_stray_frames_leave_the_stream_whole() {
    let t = TestServer::start().await;
    let last = drop_many(&t, 2).await;
    // A negative resume point replays everything.
    let mut from_start = t.events(Some(-5)).await;
    assert_eq!(next_event(&mut from_start).await.seq, 1);
    // A malformed one is refused before the upgrade.
    let url = format!("ws://{}/api/v1/events?after=soon", t.server.addr);
    match tokio_tungstenite::connect_async(&url).await.unwrap_err() {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            assert_eq!(response.status(), 400)
        }
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
    // Text, empty and binary frames from a client are ignored; events go on.
    let mut ws = t.events(None).await;
    for frame in [
        Message::Text("{\"type\": \"subscribe\"".into()),
        Message::Text("".into()),
        Message::Binary(vec![0xff; 100].into()),
    ] {
        ws.send(frame).await.unwrap();
    }
    t.drop_file("surface.NEXT.202611281200.t2m.png", &png(3));
    assert_eq!(next_event(&mut ws).await.seq, last + 1);
}
