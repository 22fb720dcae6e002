//! Decisions through the real server: append-only, their evidence kept to
//! the exact version with what arrived since, on the event stream with
//! the same `seq`, and hostile bodies refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common;
use crate::operations::{campaign, decide, flight, plan, planned_flight, send};
use common::{add_user_with_token, client_with, next_event, png, TestServer};
use model::{EventKind, Role};

#[tokio::test]
async fn decisions_cannot_be_changed_and_status_is_not_a_planning_field() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let (_, event) = decide(
        &t,
        &scientist,
        id,
        json!({"to": "warning", "rationale": "D-1"}),
    )
    .await;
    let decision = event["decision"]["id"].as_i64().unwrap();
    let one = t.url(&format!("/api/v1/operations/{id}/decisions/{decision}"));
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let (status, _) = send(
            &scientist,
            method.clone(),
            one.clone(),
            Some(json!({"rationale": "edited"})),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let all = t.url(&format!("/api/v1/operations/{id}/decisions"));
    let (status, _) = send(&scientist, Method::DELETE, all.clone(), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, kept) = send(&scientist, Method::GET, one, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kept["rationale"], "D-1");

    let operation = t.url(&format!("/api/v1/operations/{id}"));
    let (status, refused) = send(
        &scientist,
        Method::PATCH,
        operation.clone(),
        Some(json!({"status": "go"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["reason"].as_str().unwrap().contains("decisions"),
        "{refused}"
    );
    let (status, changed) = send(
        &scientist,
        Method::PATCH,
        operation,
        Some(json!({"notes": "Dropsondes loaded", "bbox": null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["notes"], "Dropsondes loaded");
    assert_eq!(changed["bbox"], Value::Null);
    assert_eq!(changed["status"], "warning", "a patch leaves the status");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn evidence_keeps_the_exact_version_and_reports_what_came_since() {
    let (t, scientist, viewer) = campaign().await;
    let mut ws = t.events(None).await;
    // Run 00 UTC, +24 h: valid 2026-11-30 00 UTC.
    let old_run = "model.AROME.202611290000.024h_precip.png";
    t.drop_file(old_run, &png(1));
    let cited = product_of(next_event(&mut ws).await);
    assert_eq!(cited["version"], 1);
    let id = planned_flight(&t, &scientist).await;
    let _ = next_event(&mut ws).await; // operation.created
    let evidence = json!([{"product_id": cited["id"], "version": 1}]);
    let body = json!({"to": "warning", "rationale": "AROME puts the line over the target",
        "evidence": evidence, "view": "/?t=2026-11-30T00:00Z"});
    let (status, event) = decide(&t, &scientist, id, body).await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let _ = next_event(&mut ws).await; // decision.recorded

    // A new version of the same product, and a newer run valid at the same time.
    t.drop_file(old_run, &png(2));
    let newer = product_of(next_event(&mut ws).await);
    assert_eq!(newer["version"], 2);
    t.drop_file("model.AROME.202611291200.012h_precip.png", &png(3));
    let newer_run = product_of(next_event(&mut ws).await);

    let (_, page) = send(
        &viewer,
        Method::GET,
        t.url(&format!("/api/v1/operations/{id}")),
        None,
    )
    .await;
    let decision = &page["decisions"][0];
    assert_eq!(
        decision["evidence"], evidence,
        "the decision names the old version still"
    );
    assert_eq!(decision["view"], "/?t=2026-11-30T00:00Z");
    let seen = &decision["evidence_seen"][0];
    assert_eq!(seen["product"]["version"], 1);
    assert_eq!(seen["product"]["file_name"], old_run);
    assert_eq!(seen["newer_version"]["version"], 2);
    assert_eq!(seen["newer_version"]["product_id"], newer["id"]);
    assert_eq!(seen["newer_run"]["product_id"], newer_run["id"]);
    assert_eq!(seen["newer_run"]["run_time"], "2026-11-29T12:00:00Z");

    // Citing any version's id names the version asked for.
    let by_new_id = json!([{"product_id": newer["id"], "version": 1}]);
    let (_, event) = decide(
        &t,
        &scientist,
        id,
        json!({"to": "go", "evidence": by_new_id}),
    )
    .await;
    assert_eq!(event["decision"]["evidence"], evidence);
    let (status, refused) = decide(
        &t,
        &scientist,
        id,
        json!({"to": "in-progress", "evidence": [{"product_id": cited["id"], "version": 9}]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["reason"].as_str().unwrap().contains("version 9"),
        "{refused}"
    );
    t.server.shutdown().await.unwrap();
}

/// The product an event brings, as JSON (to compare with JSON answers).
fn product_of(event: model::Event) -> Value {
    serde_json::to_value(common::product_of(event)).unwrap()
}

#[tokio::test]
async fn operations_travel_on_the_event_stream_and_resume_with_after() {
    let t = TestServer::start().await;
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let viewer_token = add_user_with_token(t.data(), "paul", Role::Viewer).await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let mut viewer = common::ws_with(&url, Some(&viewer_token))
        .await
        .expect("viewer connects");
    let platform = json!({"name": "BALLOON1", "kind": "balloon"});
    send(
        &t.http,
        Method::POST,
        t.url("/api/v1/platforms"),
        Some(platform),
    )
    .await;
    let launch = json!({"platform": "BALLOON1", "kind": "launch", "title": "Boundary-layer sounding",
        "planned_start": "2026-11-29T11:00:00Z"});
    let (id, code) = plan(&t, &scientist, launch).await;
    decide(&t, &scientist, id, json!({"to": "warning"})).await;

    let saved = next_event(&mut viewer).await;
    let created = next_event(&mut viewer).await;
    let decided = next_event(&mut viewer).await;
    assert_eq!(
        [
            saved.kind.type_name(),
            created.kind.type_name(),
            decided.kind.type_name()
        ],
        ["platform.saved", "operation.created", "decision.recorded"]
    );
    assert_eq!(
        [created.seq, decided.seq],
        [saved.seq + 1, saved.seq + 2],
        "no gap"
    );
    let EventKind::DecisionRecorded { operation, .. } = &decided.kind else {
        unreachable!()
    };
    assert_eq!(operation.code, code);

    let mut resumed = common::ws_with(&format!("{url}?after={}", saved.seq), Some(&viewer_token))
        .await
        .expect("resumes");
    let first = next_event(&mut resumed).await;
    let second = next_event(&mut resumed).await;
    assert_eq!((first.seq, second.seq), (created.seq, decided.seq));
    assert_eq!(second.kind, decided.kind, "replayed as it was sent");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn hostile_planning_bodies_are_refused_and_a_good_one_follows() {
    let (t, scientist, _) = campaign().await;
    let url = t.url("/api/v1/operations");
    let raw = |body: Vec<u8>| {
        let request = scientist
            .post(url.clone())
            .header("content-type", "application/json")
            .body(body);
        async move { request.send().await.expect("request").status() }
    };
    assert_eq!(raw(Vec::new()).await, StatusCode::BAD_REQUEST, "empty");
    assert_eq!(
        raw(b"{\"platform\": \"ATR42\", \"ki".to_vec()).await,
        StatusCode::BAD_REQUEST,
        "truncated"
    );
    assert_eq!(
        raw(vec![0xff, 0xfe, 0x00]).await,
        StatusCode::BAD_REQUEST,
        "not UTF-8"
    );
    assert_eq!(
        raw(b"[1, 2, 3]".to_vec()).await,
        StatusCode::BAD_REQUEST,
        "an array"
    );
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(600 * 1024));
    assert_eq!(
        raw(huge.into_bytes()).await,
        StatusCode::BAD_REQUEST,
        "over the body limit"
    );
    let good = flight("2026-11-29T14:00:00Z", "2026-11-29T17:30:00Z");
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    for (what, body) in [
        (
            "a huge coordinate",
            with("bbox", json!([-5.0, 42.0, 1e300, 47.0])),
        ),
        (
            "a year 99999 start",
            with("planned_start", json!("99999-01-01T00:00:00Z")),
        ),
        (
            "an end before the start",
            with("planned_end", json!("2026-11-29T13:00:00Z")),
        ),
        (
            "a title of 201 characters",
            with("title", json!("t".repeat(201))),
        ),
        ("an unknown platform", with("platform", json!("DC8"))),
        ("an unknown IOP", with("iop", json!("IOP9"))),
        ("a bad platform token", with("platform", json!("ATR 42"))),
        ("an unknown kind", with("kind", json!("rocket"))),
    ] {
        let (status, refused) = send(&scientist, Method::POST, url.clone(), Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {refused}");
    }
    let (id, _) = plan(&t, &scientist, good).await;
    let many: Vec<Value> = (1..=65)
        .map(|i| json!({"product_id": i, "version": 1}))
        .collect();
    for (what, body) in [
        (
            "65 evidence items",
            json!({"to": "warning", "evidence": many}),
        ),
        (
            "an outside view",
            json!({"to": "warning", "view": "https://example.org/"}),
        ),
        ("an unknown status", json!({"to": "maybe"})),
        ("no rationale", json!({"to": "warning", "rationale": ""})),
        (
            "a blank rationale",
            json!({"to": "go", "rationale": " \n\t "}),
        ),
        (
            "a product that does not exist",
            json!({"to": "warning", "evidence": [{"product_id": 999999, "version": 1}]}),
        ),
    ] {
        let (status, refused) = decide(&t, &scientist, id, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {refused}");
    }
    let (status, _) = decide(&t, &scientist, 999_999, json!({"to": "warning"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = decide(&t, &scientist, id, json!({"to": "warning"})).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the operation still moves after all that"
    );
    t.server.shutdown().await.unwrap();
}
