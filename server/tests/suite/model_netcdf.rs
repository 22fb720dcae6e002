//! CF-NetCDF and compressed GRIB2 runs through the real server: an ERA5
//! pressure-level file (NetCDF-4, packed shorts; pycontrails' sample via
//! `scripts/grib-samples.sh`) dropped lists its fields, gets a thumbnail,
//! gives ncdump's value at a grid point, is drawn, and is a WMS layer with
//! its levels; a GFS run compressed with bzip2 (as DWD publishes) reads as
//! the file it holds.

use std::process::Command;

use reqwest::StatusCode;

use crate::common::{next_event, product_of, TestServer};
use crate::field_maps::rendered;

fn sample(name: &str) -> (String, Vec<u8>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run scripts/grib-samples.sh (make unit does)",
            path.display()
        )
    });
    (path.to_string_lossy().into_owned(), bytes)
}

/// The values ncdump lists for `var` (raw, as stored), `None` where `_`.
fn ncdump_values(path: &str, var: &str) -> Vec<Option<f64>> {
    let out = Command::new("ncdump")
        .args(["-v", var, path])
        .output()
        .expect("ncdump");
    let text = String::from_utf8_lossy(&out.stdout);
    let body = &text[text.find(&format!("\n {var} =")).expect(var)..];
    body[body.find('=').unwrap() + 1..body.find(';').unwrap()]
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches(['s', 'f']).parse().ok())
        .collect()
}

#[tokio::test]
async fn an_era5_netcdf_run_is_listed_drawn_probed_and_served() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.no_previews = false
    })
    .await;
    let mut ws = t.events(None).await;
    let (path, bytes) = sample("met-20190101-eu.nc");
    t.drop_file("model.ERA5.201901011200.pl.nc", &bytes);
    let era5 = product_of(next_event(&mut ws).await);
    assert_eq!(era5.media_type, "application/x-netcdf");
    let drawn = rendered(&mut ws).await;
    assert!(drawn.preview_error.is_none(), "{:?}", drawn.preview_error);
    let thumbnail = t.bytes(drawn.thumbnail_url.as_deref().unwrap()).await;
    let picture = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!(picture.width(), 320);

    let (status, fields) = t
        .get_json(&format!("/api/v1/products/{}/fields", era5.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{fields}");
    let temperature = fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "t")
        .unwrap_or_else(|| panic!("{fields}"));
    assert_eq!(temperature["level_type"], "isobaricInhPa");
    assert_eq!(temperature["long_name"], "Temperature");
    assert_eq!(temperature["units"], "K");
    assert_eq!(temperature["levels"].as_array().unwrap().len(), 27);
    assert_eq!(temperature["valid_times"][1], "2019-01-01T13:00:00Z");
    assert_eq!(temperature["grid"]["nx"], 129);

    // 45° N 5° E at 850 hPa, valid 13 UTC, as ncdump's packed short says.
    let (status, found) = t
        .get_json(&format!(
            "/api/v1/products/{}/value?field=t&level=850&time=2019-01-01T13:00:00Z&lat=45.05&lon=5.1",
            era5.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let lat: Vec<f64> = ncdump_values(&path, "latitude")
        .into_iter()
        .flatten()
        .collect();
    let lon: Vec<f64> = ncdump_values(&path, "longitude")
        .into_iter()
        .flatten()
        .collect();
    let level: Vec<f64> = ncdump_values(&path, "level")
        .into_iter()
        .flatten()
        .collect();
    let j = lat.iter().position(|&l| l == 45.0).unwrap();
    let i = lon.iter().position(|&l| l == 5.0).unwrap();
    let z = level.iter().position(|&l| l == 850.0).unwrap();
    assert_eq!(
        (found["lat"].as_f64(), found["lon"].as_f64()),
        (Some(45.0), Some(5.0))
    );
    let raw = ncdump_values(&path, "t")[((27 + z) * lat.len() + j) * lon.len() + i].unwrap();
    let theirs = raw * 0.00208426541258912 + 251.196025128036;
    let ours = found["value"].as_f64().unwrap();
    assert!(
        (ours - theirs).abs() < 1e-3,
        "{ours} against ncdump's {theirs}"
    );

    let map = t
        .http
        .get(t.url(&format!(
            "/api/v1/products/{}/map?field=t&level=500&bbox=-10,35,20,60&width=64&height=48",
            era5.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(map.status(), StatusCode::OK);
    let map = image::load_from_memory(&map.bytes().await.unwrap())
        .unwrap()
        .to_rgba8();
    assert_eq!(map.dimensions(), (64, 48));
    assert!(
        map.pixels().all(|p| p[3] == 255),
        "the box is inside the grid"
    );

    let capabilities = t
        .http
        .get(t.url("/wms?service=WMS&request=GetCapabilities"))
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
        .unwrap_or_else(|| panic!("no ERA5 layer: {capabilities}"));
    let elevation = layer
        .children()
        .find(|n| n.has_tag_name("Dimension") && n.attribute("name") == Some("elevation"))
        .unwrap();
    assert!(
        elevation.text().unwrap().split(',').any(|l| l == "850"),
        "{:?}",
        elevation.text()
    );
    let tile = t
        .http
        .get(t.url(
            "/wms?request=GetMap&version=1.3.0&layers=ERA5.t.isobaricInhPa&styles=&crs=EPSG:4326\
             &bbox=35,-10,60,20&width=32&height=32&format=image/png&elevation=850\
             &time=2019-01-01T12:00:00Z",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(tile.status(), StatusCode::OK);
    assert_eq!(tile.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn a_bzip2_grib2_run_reads_as_the_run_it_holds() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.no_previews = false
    })
    .await;
    let mut ws = t.events(None).await;
    let (_, packed) = sample("gfs.t12z.pgrbf120.2p5deg.grib2.bz2");
    let (_, plain) = sample("gfs.t12z.pgrbf120.2p5deg.grib2");
    t.drop_file("model.ICON.201101101200.120h.grib2.bz2", &packed);
    let icon = product_of(next_event(&mut ws).await);
    assert_eq!(icon.media_type, "application/x-bzip2");
    assert_eq!(icon.file_name, "model.ICON.201101101200.120h.grib2.bz2");
    let drawn = rendered(&mut ws).await;
    assert!(drawn.thumbnail_url.is_some(), "{:?}", drawn.preview_error);
    t.drop_file("model.GFS.201101101200.120h.grib2", &plain);
    let gfs = product_of(next_event(&mut ws).await);
    let (_, packed_fields) = t
        .get_json(&format!("/api/v1/products/{}/fields", icon.id))
        .await;
    let (_, plain_fields) = t
        .get_json(&format!("/api/v1/products/{}/fields", gfs.id))
        .await;
    assert!(
        packed_fields.as_array().unwrap().len() > 20,
        "{packed_fields}"
    );
    assert_eq!(packed_fields, plain_fields);
    let value = |id: i64| format!("/api/v1/products/{id}/value?field=t&level=850&lat=45&lon=5");
    let (status, a) = t.get_json(&value(icon.id)).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let (_, b) = t.get_json(&value(gfs.id)).await;
    assert_eq!(a["value"], b["value"]);
}
