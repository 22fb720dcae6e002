//! Decision → other dashboards on loopback: how long from the moment a
//! scientist's script sends `POST /api/v1/operations/{id}/decisions` until
//! a viewer's websocket (another participant's dashboard) has parsed the
//! `decision.recorded` event. Real server, real SQLite file, real
//! websocket clients; `LISTENERS` more viewers (20 by default) stay open
//! and read everything, as the screens of an operations centre would.
//!
//! The operation goes warning → postponed (new times) → warning … so that
//! every decision is a move the lifecycle allows; decisions are paced at
//! `RATE` per second (10 by default), `DECISIONS` of them (200).
//!
//! `cargo bench -p server --bench decisions`.

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/stats.rs"]
mod stats;

use std::time::{Duration, Instant};

use common::{add_user_with_token, client_with, next_event, ws_with, TestServer};
use futures_util::StreamExt;
use model::{EventKind, Role};
use serde_json::json;
use stats::{env_or, summary};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let decisions = env_or("DECISIONS", 200);
    let rate = env_or("RATE", 10).max(1);
    let listeners = env_or("LISTENERS", 20);
    let every = Duration::from_secs_f64(1.0 / rate as f64);

    let t = TestServer::start().await;
    let platform = json!({"name": "ATR42", "kind": "aircraft"});
    let made = t
        .http
        .post(t.url("/api/v1/platforms"))
        .json(&platform)
        .send()
        .await;
    assert!(made.expect("platform").status().is_success());
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let viewer = add_user_with_token(t.data(), "paul", Role::Viewer).await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);

    // The measuring dashboard: each decision's seq and when it was parsed.
    let mut measured = ws_with(&url, Some(&viewer)).await.expect("viewer connects");
    let (heard_tx, mut heard) = mpsc::unbounded_channel::<(i64, Instant)>();
    let mut others = Vec::new();
    for _ in 0..listeners {
        let mut ws = ws_with(&url, Some(&viewer))
            .await
            .expect("listener connects");
        others.push(tokio::spawn(async move {
            while let Some(Ok(_)) = ws.next().await {}
        }));
    }

    let plan = json!({"platform": "ATR42", "kind": "flight", "title": "Benchmark flight",
        "planned_start": "2026-12-01T14:00:00Z", "planned_end": "2026-12-01T17:00:00Z"});
    let created = scientist
        .post(t.url("/api/v1/operations"))
        .json(&plan)
        .send()
        .await;
    let operation: serde_json::Value = created.expect("planned").json().await.expect("JSON");
    let id = operation["id"].as_i64().expect("id");
    let reader = tokio::spawn(async move {
        loop {
            let event = next_event(&mut measured).await;
            if matches!(event.kind, EventKind::DecisionRecorded { .. })
                && heard_tx.send((event.seq, Instant::now())).is_err()
            {
                return;
            }
        }
    });

    let decide_url = t.url(&format!("/api/v1/operations/{id}/decisions"));
    let mut latencies = Vec::with_capacity(decisions);
    let started = Instant::now();
    for i in 0..decisions {
        let body = if i % 2 == 0 {
            json!({"to": "warning", "rationale": format!("decision {i}"),
                "evidence": [], "view": "/?t=202612011400"})
        } else {
            let day = 2 + (i / 2) % 25;
            json!({"to": "postponed", "rationale": format!("decision {i}"),
                "planned_start": format!("2026-12-{day:02}T14:00:00Z"),
                "planned_end": format!("2026-12-{day:02}T17:00:00Z")})
        };
        let sent = Instant::now();
        let answer = scientist
            .post(decide_url.clone())
            .json(&body)
            .send()
            .await
            .expect("decision");
        assert_eq!(
            answer.status(),
            reqwest::StatusCode::CREATED,
            "decision {i}"
        );
        let event: serde_json::Value = answer.json().await.expect("JSON");
        let seq = event["seq"].as_i64().expect("seq");
        let (heard_seq, at) = heard.recv().await.expect("heard");
        assert_eq!(heard_seq, seq, "decisions arrive in order");
        latencies.push(at.saturating_duration_since(sent));
        if let Some(wait) =
            (started + every * (i as u32 + 1)).checked_duration_since(Instant::now())
        {
            tokio::time::sleep(wait).await;
        }
    }
    println!(
        "decision → another dashboard, {decisions} decisions at {rate}/s, {listeners} more viewers open:"
    );
    summary("sent → parsed by the other dashboard", latencies);
    reader.abort();
    for task in others {
        task.abort();
    }
    t.server.shutdown().await.expect("clean stop");
}
