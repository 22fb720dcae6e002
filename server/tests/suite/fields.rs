//! A GRIB2 product's fields through the real server: a GFS run dropped
//! (pygrib's sample, `scripts/grib-samples.sh`) lists its parameters by
//! level type with their levels and times; a product that is not GRIB, or
//! a file that only says it is, gets a reason; a value is the nearest grid
//! point's, equal to ecCodes' there.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{next_event, png, product_of, TestServer};

fn gfs_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2")
}

fn gfs() -> Vec<u8> {
    let path = gfs_path();
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run scripts/grib-samples.sh (make unit does)",
            path.display()
        )
    })
}

#[tokio::test]
async fn a_grib2_product_lists_its_fields_and_anything_else_gets_a_reason() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &gfs());
    let gfs = product_of(next_event(&mut ws).await);
    t.drop_file("satellite.MSG.201101101200.ir108.png", &png(1));
    let image = product_of(next_event(&mut ws).await);
    t.drop_file(
        "model.FAKE.201101101200.000h_pgrb.grib2",
        b"GRIB and then nothing of it",
    );
    let fake = product_of(next_event(&mut ws).await);

    let (status, fields) = t
        .get_json(&format!("/api/v1/products/{}/fields", gfs.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{fields}");
    let fields = fields.as_array().unwrap();
    let find = |name: &str, level_type: &str| -> &Value {
        fields
            .iter()
            .find(|f| f["field"] == name && f["level_type"] == level_type)
            .unwrap_or_else(|| panic!("{name} on {level_type}: {fields:?}"))
    };
    let t850 = find("t", "isobaricInhPa");
    let levels: Vec<f64> = t850["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_f64().unwrap())
        .collect();
    assert!(
        levels.contains(&850.0) && levels.contains(&500.0),
        "{levels:?}"
    );
    assert_eq!(t850["reference_time"], "2011-01-10T12:00:00Z");
    assert_eq!(t850["valid_times"][0], "2011-01-15T12:00:00Z");
    assert_eq!(t850["grid"]["kind"], "regular_ll");
    assert_eq!(t850["grid"]["points"], 144 * 73);
    assert_eq!(
        (t850["grid"]["nx"].as_u64(), t850["grid"]["ny"].as_u64()),
        (Some(144), Some(73))
    );
    // 0° to 357.5° E, as -180° to 177.5°: the whole globe, west first.
    assert_eq!(
        t850["grid"]["bbox"],
        serde_json::json!([-180.0, -90.0, 177.5, 90.0])
    );
    assert_eq!(find("2t", "heightAboveGround")["levels"][0], 2.0);
    assert_eq!(find("prmsl", "meanSea")["messages"], 1);

    let (status, body) = t
        .get_json(&format!("/api/v1/products/{}/fields", image.id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("not a model file"), "{body}");
    let (status, body) = t
        .get_json(&format!("/api/v1/products/{}/fields", fake.id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.to_string()
            .contains("the file cannot be read: GRIB2: not GRIB edition 2"),
        "{body}"
    );
    let (status, _) = t.get_json("/api/v1/products/999999/fields").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// ecCodes' value of t at 850 hPa at a grid point of the GFS file.
fn eccodes_t850(lat: f64, lon: f64) -> f64 {
    crate::field_maps::eccodes_value("shortName=t,typeOfLevel=isobaricInhPa,level=850", lat, lon)
}

#[tokio::test]
async fn a_value_is_the_nearest_grid_points_said_so_and_a_bad_ask_gets_a_reason() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &gfs());
    let gfs = product_of(next_event(&mut ws).await);
    let url = |query: &str| format!("/api/v1/products/{}/value?{query}", gfs.id);

    // Over the Alps, off the 2.5° grid: the nearest point, 45° N 5° E.
    let (status, found) = t.get_json(&url("field=t&level=850&lat=45.6&lon=5.9")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(
        (found["lat"].as_f64(), found["lon"].as_f64()),
        (Some(45.0), Some(5.0))
    );
    let theirs = eccodes_t850(45.0, 5.0);
    assert!(
        (found["value"].as_f64().unwrap() - theirs).abs() < 1e-3,
        "{found} vs {theirs}"
    );
    assert_eq!(found["units"], "K");
    assert_eq!(found["method"], "nearest grid point");
    assert_eq!(found["valid_time"], "2011-01-15T12:00:00Z");
    let km = found["distance_km"].as_f64().unwrap();
    assert!((90.0..110.0).contains(&km), "{km}");

    for (query, reason) in [
        ("field=nope&lat=0&lon=0", "no field \"nope\""),
        ("field=t&lat=0&lon=0", "give level="),
        ("field=t&level=851&lat=0&lon=0", "no level 851"),
        ("field=t&level=1e308&lat=0&lon=0", "no level"),
        ("field=t&level=850&lat=1e308&lon=0", "lat= is needed"),
        (
            "field=t&level=850&time=2011-01-16T00:00:00Z&lat=0&lon=0",
            "is not valid at",
        ),
        ("field=t&level=850&lat=95&lon=0", "lat= is needed"),
        ("field=t&level=850&lat=0", "lon= is needed"),
        ("level=850&lat=0&lon=0", "field= is needed"),
        ("field=t&level=850&time=tomorrow&lat=0&lon=0", "RFC 3339"),
    ] {
        let (status, body) = t.get_json(&url(query)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let said = body["reason"].as_str().unwrap_or_default();
        assert!(said.contains(reason), "{query}: {body}");
    }
    // Not a number at all: refused by the query's reader.
    let response = t
        .http
        .get(t.url(&url("field=t&level=850&lat=north&lon=0")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // The next good ask still goes through.
    let (status, again) = t.get_json(&url("field=t&level=850&lat=45&lon=5")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["value"], found["value"]);
    assert_eq!(again["distance_km"], 0.0);
}
