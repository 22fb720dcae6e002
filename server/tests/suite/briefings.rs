//! Briefings through the real server: planned by scientists with exact
//! product versions, presented by their presenter with every participant's
//! stream following, restricted slides kept from those who may not see
//! them, hostile bodies refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common;
use crate::operations::{campaign, flight, plan, send};
use common::{add_user_with_token, client_with, next_event, png, TestServer};
use products::{EventKind, Role};

#[tokio::test]
async fn the_presenter_moves_and_every_stream_follows() {
    let (t, scientist, viewer) = campaign().await;
    let mut ws = t.events(None).await;
    t.drop_file("model.AROME.202611290000.024h_precip.png", &png(1));
    let product = common::product_of(next_event(&mut ws).await);
    let (operation, _) = plan(
        &t,
        &scientist,
        flight("2026-11-29T14:00:00Z", "2026-11-29T17:30:00Z"),
    )
    .await;
    let draft = json!({"title": "08 UTC briefing", "at": "2026-11-29T08:00:00Z",
        "items": [{"product": {"product_id": product.id, "version": 1}, "comment": "AROME 00 UTC: the line at 15 UTC"},
                  {"view": "/?t=202611291500&runs=model.AROME.precip", "comment": "Run to run"}],
        "operations": [operation]});
    let (status, _) = send(
        &viewer,
        Method::POST,
        t.url("/api/v1/briefings"),
        Some(draft.clone()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "viewers do not plan briefings"
    );
    let (status, created) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/briefings"),
        Some(draft),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["type"], "briefing.updated");
    let id = created["briefing"]["id"].as_i64().unwrap();
    assert_eq!(created["briefing"]["presenter"], "marie");
    assert_eq!(created["briefing"]["position"], 0);

    let viewer_token = add_user_with_token(t.data(), "paul", Role::Viewer).await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let mut follows = common::ws_with(&url, Some(&viewer_token))
        .await
        .expect("viewer connects");
    let moved = json!({"position": 1});
    let position = t.url(&format!("/api/v1/briefings/{id}/position"));
    let other = client_with(&add_user_with_token(t.data(), "jean", Role::Scientist).await);
    let (status, refused) = send(&other, Method::POST, position.clone(), Some(moved.clone())).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the presenter moves it: {refused}"
    );
    let (status, _) = send(&scientist, Method::POST, position.clone(), Some(moved)).await;
    assert_eq!(status, StatusCode::OK);
    match next_event(&mut follows).await.kind {
        EventKind::BriefingUpdated { briefing } => {
            assert_eq!((briefing.id, briefing.position), (id, 1))
        }
        other => panic!("expected briefing.updated, got {}", other.type_name()),
    }
    let (status, _) = send(
        &scientist,
        Method::POST,
        position.clone(),
        Some(json!({"position": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "beyond the last item");
    let (status, _) = send(
        &scientist,
        Method::POST,
        position.clone(),
        Some(json!({"position": -1})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A huge number, empty, truncated and malformed bodies; then a good move.
    for body in [
        "{\"position\": 18446744073709551616}",
        "{\"position\": 1e300}",
        "",
        "{\"posi",
        "\u{0}\u{1}",
    ] {
        let status = scientist
            .post(position.clone())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
    }
    let (status, _) = send(
        &scientist,
        Method::POST,
        position,
        Some(json!({"position": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a good move after all that");

    let (status, page) = send(
        &viewer,
        Method::GET,
        t.url(&format!("/api/v1/briefings/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["slides"][0]["product"]["file_name"], product.file_name);
    assert_eq!(
        page["slides"][1]["view"],
        "/?t=202611291500&runs=model.AROME.precip"
    );
    assert_eq!(page["operations"][0]["id"], operation);
    let (_, list) = send(
        &viewer,
        Method::GET,
        t.url("/api/v1/briefings?from=2026-11-29T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_restricted_slide_shows_only_its_comment_to_the_public() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.restrict = vec!["radar".parse().unwrap()];
    })
    .await;
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let mut ws = t.events(None).await;
    let secret = "radar.BOLLENE.202611291200.ppi.png";
    t.drop_file(secret, &png(2));
    let id = common::product_of(next_event(&mut ws).await).id;
    let draft = json!({"title": "Radar", "at": "2026-11-29T08:00:00Z",
        "items": [{"product": {"product_id": id, "version": 1}, "comment": "Cells at noon"}]});
    let (status, created) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/briefings"),
        Some(draft),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let briefing = created["briefing"]["id"].as_i64().unwrap();
    let anonymous = t
        .anonymous()
        .get(t.url(&format!("/api/v1/briefings/{briefing}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::OK);
    let text = anonymous.text().await.unwrap();
    assert!(!text.contains(secret), "the restricted name leaked: {text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["slides"][0]["product"], Value::Null);
    assert_eq!(page["slides"][0]["comment"], "Cells at noon");
    let (_, seen) = send(
        &scientist,
        Method::GET,
        t.url(&format!("/api/v1/briefings/{briefing}")),
        None,
    )
    .await;
    assert_eq!(seen["slides"][0]["product"]["file_name"], secret);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn hostile_briefings_are_refused_and_a_good_one_follows() {
    let (t, scientist, _) = campaign().await;
    let url = t.url("/api/v1/briefings");
    let good = json!({"title": "08 UTC", "at": "2026-11-29T08:00:00Z", "items": [{"view": "/", "comment": "Overview"}]});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let many: Vec<Value> = (0..101).map(|_| json!({"view": "/"})).collect();
    for (what, body) in [
        ("101 items", with("items", many.into())),
        (
            "an item showing nothing",
            with("items", json!([{"comment": "?"}])),
        ),
        (
            "a view elsewhere",
            with("items", json!([{"view": "//evil.example/"}])),
        ),
        ("an unknown operation", with("operations", json!([424242]))),
        (
            "an unknown product version",
            with(
                "items",
                json!([{"product": {"product_id": 1, "version": 3}}]),
            ),
        ),
        ("a year 99999", with("at", json!("99999-01-01T00:00:00Z"))),
        ("an empty title", with("title", json!(""))),
        (
            "items that are a number",
            json!({"title": "x", "at": "2026-11-29T08:00:00Z", "items": 1e300}),
        ),
    ] {
        let (status, refused) = send(&scientist, Method::POST, url.clone(), Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {refused}");
    }
    let (status, _) = send(
        &scientist,
        Method::PUT,
        t.url("/api/v1/briefings/99"),
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, created) = send(&scientist, Method::POST, url, Some(good)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    t.server.shutdown().await.unwrap();
}
