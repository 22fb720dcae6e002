//! A GRIB2 product's fields through the real server: a GFS run dropped
//! (pygrib's sample, `scripts/grib-samples.sh`) lists its parameters by
//! level type with their levels and times; a product that is not GRIB, or
//! a file that only says it is, gets a reason.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{next_event, png, product_of, TestServer};

fn gfs() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2");
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
    assert_eq!(find("2t", "heightAboveGround")["levels"][0], 2.0);
    assert_eq!(find("prmsl", "meanSea")["messages"], 1);

    let (status, body) = t
        .get_json(&format!("/api/v1/products/{}/fields", image.id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("not a GRIB file"), "{body}");
    let (status, body) = t
        .get_json(&format!("/api/v1/products/{}/fields", fake.id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.to_string().contains("cannot be read as GRIB2"),
        "{body}"
    );
    let (status, _) = t.get_json("/api/v1/products/999999/fields").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
