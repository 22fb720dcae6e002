//! Flight plans through the real server: a KML, a GPX, an FTML and a DMS
//! CSV attached to an operation with the right waypoints and bounds, on the
//! event stream; GPX and KML exports read back equal; viewers cannot attach;
//! hostile files refused with a reason.

use media::plan::parse;
use model::tracks::plan::PlanFormat;
use model::EventKind;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common;
use crate::operations::{campaign, planned_flight};
use common::{next_event, post_body, TestServer};

const KML: &str = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Squall line</name>
<Placemark><name>Francazal</name><Point><coordinates>1.3675,43.545,165</coordinates></Point></Placemark>
<Placemark><name>A</name><Point><coordinates>-0.5,44,3000</coordinates></Point></Placemark>
<Placemark><name>B &amp; C</name><Point><coordinates>-1.2,45.1,3000</coordinates></Point></Placemark>
</Document></kml>"#;
const GPX: &str = r#"<gpx version="1.1"><rte><rtept lat="13.16" lon="-59.43"><name>BGI</name></rtept>
<rtept lat="14.5" lon="-55"><ele>10000</ele><name>C1</name></rtept></rte></gpx>"#;
const FTML: &str = r#"<FlightTrack version="9.1.0"><ListOfWaypoints>
<Waypoint flightlevel="0" lat="67.821" location="Kiruna" lon="20.336"/>
<Waypoint flightlevel="250" lat="72.5" location="" lon="15.0"/>
<Waypoint flightlevel="0" lat="78.928" location="Ny-Alesund" lon="11.986"/>
</ListOfWaypoints></FlightTrack>"#;
const CSV: &str =
    "Name;Latitude;Longitude;FL\nLFBF;43°32'42\"N;001°22'03\"E;0\nP1;N 44 00,5;W 000 30,25;95\n";

async fn attach(
    t: &TestServer,
    client: &reqwest::Client,
    id: i64,
    query: &str,
    body: &str,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/operations/{id}/plans?{query}");
    post_body(t, client, &path, body.to_string()).await
}

#[tokio::test]
async fn plans_of_each_format_attach_with_their_waypoints_and_export_back_equal() {
    let (t, scientist, viewer) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let mut ws = t.events(None).await;
    let cases = [
        ("format=kml", KML, 3, [-1.2, 43.545, 1.3675, 45.1]),
        ("file=curtain.GPX", GPX, 2, [-59.43, 13.16, -55.0, 14.5]),
        (
            "format=ftml&name=Arctic",
            FTML,
            3,
            [11.986, 67.821, 20.336, 78.928],
        ),
        (
            "format=csv",
            CSV,
            2,
            [-0.5041666666666667, 43.545, 1.3675, 44.00833333333333],
        ),
    ];
    let mut ids = Vec::new();
    for (query, body, count, bounds) in cases {
        let (status, plan) = attach(&t, &scientist, id, query, body).await;
        assert_eq!(status, StatusCode::CREATED, "{query}: {plan}");
        assert_eq!(
            plan["waypoints"].as_array().unwrap().len(),
            count,
            "{query}"
        );
        let got: Vec<f64> = plan["bounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        for (g, b) in got.iter().zip(bounds) {
            assert!((g - b).abs() < 1e-4, "{query}: {got:?}");
        }
        assert_eq!(plan["created_by"], "marie");
        let EventKind::FlightPlanSaved { plan: announced } = next_event(&mut ws).await.kind else {
            panic!("flight_plan.saved")
        };
        assert_eq!(announced.operation_id, id);
        ids.push(plan["id"].as_i64().unwrap());
    }
    let (_, listed) = t.get_json(&format!("/api/v1/operations/{id}/plans")).await;
    assert_eq!(listed.as_array().unwrap().len(), 4);
    assert_eq!(listed[0]["name"], "Squall line");
    assert_eq!(
        listed[1]["name"], "curtain.GPX",
        "the file's name when the plan has none"
    );
    assert_eq!(listed[2]["name"], "Arctic");
    assert_eq!(listed[2]["waypoints"][1]["alt"], 250.0 * 30.48);

    // GPX and KML exports, read by the same readers, give the same plan.
    let original = parse(PlanFormat::Kml, KML).unwrap();
    for (ext, format) in [("gpx", PlanFormat::Gpx), ("kml", PlanFormat::Kml)] {
        let response = viewer
            .get(t.url(&format!("/api/v1/plans/{}/{ext}", ids[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&format!("plan-{}.{ext}", ids[0])),
            "{disposition}"
        );
        let back = parse(format, &response.text().await.unwrap()).unwrap();
        assert_eq!(back, original, "{ext}");
    }
    let (status, timed) = t
        .get_json(&format!("/api/v1/plans/{}?speed_kmh=400", ids[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let length = timed["length_km"].as_f64().unwrap();
    // Francazal to A about 158 km, A to B about 134 km (great circles).
    assert!((288.0..297.0).contains(&length), "{length}");
    assert_eq!(
        timed["duration_s"].as_i64(),
        Some((length / 400.0 * 3600.0).floor() as i64)
    );
    let (status, _) = t
        .get_json(&format!("/api/v1/plans/{}?speed_kmh=-1", ids[0]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn viewers_cannot_attach_and_hostile_plans_are_refused_with_a_reason() {
    let (t, scientist, viewer) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let (status, _) = attach(&t, &viewer, id, "format=kml", KML).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = attach(&t, &scientist, 9_999, "format=kml", KML).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bomb = r#"<!DOCTYPE k [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><kml>&b;</kml>"#;
    let big = "x".repeat(5 << 20);
    let cases = [
        ("", KML, "say the plan's format"),
        ("format=shp", KML, "say the plan's format"),
        ("format=kml", bomb, "not readable XML"),
        ("format=gpx", "<gpx/>", "no waypoints"),
        ("format=csv", "lat;lon\n95;0\n", "latitude 95"),
        ("format=kml", big.as_str(), "over"),
    ];
    for (query, body, reason) in cases {
        let (status, refused) = attach(&t, &scientist, id, query, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {refused}");
        let text = refused["reason"].as_str().unwrap_or_default();
        assert!(text.contains(reason), "{query}: {text}");
    }
    let response = scientist
        .post(t.url(&format!("/api/v1/operations/{id}/plans?format=csv")))
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (_, listed) = t.get_json(&format!("/api/v1/operations/{id}/plans")).await;
    assert_eq!(listed, serde_json::json!([]), "nothing kept");
    let (status, _) = t.get_json("/api/v1/plans/12345/gpx").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_kml_with_a_flight_path_wind_barbs_and_an_airspace_attaches_the_path() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let path: Vec<String> = (0..60)
        .map(|i| {
            format!(
                "{:.3},{:.3},9000",
                1.0 - f64::from(i) * 0.05,
                43.5 + f64::from(i) * 0.03
            )
        })
        .collect();
    let kml = format!(
        r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>HALO-like</name>
<Placemark><name>25 kt</name><Point><coordinates>5,50</coordinates></Point></Placemark>
<Placemark><name>30 kt</name><Point><coordinates>6,51</coordinates></Point></Placemark>
<Placemark><name>FIR</name><Polygon><outerBoundaryIs><LinearRing><coordinates>0,40 9,40 9,49 0,40</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>path</name><LineString><coordinates>{}</coordinates></LineString></Placemark>
</Document></kml>"#,
        path.join(" ")
    );
    let (status, plan) = attach(&t, &scientist, id, "file=rf07.kml", &kml).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!(plan["waypoints"].as_array().unwrap().len(), 60, "{plan}");
    let skipped = plan["skipped"].to_string();
    assert!(
        skipped.contains("polygon") && skipped.contains("2 point placemark"),
        "{skipped}"
    );
    // An airspace alone is refused, with the reason.
    let fir = r#"<kml><Document><Placemark><Polygon><outerBoundaryIs><LinearRing>
<coordinates>0,40 9,40 9,49 0,40</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"#;
    let (status, refused) = attach(&t, &scientist, id, "format=kml", fir).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["reason"].as_str().unwrap().contains("polygons"),
        "{refused}"
    );
}

/// A KML zipped as Google Earth saves it (`doc.kml` in a KMZ, deflated).
fn kmz_of(kml: &str) -> Vec<u8> {
    zip_of("doc.kml", kml)
}

/// A zip of one deflated file `name` holding `text`.
fn zip_of(name: &str, text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, deflated).unwrap();
    zip.write_all(text.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_kmz_and_a_flitestar_route_attach_and_a_scientist_removes_a_plan() {
    let (t, scientist, viewer) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let (status, zipped) = post_body(
        &t,
        &scientist,
        &format!("/api/v1/operations/{id}/plans?file=squall.kmz"),
        kmz_of(KML),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{zipped}");
    assert_eq!(zipped["format"], "kml");
    assert_eq!(zipped["waypoints"].as_array().unwrap().len(), 3);
    let route = "# FliteStar/FliteMap generated flight plan.\n\
                 FWP 1 A LFBO N 43 38.1 E 1 22.1 500\n\
                 FWP 2 W P1 N 44 30.0 W 0 30.0 31000\n";
    let (status, flitestar) = attach(&t, &scientist, id, "file=rf02.txt", route).await;
    assert_eq!(status, StatusCode::CREATED, "{flitestar}");
    assert_eq!(flitestar["format"], "flitestar");
    assert_eq!(flitestar["waypoints"][1]["label"], "P1");
    assert_eq!(flitestar["waypoints"][1]["lon"], -0.5);
    // Hostile zips: empty, not a zip, truncated, no KML inside, a KML over
    // the limit inside (5 MiB that deflate to a few KiB), a broken KML.
    let big = format!("<kml>{}</kml>", " ".repeat(5 << 20));
    for (body, reason) in [
        (Vec::new(), "not a readable zip"),
        (b"PK not a zip".to_vec(), "not a readable zip"),
        (zip_of("readme.txt", "a plan?"), "no .kml"),
        (kmz_of("<kml><Document>"), "not readable XML"),
        (
            kmz_of("").into_iter().take(10).collect(),
            "not a readable zip",
        ),
        (kmz_of(&big), "over"),
    ] {
        let path = format!("/api/v1/operations/{id}/plans?format=kmz");
        let (status, refused) = post_body(&t, &scientist, &path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(
            refused["reason"].as_str().unwrap().contains(reason),
            "{refused}"
        );
    }
    // And the next good one still attaches.
    let (status, newer) = post_body(
        &t,
        &scientist,
        &format!("/api/v1/operations/{id}/plans?file=again.kmz"),
        kmz_of(KML),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{newer}");

    // Removing: not a viewer's to do; a scientist's, announced on the stream.
    let plan = zipped["id"].as_i64().unwrap();
    let mut ws = t.events(None).await;
    let path = t.url(&format!("/api/v1/plans/{plan}"));
    let refused = viewer.delete(&path).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let removed = scientist.delete(&path).send().await.unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    loop {
        let event = next_event(&mut ws).await;
        if let EventKind::FlightPlanRemoved {
            id: gone,
            operation_id,
        } = event.kind
        {
            assert_eq!((gone, operation_id), (plan, id));
            break;
        }
    }
    let again = scientist.delete(&path).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let (_, listed) = t.get_json(&format!("/api/v1/operations/{id}/plans")).await;
    let left: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let kept = [&flitestar, &newer].map(|p| p["id"].as_i64().unwrap());
    assert_eq!(left, kept);
}
