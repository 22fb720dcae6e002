//! Briefings through the real server: planned by scientists with exact
//! product versions, presented by their presenter with every participant's
//! stream following, restricted slides kept from those who may not see
//! them, hostile bodies refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common;
use crate::operations::{campaign, flight, plan, send};
use common::{add_user_with_token, client_with, next_event, png, TestServer};
use model::{EventKind, Role};

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

#[tokio::test]
async fn items_added_from_the_board_keep_their_versions_and_area_and_hide_what_the_reader_may_not_see(
) {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.restrict = vec!["radar".parse().unwrap()];
    })
    .await;
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let viewer = client_with(&add_user_with_token(t.data(), "vic", Role::Viewer).await);
    let mut ws = t.events(None).await;
    let run = "model.AROME.202611290000.012h_precip.png";
    let secret = "radar.BOLLENE.202611291200.ppi.png";
    t.drop_file(run, &png(1));
    let first = common::product_of(next_event(&mut ws).await).id;
    t.drop_file(secret, &png(2));
    let radar = common::product_of(next_event(&mut ws).await).id;
    // A newer version of the run arrives: the item keeps the one cited.
    t.drop_file(run, &png(3));
    next_event(&mut ws).await;
    let draft = json!({"title": "Morning", "at": "2026-11-29T08:00:00Z"});
    let url = t.url("/api/v1/briefings");
    let (status, created) = send(&scientist, Method::POST, url, Some(draft)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["briefing"]["id"].as_i64().unwrap();
    let items = t.url(&format!("/api/v1/briefings/{id}/items"));
    let map = json!({"view": "/map?t=202611291200", "area": [-5.0, 40.0, 5.0, 48.0],
        "shows": [{"product_id": first, "version": 1}, {"product_id": radar, "version": 1}],
        "comment": "Rain and radar"});
    let (status, _) = send(&viewer, Method::POST, items.clone(), Some(map.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer adds nothing");
    let (status, added) = send(&scientist, Method::POST, items.clone(), Some(map)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["briefing"]["items"].as_array().unwrap().len(), 1);
    let product = json!({"product": {"product_id": first, "version": 2}, "comment": "Newest run"});
    let (status, added) = send(&scientist, Method::POST, items.clone(), Some(product)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["briefing"]["items"][1]["comment"], "Newest run");
    for (bad, field) in [
        (
            json!({"view": "/map", "area": [5.0, 48.0, -5.0, 40.0]}),
            "items.area",
        ),
        (json!({"view": "//elsewhere.example/"}), "items.view"),
        (
            json!({"view": "/", "shows": [{"product_id": 999, "version": 1}]}),
            "999",
        ),
        (json!({"comment": "nothing shown"}), "items"),
        (
            json!({"view": "/map", "area": [1e308, 40.0, 5.0, 48.0]}),
            "items.area",
        ),
        (
            json!({"product": {"product_id": i64::MAX, "version": 1}}),
            "9223372036854775807",
        ),
        (
            json!({"view": "/", "shows": vec![json!({"product_id": first, "version": 1}); 13]}),
            "items.shows",
        ),
    ] {
        let (status, refused) = send(&scientist, Method::POST, items.clone(), Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(
            refused["reason"].as_str().unwrap().contains(field),
            "{refused}"
        );
    }
    // Bodies that are not an item at all.
    for body in ["", "{\"view\": \"/", "[1, 2]", "{\"view\": 7}"] {
        let response = scientist
            .post(items.clone())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{body:?}");
    }
    // Good items still go in, up to the briefing's limit, and no further.
    for n in 2..model::operations::briefing::MAX_ITEMS {
        let good = json!({"view": "/", "comment": format!("item {n}")});
        let (status, _) = send(&scientist, Method::POST, items.clone(), Some(good)).await;
        assert_eq!(status, StatusCode::CREATED, "item {n}");
    }
    let (status, refused) = send(
        &scientist,
        Method::POST,
        items.clone(),
        Some(json!({"view": "/"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("100 items"),
        "{refused}"
    );
    let missing = t.url("/api/v1/briefings/4242/items");
    let (status, _) = send(
        &scientist,
        Method::POST,
        missing,
        Some(json!({"view": "/"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let detail = t.url(&format!("/api/v1/briefings/{id}"));
    let (_, seen) = send(&scientist, Method::GET, detail.clone(), None).await;
    let slide = &seen["slides"][0];
    assert_eq!(slide["area"], json!([-5.0, 40.0, 5.0, 48.0]));
    assert_eq!(slide["view"], "/map?t=202611291200");
    let shown: Vec<(&str, i64)> = slide["shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file_name"].as_str().unwrap(),
                p["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown, [(run, 1), (secret, 1)]);
    assert_eq!(seen["slides"][1]["product"]["version"], 2);
    let public = t.anonymous().get(detail).send().await.unwrap();
    let text = public.text().await.unwrap();
    assert!(!text.contains(secret), "the restricted name leaked: {text}");
    let public: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(public["slides"][0]["shown"].as_array().unwrap().len(), 1);
    t.server.shutdown().await.unwrap();
}
