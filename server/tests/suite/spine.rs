//! The live spine through the real server: drop → catalogue → websocket, the
//! replay contract of `?after=`, rejections and the REST API.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{event_within, next_event, png, TestServer};
use model::{EventKind, Product};
use reqwest::header;

fn added(event: &model::Event) -> &Product {
    match &event.kind {
        EventKind::ProductAdded { product } => product,
        other => panic!("expected product.added, got {other:?}"),
    }
}

#[tokio::test]
async fn a_dropped_file_is_announced_catalogued_and_served() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let bytes = png(1);
    let name = "satellite.MSG.202611281215.ir108.png";
    t.drop_file(name, &bytes);

    let event = next_event(&mut ws).await;
    let product = added(&event).clone();
    assert_eq!(product.file_name, name);
    assert_eq!(
        (
            product.category.as_str(),
            product.platform.as_str(),
            product.product.as_str()
        ),
        ("satellite", "MSG", "ir108")
    );
    assert_eq!(product.time.to_rfc3339(), "2026-11-28T12:15:00+00:00");
    assert_eq!(product.media_type, "image/png");
    assert_eq!(product.size, bytes.len() as u64);
    assert_eq!(
        product.file_url,
        format!("/api/v1/products/{}/file", product.id)
    );

    // The wire format: flat, typed, RFC 3339 UTC times.
    let raw = serde_json::to_value(&event).unwrap();
    assert_eq!(raw["type"], "product.added");
    assert_eq!(raw["product"]["time"], "2026-11-28T12:15:00Z");

    // Archived by category/platform/day, gone from the drop folder.
    let archived = t.data().join("archive/satellite/MSG/2026/11/28").join(name);
    assert_eq!(std::fs::read(&archived).unwrap(), bytes);
    assert!(!t.incoming().join(name).exists());

    let (status, one) = t
        .get_json(&format!("/api/v1/products/{}", product.id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_value::<Product>(one).unwrap(), product);

    let file = t.http.get(t.url(&product.file_url)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()[header::CONTENT_TYPE], "image/png");
    let etag = file.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", product.sha256));
    assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let cached = t
        .http
        .get(t.url(&product.file_url))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    let part = t
        .http
        .get(t.url(&product.file_url))
        .header(header::RANGE, "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[..4]);

    let (_, health) = t.get_json("/api/v1/health").await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["products"], 1);
    assert_eq!(health["last_seq"], event.seq);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn after_replays_exactly_the_missed_events_then_goes_live() {
    let t = TestServer::start().await;
    let mut watcher = t.events(Some(0)).await;
    let mut seqs = Vec::new();
    for i in 0..3 {
        t.drop_file(
            &format!("surface.SITE{i}.202611281200.t2m.csv"),
            b"time,t\n",
        );
        seqs.push(next_event(&mut watcher).await.seq);
    }

    // A client that saw only the first event.
    let mut late = t.events(Some(seqs[0])).await;
    assert_eq!(next_event(&mut late).await.seq, seqs[1]);
    assert_eq!(next_event(&mut late).await.seq, seqs[2]);
    // Then the live stream, with nothing repeated at the seam.
    t.drop_file("surface.SITE9.202611281200.t2m.csv", b"time,t\n");
    let live = next_event(&mut late).await;
    assert_eq!(live.seq, seqs[2] + 1);
    assert!(event_within(&mut late, Duration::from_millis(300))
        .await
        .is_none());

    // Without `after`, only what happens from now on.
    let mut fresh = t.events(None).await;
    assert!(event_within(&mut fresh, Duration::from_millis(300))
        .await
        .is_none());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_gap_and_no_duplicate_when_connecting_during_a_burst() {
    let t = TestServer::start().await;
    let incoming = t.incoming();
    const DROPS: i64 = 80;
    let burst = tokio::spawn(async move {
        for i in 0..DROPS {
            let name = format!("radar.R{i}.202611281200.dbz.csv");
            tokio::fs::write(incoming.join(name), format!("{i}\n"))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
    });
    // Connect in the middle of the burst, asking for everything.
    tokio::time::sleep(Duration::from_millis(60)).await;
    let mut ws = t.events(Some(0)).await;
    let mut seen = Vec::new();
    while seen.len() < DROPS as usize {
        seen.push(next_event(&mut ws).await.seq);
    }
    burst.await.unwrap();
    let expected: Vec<i64> = (1..=DROPS).collect();
    assert_eq!(seen, expected, "every event once, in order");
    assert!(event_within(&mut ws, Duration::from_millis(300))
        .await
        .is_none());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_files_are_rejected_with_their_reason_and_kept() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let cases: [(&str, &[u8], &str); 8] = [
        ("model.AROME.202611281200.png", b"abc", "found 4"),
        (
            "model.AROME.202611281200.precip.extra.png",
            b"abc",
            "found 6",
        ),
        ("model.AROME.202611282500.precip.png", b"abc", "hour 25"),
        (
            "not-a-product.png",
            b"abc",
            "expected 5 dot-separated tokens",
        ),
        ("model.AROME.202613011200.precip.png", b"abc", "month 13"),
        ("model.AROME.202602301200.precip.png", b"abc", "no day 30"),
        (
            "forecast.AROME.202611281200.precip.png",
            b"abc",
            "unknown category",
        ),
        ("model.AROME.202611281200.precip.png", b"", "empty"),
    ];
    for (name, bytes, why) in cases {
        t.drop_file(name, bytes);
        let event = next_event(&mut ws).await;
        let EventKind::ProductRejected { rejection } = &event.kind else {
            panic!("{name}: expected product.rejected, got {event:?}");
        };
        assert_eq!(rejection.file_name, name);
        assert!(
            rejection.reason.contains(why),
            "{name}: {}",
            rejection.reason
        );
        let kept = t.data().join("rejected").join(name);
        assert_eq!(std::fs::read(&kept).unwrap(), bytes, "{name}: bytes kept");
        let reason =
            std::fs::read_to_string(t.data().join("rejected").join(format!("{name}.reason.txt")))
                .unwrap();
        assert!(reason.contains(why), "{name}: {reason}");
    }
    // A symlink pointing out of the drop folder is refused, and its target untouched.
    let outside = t.data().join("secret.txt");
    std::fs::write(&outside, b"secret").unwrap();
    std::os::unix::fs::symlink(
        &outside,
        t.incoming().join("ops.LINK.202611281200.brief.txt"),
    )
    .unwrap();
    let event = next_event(&mut ws).await;
    assert!(
        matches!(&event.kind, EventKind::ProductRejected { rejection } if rejection.reason.contains("symbolic link")),
        "{event:?}"
    );
    assert_eq!(std::fs::read(&outside).unwrap(), b"secret");

    // Listed, newest first, for providers.
    let (_, listed) = t.get_json("/api/v1/rejections?limit=3").await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["file_name"], "ops.LINK.202611281200.brief.txt");

    // The server carries on.
    t.drop_file("model.AROME.202611281200.precip.png", &png(2));
    assert!(matches!(
        next_event(&mut ws).await.kind,
        EventKind::ProductAdded { .. }
    ));
    let (status, health) = t.get_json("/api/v1/health").await;
    assert_eq!(
        (status.as_u16(), health["products"].as_i64()),
        (200, Some(1))
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn files_still_being_written_wait_for_their_rename() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let name = "upperair.TRAPPES.202611281100.sounding.csv";
    for temp in [
        format!("{name}.part"),
        format!("{name}.tmp"),
        format!(".{name}"),
    ] {
        t.drop_file(&temp, b"p,t\n");
    }
    assert!(event_within(&mut ws, Duration::from_millis(500))
        .await
        .is_none());
    std::fs::rename(
        t.incoming().join(format!("{name}.part")),
        t.incoming().join(name),
    )
    .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(added(&event).file_name, name);
    assert!(
        t.incoming().join(format!("{name}.tmp")).exists(),
        "left alone"
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn new_bytes_make_a_new_version_and_identical_bytes_change_nothing() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let name = "model.AROME.202611281200.024h_precip.png";
    t.drop_file(name, &png(1));
    let first = added(&next_event(&mut ws).await).clone();

    t.drop_file(name, &png(1));
    assert!(event_within(&mut ws, Duration::from_millis(500))
        .await
        .is_none());
    // Byte-identical copy of an archived product: nothing to keep twice.
    assert!(!t.incoming().join(name).exists());

    t.drop_file(name, &png(2));
    let event = next_event(&mut ws).await;
    let EventKind::ProductUpdated { product, .. } = &event.kind else {
        panic!("expected product.updated, got {event:?}");
    };
    assert_eq!(product.version, 2);
    assert_ne!(product.sha256, first.sha256);
    let (_, list) = t.get_json("/api/v1/products").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "one current version");
    let (_, versions) = t
        .get_json(&format!("/api/v1/products/{}/versions", product.id))
        .await;
    let versions: Vec<Product> = serde_json::from_value(versions).unwrap();
    assert_eq!(
        versions.iter().map(|p| p.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(versions[0].id, first.id);
    // The first version's bytes are still served.
    let old = t.http.get(t.url(&first.file_url)).send().await.unwrap();
    assert_eq!(old.bytes().await.unwrap().as_ref(), png(1).as_slice());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn files_dropped_while_down_are_taken_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("incoming/provider-a")).unwrap();
    std::fs::write(
        dir.path()
            .join("incoming/lidar.LEOSPHERE.202611280900.backscatter.nc"),
        b"CDF\x01",
    )
    .unwrap();
    std::fs::write(
        dir.path()
            .join("incoming/provider-a/report.FLIGHT1.202611281500.summary.pdf"),
        b"%PDF-1.4",
    )
    .unwrap();
    let t = TestServer::start_in(dir).await;
    let mut ws = t.events(Some(0)).await;
    let mut names = BTreeSet::new();
    for _ in 0..2 {
        names.insert(added(&next_event(&mut ws).await).file_name.clone());
    }
    assert!(names.contains("report.FLIGHT1.202611281500.summary.pdf"));
    let (_, list) = t.get_json("/api/v1/products?category=lidar").await;
    assert_eq!(list[0]["media_type"], "application/x-netcdf");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn listing_filters_and_errors_are_json() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    for name in [
        "model.AROME.202611280000.precip.png",
        "model.AROME.202611281200.precip.png",
        "satellite.MSG.202611281200.ir108.png",
    ] {
        t.drop_file(name, &png(name.len() as u8));
        next_event(&mut ws).await;
    }
    let count = |v: serde_json::Value| v.as_array().map(Vec::len).unwrap_or(usize::MAX);
    let (_, all) = t.get_json("/api/v1/products").await;
    assert_eq!(count(all), 3);
    let (_, models) = t
        .get_json("/api/v1/products?category=model&platform=AROME")
        .await;
    assert_eq!(count(models), 2);
    let (_, noon) = t
        .get_json("/api/v1/products?from=2026-11-28T06:00:00Z&to=2026-11-28T12:00:00Z")
        .await;
    assert_eq!(count(noon), 2);

    let (status, error) = t.get_json("/api/v1/products?from=yesterday").await;
    assert_eq!(status, 400);
    assert_eq!(error["error"], "bad_request");
    assert!(error["reason"].as_str().unwrap().contains("RFC 3339"));
    let (status, error) = t.get_json("/api/v1/products/999999").await;
    assert_eq!(
        (status.as_u16(), error["error"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = t.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_never_reads_does_not_hold_back_the_others() {
    let t = TestServer::start().await;
    // Connected, asking for everything, and never reading a frame.
    let _stalled = t.events(Some(0)).await;
    let mut reader = t.events(None).await;
    const DROPS: usize = 60;
    for i in 0..DROPS {
        t.drop_file(
            &format!("insitu.BUOY{i}.202611281200.sst.csv"),
            &[b'x'; 2048],
        );
    }
    let mut files = BTreeSet::new();
    while files.len() < DROPS {
        files.insert(added(&next_event(&mut reader).await).file_name.clone());
    }
    t.server.shutdown().await.unwrap();
}
