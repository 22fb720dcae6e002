//! Operations through the real server: platforms and IOPs kept by admins,
//! operations planned by scientists, the lifecycle enforced with 409s that
//! name the allowed moves. Helpers shared with `decisions.rs`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common;
use common::{add_user_with_token, client_with, TestServer};
use model::operations::Status;
use model::Role;

/// Sends `body` (if any) as JSON with `client`; the status and JSON answer.
pub async fn send(
    client: &reqwest::Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A server with platform ATR42 and IOP1, and clients of a scientist and a
/// viewer.
pub async fn campaign() -> (TestServer, reqwest::Client, reqwest::Client) {
    let t = TestServer::start().await;
    let (status, _) = send(
        &t.http,
        Method::POST,
        t.url("/api/v1/platforms"),
        Some(json!({"name": "ATR42", "kind": "aircraft", "base": "Toulouse", "colour": "#1f77b4"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let iop =
        json!({"name": "IOP1", "start": "2026-11-28T00:00:00Z", "end": "2026-12-01T00:00:00Z"});
    let (status, _) = send(&t.http, Method::POST, t.url("/api/v1/iops"), Some(iop)).await;
    assert_eq!(status, StatusCode::OK);
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let viewer = client_with(&add_user_with_token(t.data(), "paul", Role::Viewer).await);
    (t, scientist, viewer)
}

pub fn flight(start: &str, end: &str) -> Value {
    json!({
        "platform": "ATR42", "kind": "flight", "title": "Squall line ahead of the front",
        "planned_start": start, "planned_end": end, "objectives": "Cross the line twice",
        "iop": "IOP1", "bbox": [-5.0, 42.0, 3.5, 47.0]
    })
}

/// Plans the tests' usual flight (29 Nov, 14:00–17:30 UTC) as `client`; its id.
pub async fn planned_flight(t: &TestServer, client: &reqwest::Client) -> i64 {
    let (id, _) = plan(
        t,
        client,
        flight("2026-11-29T14:00:00Z", "2026-11-29T17:30:00Z"),
    )
    .await;
    id
}

/// Plans a flight as `client`; its id and code.
pub async fn plan(t: &TestServer, client: &reqwest::Client, body: Value) -> (i64, String) {
    let (status, operation) = send(
        client,
        Method::POST,
        t.url("/api/v1/operations"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{operation}");
    assert_eq!(operation["status"], "proposed");
    (
        operation["id"].as_i64().expect("id"),
        operation["code"].as_str().expect("code").to_string(),
    )
}

/// Records the decision `body` on operation `id` as `client`, with a
/// rationale when `body` has none (one is required).
pub async fn decide(
    t: &TestServer,
    client: &reqwest::Client,
    id: i64,
    mut body: Value,
) -> (StatusCode, Value) {
    if body.get("rationale").is_none() {
        body["rationale"] = "as planned".into();
    }
    let url = t.url(&format!("/api/v1/operations/{id}/decisions"));
    send(client, Method::POST, url, Some(body)).await
}

#[tokio::test]
async fn the_lifecycle_is_enforced_and_a_refused_move_names_the_allowed_ones() {
    let (t, scientist, viewer) = campaign().await;
    let body = flight("2026-11-29T14:00:00Z", "2026-11-29T17:30:00Z");
    let (status, _) = send(
        &viewer,
        Method::POST,
        t.url("/api/v1/operations"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "viewers do not plan");
    let (id, code) = plan(&t, &scientist, body.clone()).await;
    assert_eq!(code, "ATR42-20261129a");
    let (_, second) = plan(&t, &scientist, body).await;
    assert_eq!(second, "ATR42-20261129b", "the next letter of the day");

    let (status, refused) = decide(&t, &scientist, id, json!({"to": "go"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        refused["allowed"],
        json!(["pre-warning", "warning", "postponed", "cancelled"])
    );
    // Every move the lifecycle refuses, from each status on the way.
    async fn refuses_all_but(t: &TestServer, client: &reqwest::Client, id: i64, from: Status) {
        for to in Status::ALL.into_iter().filter(|to| !from.may_move_to(*to)) {
            let (status, refused) = decide(t, client, id, json!({"to": to, "view": "/"})).await;
            assert_eq!(status, StatusCode::CONFLICT, "{from} → {to}: {refused}");
            assert_eq!(refused["allowed"], json!(from.moves()), "{from} → {to}");
        }
    }
    refuses_all_but(&t, &scientist, id, Status::Proposed).await;
    let (status, _) = decide(&t, &viewer, id, json!({"to": "pre-warning"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "viewers do not decide");

    let steps = [
        (
            "pre-warning",
            "D-2: the line forms over Spain in both models",
        ),
        ("warning", "D-1: timing confirmed by the 00 UTC runs"),
        ("go", "Go for 14:00 UTC"),
        ("in-progress", "Take-off 14:05"),
        ("completed", "Landed 17:20"),
    ];
    for (to, rationale) in steps {
        let (status, event) = decide(
            &t,
            &scientist,
            id,
            json!({"to": to, "rationale": rationale}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "to {to}: {event}");
        assert_eq!(event["type"], "decision.recorded");
        assert_eq!(event["decision"]["to"], to);
        assert_eq!(event["decision"]["author"], "marie");
        assert_eq!(event["operation"]["status"], to);
        refuses_all_but(&t, &scientist, id, to.parse().expect("a status")).await;
    }
    let (status, refused) = decide(&t, &scientist, id, json!({"to": "reported"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        refused["reason"].as_str().unwrap().contains("report"),
        "{refused}"
    );
    assert_eq!(refused["allowed"], json!([]));

    let (status, page) = send(
        &viewer,
        Method::GET,
        t.url(&format!("/api/v1/operations/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let moves: Vec<(&str, &str)> = page["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["from"].as_str().unwrap(), d["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("proposed", "pre-warning"),
            ("pre-warning", "warning"),
            ("warning", "go"),
            ("go", "in-progress"),
            ("in-progress", "completed")
        ]
    );
    assert_eq!(page["operation"]["status"], "completed");
    assert_eq!(page["operation"]["iop"], "IOP1");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn postponing_moves_the_window_and_ends_are_ends() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let (status, refused) = decide(&t, &scientist, id, json!({"to": "postponed"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused["reason"]
        .as_str()
        .unwrap()
        .contains("planned_start"));
    let moved = json!({"to": "postponed", "rationale": "front slower",
        "planned_start": "2026-11-30T10:00:00Z", "planned_end": "2026-11-30T13:00:00Z"});
    let (status, event) = decide(&t, &scientist, id, moved).await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    assert_eq!(event["operation"]["planned_start"], "2026-11-30T10:00:00Z");
    assert_eq!(
        event["operation"]["code"], "ATR42-20261129a",
        "the code stays"
    );
    for to in ["warning", "no-go", "cancelled"] {
        let (status, event) = decide(&t, &scientist, id, json!({"to": to})).await;
        assert_eq!(status, StatusCode::CREATED, "to {to}: {event}");
    }
    let (status, refused) = decide(&t, &scientist, id, json!({"to": "warning"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(refused["reason"].as_str().unwrap().contains("cancelled"));

    // Listing filters: by status, by platform, by window.
    let list = |query: &'static str| {
        let url = t.url(&format!("/api/v1/operations{query}"));
        let client = scientist.clone();
        async move { send(&client, Method::GET, url, None).await }
    };
    let (_, cancelled) = list("?status=cancelled").await;
    assert_eq!(cancelled.as_array().unwrap().len(), 1);
    let (_, none) = list("?from=2026-12-01T00:00:00Z").await;
    assert_eq!(none, json!([]));
    let (_, found) =
        list("?from=2026-11-30T12:00:00Z&to=2026-11-30T12:00:00Z&platform=ATR42").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "overlaps the window");
    let (status, _) = list("?status=maybe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn of_two_scientists_calling_go_at_once_one_records_it() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    decide(&t, &scientist, id, json!({"to": "warning"})).await;
    let (go, no_go) = tokio::join!(
        decide(
            &t,
            &scientist,
            id,
            json!({"to": "go", "rationale": "first"})
        ),
        decide(
            &t,
            &scientist,
            id,
            json!({"to": "go", "rationale": "second"})
        )
    );
    let mut statuses = [go.0, no_go.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let (_, page) = send(
        &scientist,
        Method::GET,
        t.url(&format!("/api/v1/operations/{id}")),
        None,
    )
    .await;
    assert_eq!(
        page["decisions"].as_array().unwrap().len(),
        2,
        "warning and one of the two"
    );
    t.server.shutdown().await.unwrap();
}
