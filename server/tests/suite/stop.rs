//! What only the real process shows: a SIGTERM in the middle of drops and
//! uploads drains within ten seconds and loses nothing; a stalled upload
//! cannot hold a stop; decompression and CSV bombs stay within a stated
//! memory budget, read from `/proc`.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::process::Opsboard;
use common::{add_provider, png, png_black_16bit};
use model::Product;
use opsboard::watcher::list_files;

/// How long a stop may take, by the issue's contract.
const STOP_LIMIT: Duration = Duration::from_secs(10);
/// Resident memory a server may add, above its own peak once started, when
/// it is sent the bombs below, previews on: one preview job's budget (512
/// MiB of decoded pixels at most, none of which the bombs reach; measured:
/// about 30 MiB) and the reading of the files (measured at 3d40a59: 69
/// MiB). Bounded as growth: the started server's own size follows the
/// binary's (58 MiB for a debug build at 3d40a59; the peak was bounded
/// whole, at 128 MiB, until the sources' poller brought it to that line).
const RSS_GROWTH_BUDGET_KIB: u64 = 80 * 1024;

#[tokio::test]
async fn sigterm_during_drops_and_uploads_drains_and_every_file_is_catalogued_once() {
    const DROPS: usize = 300;
    const UPLOADS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let token = add_provider(dir.path(), "relay", &[]);
    let server = Opsboard::start(dir.path(), &[]).await;
    let incoming = dir.path().join("incoming");
    let drop_name = |i: usize| format!("surface.D{i:03}.202611281200.t2m.csv");
    let upload_name = |i: usize| format!("surface.U{i:03}.202611281200.t2m.csv");
    let upload_body = |i: usize| format!("time,t2m\n{i},{}\n", "1".repeat(1 << 20)).into_bytes();
    let put = |base: String, i: usize| {
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .put(format!("{base}/api/v1/drops/{}", upload_name(i)))
                .bearer_auth(token)
                .body(upload_body(i))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    let uploads: Vec<_> = (0..UPLOADS)
        .map(|i| tokio::spawn(put(server.base.clone(), i)))
        .collect();
    for i in 0..DROPS / 2 {
        std::fs::write(incoming.join(drop_name(i)), format!("time,t2m\n{i}\n")).unwrap();
    }
    let (status, took) = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "a clean exit: {status}");
    assert!(took < STOP_LIMIT, "the stop took {took:?}");
    eprintln!("SIGTERM to exit during the burst: {took:?}");
    let mut resend = Vec::new();
    for (i, upload) in uploads.into_iter().enumerate() {
        match upload.await.unwrap() {
            Ok(201) => {}
            // Refused as "stopping", over the provider's four uploads at
            // once (five are sent together: which one meets the cap depends
            // on timing), or never accepted: the sender sends again.
            Ok(503 | 429) | Err(_) => resend.push(i),
            Ok(other) => panic!("upload {i} answered {other}"),
        }
    }
    eprintln!("uploads to send again after the stop: {resend:?}");
    assert!(
        list_files(&dir.path().join("uploads")).is_empty(),
        "a clean stop leaves no upload behind"
    );
    for i in DROPS / 2..DROPS {
        std::fs::write(incoming.join(drop_name(i)), format!("time,t2m\n{i}\n")).unwrap();
    }

    let server = Opsboard::start(dir.path(), &[]).await;
    for i in resend {
        assert_eq!(put(server.base.clone(), i).await.unwrap(), 201);
    }
    server
        .wait_for_products(DROPS + UPLOADS, Duration::from_secs(60))
        .await;
    let products: Vec<Product> =
        serde_json::from_value(server.get("/api/v1/products").await).unwrap();
    let names: BTreeSet<String> = products.iter().map(|p| p.file_name.clone()).collect();
    let expected: BTreeSet<String> = (0..DROPS)
        .map(drop_name)
        .chain((0..UPLOADS).map(upload_name))
        .collect();
    assert_eq!(names, expected, "every file catalogued exactly once");
    assert_eq!(products.len(), DROPS + UPLOADS);
    assert!(products.iter().all(|p| p.version == 1 && !p.missing));
    let rejections = server.get("/api/v1/rejections").await;
    assert_eq!(rejections.as_array().map(Vec::len), Some(0), "{rejections}");
    assert!(list_files(&incoming).is_empty(), "the drop folder is empty");
}

#[tokio::test]
async fn a_stalled_upload_cannot_hold_a_stop_and_leaves_nothing_after_a_start() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_provider(dir.path(), "relay", &[]);
    let server = Opsboard::start(dir.path(), &[]).await;
    let address = server.base.trim_start_matches("http://").parse().unwrap();
    let stream = common::stalled_upload(
        address,
        dir.path(),
        &token,
        "surface.SETE.202611281200.t2m.png",
        10_000_000,
        4096,
    )
    .await;
    let uploads = dir.path().join("uploads");
    // The client never sends the rest.
    let (status, took) = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(took < STOP_LIMIT, "the stop took {took:?} ({status})");
    drop(stream);
    let server = Opsboard::start(dir.path(), &[]).await;
    assert!(list_files(&uploads).is_empty(), "swept at start");
    let health = server.get("/api/v1/health").await;
    assert_eq!(
        (health["status"].as_str(), health["products"].as_i64()),
        (Some("ok"), Some(0))
    );
}

#[test]
fn the_16_bit_test_image_is_a_valid_png() {
    let decoded = image::load_from_memory(&png_black_16bit(37, 11)).expect("decodes");
    assert_eq!((decoded.width(), decoded.height()), (37, 11));
    assert_eq!(decoded.color(), image::ColorType::Rgb16);
    assert!(decoded.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]));
}

#[tokio::test]
async fn bombs_get_a_reason_within_the_memory_budget_and_previews_go_on() {
    let dir = tempfile::tempdir().unwrap();
    // The binary's defaults: previews on, 150 Mpx and 512 MiB per job.
    let server = Opsboard::start(dir.path(), &[]).await;
    let started = server.peak_rss_kib();
    let incoming = dir.path().join("incoming");
    // 150 Mpx of 16-bit RGB: 900 MB decoded, a few MB on disk.
    std::fs::write(
        incoming.join("satellite.GOES.202611281200.bomb.png"),
        png_black_16bit(12_247, 12_247),
    )
    .unwrap();
    // A CSV whose header is 64 MB of commas.
    let mut commas = vec![b','; 64 << 20];
    commas.extend_from_slice(b"\n1,2\n3,4\n");
    std::fs::write(incoming.join("surface.SETE.202611281200.wide.csv"), commas).unwrap();
    // An ICARTT file that declares 1.8e19 header lines.
    std::fs::write(
        incoming.join("aircraft.ATR42.202611281200.o3.ict"),
        b"18446744073709551615, 1001\nPI\n",
    )
    .unwrap();
    std::fs::write(
        incoming.join("satellite.MSG.202611281200.ir108.png"),
        png(4),
    )
    .unwrap();

    // Settling, not speed: alone this takes seconds, but the suite runs its
    // tests side by side on two cores and one run took over a minute.
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let products = loop {
        let products: Vec<Product> =
            serde_json::from_value(server.get("/api/v1/products").await).unwrap();
        let settled = products.len() == 4
            && products
                .iter()
                .all(|p| p.thumbnail_url.is_some() || p.preview_error.is_some());
        if settled {
            break products;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not settled: {products:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let reason = |product: &str| {
        let p = products.iter().find(|p| p.product == product).unwrap();
        p.preview_error.clone().unwrap_or_default()
    };
    assert!(
        reason("bomb").contains("within 512 MiB"),
        "{}",
        reason("bomb")
    );
    assert!(
        reason("wide").contains("longer than 64 KiB"),
        "{}",
        reason("wide")
    );
    assert!(
        reason("o3").contains("NLHEAD is 18446744073709551615"),
        "{}",
        reason("o3")
    );
    let good = products.iter().find(|p| p.product == "ir108").unwrap();
    assert!(
        good.thumbnail_url.is_some(),
        "the good image still gets previews"
    );
    let peak = server.peak_rss_kib();
    let growth = peak.saturating_sub(started);
    eprintln!(
        "peak RSS with the bombs: {} MiB ({} MiB once started)",
        peak / 1024,
        started / 1024
    );
    assert!(
        growth < RSS_GROWTH_BUDGET_KIB,
        "the bombs grew the server by {} MiB, budget {} MiB",
        growth / 1024,
        RSS_GROWTH_BUDGET_KIB / 1024
    );
    let page = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn a_sidecar_that_keeps_growing_is_read_within_its_limit() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let server = Opsboard::start(dir.path(), &["--no-previews"]).await;
    let started = server.peak_rss_kib();
    let incoming = dir.path().join("incoming");
    let name = "model.AROME.202611281200.024h_precip.png.json";
    let part = incoming.join(format!(".{name}.part"));
    let mut file = std::fs::File::create(&part).unwrap();
    file.write_all(br#"{"title": "growing"}"#).unwrap();
    // Published by a rename, then the writer goes on through its descriptor:
    // 200 MB of whitespace (valid JSON after the object) while it is taken.
    std::fs::rename(&part, incoming.join(name)).unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..200 {
            if file.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    writer.join().unwrap();
    std::fs::write(
        incoming.join("surface.SETE.202611281200.t2m.csv"),
        "time,t2m\n1,2\n",
    )
    .unwrap();
    server.wait_for_products(1, Duration::from_secs(30)).await;
    let growth = server.peak_rss_kib().saturating_sub(started);
    assert!(
        growth < RSS_GROWTH_BUDGET_KIB,
        "the sidecar grew the server by {} MiB, budget {} MiB",
        growth / 1024,
        RSS_GROWTH_BUDGET_KIB / 1024
    );
    let health = server.health().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
}
