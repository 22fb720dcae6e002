//! Ingest rules through the real server: forecast times, sidecars, slow
//! writers and simultaneous drops.

use crate::common;

use std::io::Write;
use std::time::Duration;

use common::{event_within, next_event, png, TestServer};
use model::{EventKind, Product};

fn product_of(event: &model::Event) -> &Product {
    match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => product,
        other => panic!("expected a product event, got {other:?}"),
    }
}

#[tokio::test]
async fn model_names_give_run_lead_and_valid_times() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("model.AROME.202611281200.024h_precip.png", &png(1));
    t.drop_file("surface.TOULOUSE.202611281130.t2m.csv", b"t\n");
    let model = next_event(&mut ws).await;
    let json = serde_json::to_value(&model).unwrap();
    assert_eq!(json["product"]["run_time"], "2026-11-28T12:00:00Z");
    assert_eq!(json["product"]["lead_hours"], 24);
    assert_eq!(json["product"]["valid_time"], "2026-11-29T12:00:00Z");
    let obs = serde_json::to_value(next_event(&mut ws).await).unwrap();
    assert_eq!(obs["product"]["valid_time"], "2026-11-28T11:30:00Z");
    assert!(obs["product"]["run_time"].is_null());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sidecar_sent_first_waits_for_its_file() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let file = "satellite.MSG.202611281200.ir108.png";
    t.drop_file(
        &format!("{file}.json"),
        br#"{"title": "MSG IR 10.8", "bbox": [-10, 35, 15, 50], "tags": ["ir"], "provider": "EUMETSAT",
            "valid_time": "2026-11-28T12:05:00Z"}"#,
    );
    assert!(event_within(&mut ws, Duration::from_millis(400))
        .await
        .is_none());
    t.drop_file(file, &png(3));
    let event = next_event(&mut ws).await;
    assert!(matches!(event.kind, EventKind::ProductAdded { .. }));
    let json = serde_json::to_value(product_of(&event)).unwrap();
    assert_eq!(json["title"], "MSG IR 10.8");
    assert_eq!(json["bbox"], serde_json::json!([-10.0, 35.0, 15.0, 50.0]));
    assert_eq!(json["provider"], "EUMETSAT");
    assert_eq!(json["valid_time"], "2026-11-28T12:05:00Z");
    // The sidecar's bytes are archived beside the product's.
    assert!(t
        .data()
        .join("archive/satellite/MSG/2026/11/28")
        .join(format!("{file}.json"))
        .exists());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sidecar_sent_after_updates_the_product_in_place() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let file = "model.ARPEGE.202611280000.036h_wind.png";
    t.drop_file(file, &png(4));
    let added = product_of(&next_event(&mut ws).await).clone();
    assert!(added.meta.title.is_none());

    t.drop_file(
        &format!("{file}.json"),
        br#"{"title": "Wind 10 m", "units": "m/s", "run_time": "2026-11-28T06:00:00Z"}"#,
    );
    let event = next_event(&mut ws).await;
    assert!(matches!(event.kind, EventKind::ProductUpdated { .. }));
    let updated = product_of(&event);
    assert_eq!((updated.id, updated.version), (added.id, 1));
    assert_eq!(updated.meta.units.as_deref(), Some("m/s"));
    // The sidecar's run time moves the valid time with it: 06 UTC + 36 h.
    assert_eq!(updated.valid_time.to_rfc3339(), "2026-11-29T18:00:00+00:00");
    let (_, fetched) = t.get_json(&format!("/api/v1/products/{}", added.id)).await;
    assert_eq!(fetched["title"], "Wind 10 m");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_bad_sidecar_is_rejected_and_its_file_still_catalogued() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    for (sidecar, body, why) in [
        (
            "radar.BOLLENE.202611281200.dbz.png.json",
            &b"{\"title\": "[..],
            "not valid JSON",
        ),
        (
            "radar.NIMES.202611281200.dbz.png.json",
            br#"{"lead_hours": "six"}"#,
            "invalid type",
        ),
        (
            "radar.X.202613281200.dbz.png.json",
            br#"{}"#,
            "not a valid product name",
        ),
    ] {
        t.drop_file(sidecar, body);
        let event = next_event(&mut ws).await;
        let EventKind::ProductRejected { rejection } = &event.kind else {
            panic!("{sidecar}: expected a rejection, got {event:?}");
        };
        assert!(
            rejection.reason.contains(why),
            "{sidecar}: {}",
            rejection.reason
        );
        assert_eq!(
            std::fs::read(t.data().join("rejected").join(sidecar)).unwrap(),
            body
        );
    }
    t.drop_file("radar.BOLLENE.202611281200.dbz.png", &png(5));
    let event = next_event(&mut ws).await;
    assert_eq!(
        product_of(&event).file_name,
        "radar.BOLLENE.202611281200.dbz.png"
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_file_written_slowly_is_taken_once_complete() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let name = "aircraft.ATR42.202611281400.iwg1.csv";
    let path = t.incoming().join(name);
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::File::create(path).unwrap();
        for i in 0..10 {
            writeln!(file, "line {i}").unwrap();
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(500));
        }
        // Closed here.
    });
    // Nothing while the writer holds the file open, for five seconds.
    assert!(event_within(&mut ws, Duration::from_millis(4500))
        .await
        .is_none());
    writer.join().unwrap();
    let event = next_event(&mut ws).await;
    let product = product_of(&event);
    assert_eq!(
        product.size,
        (0..10)
            .map(|i| format!("line {i}\n").len() as u64)
            .sum::<u64>()
    );
    assert!(
        event_within(&mut ws, Duration::from_millis(500))
            .await
            .is_none(),
        "once"
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_file_dropped_twice_at_once_is_one_product() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let name = "lidar.LEOSPHERE.202611281000.backscatter.png";
    let bytes = png(6);
    let (a, b) = (t.incoming(), t.incoming());
    let (ba, bb) = (bytes.clone(), bytes.clone());
    let first = std::thread::spawn(move || std::fs::write(a.join(name), ba).unwrap());
    let second = std::thread::spawn(move || std::fs::write(b.join(name), bb).unwrap());
    first.join().unwrap();
    second.join().unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(product_of(&event).sha256.len(), 64);
    assert!(event_within(&mut ws, Duration::from_millis(700))
        .await
        .is_none());
    let (_, list) = t.get_json("/api/v1/products").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["size"], bytes.len());
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_settle_only_a_file_is_taken_once_its_size_and_mtime_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    let t = TestServer::start_with(dir, |args| {
        args.settle_only = true;
        args.settle_ms = 600;
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "insitu.BUOY7.202611281400.sst.csv";
    let path = t.incoming().join(name);
    // Written in pieces 300 ms apart, each closed: close events must not count.
    for i in 0..5 {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        writeln!(file, "row {i}").unwrap();
        drop(file);
        assert!(
            event_within(&mut ws, Duration::from_millis(300))
                .await
                .is_none(),
            "taken while still growing (piece {i})"
        );
    }
    let event = next_event(&mut ws).await;
    assert_eq!(
        product_of(&event).size,
        (0..5)
            .map(|i| format!("row {i}\n").len() as u64)
            .sum::<u64>()
    );
    assert!(
        event_within(&mut ws, Duration::from_millis(1500))
            .await
            .is_none(),
        "once"
    );
    // A rename into place is still taken at once.
    let part = t.incoming().join(".x.part");
    std::fs::write(&part, b"t\n").unwrap();
    std::fs::rename(
        &part,
        t.incoming().join("insitu.BUOY8.202611281400.sst.csv"),
    )
    .unwrap();
    let renamed = tokio::time::timeout(Duration::from_millis(400), next_event(&mut ws)).await;
    assert!(
        renamed.is_ok(),
        "a rename does not wait for the settle time"
    );
    t.server.shutdown().await.unwrap();
}
