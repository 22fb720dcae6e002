//! Expected products: `sources.toml` read at start and on every edit, and
//! what the campaign expects said due, late or arrived through the API and
//! health, against the real server and its catalogue.

use std::time::Duration;

use chrono::{DurationRound, Utc};
use futures_util::StreamExt;
use model::name::format_time;
use serde_json::Value;

use crate::common::TestServer;

/// Waits until `check` holds of the JSON at `path`, or fails after 10 s.
async fn until(server: &TestServer, path: &str, check: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let (status, body) = server.get_json(path).await;
        if status.is_success() && check(&body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{path} never answered as expected: {:?}",
        server.get_json(path).await
    );
}

/// An `[[expect]]` of `platform`'s run an hour ago (truncated to the hour),
/// leads 0 to 2, due within 30 minutes: all of it past its deadline now.
fn pushed(platform: &str, run_hour: u32) -> String {
    format!(
        "[[expect]]\ncategory = \"model\"\nplatform = \"{platform}\"\nruns = [\"{run_hour:02}\"]\nleads = \"0..=2/1\"\ndeadline = \"30m\"\nkeep_runs = 1\n"
    )
}

#[tokio::test]
async fn a_withheld_lead_is_late_and_the_one_that_came_arrived_with_its_delay() {
    let run = (Utc::now() - chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hour = format_time(run)[8..10].parse().unwrap();
    std::fs::write(dir.path().join("sources.toml"), pushed("LATE1", hour)).unwrap();
    let server = TestServer::start_in(dir).await;

    let name = format!("model.LATE1.{}.000h_t2m.csv", format_time(run));
    server.drop_file(&name, b"time,value\n2026-12-07T00:00:00Z,1\n");
    let expected = until(&server, "/api/v1/expected", |list| {
        list.as_array()
            .is_some_and(|l| l.iter().any(|e| e["status"] == "arrived"))
    })
    .await;
    let list = expected.as_array().unwrap();
    assert_eq!(list.len(), 3, "{expected}");
    let now = Utc::now();
    for e in list {
        assert_eq!(e["source"], "model.LATE1");
        assert_eq!(
            e["run"],
            run.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    let first = &list[0];
    assert_eq!(first["lead"], 0);
    assert!(first["product_id"].as_i64().is_some());
    // It came after its deadline, the run being an hour old or more.
    assert_eq!(first["on_time"], false);
    let delay = first["delay_s"].as_i64().unwrap();
    assert!((delay - (now - run).num_seconds()).abs() < 30, "{delay}");
    for (e, lead) in list[1..].iter().zip([1, 2]) {
        assert_eq!(e["lead"], lead);
        assert_eq!(e["status"], "late");
        let late = e["late_s"].as_i64().unwrap();
        let should = (now - run - chrono::Duration::minutes(30)).num_seconds();
        assert!((late - should).abs() < 30, "{late} vs {should}");
    }

    let (_, late) = server.get_json("/api/v1/expected?status=late").await;
    assert_eq!(late.as_array().unwrap().len(), 2);
    let (status, body) = server.get_json("/api/v1/expected?status=soon").await;
    assert_eq!(status, 400, "{body}");
    // Punctuality over that run: one came, late by what the test saw.
    let stamp = run.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (status, table) = server
        .get_json(&format!("/api/v1/punctuality?from={stamp}&to={stamp}"))
        .await;
    assert_eq!(status, 200, "{table}");
    let row = &table[0];
    assert_eq!(row["source"], "model.LATE1");
    assert_eq!(
        (row["expected"].as_u64(), row["arrived"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        (row["on_time"].as_u64(), row["absent"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(row["median_delay_s"], first["delay_s"]);
    assert_eq!(row["worst_delay_s"], first["delay_s"]);
    assert_eq!(row["runs_missed"], serde_json::json!([]));
    // Hostile stretches: each a JSON refusal saying why; a good one after.
    for (query, reason) in [
        (
            "from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z",
            "0 to 400 days",
        ),
        (
            "from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z",
            "0 to 400 days",
        ),
        (
            "from=2026-12-07T00:00:00Z&to=2026-12-06T00:00:00Z",
            "from before to",
        ),
        ("from=yesterday&to=2026-12-06T00:00:00Z", "RFC 3339"),
        ("to=2026-12-06T00:00:00Z", "both needed"),
        ("", "both needed"),
    ] {
        let (status, body) = server
            .get_json(&format!("/api/v1/punctuality?{query}"))
            .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["reason"].as_str().unwrap_or_default().contains(reason),
            "{query}: {body}"
        );
    }
    let (status, body) = server.get_json("/api/v1/expected?from=2026-13-01").await;
    assert_eq!(status, 400);
    assert!(
        body["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("RFC 3339"),
        "{body}"
    );
    let (status, _) = server
        .get_json(&format!("/api/v1/punctuality?from={stamp}&to={stamp}"))
        .await;
    assert_eq!(status, 200);

    // Health stays well, and says who is late.
    let (status, health) = server.get_json("/api/v1/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["late"], serde_json::json!(["model.LATE1"]));
}

#[tokio::test]
async fn a_bad_edit_is_refused_with_its_line_and_the_running_set_goes_on() {
    let hour = 0;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sources.toml");
    std::fs::write(&file, pushed("KEEP", hour)).unwrap();
    let server = TestServer::start_in(dir).await;
    let (status, sources) = server.get_json("/api/v1/sources").await;
    assert_eq!(status, 200);
    assert_eq!(sources["expected"][0]["platform"], "KEEP");
    assert_eq!(sources["refused"], Value::Null);

    std::fs::write(&file, pushed("KEEP", hour).replace("\"00\"", "\"25\"")).unwrap();
    let sources = until(&server, "/api/v1/sources", |s| !s["refused"].is_null()).await;
    let refused = sources["refused"].as_str().unwrap();
    assert!(
        refused.contains("line 4") && refused.contains("\"25\""),
        "{refused}"
    );
    // The running set is the previous one.
    assert_eq!(sources["expected"][0]["platform"], "KEEP");
    let (_, expected) = server.get_json("/api/v1/expected").await;
    assert_eq!(expected.as_array().unwrap().len(), 3);

    // A good edit replaces it and clears the refusal.
    std::fs::write(
        &file,
        format!("{}\n{}", pushed("KEEP", hour), pushed("MORE", 12)),
    )
    .unwrap();
    let sources = until(&server, "/api/v1/sources", |s| s["refused"].is_null()).await;
    assert_eq!(sources["expected"].as_array().unwrap().len(), 2);

    // Only admins read the sources.
    let response = server
        .anonymous()
        .get(server.url("/api/v1/sources"))
        .send()
        .await
        .unwrap();
    assert!(response.status() == 401 || response.status() == 403);
}

#[tokio::test]
async fn a_server_does_not_start_on_a_bad_sources_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sources.toml"),
        "[[source]]\nname = \"a\"\nkind = \"http\"\nurl = \"file:///etc/passwd\"\n",
    )
    .unwrap();
    let args = opsboard::config::ServeArgs::for_tests(dir.path());
    let error = match opsboard::start(args).await {
        Ok(_) => panic!("a server started on a bad sources.toml"),
        Err(error) => format!("{error:#}"),
    };
    assert!(
        error.contains("sources.toml") && error.contains("line 1"),
        "{error}"
    );
}

/// The `expected.*` events among what `ws` brings within `wait`.
async fn expected_events(ws: &mut crate::common::Ws, wait: Duration) -> Vec<model::Event> {
    let mut seen = Vec::new();
    let until = tokio::time::Instant::now() + wait;
    while let Some(event) = crate::common::event_within(
        ws,
        until.saturating_duration_since(tokio::time::Instant::now()),
    )
    .await
    {
        if event.kind.type_name().starts_with("expected.") {
            seen.push(event);
        }
    }
    seen
}

#[tokio::test]
async fn lateness_and_a_late_arrival_are_said_once_on_the_stream() {
    let run = (Utc::now() - chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap();
    let hour: u32 = format_time(run)[8..10].parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sources.toml"),
        pushed("SAID", hour).replace("0..=2/1", "0..=1/1"),
    )
    .unwrap();
    let server = TestServer::start_in(dir).await;
    let mut ws = server.events(Some(0)).await;
    let late = expected_events(&mut ws, Duration::from_secs(7)).await;
    let leads: Vec<_> = late
        .iter()
        .map(|e| match &e.kind {
            model::EventKind::ExpectedLate { expected } => expected.lead,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(leads, [Some(0), Some(1)], "each lead said late once");

    // Lead 1 comes: said arrived, with its product.
    let name = format!("model.SAID.{}.001h_t2m.csv", format_time(run));
    server.drop_file(&name, b"time,value\n2026-12-07T00:00:00Z,1\n");
    let arrived = expected_events(&mut ws, Duration::from_secs(7)).await;
    assert_eq!(arrived.len(), 1, "{arrived:?}");
    let model::EventKind::ExpectedArrived { expected } = &arrived[0].kind else {
        panic!("{arrived:?}")
    };
    assert_eq!(expected.lead, Some(1));
    assert!(expected.product_id.is_some());
    let last = arrived[0].seq;

    // The public hears none of it (an arrival may be a restricted product's):
    // a skip in each one's place.
    let url = format!("ws://{}/api/v1/events?after=0", server.server.addr);
    let mut public = crate::common::ws_with(&url, None).await.unwrap();
    let mut frames = Vec::new();
    while let Ok(Some(Ok(frame))) =
        tokio::time::timeout(Duration::from_secs(2), public.next()).await
    {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
            frames.push(text.to_string());
        }
    }
    assert!(
        frames.iter().all(|f| !f.contains("expected.")),
        "{frames:?}"
    );
    assert!(
        frames.iter().filter(|f| f.contains("\"skip\"")).count() >= 3,
        "{frames:?}"
    );

    // A restart says nothing twice; a resume replays what was said.
    let server = server.restart_with(|_| {}).await;
    let mut ws = server.events(Some(last)).await;
    assert!(expected_events(&mut ws, Duration::from_secs(7))
        .await
        .is_empty());
    let mut replay = server.events(Some(0)).await;
    let again = expected_events(&mut replay, Duration::from_secs(2)).await;
    assert_eq!(again.len(), 3);
}
