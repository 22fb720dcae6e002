//! A GRIB2 product's fields drawn by the real server: a one-pixel map over
//! a grid point is the colour of ecCodes' value there on the quantity's
//! scale; a map over any box is a PNG of that size; the legend is SVG a
//! real XML parser reads, with the units as charts give them; bad asks get
//! reasons and the next good one is drawn.

use reqwest::StatusCode;

use crate::common::{next_event, product_of, TestServer};

fn gfs_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2")
}

/// ecCodes' value of `field` (its `-w` condition) at a grid point.
pub fn eccodes_value(condition: &str, lat: f64, lon: f64) -> f64 {
    let out = std::process::Command::new("grib_get_data")
        .args(["-F", "%.10e", "-w", condition])
        .arg(gfs_path())
        .output()
        .expect("grib_get_data (scripts/grib-samples.sh installs it)");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .find_map(|line| {
            let cells: Vec<f64> = line
                .split_whitespace()
                .filter_map(|c| c.parse().ok())
                .collect();
            ((cells[0] - lat).abs() < 1e-6 && (cells[1] - lon).abs() < 1e-6).then_some(cells[2])
        })
        .expect("the grid point")
}

async fn get(t: &TestServer, path: &str) -> reqwest::Response {
    t.http.get(t.url(path)).send().await.expect("request")
}

#[tokio::test]
async fn a_field_is_drawn_in_its_colours_over_any_box_with_its_legend() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let bytes = std::fs::read(gfs_path()).expect("scripts/grib-samples.sh");
    t.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &bytes);
    let gfs = product_of(next_event(&mut ws).await);
    let url = |query: &str| format!("/api/v1/products/{}/{query}", gfs.id);

    // One pixel over 45° N 5° E: the colour of ecCodes' value there.
    let response = get(
        &t,
        &url("map?field=prmsl&bbox=4.99,44.99,5.01,45.01&width=1&height=1"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    let png = image::load_from_memory(&response.bytes().await.unwrap())
        .unwrap()
        .to_rgba8();
    let theirs = eccodes_value("shortName=prmsl", 45.0, 5.0);
    let scale = media::field_map::Scale::for_field("prmsl", Some("Pa"), None);
    assert_eq!(
        png.get_pixel(0, 0).0,
        scale.rgba(theirs as f32),
        "{theirs} Pa"
    );

    // The whole field by default, and any box, in either CRS.
    for (query, size) in [
        ("map?field=t&level=850", (800, 403)),
        (
            "map?field=t&level=500&bbox=-30,30,40,70&width=350&height=200",
            (350, 200),
        ),
        (
            "map?field=2t&bbox=-3e6,3e6,4e6,9e6&crs=EPSG:3857&width=256&height=256",
            (256, 256),
        ),
    ] {
        let response = get(&t, &url(query)).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let image = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
        assert_eq!((image.width(), image.height()), size, "{query}");
    }

    let response = get(&t, &url("legend?field=prmsl")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("SVG");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(texts[0], "prmsl (hPa)");
    assert!(texts.contains(&"1010"), "{texts:?}");
    let svg = get(&t, &url("legend?field=t&level=850"))
        .await
        .text()
        .await
        .unwrap();
    assert!(svg.contains("t 850 hPa (°C)"), "{svg}");
    let response = get(&t, &url("legend?field=t&level=850&format=png")).await;
    assert_eq!(response.headers()["content-type"], "image/png");
    let png = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
    assert_eq!((png.width(), png.height()), (320, 60));

    for (query, reason) in [
        ("map?field=t", "give level="),
        ("map?field=nope", "no field \"nope\""),
        ("map?field=prmsl&crs=EPSG:2154", "EPSG:3857 are drawn"),
        ("map?field=prmsl&bbox=1,2,3", "four numbers"),
        ("map?field=prmsl&bbox=10,0,0,10", "min x < max x"),
        ("map?field=prmsl&width=5000&height=10", "1 to 4096"),
        ("map?field=prmsl&crs=EPSG:3857", "bbox= in metres"),
        ("legend?level=850", "field= is needed"),
        ("legend?field=prmsl&format=gif", "svg or png"),
    ] {
        let (status, body) = t.get_json(&url(query)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let said = body["reason"].as_str().unwrap_or_default();
        assert!(said.contains(reason), "{query}: {body}");
    }
    let (status, _) = t.get_json("/api/v1/products/999999/map?field=t").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let again = get(
        &t,
        &url("map?field=prmsl&width=10&height=10&bbox=0,0,10,10"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
}

/// Waits for the `product.updated` that carries renditions.
pub async fn rendered(ws: &mut crate::common::Ws) -> model::Product {
    loop {
        if let model::EventKind::ProductUpdated { product, .. } = next_event(ws).await.kind {
            if product.preview_error.is_some() || product.thumbnail_url.is_some() {
                return product;
            }
        }
    }
}

/// Of the pixels where the map `b` is opaque (not an isoline) and the
/// thumbnail `a` not a coast, how many are the same and how many there
/// are; and how many of `a` are the coasts' colour.
fn compare(a: &image::RgbaImage, b: &image::RgbaImage) -> (usize, usize, usize) {
    let coast = |p: &image::Rgba<u8>| p.0 == [30, 30, 30, 255];
    let compared: Vec<bool> = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| q.0[3] == 255 && !coast(p))
        .map(|(p, q)| p == q)
        .collect();
    let same = compared.iter().filter(|s| **s).count();
    (
        same,
        compared.len(),
        a.pixels().filter(|p| coast(p)).count(),
    )
}

#[tokio::test]
async fn a_grib2_thumbnail_is_its_pressure_map_with_coasts_and_a_sidecar_chooses_another() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.no_previews = false
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "model.GFS.201101101200.120h_pgrb.grib2";
    t.drop_file(name, &std::fs::read(gfs_path()).expect("grib samples"));
    let product = rendered(&mut ws).await;
    assert_eq!(product.preview_error, None);
    let fetch = |url: String| {
        let t = &t;
        async move {
            let response = get(t, &url).await;
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            image::load_from_memory(&response.bytes().await.unwrap())
                .unwrap()
                .to_rgba8()
        }
    };
    let thumbnail = fetch(product.thumbnail_url.clone().unwrap()).await;
    assert_eq!(thumbnail.dimensions(), (320, 161));
    let map = |query: &str| {
        format!(
            "/api/v1/products/{}/map?{query}&bbox=-180,-90,177.5,90&width=320&height=161",
            product.id
        )
    };
    let pressure = fetch(map("field=prmsl")).await;
    let (same, compared, coast) = compare(&thumbnail, &pressure);
    let all = 320 * 161;
    assert!(
        compared > all / 2 && coast > all / 100,
        "{compared} compared, {coast} coast"
    );
    assert_eq!(
        same, compared,
        "the thumbnail is the map where no line is drawn"
    );
    // The coast of Provence, 43.3° N 5.4° E, is drawn within two pixels.
    let (x, y) = ((5.4 + 180.0) / 357.5 * 320.0, (90.0 - 43.3) / 180.0 * 161.0);
    let near = (-2..=2)
        .flat_map(|dx| (-2..=2).map(move |dy| (dx, dy)))
        .any(|(dx, dy)| {
            thumbnail
                .get_pixel((x as i32 + dx) as u32, (y as i32 + dy) as u32)
                .0
                == [30, 30, 30, 255]
        });
    assert!(near, "no coast near Marseille");

    // Lite mode's narrower copy, drawn from this one.
    let narrow_url = format!("{}?w=160", product.thumbnail_url.clone().unwrap());
    let narrow = fetch(narrow_url.clone()).await;
    // A sidecar choosing 850 hPa temperature: drawn again, that field,
    // under the same address (asked again by browsers each time).
    let response = get(&t, product.thumbnail_url.as_deref().unwrap()).await;
    assert_eq!(response.headers()["cache-control"], "no-cache");
    t.drop_file(&format!("{name}.json"), br#"{"fields": ["nope", "t@850"]}"#);
    let mut redrawn = thumbnail.clone();
    for _ in 0..100 {
        redrawn = fetch(product.thumbnail_url.clone().unwrap()).await;
        if redrawn != thumbnail {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(
        fetch(narrow_url).await,
        narrow,
        "the narrow copy is drawn again"
    );
    let (same, compared, _) = compare(&redrawn, &fetch(map("field=t&level=850")).await);
    assert!(
        compared > all / 2 && same == compared,
        "{same} of {compared} as t@850"
    );
    let (same, compared, _) = compare(&redrawn, &pressure);
    assert!(
        same < compared / 10,
        "{same} of {compared} still as the pressure"
    );
}
