//! The WMS checked by its clients' own code: OWSLib (from PyPI, in the
//! test tools' environment, `scripts/stac-tools.sh`) reads the capabilities
//! with a personal token as its Basic password, in participants mode, finds
//! the layer's dimensions and gets a map for a chosen time, run and
//! elevation — the same pixels as the API's map of that box; and the
//! capabilities and an exception validate against the OGC WMS 1.3.0 schemas
//! the repository carries (server/tests/ogc-schemas), offline.

use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;

use crate::common::{next_event, product_of, TestServer};
use crate::stac::tool;

/// Runs `args` with the test tools' Python; its status and output.
async fn python(args: Vec<String>) -> (bool, String) {
    let program = tool("python");
    tokio::task::spawn_blocking(move || {
        let output = Command::new(program)
            .args(args)
            .output()
            .expect("python runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    })
    .await
    .expect("joined")
}

fn here(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

#[tokio::test]
async fn owslib_reads_the_capabilities_and_gets_a_map_and_the_documents_validate() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants
    })
    .await;
    let mut ws = t.events(None).await;
    let gfs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2");
    t.drop_file(
        "model.GFS.201101101200.120h_pgrb.grib2",
        &std::fs::read(gfs).expect("scripts/grib-samples.sh"),
    );
    let product = product_of(next_event(&mut ws).await);

    let out = tempfile::tempdir().unwrap();
    let (ok, said) = python(vec![
        here("tests/wms_client.py"),
        t.url("/wms"),
        t.token.clone(),
        "GFS.t.isobaricInhPa".into(),
        out.path().to_string_lossy().into_owned(),
    ])
    .await;
    assert!(ok, "OWSLib: {said}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["version"], "1.3.0");
    let dimensions = &report["dimensions"];
    assert_eq!(
        dimensions["time"]["values"],
        serde_json::json!(["2011-01-15T12:00:00Z"])
    );
    assert_eq!(
        dimensions["reference_time"]["values"],
        serde_json::json!(["2011-01-10T12:00:00Z"])
    );
    let levels = dimensions["elevation"]["values"].as_array().unwrap();
    assert!(levels.contains(&serde_json::json!("850")), "{levels:?}");
    for crs in ["CRS:84", "EPSG:3857", "EPSG:4326"] {
        assert!(
            report["crs"].as_array().unwrap().contains(&crs.into()),
            "{report}"
        );
    }
    for operation in ["GetCapabilities", "GetFeatureInfo", "GetMap"] {
        assert!(
            report["operations"]
                .as_array()
                .unwrap()
                .contains(&operation.into()),
            "{report}"
        );
    }
    assert!(
        report["exception"]
            .as_str()
            .unwrap_or_default()
            .contains("no layer"),
        "{report}"
    );

    // OWSLib's map (EPSG:4326, which it sends latitude first) is the API's.
    let api = t
        .http
        .get(t.url(&format!(
            "/api/v1/products/{}/map?field=t&level=850&bbox=-20,30,40,60&width=60&height=30",
            product.id
        )))
        .send()
        .await
        .unwrap();
    let want = image::load_from_memory(&api.bytes().await.unwrap())
        .unwrap()
        .to_rgba8();
    let got = image::open(out.path().join("map.png")).unwrap().to_rgba8();
    assert_eq!(got, want);

    // The documents against OGC's schemas, offline.
    let capabilities = t
        .http
        .get(t.url("/wms?SERVICE=WMS&REQUEST=GetCapabilities"))
        .send()
        .await
        .unwrap();
    assert_eq!(capabilities.status(), StatusCode::OK);
    let doc = out.path().join("capabilities.xml");
    std::fs::write(&doc, capabilities.bytes().await.unwrap()).unwrap();
    let refused = t
        .http
        .get(t.url("/wms?REQUEST=GetMap&LAYERS=nope&CRS=CRS:84&BBOX=0,0,1,1&WIDTH=1&HEIGHT=1"))
        .send()
        .await
        .unwrap();
    let exception = out.path().join("exception.xml");
    std::fs::write(&exception, refused.bytes().await.unwrap()).unwrap();
    for (schema, document) in [
        ("tests/ogc-schemas/wms/1.3.0/capabilities_1_3_0.xsd", &doc),
        (
            "tests/ogc-schemas/wms/1.3.0/exceptions_1_3_0.xsd",
            &exception,
        ),
    ] {
        let (ok, said) = python(vec![
            here("tests/wms_validate.py"),
            here(schema),
            document.to_string_lossy().into_owned(),
        ])
        .await;
        assert!(ok, "{schema}: {said}");
    }
}
