//! Restrictions that change after the fact: a `--restrict` rule given to a
//! server whose catalogue already holds what it covers, and a sidecar that
//! restricts a product the public has already seen. Either way the product
//! leaves the public's answers and open pages, through events.

use crate::common;

use common::{next_event, png, TestServer};
use futures_util::StreamExt;
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message;

const OPEN: &str = "satellite.MSG.202611291200.ir108.png";
const SECRET: &str = "radar.BOLLENE.202611291200.ppi.png";

/// Status and body of an anonymous GET.
async fn anonymous_get(t: &TestServer, path: &str) -> (StatusCode, String) {
    let response = t.anonymous().get(t.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap_or_default())
}

/// The next `count` messages of `ws`, as JSON.
async fn next_markers(ws: &mut common::Ws, count: usize) -> Vec<serde_json::Value> {
    let mut markers = Vec::new();
    while markers.len() < count {
        let Some(Ok(Message::Text(text))) = ws.next().await else {
            panic!("the public stream ended")
        };
        markers.push(serde_json::from_str(&text).unwrap());
    }
    markers
}

/// The first `count` messages an anonymous websocket resuming `after` gets.
async fn public_markers(
    t: &TestServer,
    after: Option<i64>,
    count: usize,
) -> Vec<serde_json::Value> {
    let query = after.map(|a| format!("?after={a}")).unwrap_or_default();
    let url = format!("ws://{}/api/v1/events{query}", t.server.addr);
    let mut ws = common::ws_with(&url, None).await.unwrap();
    next_markers(&mut ws, count).await
}

#[tokio::test]
async fn a_restrict_rule_given_later_restricts_what_was_catalogued_before() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Public;
    })
    .await;
    let mut ws = t.events(None).await;
    t.drop_file(SECRET, &png(2));
    t.drop_file("radar.BOLLENE.202611291300.ppi.png", &png(3));
    t.drop_file(OPEN, &png(1));
    for _ in 0..3 {
        next_event(&mut ws).await;
    }
    let (_, list) = anonymous_get(&t, "/api/v1/products").await;
    assert!(
        list.contains(SECRET) && list.contains("radar.BOLLENE.202611291300"),
        "open before the rule: {list}"
    );
    let t = t
        .restart_with(|args| {
            args.access.access = opsboard::auth::Access::Public;
            args.access.restrict = vec!["radar.BOLLENE".parse().unwrap()];
        })
        .await;
    // Each restriction is an event, so open pages hear of it: a public page
    // resuming after seq 3 is told to drop both products.
    let mut ws = t.events(Some(3)).await;
    for _ in 0..2 {
        match next_event(&mut ws).await.kind {
            model::EventKind::ProductUpdated { product, withdrawn } => {
                assert!(product.file_name.contains("BOLLENE"));
                assert!(product.meta.restricted == Some(true) && withdrawn);
            }
            other => panic!("expected product.updated, got {other:?}"),
        }
    }
    let markers = public_markers(&t, Some(3), 2).await;
    let withdrawn: Vec<_> = markers.iter().map(|m| m["withdrawn"].as_i64()).collect();
    assert_eq!(withdrawn, vec![Some(1), Some(2)], "{markers:?}");
    let (_, list) = anonymous_get(&t, "/api/v1/products").await;
    assert!(list.contains(OPEN) && !list.contains("BOLLENE"), "{list}");
    let (_, page) = anonymous_get(&t, "/").await;
    assert!(!page.contains("BOLLENE"));
    let (_, list) = t.get_json("/api/v1/products").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        3,
        "participants still see all"
    );
    // A third start finds nothing left to restrict.
    let t = t
        .restart_with(|args| {
            args.access.restrict = vec!["radar.BOLLENE".parse().unwrap()];
        })
        .await;
    let (_, health) = t.get_json("/api/v1/health").await;
    assert_eq!(health["last_seq"], 5, "{health}");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sidecar_restricting_a_seen_product_withdraws_it_from_public_pages() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.restrict = vec!["radar".parse().unwrap()];
    })
    .await;
    t.drop_file(OPEN, &png(1));
    // From the start: the drop may be catalogued before the socket opens
    // (a live-only socket then waits for an event already sent).
    let mut admin = t.events(Some(0)).await;
    let open = match next_event(&mut admin).await.kind {
        model::EventKind::ProductAdded { product } => product.id,
        other => panic!("expected product.added, got {other:?}"),
    };
    let (status, _) = anonymous_get(&t, &format!("/api/v1/products/{open}")).await;
    assert_eq!(status, StatusCode::OK);
    let mut public = common::ws_with(&format!("ws://{}/api/v1/events", t.server.addr), None)
        .await
        .unwrap();
    // Restricted from birth: a plain skip. Restricted after being open: named.
    t.drop_file(SECRET, &png(2));
    t.drop_file(&format!("{OPEN}.json"), br#"{"restricted": true}"#);
    for markers in [
        next_markers(&mut public, 2).await,
        // The same from the catalogue, for a page that reconnects.
        public_markers(&t, Some(1), 2).await,
    ] {
        assert_eq!(markers[0]["type"], "skip");
        assert!(markers[0].get("withdrawn").is_none(), "{markers:?}");
        assert_eq!(markers[1]["type"], "skip");
        assert_eq!(markers[1]["withdrawn"], open, "{markers:?}");
    }
    let (status, _) = anonymous_get(&t, &format!("/api/v1/products/{open}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Participants get the update itself.
    let mut updated = None;
    while updated.is_none() {
        if let model::EventKind::ProductUpdated { product, .. } = next_event(&mut admin).await.kind
        {
            updated = Some(product).filter(|p| p.id == open);
        }
    }
    assert_eq!(updated.unwrap().meta.restricted, Some(true));
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rule_wins_over_a_sidecars_embargo_end_now_and_after_a_restart() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Public;
        args.access.restrict = vec!["radar".parse().unwrap()];
    })
    .await;
    let mut admin = t.events(Some(0)).await;
    let ended = br#"{"restricted": true, "restricted_until": "2000-01-01T00:00:00Z"}"#;
    let lidar = "lidar.ATR42.202611291200.backscatter.png";
    for name in [SECRET, lidar] {
        t.drop_file(&format!("{name}.json"), ended);
        t.drop_file(name, &png(2));
    }
    let mut ids = std::collections::HashMap::new();
    while ids.len() < 2 {
        if let model::EventKind::ProductAdded { product } = next_event(&mut admin).await.kind {
            ids.insert(product.file_name.clone(), product.id);
        }
    }
    let file = |name: &str| format!("/api/v1/products/{}/file", ids[name]);
    assert_eq!(
        anonymous_get(&t, &file(SECRET)).await.0,
        StatusCode::NOT_FOUND,
        "the rule wins"
    );
    assert_eq!(
        t.http
            .get(t.url(&file(SECRET)))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // No rule covers lidar: its embargo has ended, so it is open...
    assert_eq!(anonymous_get(&t, &file(lidar)).await.0, StatusCode::OK);
    // ...until a rule given at a restart closes it for good.
    let t = t
        .restart_with(|args| {
            args.access.access = opsboard::auth::Access::Public;
            args.access.restrict = vec!["radar".parse().unwrap(), "lidar".parse().unwrap()];
        })
        .await;
    assert_eq!(
        anonymous_get(&t, &file(lidar)).await.0,
        StatusCode::NOT_FOUND
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn participants_keep_restricted_products_on_the_board_after_a_restart() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.restrict = vec!["radar".parse().unwrap()];
    })
    .await;
    let mut admin = t.events(Some(0)).await;
    t.drop_file(SECRET, &png(2));
    next_event(&mut admin).await;
    let board = "/?from=2026-11-29T00:00:00Z&span=24";
    let page = |t: &TestServer| {
        let request = t.http.get(t.url(board));
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(page(&t).await.contains("BOLLENE"), "before the restart");
    let t = t
        .restart_with(|args| args.access.restrict = vec!["radar".parse().unwrap()])
        .await;
    assert!(page(&t).await.contains("BOLLENE"), "after the restart");
    let (_, public) = anonymous_get(&t, board).await;
    assert!(
        !public.contains("BOLLENE"),
        "the public's board still has none"
    );
    t.server.shutdown().await.unwrap();
}
