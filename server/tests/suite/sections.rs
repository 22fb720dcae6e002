//! A field along a flight plan through the real server: an ERA5 run
//! (NetCDF-4, 27 pressure levels; pycontrails' sample) and an operation
//! taking off 13:10 with a KML plan. The plan's section comes from that
//! run at its valid time nearest the take-off, on every level, named by the
//! plan's waypoints with its altitude in pressure; its values are the
//! field's at the places (the API's `/value` at a grid point); the chart
//! parses; Open-MSS's vertical-view request (`crs=VERT:LOGP`, `path=`,
//! `bbox=points,p_bottom,labels,p_top`) gets the picture.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{next_event, post_body, product_of};
use crate::operations::{campaign, send};
use crate::wms::exception_code;

const KML: &str = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Gulf of Biscay</name>
<Placemark><name>Francazal</name><Point><coordinates>1.3675,43.545,165</coordinates></Point></Placemark>
<Placemark><name>A</name><Point><coordinates>-0.5,44,3000</coordinates></Point></Placemark>
<Placemark><name>B &amp; C</name><Point><coordinates>-1.2,45.1,3000</coordinates></Point></Placemark>
</Document></kml>"#;

#[tokio::test]
async fn a_plans_section_comes_from_the_run_nearest_take_off_and_msui_gets_it() {
    let (t, scientist, _) = campaign().await;
    let mut ws = t.events(None).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/met-20190101-eu.nc");
    let bytes = std::fs::read(&path).expect("scripts/grib-samples.sh (make unit runs it)");
    t.drop_file("model.ERA5.201901011200.pl.nc", &bytes);
    let era5 = loop {
        let event = next_event(&mut ws).await;
        if matches!(event.kind, model::EventKind::ProductAdded { .. }) {
            break product_of(event);
        }
    };
    let flight = json!({
        "platform": "ATR42", "kind": "flight", "title": "Biscay",
        "planned_start": "2019-01-01T13:10:00Z", "planned_end": "2019-01-01T16:00:00Z",
        "objectives": "Under the front"
    });
    let (status, operation) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/operations"),
        Some(flight),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{operation}");
    let op = operation["id"].as_i64().unwrap();
    let (status, attached) = post_body(
        &t,
        &scientist,
        &format!("/api/v1/operations/{op}/plans?format=kml"),
        KML.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{attached}");
    let plan = attached["id"].as_i64().unwrap();

    let (status, section) = t
        .get_json(&format!(
            "/api/v1/plans/{plan}/section?field=t&format=json&points=41"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{section}");
    assert_eq!(section["product_id"], era5.id);
    assert_eq!(section["platform"], "ERA5");
    assert_eq!(section["valid_time"], "2019-01-01T13:00:00Z");
    assert_eq!(section["units"], "K");
    let levels: Vec<f64> = serde_json::from_value(section["levels"].clone()).unwrap();
    assert_eq!((levels.len(), levels[0], levels[26]), (27, 1000.0, 100.0));
    let marks = section["waypoints"].as_array().unwrap();
    let labels: Vec<&str> = marks.iter().map(|m| m["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Francazal", "A", "B & C"]);
    let (_, stored) = t.get_json(&format!("/api/v1/plans/{plan}")).await;
    let length = stored["length_km"].as_f64().unwrap();
    let distances: Vec<f64> = serde_json::from_value(section["distance_km"].clone()).unwrap();
    assert_eq!(distances.len(), 41);
    assert!(
        (distances[40] - length).abs() < 0.01,
        "{} vs {length}",
        distances[40]
    );
    // 3000 m in the ICAO standard atmosphere.
    assert!((marks[1]["pressure_hpa"].as_f64().unwrap() - 701.1).abs() < 0.1);
    let values = section["values"].as_array().unwrap();
    assert_eq!(values.len(), 27);
    assert!(values
        .iter()
        .all(|row| row.as_array().unwrap().iter().all(Value::is_number)));

    // Through grid points: the section's value is the field's there.
    let url = |query: &str| format!("/api/v1/products/{}/{query}", era5.id);
    let (status, along) = t
        .get_json(&url(
            "section?field=t&path=45,5;45,6&points=5&time=2019-01-01T13:00:00Z&format=json",
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{along}");
    let at_850 = levels.iter().position(|l| *l == 850.0).unwrap();
    let (_, probed) = t
        .get_json(&url(
            "value?field=t&level=850&time=2019-01-01T13:00:00Z&lat=45&lon=5",
        ))
        .await;
    let ours = along["values"][at_850][0].as_f64().unwrap();
    assert!(
        (ours - probed["value"].as_f64().unwrap()).abs() < 1e-3,
        "{ours} {probed}"
    );

    let chart = t
        .http
        .get(t.url(&format!("/api/v1/plans/{plan}/section?field=t")))
        .send()
        .await
        .unwrap();
    assert_eq!(chart.headers()["content-type"], "image/svg+xml");
    let svg = chart.text().await.unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("SVG");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for text in [
        "ERA5 t (K) along the plan, valid 2019-01-01 13:00 UTC",
        "B & C",
        "850 hPa",
    ] {
        assert!(texts.contains(&text), "{text}: {texts:?}");
    }
    assert!(doc
        .descendants()
        .any(|n| n.attribute("class") == Some("planned-altitude")));

    // Open-MSS's vertical view.
    let capabilities = t
        .http
        .get(t.url("/wms?request=GetCapabilities&service=WMS"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&capabilities).unwrap();
    let layer = doc
        .descendants()
        .find(|n| n.has_tag_name("Name") && n.text() == Some("ERA5.t.isobaricInhPa"))
        .and_then(|n| n.parent())
        .unwrap();
    assert!(layer
        .children()
        .any(|n| n.has_tag_name("CRS") && n.text() == Some("VERT:LOGP")));
    let vsec = |extra: &str| {
        t.url(&format!(
            "/wms?request=GetMap&version=1.3.0&layers=ERA5.t.isobaricInhPa&styles=&crs=VERT:LOGP\
             &width=300&height=200&format=image/png&exceptions=XML&transparent=true\
             &time=2019-01-01T13:00:00Z{extra}"
        ))
    };
    let got = t
        .http
        .get(vsec(
            "&bbox=101,1050,10,180&path=43.55,1.37,44.00,-0.50,45.10,-1.20",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let picture = image::load_from_memory(&got.bytes().await.unwrap())
        .unwrap()
        .to_rgba8();
    assert_eq!(picture.dimensions(), (300, 200));
    // 1050 to 1000 hPa (the foot) has no level: clear; the rest is drawn,
    // warmer low than high.
    assert_eq!(picture.get_pixel(150, 199)[3], 0);
    assert_eq!(picture.get_pixel(150, 100)[3], 255);
    assert_ne!(picture.get_pixel(150, 190), picture.get_pixel(150, 5));
    for (extra, code) in [
        ("&bbox=101,1050,10,180", "InvalidParameterValue"),
        (
            "&bbox=101,180,10,1050&path=45,5,46,6",
            "InvalidParameterValue",
        ),
        (
            "&bbox=1e9,1050,10,180&path=45,5,46,6",
            "InvalidParameterValue",
        ),
        (
            "&bbox=101,1050,10,180&path=45,5,46",
            "InvalidParameterValue",
        ),
        (
            "&bbox=101,1050,10,180&path=95,5,46,6",
            "InvalidParameterValue",
        ),
    ] {
        let body = t
            .http
            .get(vsec(extra))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(exception_code(&body), code, "{extra}");
    }

    // More places than a path may hold.
    let long = vec!["45,5"; 501].join(";");
    let (status, body) = t
        .get_json(&url(&format!("section?field=t&path={long}")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 500 places"),
        "{body}"
    );
    for (query, reason) in [
        ("section?field=t", "plan= (a flight plan's id) or path="),
        ("section?field=t&path=45,5", "two places at least"),
        ("section?field=t&path=45,5;north,6", "latitudes -90 to 90"),
        (
            "section?field=nope&path=45,5;46,6",
            "no field \"nope\" on pressure levels",
        ),
        ("section?field=t&path=45,5;46,6&points=1", "points=1"),
        (
            "section?field=t&path=45,5;46,6&points=1000000000",
            "points=1000000000",
        ),
        ("section?field=t&path=", "two places at least"),
        ("section?field=t&path=;;", "two places at least"),
        ("section?field=t&path=45,5;46", "lat,lon pairs"),
        ("section?field=t&plan=999999", "flight plan"),
        (
            "section?field=t&path=45,5;46,6&format=gif",
            "svg, json or png",
        ),
    ] {
        let (status, body) = t.get_json(&url(query)).await;
        let expected = if query.contains("plan=") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(status, expected, "{query}: {body}");
        assert!(
            body["reason"].as_str().unwrap_or_default().contains(reason),
            "{query}: {body}"
        );
    }
}
