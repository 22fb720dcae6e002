//! What the map asks the real server for: the basemap of its view (shipped
//! inside the binary, so it works with no internet), and tracks simplified
//! to its pixel.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common;
use common::{add_provider, client_with, post_body, TestServer};

async fn public_server() -> (TestServer, String) {
    let dir = tempfile::tempdir().unwrap();
    let relay = add_provider(dir.path(), "ground", &["--platform", "ATR42"]);
    let t = TestServer::start_with(dir, |args| {
        args.access.access = opsboard::auth::Access::Public;
    })
    .await;
    t.add_aircraft(&["ATR42"]).await;
    (t, relay)
}

fn points(lines: &Value) -> impl Iterator<Item = (f64, f64)> + '_ {
    lines.as_array().unwrap().iter().flat_map(|line| {
        let line = line.as_array().unwrap();
        line[1..line.len() - 1].iter().map(|p| {
            let p = p.as_array().unwrap();
            (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())
        })
    })
}

#[tokio::test]
async fn the_basemap_of_a_view_is_its_own_coasts_and_borders_at_its_zoom() {
    let (t, _) = public_server().await;
    let response = t
        .http
        .get(t.url("/api/v1/map/basemap?bbox=-2,41,6,45&width=800"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cache.contains("max-age=86400"), "{cache}");
    let pyrenees: Value = response.json().await.unwrap();
    assert!(pyrenees["source"]
        .as_str()
        .unwrap()
        .contains("Natural Earth"));
    for kind in ["coast", "borders"] {
        let inside: Vec<(f64, f64)> = points(&pyrenees[kind]).collect();
        assert!(inside.len() > 20, "{kind}: {}", inside.len());
        assert!(
            inside
                .iter()
                .all(|&(x, y)| (-2.0..=6.0).contains(&x) && (41.0..=45.0).contains(&y)),
            "{kind}: only the ends of a line lie outside the view"
        );
    }
    // The same box drawn five times wider carries more detail.
    let (_, wide) = t
        .get_json("/api/v1/map/basemap?bbox=-2,41,6,45&width=4000")
        .await;
    let count = |v: &Value| points(&v["coast"]).count();
    assert!(
        count(&wide) > count(&pyrenees),
        "{} vs {}",
        count(&wide),
        count(&pyrenees)
    );
    // Mid-Pacific: nothing to draw.
    let (_, ocean) = t
        .get_json("/api/v1/map/basemap?bbox=-150,-40,-140,-30")
        .await;
    assert_eq!(ocean["coast"], serde_json::json!([]));

    for bad in [
        "bbox=6,41,-2,45",
        "bbox=-2,45,6,41",
        "bbox=-2,41,6",
        "bbox=-2,41,6,45,7",
        "bbox=NaN,41,6,45",
        "bbox=-2,41,6,1e999",
        "bbox=-200,41,6,45",
        "bbox=a,b,c,d",
        "bbox=-2,41,6,45&width=0",
        "bbox=-2,41,6,45&width=100000",
        "bbox=-2,41,6,45&width=-5",
    ] {
        let (status, body) = t.get_json(&format!("/api/v1/map/basemap?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"].as_str().is_some(), "{bad}: {body}");
    }
    let long = format!("/api/v1/map/basemap?bbox={}", "9".repeat(5_000));
    let (status, body) = t.get_json(&long).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.to_string().len() < 500,
        "the refusal does not echo it all"
    );
}

#[tokio::test]
async fn a_track_is_simplified_to_the_maps_pixel_and_keeps_its_times() {
    let (t, relay) = public_server().await;
    // Ten minutes at 1 Hz: five east, then five north.
    let lines: Vec<String> = (0..600u32)
        .map(|s| {
            let (lat, lon) = if s < 300 {
                (43.0, 1.0 + f64::from(s) * 0.001)
            } else {
                (43.0 + f64::from(s - 299) * 0.001, 1.299)
            };
            format!(
                "IWG1,20261129T14{:02}{:02},{lat:.3},{lon:.3},3000{}",
                s / 60,
                s % 60,
                ",".repeat(30)
            )
        })
        .collect();
    let (status, outcome) = post_body(
        &t,
        &client_with(&relay),
        "/api/v1/platforms/ATR42/iwg1",
        lines.join("\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let (_, whole) = t.get_json("/api/v1/platforms/ATR42/track").await;
    assert_eq!(whole["properties"]["points"], 600);
    let (status, simple) = t
        .get_json("/api/v1/platforms/ATR42/track?tolerance=0.0001")
        .await;
    assert_eq!(status, StatusCode::OK, "{simple}");
    assert_eq!(
        simple["properties"]["times"],
        serde_json::json!([
            "2026-11-29T14:00:00.000Z",
            "2026-11-29T14:04:59.000Z",
            "2026-11-29T14:09:59.000Z"
        ]),
        "the start, the turn and the end, with their own times"
    );
    assert_eq!(
        simple["geometry"]["coordinates"][1],
        serde_json::json!([1.299, 43.0, 3000.0])
    );
    for bad in ["-1", "11", "abc", "NaN", "inf"] {
        let path = format!("/api/v1/platforms/ATR42/track?tolerance={bad}");
        let (status, body) = t.get_json(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test]
async fn a_platforms_base_and_rings_are_kept_and_bad_ones_refused() {
    let (t, _) = public_server().await;
    let post = |body: Value| {
        let t = &t;
        async move {
            let response = t
                .http
                .post(t.url("/api/v1/platforms"))
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    for (base, rings, field) in [
        (
            serde_json::json!([1.37, 95.0]),
            serde_json::json!([]),
            "base_position",
        ),
        (
            serde_json::json!([-181.0, 43.0]),
            serde_json::json!([]),
            "base_position",
        ),
        (
            serde_json::json!([1.37]),
            serde_json::json!([]),
            "base_position",
        ),
        (serde_json::json!(null), serde_json::json!([0]), "rings_km"),
        (
            serde_json::json!(null),
            serde_json::json!([1e9]),
            "rings_km",
        ),
        (
            serde_json::json!(null),
            serde_json::json!(vec![10; 9]),
            "rings_km",
        ),
        (
            serde_json::json!(null),
            serde_json::json!("far"),
            "rings_km",
        ),
    ] {
        let (status, body) = post(serde_json::json!({
            "name": "FALCON", "kind": "aircraft", "base_position": base, "rings_km": rings
        }))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{base} {rings}: {body}");
        assert!(body.contains(field), "{base} {rings}: {body}");
    }
    let (status, body) = post(serde_json::json!({
        "name": "FALCON", "kind": "aircraft", "base": "Toulouse-Francazal",
        "base_position": [1.37, 43.45], "rings_km": [250, 500]
    }))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, platforms) = t.get_json("/api/v1/platforms").await;
    let falcon = platforms
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "FALCON")
        .expect("FALCON kept");
    assert_eq!(falcon["base_position"], serde_json::json!([1.37, 43.45]));
    assert_eq!(falcon["rings_km"], serde_json::json!([250.0, 500.0]));
    let atr = platforms
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ATR42")
        .unwrap();
    assert_eq!(atr["base_position"], Value::Null, "none given, none kept");
}
