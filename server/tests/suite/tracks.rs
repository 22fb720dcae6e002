//! Positions through the real server: IWG1 packets relayed over HTTP by a
//! provider become the platform's track (GeoJSON) and latest position;
//! bad packets are counted with their reasons for admins; tokens and rights
//! are checked before the body is read; a restricted platform's positions
//! stay with participants.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common;
use common::{add_provider, client_with, post_body, TestServer};

/// An IWG1 packet of ATR42-like values at `second` past 14:00 UTC, moving
/// east; `dashed` chooses the time form with dashes and a fraction.
fn packet(second: u32, dashed: bool) -> String {
    let time = if dashed {
        format!("2026-11-29T14:{:02}:{:02}.500", second / 60, second % 60)
    } else {
        format!("20261129T14{:02}{:02}", second / 60, second % 60)
    };
    let lon = 1.0 + f64::from(second) * 0.001;
    // Position, GPS altitude, three empty values, ground speed, the 24
    // other standard fields empty, and a platform's own value after them.
    format!(
        "IWG1,{time},43.5,{lon:.3},3000.5,,,,120.5{},7.25",
        ",".repeat(24)
    )
}

async fn relay(t: &TestServer, token: &str, platform: &str, body: String) -> (StatusCode, Value) {
    let path = format!("/api/v1/platforms/{platform}/iwg1");
    post_body(t, &client_with(token), &path, body).await
}

async fn start(restrict: &[&str]) -> (TestServer, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let relay = add_provider(dir.path(), "ground", &["--platform", "ATR42"]);
    let models = add_provider(dir.path(), "meteo", &["--category", "model"]);
    let rules = restrict.iter().map(|r| r.parse().unwrap()).collect();
    let t = TestServer::start_with(dir, |args| {
        args.access.access = opsboard::auth::Access::Public;
        args.access.restrict = rules;
    })
    .await;
    t.add_aircraft(&["ATR42", "FALCON"]).await;
    (t, relay, models)
}

#[tokio::test]
async fn relayed_packets_become_the_track_and_the_position_and_bad_ones_are_counted() {
    let (t, relay_token, _) = start(&[]).await;
    // A minute at 1 Hz in both time forms, with garbage between the packets.
    let mut lines: Vec<String> = (0..60).map(|s| packet(s, s % 2 == 1)).collect();
    lines.insert(10, "IWG1,20261129T140010,95,1".into());
    lines.insert(20, "$GPGGA,123519,4807.038,N".into());
    lines.insert(30, "IWG1,noon,43,1".into());
    lines.insert(40, String::new());
    let (status, outcome) = relay(&t, &relay_token, "atr42", lines.join("\r\n")).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(
        (outcome["accepted"].as_u64(), outcome["refused"].as_u64()),
        (Some(60), Some(3))
    );
    let reasons: Vec<&str> = outcome["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(reasons[0].starts_with("line 11: lat is 95"), "{reasons:?}");
    assert!(reasons[1].contains("not an IWG1 packet"), "{reasons:?}");
    assert!(reasons[2].contains("not ISO 8601"), "{reasons:?}");

    let (status, position) = t.get_json("/api/v1/platforms/ATR42/position").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(position["time"], "2026-11-29T14:00:59.500Z");
    assert_eq!(
        (position["lat"].as_f64(), position["lon"].as_f64()),
        (Some(43.5), Some(1.059))
    );
    assert_eq!(position["alt"], 3000.5);
    assert_eq!(position["values"]["grnd_spd"], 120.5);
    assert!(
        position["values"].get("press_alt").is_none(),
        "empty stays absent"
    );

    let (status, track) = t
        .get_json(
            "/api/v1/platforms/ATR42/track?from=2026-11-29T14:00:30Z&to=2026-11-29T14:00:39.6Z",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(track["type"], "Feature");
    assert_eq!(track["geometry"]["type"], "LineString");
    let coordinates = track["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coordinates.len(), 10, "14:00:30 to 14:00:39");
    assert_eq!(coordinates[0], serde_json::json!([1.03, 43.5, 3000.5]));
    let times = track["properties"]["times"].as_array().unwrap();
    assert_eq!(times[0], "2026-11-29T14:00:30.000Z");
    assert_eq!(times[9], "2026-11-29T14:00:39.500Z");

    // The same packets sent again are the same points, not new ones.
    let (_, again) = relay(&t, &relay_token, "ATR42", packet(59, true)).await;
    assert_eq!(again["accepted"], 1);
    let (_, whole) = t.get_json("/api/v1/platforms/ATR42/track").await;
    assert_eq!(whole["properties"]["points"], 60);

    // Admins see the counts and the last reasons, newest first.
    let (status, received) = t.get_json("/api/v1/platforms/ATR42/iwg1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (received["accepted"].as_u64(), received["refused"].as_u64()),
        (Some(61), Some(3))
    );
    assert!(received["last_reasons"][0]
        .as_str()
        .unwrap()
        .contains("not ISO 8601"));
    let (status, _) = t.get_json("/api/v1/platforms/NOPE/position").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t.get_json("/api/v1/platforms/FALCON/position").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no packet yet");
    let (status, _) = t
        .get_json("/api/v1/platforms/ATR42/track?from=yesterday")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_relay_needs_a_provider_with_rights_and_a_bounded_body() {
    let (t, relay_token, models_token) = start(&[]).await;
    let url = t.url("/api/v1/platforms/ATR42/iwg1");
    let anonymous = reqwest::Client::new()
        .post(&url)
        .body(packet(0, false))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = relay(&t, "not-a-token", "ATR42", packet(0, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a wrong token");
    let (status, refused) = relay(&t, &models_token, "ATR42", packet(0, false)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a model centre sends no positions: {refused}"
    );
    let (status, _) = relay(&t, &relay_token, "FALCON", packet(0, false)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not its platform");
    let (status, _) = relay(&t, &relay_token, "NOPE", packet(0, false)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not a platform of the campaign"
    );
    // A participant's session is not a relay either.
    let (status, _) = relay(&t, &t.token, "ATR42", packet(0, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let huge = packet(0, false).repeat(20_000);
    let (status, refused) = relay(&t, &relay_token, "ATR42", huge).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let binary = String::from_utf8_lossy(&[0xff, 0xfe, 0x00, b'\n', 0x80]).into_owned();
    let (status, outcome) = relay(&t, &relay_token, "ATR42", binary).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (outcome["accepted"].as_u64(), outcome["refused"].as_u64()),
        (Some(0), Some(2))
    );
    let (status, _) = t.get_json("/api/v1/platforms/ATR42/position").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was kept");
    let (status, outcome) = relay(&t, &relay_token, "ATR42", packet(5, false)).await;
    assert_eq!(
        (status, outcome["accepted"].as_u64()),
        (StatusCode::OK, Some(1))
    );
}

#[tokio::test]
async fn a_restricted_platforms_positions_stay_with_participants() {
    let (t, relay_token, _) = start(&["*.ATR42"]).await;
    let (status, _) = relay(&t, &relay_token, "ATR42", packet(0, false)).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/platforms/ATR42/position",
        "/api/v1/platforms/ATR42/track",
    ] {
        let response = reqwest::get(t.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("43.5"), "{path}: {body}");
        let (status, _) = t.get_json(path).await;
        assert_eq!(status, StatusCode::OK, "participants see it: {path}");
    }
}

#[tokio::test]
async fn a_dropped_iwg1_file_is_a_product_with_its_track() {
    let (t, _, _) = start(&["aircraft.FALCON"]).await;
    let mut ws = t.events(None).await;
    // A flight's log, out of order in one place, with two bad lines.
    let mut lines: Vec<String> = (0..100).map(|s| packet(s, false)).collect();
    lines.swap(40, 41);
    lines.insert(50, "IWG1,20261129T140050,,".into());
    lines.insert(70, "not a packet".into());
    let name = "aircraft.ATR42.202611291400.flight.iwg1";
    t.drop_file(name, lines.join("\n").as_bytes());
    let product = common::product_of(common::next_event(&mut ws).await);
    assert_eq!(product.media_type, "text/plain");
    let (status, track) = t
        .get_json(&format!("/api/v1/products/{}/track", product.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{track}");
    assert_eq!(track["properties"]["points"], 100);
    assert_eq!(track["properties"]["refused"], 2);
    assert_eq!(track["properties"]["platform"], "ATR42");
    let times = track["properties"]["times"].as_array().unwrap();
    assert!(
        times.windows(2).all(|w| w[0].as_str() < w[1].as_str()),
        "in time order"
    );
    let reasons = track["properties"]["reasons"].as_array().unwrap();
    assert!(
        reasons[0]
            .as_str()
            .unwrap()
            .starts_with("line 51: no position"),
        "{reasons:?}"
    );

    // Only .iwg1 products have a track; a restricted one is the public's 404.
    t.drop_file("aircraft.ATR42.202611291400.quicklook.png", &common::png(1));
    let png = common::product_of(common::next_event(&mut ws).await);
    let (status, _) = t
        .get_json(&format!("/api/v1/products/{}/track", png.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    t.drop_file(
        "aircraft.FALCON.202611291400.flight.iwg1",
        packet(1, true).as_bytes(),
    );
    let hidden = common::product_of(common::next_event(&mut ws).await);
    let url = t.url(&format!("/api/v1/products/{}/track", hidden.id));
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!response.text().await.unwrap().contains("43.5"));
    let (status, _) = t
        .get_json(&format!("/api/v1/products/{}/track", hidden.id))
        .await;
    assert_eq!(status, StatusCode::OK, "participants see it");
    let (status, _) = t.get_json("/api/v1/products/999999/track").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn in_participants_mode_a_relay_sends_positions_and_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let relay_token = add_provider(dir.path(), "ground", &["--platform", "ATR42"]);
    // The default mode, as a campaign runs.
    let t = TestServer::start_with(dir, |args| {
        args.access.access = opsboard::auth::Access::Participants;
    })
    .await;
    t.add_aircraft(&["ATR42"]).await;
    let (status, outcome) = relay(&t, &relay_token, "ATR42", packet(0, false)).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["accepted"], 1);
    let (status, position) = t.get_json("/api/v1/platforms/ATR42/position").await;
    assert_eq!(
        (status, position["lon"].as_f64()),
        (StatusCode::OK, Some(1.0))
    );
    let token_only = client_with(&relay_token);
    for path in [
        "/api/v1/platforms/ATR42/track",
        "/api/v1/platforms/ATR42/position",
        "/api/v1/platforms/ATR42/iwg1",
        "/api/v1/platforms/ATR42/iwg1/x",
        "/api/v1/products",
    ] {
        let response = token_only.get(t.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_soundings_table_and_a_predicted_trajectory_are_balloon_tracks() {
    let (t, _, _) = start(&[]).await;
    let mut ws = t.events(None).await;
    // A radiosonde's table: seconds after launch, decimal commas, a bad row.
    let mut table = String::from("Time (s);P (hPa);T (C);Lat (deg);Lon (deg);Alt (m)\n");
    for s in 0..600 {
        let lat = 43.6 + f64::from(s) * 1e-4;
        table.push_str(&format!("{s};1000;15;{lat:.4};1,44;{}\n", 150 + 5 * s).replace(".", ","));
    }
    table.push_str("600;500;-20;-9999;-9999;3150\n");
    t.drop_file("upperair.TLS.202611291100.sounding.csv", table.as_bytes());
    let sounding = common::product_of(common::next_event(&mut ws).await);
    let path = format!("/api/v1/products/{}/track", sounding.id);
    let (status, track) = t.get_json(&path).await;
    assert_eq!(status, StatusCode::OK, "{track}");
    assert_eq!(track["properties"]["points"], 600);
    assert_eq!(track["properties"]["refused"], 1);
    assert_eq!(track["properties"]["times"][0], "2026-11-29T11:00:00.000Z");
    assert_eq!(
        track["properties"]["times"][599],
        "2026-11-29T11:09:59.000Z"
    );
    assert_eq!(
        track["geometry"]["coordinates"][599],
        serde_json::json!([1.44, 43.6599, 3145.0])
    );
    // Simplified for a map: the sonde rose straight north.
    let (_, simple) = t.get_json(&format!("{path}?tolerance=0.001")).await;
    assert_eq!(simple["properties"]["points"], 2);

    // A predicted trajectory.
    let predicted = serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[1.44, 43.6, 150], [1.9, 43.8, 25000], [2.3, 43.9, 300]]},
        "properties": {"times": ["2026-11-29T11:00:00Z", "2026-11-29T12:30:00Z", "2026-11-29T13:05:00Z"]}
    });
    t.drop_file(
        "upperair.TLS.202611291100.predicted.geojson",
        predicted.to_string().as_bytes(),
    );
    let prediction = common::product_of(common::next_event(&mut ws).await);
    let (status, track) = t
        .get_json(&format!("/api/v1/products/{}/track", prediction.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{track}");
    assert_eq!(track["properties"]["points"], 3);

    // Tables and GeoJSON without what a track needs: 422 with the reason.
    for (name, body, says) in [
        (
            "upperair.TLS.202611291200.ptu.csv",
            "P (hPa),T (C)\n1000,15\n".to_string(),
            "latitude",
        ),
        (
            "upperair.TLS.202611291200.untimed.geojson",
            r#"{"type": "LineString", "coordinates": [[1, 43], [2, 44]]}"#.to_string(),
            "needs times",
        ),
        (
            "upperair.TLS.202611291300.broken.geojson",
            "{\"type\": ".repeat(1000),
            "not readable",
        ),
    ] {
        t.drop_file(name, body.as_bytes());
        let product = common::product_of(common::next_event(&mut ws).await);
        let (status, refusal) = t
            .get_json(&format!("/api/v1/products/{}/track", product.id))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {refusal}"
        );
        assert!(refusal.to_string().contains(says), "{name}: {refusal}");
    }
}

/// A packet at `second` past 14:00 UTC at (`lon`, `lat`).
fn packet_at(second: u32, lon: f64, lat: f64) -> String {
    format!(
        "IWG1,20261129T14{:02}{:02},{lat:.3},{lon:.3},9000,,,,200{}",
        second / 60,
        second % 60,
        ",".repeat(24)
    )
}

/// Whether a search with `query` finds product `id`.
async fn finds(t: &TestServer, query: &str, id: i64) -> bool {
    let (status, found) = t.get_json(&format!("/api/v1/search?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|hit| hit["kind"] == "product" && hit["id"] == id)
}

#[tokio::test]
async fn a_flights_track_is_its_place_even_across_the_date_line() {
    let (t, _, _) = start(&[]).await;
    let mut ws = t.events(None).await;
    let flight: Vec<String> = (0..100)
        .map(|s| packet_at(s, 1.0 + f64::from(s) * 0.01, 43.5 + f64::from(s) * 0.005))
        .collect();
    t.drop_file(
        "aircraft.ATR42.202611291400.flight.iwg1",
        flight.join("\n").as_bytes(),
    );
    let product = common::product_of(common::next_event(&mut ws).await);
    assert_eq!(product.meta.bbox, Some([1.0, 43.5, 1.99, 43.995]));
    assert!(
        finds(&t, "bbox=1.5,43,2.5,44", product.id).await,
        "found by its area"
    );
    assert!(
        !finds(&t, "bbox=10,43,11,44", product.id).await,
        "not by another"
    );
    let (_, items) = t
        .get_json("/stac/v1/search?bbox=1.5,43,2.5,44&limit=100")
        .await;
    let item = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"].as_str().is_some_and(|id| id.contains("flight")))
        .unwrap_or_else(|| panic!("the flight's STAC item: {items}"));
    assert_eq!(item["bbox"], serde_json::json!([1.0, 43.5, 1.99, 43.995]));

    // Over the Pacific, across the date line: the box wraps (west > east),
    // and a sidecar's box across it is taken too.
    let pacific: Vec<String> = (0..20)
        .map(|s| {
            let lon = 179.9 + f64::from(s) * 0.01;
            packet_at(s, if lon > 180.0 { lon - 360.0 } else { lon }, -17.0)
        })
        .collect();
    t.drop_file(
        "aircraft.FALCON.202611291400.flight.iwg1",
        pacific.join("\n").as_bytes(),
    );
    let crossing = common::product_of(common::next_event(&mut ws).await);
    let [west, _, east, _] = crossing.meta.bbox.expect("a box");
    assert!(west > 179.0 && east < -179.0, "{:?}", crossing.meta.bbox);
    assert!(finds(&t, "bbox=179.5,-18,180,-16", crossing.id).await);
    let fiji = "satellite.HIMAWARI.202611291400.ir108.png";
    t.drop_file(
        &format!("{fiji}.json"),
        br#"{"bbox": [170, -20, -170, -10]}"#,
    );
    t.drop_file(fiji, &common::png(1));
    let image = common::product_of(common::next_event(&mut ws).await);
    assert_eq!(image.file_name, fiji, "catalogued, not refused");
    assert!(finds(&t, "bbox=175,-15,176,-14", image.id).await);
}
