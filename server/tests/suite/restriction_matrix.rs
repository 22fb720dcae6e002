//! Products restricted after the public saw them, every way it happens — a
//! `--restrict` rule given later, a sidecar sent later, a provider whose
//! products are restricted by default sending a new version — and an
//! embargo that ends, read through every route and the event stream by
//! every kind of reader: the public, a provider's token, a viewer, an
//! admin, and (in participants mode) an anonymous visitor. A restriction
//! covers every version of a product, and nothing of it reaches those who
//! may not see it, neither its record, nor its file, nor an old event's
//! copy of it replayed from `after=0`.

use std::time::Duration;

use futures_util::StreamExt;
use model::{EventKind, Product, Role};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message;

use crate::common::{self, add_provider, add_user_with_token, client_with, next_event, png};
use common::{TestServer, Ws};

/// Restricted by a rule given at a restart (two versions before).
const RULED: &str = "radar.XRULE.202611291200.ppi.png";
/// Restricted by a sidecar sent after both versions.
const SIDECAR: &str = "satellite.XSIDE.202611291200.ir108.png";
/// Open, then a restricted provider's new version.
const PROVIDED: &str = "model.XPROV.202611291200.t2m.png";
/// Under an embargo that ends during the test.
const EMBARGO: &str = "surface.XEMB.202611291200.t2m.png";
/// Open throughout: what every reader sees (the checks can see).
const OPEN: &str = "satellite.XOPEN.202611291200.ir108.png";

/// The platform token of a product's name: unique to it in this test.
fn platform(name: &str) -> &str {
    name.split('.').nth(1).unwrap()
}

/// Waits on `ws` until `name` version `version` is catalogued; its id.
async fn catalogued(ws: &mut Ws, name: &str, version: i64) -> i64 {
    loop {
        if let EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } =
            next_event(ws).await.kind
        {
            if product.file_name == name && product.version == version {
                return product.id;
            }
        }
    }
}

/// Waits on `ws` for an update of product `id` that `done` accepts.
async fn updated(ws: &mut Ws, id: i64, done: impl Fn(&Product) -> bool) {
    loop {
        if let EventKind::ProductUpdated { product, .. } = next_event(ws).await.kind {
            if product.id == id && done(&product) {
                return;
            }
        }
    }
}

/// Everything an anonymous `after=0` websocket (or one with `token`) is
/// sent until it has been quiet for half a second.
async fn replay(t: &TestServer, token: Option<&str>) -> String {
    let url = format!("ws://{}/api/v1/events?after=0", t.server.addr);
    let mut ws = common::ws_with(&url, token).await.expect("websocket");
    let mut all = String::new();
    while let Ok(Some(Ok(message))) =
        tokio::time::timeout(Duration::from_millis(500), ws.next()).await
    {
        if let Message::Text(text) = message {
            all.push_str(&text);
            all.push('\n');
        }
    }
    all
}

/// A reader, and whether it may see restricted products.
struct Reader {
    who: &'static str,
    client: reqwest::Client,
    token: Option<String>,
    sees_restricted: bool,
}

async fn body(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("request");
    (response.status(), response.text().await.unwrap_or_default())
}

/// Checks what `reader` gets of product `name` (the ids of its versions):
/// everything when `visible`, nothing at all otherwise.
async fn check(t: &TestServer, reader: &Reader, name: &str, ids: &[i64], visible: bool) {
    let who = reader.who;
    let word = platform(name);
    for id in ids {
        for route in ["", "/versions", "/file"] {
            let (status, _) = body(
                &reader.client,
                t.url(&format!("/api/v1/products/{id}{route}")),
            )
            .await;
            let expected = if visible {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                status, expected,
                "{who}: /api/v1/products/{id}{route} of {name}"
            );
        }
    }
    for path in [
        "/api/v1/products?limit=1000".to_string(),
        format!("/api/v1/search?q={}", word.to_lowercase()),
        "/stac/v1/search?limit=1000".to_string(),
        "/api/v1/days/2026-11-29".to_string(),
        "/?from=2026-11-29T00:00:00Z&span=24".to_string(),
    ] {
        let (status, text) = body(&reader.client, t.url(&path)).await;
        assert_eq!(status, StatusCode::OK, "{who}: {path}");
        assert_eq!(text.contains(word), visible, "{who}: {path} and {name}");
    }
    let stream = replay(t, reader.token.as_deref()).await;
    assert_eq!(
        stream.contains(word),
        visible,
        "{who}: the replay from 0 and {name}"
    );
}

#[tokio::test]
async fn a_restriction_made_later_hides_every_version_from_every_reader_who_may_not_see_it() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Public;
    })
    .await;
    let mut ws = t.events(Some(0)).await;
    let mut versions: Vec<(&str, Vec<i64>)> = Vec::new();
    for name in [RULED, SIDECAR, PROVIDED, OPEN] {
        t.drop_file(name, &png(1));
        let v1 = catalogued(&mut ws, name, 1).await;
        versions.push((name, vec![v1]));
    }
    for (name, ids) in versions
        .iter_mut()
        .filter(|(n, _)| *n != PROVIDED && *n != OPEN)
    {
        t.drop_file(name, &png(2));
        ids.push(catalogued(&mut ws, name, 2).await);
    }
    // The embargo: its sidecar first, ending within the test.
    let ends = chrono::Utc::now() + chrono::Duration::seconds(20);
    let embargo = format!(
        r#"{{"restricted": true, "restricted_until": "{}"}}"#,
        ends.to_rfc3339()
    );
    t.drop_file(&format!("{EMBARGO}.json"), embargo.as_bytes());
    t.drop_file(EMBARGO, &png(1));
    let embargoed = vec![catalogued(&mut ws, EMBARGO, 1).await];

    // Everyone sees them all while they are open: the public's checks can see.
    let public = Reader {
        who: "the public",
        client: t.anonymous(),
        token: None,
        sees_restricted: false,
    };
    for (name, ids) in &versions {
        check(&t, &public, name, ids, true).await;
    }
    check(&t, &public, EMBARGO, &embargoed, false).await;

    // Restricted later: a sidecar for the current version, a provider's new version.
    t.drop_file(&format!("{SIDECAR}.json"), br#"{"restricted": true}"#);
    let current = versions[1].1[1];
    updated(&mut ws, current, |p| p.meta.restricted == Some(true)).await;
    let provider = add_provider(t.data(), "centre", &["--restricted"]);
    let sent = client_with(&provider)
        .put(t.url(&format!("/api/v1/drops/{PROVIDED}")))
        .body(png(3))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
    versions[2].1.push(catalogued(&mut ws, PROVIDED, 2).await);
    // And a rule given at a restart.
    let t = t
        .restart_with(|args| {
            args.access.access = opsboard::auth::Access::Public;
            args.access.restrict = vec!["radar.XRULE".parse().unwrap()];
        })
        .await;

    let viewer = add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let readers = [
        Reader {
            who: "the public",
            client: t.anonymous(),
            token: None,
            sees_restricted: false,
        },
        Reader {
            who: "a provider",
            client: client_with(&provider),
            token: Some(provider.clone()),
            sees_restricted: false,
        },
        Reader {
            who: "a viewer",
            client: client_with(&viewer),
            token: Some(viewer.clone()),
            sees_restricted: true,
        },
        Reader {
            who: "an admin",
            client: t.http.clone(),
            token: Some(t.token.clone()),
            sees_restricted: true,
        },
    ];
    for reader in &readers {
        for (name, ids) in &versions {
            let visible = *name == OPEN || reader.sees_restricted;
            check(&t, reader, name, ids, visible).await;
        }
        let embargoed_now = chrono::Utc::now() + chrono::Duration::seconds(2) < ends;
        if !reader.sees_restricted && embargoed_now {
            check(&t, reader, EMBARGO, &embargoed, false).await;
        }
    }
    // The embargo ends: the product is everyone's, in every route.
    let wait = (ends - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(200)).await;
    for reader in &readers {
        check(&t, reader, EMBARGO, &embargoed, true).await;
    }

    // Participants mode: an anonymous visitor reads nothing at all.
    let t = t
        .restart_with(|args| {
            args.access.access = opsboard::auth::Access::Participants;
            args.access.restrict = vec!["radar.XRULE".parse().unwrap()];
        })
        .await;
    let anonymous = t.anonymous();
    for (_, ids) in &versions {
        for id in ids {
            let (status, _) = body(&anonymous, t.url(&format!("/api/v1/products/{id}/file"))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    for path in [
        "/api/v1/products",
        "/api/v1/search?q=x",
        "/stac/v1/search",
        "/api/v1/days/2026-11-29",
    ] {
        let (status, text) = body(&anonymous, t.url(path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            !text.contains("XRULE") && !text.contains("XSIDE"),
            "{path}: {text}"
        );
    }
    let url = format!("ws://{}/api/v1/events?after=0", t.server.addr);
    assert!(
        common::ws_with(&url, None).await.is_err(),
        "the stream needs a login"
    );
    t.server.shutdown().await.unwrap();
}
