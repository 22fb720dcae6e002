//! Case studies through the real server: created by scientists with tags
//! of the admins' vocabulary, pins kept at the exact version when newer
//! versions arrive, drafts seen by participants only (in the API and on the
//! event stream), restricted pins hidden from the public, changed or
//! deleted by their author or an admin only, hostile drafts refused.

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::common;
use crate::operations::{campaign, planned_flight, send};
use common::{add_user_with_token, client_with, next_event, png, product_of, TestServer, Ws};
use model::{EventKind, Role};

const QUICKLOOK: &str = "satellite.MSG.202611291500.ir108.png";
const SECRET: &str = "lidar.ATR42.202611291600.backscatter.png";

fn case(slug: &str, pins: Value, operations: Value) -> Value {
    json!({
        "slug": slug, "title": "Squall line crossing the network",
        "start": "2026-11-29T12:00:00Z", "end": "2026-11-30T00:00:00Z",
        "bbox": [-5.0, 42.0, 3.5, 47.0], "tags": ["squall_line"],
        "description": "The line reached the coast at **18 UTC**.",
        "operations": operations, "pins": pins,
        "segments": [{"segment_id": "leg-1", "name": "first crossing",
            "start": "2026-11-29T15:00:00Z", "end": "2026-11-29T15:40:00Z",
            "kinds": ["straight_leg"], "remarks": "below the anvil"}]
    })
}

async fn put_tag(t: &TestServer, client: &reqwest::Client, tag: &str) -> StatusCode {
    let body = json!({"long_name": "Squall line", "tier": 2});
    let url = t.url(&format!("/api/v1/case-tags/{tag}"));
    send(client, Method::PUT, url, Some(body)).await.0
}

async fn post_case(t: &TestServer, client: &reqwest::Client, body: Value) -> (StatusCode, Value) {
    send(
        client,
        Method::POST,
        t.url("/api/v1/case-studies"),
        Some(body),
    )
    .await
}

async fn put_case(
    t: &TestServer,
    client: &reqwest::Client,
    slug: &str,
    body: Value,
) -> (StatusCode, Value) {
    let url = t.url(&format!("/api/v1/case-studies/{slug}"));
    send(client, Method::PUT, url, Some(body)).await
}

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, Value) {
    send(client, Method::GET, url, None).await
}

/// The next text frame on `ws` as JSON (events and skip markers alike)
/// that is not about a product.
async fn next_frame(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("readable");
        if let Message::Text(text) = message {
            let frame: Value = serde_json::from_str(&text).expect("JSON");
            if !frame["type"]
                .as_str()
                .unwrap_or_default()
                .starts_with("product.")
            {
                return frame;
            }
        }
    }
}

/// The next `case_study.*` event on `ws`, skipping others.
async fn case_event(ws: &mut Ws) -> EventKind {
    loop {
        let kind = next_event(ws).await.kind;
        if matches!(
            kind,
            EventKind::CaseStudySaved { .. } | EventKind::CaseStudyDeleted { .. }
        ) {
            return kind;
        }
    }
}

#[tokio::test]
async fn a_case_study_keeps_its_pins_and_its_draft_stays_with_participants() {
    let (t, scientist, viewer) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    t.drop_file(&format!("{SECRET}.json"), br#"{"restricted": true}"#);
    t.drop_file(SECRET, &png(9));
    t.drop_file(QUICKLOOK, &png(1));
    let mut products = Vec::new();
    while products.len() < 2 {
        if let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind {
            products.push(product);
        }
    }
    let quicklook = products
        .iter()
        .find(|p| p.key().product == "ir108")
        .unwrap()
        .clone();
    let secret = products
        .iter()
        .find(|p| p.key().product == "backscatter")
        .unwrap()
        .clone();
    let pins = json!([{"product_id": quicklook.id, "version": 1},
                      {"product_id": secret.id, "version": 1}]);
    let body = case("squall-1129", pins, json!([operation]));

    // The vocabulary first: kept by admins.
    let (status, refused) = post_case(&t, &scientist, body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("squall_line"),
        "{refused}"
    );
    assert_eq!(
        put_tag(&t, &scientist, "squall_line").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_tag(&t, &t.http, "Squall Line").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(put_tag(&t, &t.http, "squall_line").await, StatusCode::OK);
    let (_, tags) = get(&t.anonymous(), t.url("/api/v1/case-tags")).await;
    assert_eq!(tags[0]["tag"], "squall_line", "{tags}");

    assert_eq!(
        post_case(&t, &viewer, body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let mut public = common::ws_with(&format!("ws://{}/api/v1/events", t.server.addr), None)
        .await
        .expect("public socket");
    let (status, created) = post_case(&t, &scientist, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let EventKind::CaseStudySaved { case_study } = case_event(&mut ws).await else {
        panic!("case_study.saved expected");
    };
    assert_eq!(
        (case_study.author.as_str(), case_study.published),
        ("marie", false)
    );
    assert_eq!(case_study.pins, vec![quicklook.id, secret.id]);
    assert_eq!(
        case_study.segments[0].kinds,
        vec!["straight_leg".to_string()]
    );
    // The public is told only that something happened.
    let marker = next_frame(&mut public).await;
    assert_eq!(marker["type"], "skip", "{marker}");
    assert_eq!(
        post_case(&t, &scientist, body.clone()).await.0,
        StatusCode::CONFLICT
    );

    // A draft: participants read it, the public does not.
    let one = t.url("/api/v1/case-studies/squall-1129");
    let (status, detail) = get(&viewer, one.clone()).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["operations"][0]["id"], operation);
    assert_eq!(detail["products"].as_array().unwrap().len(), 2);
    assert_eq!(
        get(&t.anonymous(), one.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, listed) = get(&t.anonymous(), t.url("/api/v1/case-studies")).await;
    assert_eq!(listed, json!([]));

    // A newer version of a pinned product: the case still shows v1.
    t.drop_file(QUICKLOOK, &png(2));
    let newer = loop {
        let product = product_of(next_event(&mut ws).await);
        if product.version == 2 {
            break product;
        }
    };
    assert_ne!(newer.id, quicklook.id);
    let (_, detail) = get(&viewer, one.clone()).await;
    let pinned = &detail["products"][0];
    assert_eq!(
        (pinned["id"].as_i64(), pinned["version"].as_i64()),
        (Some(quicklook.id), Some(1))
    );

    // Only the author or an admin changes it; published, the public reads
    // it without the restricted pin; it cannot go back to draft.
    let other = client_with(&add_user_with_token(t.data(), "jean", Role::Scientist).await);
    let mut published = body.clone();
    published["published"] = json!(true);
    published["pins"][0]["version"] = json!(2);
    assert_eq!(
        put_case(&t, &viewer, "squall-1129", published.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_case(&t, &other, "squall-1129", published.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, saved) = put_case(&t, &scientist, "squall-1129", published.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let saved_event = next_frame(&mut public).await;
    assert_eq!(saved_event["type"], "case_study.saved", "{saved_event}");
    let (status, seen) = get(&t.anonymous(), one.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["hidden_pins"], 1, "{seen}");
    assert_eq!(seen["products"][0]["id"], newer.id, "{seen}");
    assert_eq!(seen["products"].as_array().unwrap().len(), 1);
    let mut draft_again = published.clone();
    draft_again["published"] = json!(false);
    assert_eq!(
        put_case(&t, &t.http, "squall-1129", draft_again).await.0,
        StatusCode::CONFLICT
    );
    let mut renamed = published.clone();
    renamed["slug"] = json!("another");
    assert_eq!(
        put_case(&t, &scientist, "squall-1129", renamed).await.0,
        StatusCode::BAD_REQUEST
    );

    // Listed by time and tag.
    for (query, expected) in [
        ("", 1),
        ("?tag=squall_line", 1),
        ("?tag=sea_breeze", 0),
        ("?from=2026-11-30T00:00:00Z", 0),
        ("?to=2026-11-29T12:00:01Z", 1),
        ("?to=2026-11-29T12:00:00Z", 0),
    ] {
        let (_, listed) = get(
            &t.anonymous(),
            t.url(&format!("/api/v1/case-studies{query}")),
        )
        .await;
        assert_eq!(
            listed.as_array().unwrap().len(),
            expected,
            "{query}: {listed}"
        );
    }

    // Deleted by an admin: gone, and the public is told.
    let url = t.url("/api/v1/case-studies/squall-1129");
    assert_eq!(
        send(&other, Method::DELETE, url.clone(), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&t.http, Method::DELETE, url.clone(), None).await.0,
        StatusCode::OK
    );
    let deleted = next_frame(&mut public).await;
    assert_eq!(deleted["type"], "case_study.deleted", "{deleted}");
    assert_eq!(deleted["slug"], "squall-1129");
    assert_eq!(get(&viewer, one).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&t.http, Method::DELETE, url, None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_case_studies_are_refused_with_the_field_and_nothing_kept() {
    let (t, scientist, _) = campaign().await;
    assert_eq!(put_tag(&t, &t.http, "squall_line").await, StatusCode::OK);
    let good = case("good", json!([]), json!([]));
    let many_pins: Vec<Value> = (1..=1_001)
        .map(|i| json!({"product_id": i, "version": 1}))
        .collect();
    let mut cases = Vec::new();
    for (field, value) in [
        ("slug", json!("../../etc/passwd")),
        ("slug", json!("Capital")),
        ("title", json!("")),
        ("end", json!("2026-11-29T11:00:00Z")),
        ("end", json!("2029-01-01T00:00:00Z")),
        ("bbox", json!([10.0, 0.0, -10.0, 5.0])),
        ("bbox", json!([1e308, 0.0, 2.0, 5.0])),
        ("description", json!("x".repeat(100_001))),
        ("description", json!("a \u{0007} bell")),
        ("pins", json!(many_pins)),
        (
            "pins",
            json!([{"product_id": 9_223_372_036_854_775_807_i64, "version": 1}]),
        ),
        ("operations", json!([424242])),
        ("tags", json!(["not_in_vocabulary"])),
        (
            "segments",
            json!([{"segment_id": "x", "start": "2026-11-28T00:00:00Z",
                             "end": "2026-11-29T13:00:00Z"}]),
        ),
        ("start", json!("not a time")),
        ("published", json!("yes")),
        ("licence", json!("CC BY 4.0")),
        ("licence", json!("x".repeat(65))),
        ("licence", json!("<script>")),
    ] {
        let mut body = good.clone();
        body[field] = value;
        cases.push((field, body));
    }
    cases.push(("(body)", json!([1, 2, 3])));
    for (field, body) in cases {
        let (status, answer) = post_case(&t, &scientist, body).await;
        assert!(status.is_client_error(), "{field}: {status} {answer}");
        let reason = answer["reason"].as_str().unwrap_or_default();
        assert!(
            field == "(body)" || reason.contains(field) || reason.contains("no "),
            "{field}: {answer}"
        );
    }
    let (_, listed) = get(&scientist, t.url("/api/v1/case-studies")).await;
    assert_eq!(listed, json!([]), "nothing kept");
    assert_eq!(post_case(&t, &scientist, good).await.0, StatusCode::CREATED);
}
