//! Thumbnails and previews through the real server: announced after the
//! product, served, refused with a reason for bombs and broken files, and the
//! same as `opsboard thumbnail` makes.

use crate::common;

use common::{image_bytes, next_event, opsboard_cli, png_bomb, TestServer};
use image::ImageFormat;
use model::{EventKind, Product};

/// Waits for the `product.updated` that carries renditions (or their absence).
async fn rendered(ws: &mut common::Ws) -> Product {
    loop {
        if let EventKind::ProductUpdated { product, .. } = next_event(ws).await.kind {
            if product.thumbnail_url.is_some() || product.preview_error.is_some() {
                return product;
            }
        }
    }
}

async fn start() -> TestServer {
    TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.no_previews = false
    })
    .await
}

async fn fetch_image(t: &TestServer, url: &str) -> image::DynamicImage {
    let response = t.http.get(t.url(url)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    image::load_from_memory(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn an_image_is_announced_first_then_its_renditions() {
    let t = start().await;
    let mut ws = t.events(None).await;
    let name = "satellite.GOES.202611281200.vis.jpg";
    let bytes = image_bytes(3200, 2400, ImageFormat::Jpeg);
    t.drop_file(name, &bytes);
    let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind else {
        panic!("product.added comes first")
    };
    assert!(
        product.thumbnail_url.is_none(),
        "not waiting for the thumbnail"
    );
    let updated = rendered(&mut ws).await;
    assert_eq!(updated.id, product.id);
    let thumb = fetch_image(&t, updated.thumbnail_url.as_deref().unwrap()).await;
    let preview = fetch_image(&t, updated.preview_url.as_deref().unwrap()).await;
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    assert_eq!((preview.width(), preview.height()), (1600, 1200));

    // `opsboard thumbnail` makes exactly the same files.
    let source = t
        .data()
        .join("archive/satellite/GOES/2026/11/28")
        .join(name);
    let out = tempfile::tempdir().unwrap();
    let (ok, report) = opsboard_cli(&[
        "thumbnail",
        &source.to_string_lossy(),
        "--out",
        &out.path().to_string_lossy(),
    ]);
    assert!(
        ok && report.contains("thumbnail 320x240, preview 1600x1200"),
        "{report}"
    );
    let served = t
        .http
        .get(t.url(updated.thumbnail_url.as_deref().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(out.path().join(format!("{name}.thumbnail.jpg"))).unwrap(),
        served.bytes().await.unwrap().as_ref()
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bombs_and_broken_images_are_catalogued_with_the_reason_they_have_no_preview() {
    let t = start().await;
    let mut ws = t.events(None).await;
    let jpeg = image_bytes(400, 300, ImageFormat::Jpeg);
    let png = image_bytes(400, 300, ImageFormat::Png);
    for (name, bytes, why) in [
        (
            "radar.BOMB.202611281200.dbz.png",
            png_bomb(100_000, 100_000),
            "100000 × 100000",
        ),
        (
            "radar.CUTPNG.202611281200.dbz.png",
            png[..png.len() / 2].to_vec(),
            "could not be decoded",
        ),
        (
            "radar.CUTJPG.202611281200.dbz.jpg",
            jpeg[..jpeg.len() / 3].to_vec(),
            "could not be decoded",
        ),
    ] {
        t.drop_file(name, &bytes);
        let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind else {
            panic!("{name}: catalogued all the same")
        };
        let updated = rendered(&mut ws).await;
        assert_eq!(updated.id, product.id);
        let reason = updated.preview_error.unwrap_or_default();
        assert!(reason.contains(why), "{name}: {reason}");
        // Nothing lost: the file itself is served as sent.
        let file = t.http.get(t.url(&product.file_url)).send().await.unwrap();
        assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice());
        let (status, _) = t
            .get_json(&format!("/api/v1/products/{}/thumbnail", product.id))
            .await;
        assert_eq!(status, 404);
    }
    let (status, _) = t.get_json("/api/v1/health").await;
    assert_eq!(status, 200);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn renditions_whose_record_fails_are_made_again_and_recorded() {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    // The catalogue refuses to record this product's renditions twice, as a
    // full disk would: the third attempt records them.
    let failures = Arc::new(AtomicU32::new(2));
    let left = failures.clone();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), move |args| {
        args.no_previews = false;
        args.hooks.fail_renditions_on = Some(("ir108".into(), left));
        args.hooks.preview_retry_after = Some(std::time::Duration::from_millis(200));
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "satellite.MSG.202611281200.ir108.jpg";
    t.drop_file(name, &image_bytes(640, 480, ImageFormat::Jpeg));
    let updated = rendered(&mut ws).await;
    assert_eq!(failures.load(Ordering::SeqCst), 0, "every fault was met");
    assert_eq!(updated.preview_error, None);
    let thumb = fetch_image(&t, updated.thumbnail_url.as_deref().unwrap()).await;
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
}

/// A real-format ICARTT merge file from the media crate's test data.
fn merge_file() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../products/media/tests/data/actamerica-merge-c130-20160718.ict"
    );
    std::fs::read(path).unwrap()
}

/// The SVG at `url`, checked to be served as SVG.
async fn fetch_svg(t: &TestServer, url: &str) -> String {
    let response = t.http.get(t.url(url)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.headers()["content-type"], "image/svg+xml", "{url}");
    assert_eq!(response.headers()["cache-control"], "no-cache", "{url}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn time_series_get_a_plot_and_a_sidecar_chooses_its_variables() {
    let t = start().await;
    let mut ws = t.events(None).await;
    t.drop_file(
        "surface.SITE.202611281200.t2m.csv",
        b"time,t2m (C)\n2026-11-28T11:00:00Z,10.1\n2026-11-28T11:30:00Z,10.9\n2026-11-28T12:00:00Z,11.4\n",
    );
    t.drop_file("aircraft.C130.201607181400.merge.ict", &merge_file());
    let mut merge = None;
    for _ in 0..2 {
        let product = rendered(&mut ws).await;
        assert!(product.preview_error.is_none(), "{product:?}");
        let svg = fetch_svg(&t, product.thumbnail_url.as_deref().unwrap()).await;
        assert!(svg.starts_with("<svg"), "{svg:.80}");
        if product.file_name.ends_with(".ict") {
            merge = Some(product);
        }
    }
    let merge = merge.unwrap();
    let preview = merge.preview_url.clone().unwrap();
    let svg = fetch_svg(&t, &preview).await;
    assert!(
        svg.contains("O3 (ppbv)") && svg.contains("ALTP (m)"),
        "{svg:.400}"
    );

    // The provider's sidecar asks for CO2 alone: the plot is drawn again.
    t.drop_file(
        "aircraft.C130.201607181400.merge.ict.json",
        br#"{"title": "C-130 merge, RF03", "plot": ["CO2_NOAA"]}"#,
    );
    let mut redrawn = String::new();
    for _ in 0..100 {
        redrawn = fetch_svg(&t, &preview).await;
        if !redrawn.contains("O3 (ppbv)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(redrawn.contains("CO2_NOAA (ppm)"), "{redrawn:.400}");
    assert!(!redrawn.contains("O3 (ppbv)") && !redrawn.contains("ALTP (m)"));
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_thumbnail_is_drawn_narrower_once_for_lite_mode() {
    let t = start().await;
    let mut ws = t.events(None).await;
    for (name, format) in [
        ("satellite.GOES.202611281200.ir.jpg", ImageFormat::Jpeg),
        ("radar.BOR.202611281200.dbz.png", ImageFormat::Png),
    ] {
        t.drop_file(name, &image_bytes(1600, 1200, format));
        let updated = rendered(&mut ws).await;
        let url = updated.thumbnail_url.clone().unwrap();
        let full = t.http.get(t.url(&url)).send().await.unwrap();
        let full_bytes = full.bytes().await.unwrap().len();
        for width in [120, 160] {
            let narrow_url = format!("{url}?w={width}");
            let narrow = fetch_image(&t, &narrow_url).await;
            assert_eq!(
                (narrow.width(), narrow.height()),
                (width, width * 3 / 4),
                "{name}"
            );
            let answer = t.http.get(t.url(&narrow_url)).send().await.unwrap();
            assert_eq!(
                answer.headers()[reqwest::header::CACHE_CONTROL],
                "public, max-age=86400",
                "{name}"
            );
            let bytes = answer.bytes().await.unwrap().len();
            assert!(
                bytes < full_bytes,
                "{name} w={width}: {bytes} ≥ {full_bytes}"
            );
        }
        // Kept beside the thumbnail: drawn once.
        let kept: Vec<String> =
            std::fs::read_dir(t.data().join("previews").join(updated.id.to_string()))
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("-w"))
                .collect();
        assert_eq!(kept.len(), 2, "{name}: {kept:?}");
    }
    // Other widths are refused with the ones drawn.
    let answer = t
        .http
        .get(t.url("/api/v1/products/1/thumbnail?w=4000"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("[120, 160]"));
    for hostile in ["w=-1", "w=abc", "w=99999999999", "w=", "w=160&w=120"] {
        let answer = t
            .http
            .get(t.url(&format!("/api/v1/products/1/thumbnail?{hostile}")))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{hostile}");
    }
    // The next good request is still answered.
    let narrow = fetch_image(&t, "/api/v1/products/1/thumbnail?w=120").await;
    assert_eq!(narrow.width(), 120);
}
