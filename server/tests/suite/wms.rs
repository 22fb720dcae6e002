//! The WMS through the real server, asked as its clients ask: the
//! capabilities parsed as XML (layers, their dimensions with values, a
//! legend); GetMap as msui sends it (lower-case keys, no SERVICE,
//! `dim_init_time`, EPSG:4326 latitude first, `bgcolor`) and as OWSLib
//! sends it (upper case, CRS:84) drawing exactly the API's map of the same
//! box; GetFeatureInfo giving ecCodes' value at a grid point; XML exceptions
//! with OGC's codes; a restricted run never in the public's capabilities
//! or maps; participants mode answering a token sent as a Basic password.

use reqwest::StatusCode;

use crate::common::{next_event, product_of, TestServer};

fn gfs() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2");
    std::fs::read(&path).expect("scripts/grib-samples.sh")
}

async fn fetch(client: &reqwest::Client, url: String) -> (StatusCode, String, Vec<u8>) {
    let response = client.get(url).send().await.expect("request");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    (status, kind, response.bytes().await.expect("body").to_vec())
}

fn pixels(png: &[u8]) -> image::RgbaImage {
    image::load_from_memory(png).expect("PNG").to_rgba8()
}

/// The code of a ServiceExceptionReport.
pub fn exception_code(xml: &[u8]) -> String {
    let text = String::from_utf8_lossy(xml);
    let doc = roxmltree::Document::parse(&text).expect("XML exception");
    doc.descendants()
        .find(|n| n.has_tag_name("ServiceException"))
        .and_then(|n| n.attribute("code"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn msui_and_owslib_requests_get_capabilities_maps_values_and_exceptions() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &gfs());
    let product = product_of(next_event(&mut ws).await);

    // msui's capabilities request.
    let (status, kind, body) = fetch(
        &t.http,
        t.url("/wms?request=GetCapabilities&service=WMS&version=1.3.0"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/xml"), "{kind}");
    let text = String::from_utf8(body).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("capabilities XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "WMS_Capabilities");
    assert_eq!(root.attribute("version"), Some("1.3.0"));
    let layer = doc
        .descendants()
        .filter(|n| n.has_tag_name("Layer"))
        .find(|n| {
            n.children()
                .any(|c| c.has_tag_name("Name") && c.text() == Some("GFS.t.isobaricInhPa"))
        })
        .expect("the layer of t on pressure levels");
    let dimension = |name: &str| {
        layer
            .children()
            .find(|c| c.has_tag_name("Dimension") && c.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("dimension {name}"))
    };
    assert_eq!(dimension("time").text(), Some("2011-01-15T12:00:00Z"));
    assert_eq!(
        dimension("reference_time").text(),
        Some("2011-01-10T12:00:00Z")
    );
    let elevation = dimension("elevation");
    assert_eq!(elevation.attribute("units"), Some("hPa"));
    let levels: Vec<&str> = elevation.text().unwrap().split(',').collect();
    assert!(
        levels.contains(&"850") && levels.contains(&"500"),
        "{levels:?}"
    );
    for d in doc.descendants().filter(|n| n.has_tag_name("Dimension")) {
        assert!(
            !d.text().unwrap_or_default().is_empty(),
            "{d:?} has no values"
        );
    }
    let legend = layer
        .descendants()
        .find(|n| n.has_tag_name("LegendURL"))
        .and_then(|n| n.descendants().find(|c| c.has_tag_name("OnlineResource")))
        .and_then(|n| n.attribute(("http://www.w3.org/1999/xlink", "href")))
        .expect("a legend URL");
    let path = legend
        .split_once("/wms")
        .map(|(_, p)| format!("/wms{p}"))
        .unwrap();
    let (status, kind, png) = fetch(&t.http, t.url(&path)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(pixels(&png).dimensions(), (320, 60));
    let svg = path.replace("image/png", "image/svg%2Bxml") + "&ELEVATION=850";
    let (status, kind, svg) = fetch(&t.http, t.url(&svg)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
    assert!(String::from_utf8_lossy(&svg).contains("t 850 hPa (°C)"));
    // No layer name holds a space (an unnamed level type is "type213").
    for name in doc.descendants().filter(|n| n.has_tag_name("Name")) {
        assert!(!name.text().unwrap_or_default().contains(' '), "{name:?}");
    }

    // The API's map of a box, 60 × 30 pixels.
    let api = format!(
        "/api/v1/products/{}/map?field=t&level=850&bbox=-20,30,40,60&width=60&height=30",
        product.id
    );
    let (_, _, want) = fetch(&t.http, t.url(&api)).await;
    let want = pixels(&want);
    // msui: lower case, no SERVICE, EPSG:4326 latitude first, its init time.
    let msui = concat!(
        "/wms?layers=GFS.t.isobaricInhPa&styles=&elevation=850&srs=EPSG:4326&crs=EPSG:4326",
        "&bbox=30,-20,60,40&width=60&height=30&format=image%2Fpng&exceptions=XML",
        "&transparent=FALSE&bgcolor=0xFFFFFF&version=1.3.0&request=GetMap",
        "&time=2011-01-15T12%3A00%3A00Z&dim_init_time=2011-01-10T12%3A00%3A00Z"
    );
    // OWSLib: upper case, CRS:84 longitude first, reference time by name.
    let owslib = concat!(
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=GFS.t.isobaricInhPa&STYLES=",
        "&CRS=CRS%3A84&BBOX=-20,30,40,60&WIDTH=60&HEIGHT=30&FORMAT=image%2Fpng",
        "&TRANSPARENT=TRUE&TIME=2011-01-15T12:00:00Z&ELEVATION=850",
        "&DIM_REFERENCE_TIME=2011-01-10T12:00:00Z"
    );
    for query in [msui, owslib] {
        let (status, kind, png) = fetch(&t.http, t.url(query)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{query}: {}",
            String::from_utf8_lossy(&png)
        );
        assert_eq!(kind, "image/png");
        assert_eq!(pixels(&png), want, "{query}");
    }
    // Defaults: the latest run, its first time, the first level (1000 hPa).
    let (status, _, png) = fetch(
        &t.http,
        t.url("/wms?request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=-20,30,40,60&width=60&height=30"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(pixels(&png), want, "1000 hPa is not 850 hPa");

    // The value at a grid point, 45° N 5° E, as ecCodes decodes it.
    let (status, kind, json) = fetch(
        &t.http,
        t.url(concat!(
            "/wms?request=GetFeatureInfo&version=1.3.0&layers=GFS.t.isobaricInhPa",
            "&query_layers=GFS.t.isobaricInhPa&crs=EPSG:4326&bbox=44.99,4.99,45.01,5.01",
            "&width=1&height=1&i=0&j=0&elevation=850&info_format=application/json"
        )),
    )
    .await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "application/json")
    );
    let info: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let theirs = crate::field_maps::eccodes_value("shortName=t,level=850", 45.0, 5.0);
    assert!(
        (info["value"].as_f64().unwrap() - theirs).abs() < 1e-3,
        "{info} vs {theirs}"
    );
    assert_eq!(info["product"], product.id);

    for (query, code) in [
        ("request=GetMap&layers=nope&crs=CRS:84&bbox=0,0,1,1&width=1&height=1", "LayerNotDefined"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=EPSG:2154&bbox=0,0,1,1&width=1&height=1", "InvalidCRS"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&time=2011-01-16T00:00:00Z", "InvalidDimensionValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&elevation=851", "InvalidDimensionValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&format=image/jpeg", "InvalidFormat"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1&width=1&height=1", "InvalidParameterValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=99999&height=1", "InvalidParameterValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&bgcolor=white", "InvalidParameterValue"),
        ("request=GetFeatureInfo&query_layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&i=5&j=0", "InvalidPoint"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&time=tomorrow", "InvalidDimensionValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=0,0,1,1&width=1&height=1&elevation=1e999", "InvalidDimensionValue"),
        ("request=GetMap&layers=GFS.t.isobaricInhPa&crs=CRS:84&bbox=1e999,0,1,1&width=1&height=1", "InvalidParameterValue"),
        ("request=Transmogrify", "OperationNotSupported"),
        ("service=WFS&request=GetCapabilities", "InvalidParameterValue"),
    ] {
        let (status, kind, body) = fetch(&t.http, t.url(&format!("/wms?{query}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(kind.starts_with("text/xml"), "{query}: {kind}");
        assert_eq!(exception_code(&body), code, "{query}");
    }
    // A query over 16 KiB is refused unread; the next good one is drawn.
    let long = format!("/wms?request=GetMap&layers={}", "x".repeat(20_000));
    let (status, _, body) = fetch(&t.http, t.url(&long)).await;
    assert_eq!(
        (status, exception_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "InvalidParameterValue")
    );
    let (status, kind, _) = fetch(&t.http, t.url(owslib)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
}

#[tokio::test]
async fn a_restricted_run_is_never_in_the_publics_wms_and_participants_send_a_basic_token() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Public
    })
    .await;
    let mut ws = t.events(None).await;
    t.drop_file(
        "model.ARPEGE.201101101200.120h_pgrb.grib2.json",
        br#"{"restricted": true}"#,
    );
    t.drop_file("model.ARPEGE.201101101200.120h_pgrb.grib2", &gfs());
    let secret = product_of(next_event(&mut ws).await);
    assert_eq!(secret.meta.restricted, Some(true));
    t.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &gfs());
    product_of(next_event(&mut ws).await);

    let public = reqwest::Client::new();
    let capabilities = t.url("/wms?request=GetCapabilities");
    let (status, _, body) = fetch(&public, capabilities.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("GFS.t.isobaricInhPa") && !text.contains("ARPEGE"),
        "the public's capabilities"
    );
    let map = "/wms?request=GetMap&layers=ARPEGE.t.isobaricInhPa&crs=CRS:84&bbox=0,0,10,10&width=4&height=4";
    let (status, _, body) = fetch(&public, t.url(map)).await;
    assert_eq!(
        (status, exception_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "LayerNotDefined")
    );
    // A participant (the admin's token) sees it.
    let (_, _, body) = fetch(&t.http, capabilities).await;
    assert!(String::from_utf8(body)
        .unwrap()
        .contains("ARPEGE.t.isobaricInhPa"));
    let (status, kind, _) = fetch(&t.http, t.url(map)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));

    // Participants mode: a challenge a WMS client answers, then the token
    // as the Basic password works.
    let t = t
        .restart_with(|args| args.access.access = opsboard::auth::Access::Participants)
        .await;
    let response = public
        .get(t.url("/wms?request=GetCapabilities"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("Basic"));
    let response = public
        .get(t.url("/wms?request=GetCapabilities"))
        .basic_auth("msui", Some(&t.token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("ARPEGE.t.isobaricInhPa"));
}
