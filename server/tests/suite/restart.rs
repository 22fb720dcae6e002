//! Restarts and crashes: the real `opsboard` binary, killed with SIGKILL in the
//! middle of a burst of drops, then started again on the same data dir.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::process::Opsboard;
use common::{next_event, png, TestServer};
use futures_util::StreamExt;
use model::{EventKind, Product};
use opsboard::watcher::list_files;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn sigkill_during_a_burst_loses_nothing_and_doubles_nothing() {
    const DROPS: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let server = Opsboard::start(dir.path(), &[]).await;
    let incoming = dir.path().join("incoming");
    let name = |i: usize| format!("surface.S{i:03}.202611281200.t2m.csv");
    // A dashboard watching live: what it is told must survive the kill.
    let (mut live, _) = tokio_tungstenite::connect_async(format!(
        "{}/api/v1/events",
        server.base.replacen("http", "ws", 1)
    ))
    .await
    .expect("websocket");
    let (told, mut seen_live) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(message)) = live.next().await {
            if let Message::Text(text) = message {
                let event: model::Event = serde_json::from_str(&text).unwrap();
                let _ = told.send((event.seq, label(&event)));
            }
        }
    });
    // Half the burst as fast as the disk takes it; ingest (which syncs every
    // move) is still working through it when the server is killed, once the
    // client has been told of the first products.
    for i in 0..DROPS / 2 {
        std::fs::write(incoming.join(name(i)), format!("time,t2m\n{i}\n")).unwrap();
    }
    let first = tokio::time::timeout(common::PATIENCE, seen_live.recv())
        .await
        .expect("an event before the kill")
        .expect("the stream is open");
    server.kill();
    // The kill landed mid-burst: part of it was still waiting in the drop folder.
    let waiting = list_files(&incoming).len();
    assert!(
        waiting > 0 && waiting < DROPS / 2 + 1,
        "{waiting} files waiting at the kill"
    );
    // The other half arrives while the server is down.
    for i in DROPS / 2..DROPS {
        std::fs::write(incoming.join(name(i)), format!("time,t2m\n{i}\n")).unwrap();
    }

    let server = Opsboard::start(dir.path(), &[]).await;
    server
        .wait_for_products(DROPS, Duration::from_secs(60))
        .await;
    let products: Vec<Product> =
        serde_json::from_value(server.get("/api/v1/products").await).unwrap();
    let names: BTreeSet<String> = products.iter().map(|p| p.file_name.clone()).collect();
    let expected: BTreeSet<String> = (0..DROPS).map(name).collect();
    assert_eq!(names, expected, "every drop catalogued exactly once");
    assert!(products.iter().all(|p| p.version == 1 && !p.missing));
    let rejections = server.get("/api/v1/rejections").await;
    assert_eq!(rejections.as_array().map(Vec::len), Some(0), "{rejections}");
    // Every byte is in the archive, and the drop folder holds no file.
    for p in &products {
        let i: usize = p.platform[1..].parse().unwrap();
        let stored = dir
            .path()
            .join("archive/surface")
            .join(&p.platform)
            .join("2026/11/28")
            .join(&p.file_name);
        assert_eq!(
            std::fs::read_to_string(stored).unwrap(),
            format!("time,t2m\n{i}\n")
        );
    }
    let left: Vec<_> = list_files(&incoming);
    assert!(left.is_empty(), "left in the drop folder: {left:?}");

    // Every event a client saw live before the kill is still the same event
    // under the same seq: none was lost after being announced, none given twice.
    let mut seen = std::collections::BTreeMap::from([first]);
    while let Some((seq, label)) = seen_live.recv().await {
        seen.insert(seq, label);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "{}/api/v1/events?after=0",
        server.base.replacen("http", "ws", 1)
    ))
    .await
    .expect("websocket");
    let mut replayed = std::collections::BTreeMap::new();
    let newest_seen = *seen.keys().last().unwrap();
    while replayed.keys().last().is_none_or(|&seq| seq < newest_seen) {
        let event = next_event(&mut ws).await;
        replayed.insert(event.seq, label(&event));
    }
    for (seq, name) in &seen {
        assert_eq!(replayed.get(seq), Some(name), "seq {seq} after the restart");
    }
}

#[tokio::test]
async fn a_restart_recovers_orphans_and_marks_vanished_bytes_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let t = TestServer::start_in(dir).await;
    let mut ws = t.events(None).await;
    t.drop_file("model.AROME.202611281200.precip.png", &png(1));
    let EventKind::ProductAdded { product: kept } = next_event(&mut ws).await.kind else {
        panic!("expected product.added")
    };
    let dir = {
        let TestServer { server, dir, .. } = t;
        server.shutdown().await.unwrap();
        dir
    };

    // The product's bytes vanish (a bad backup restore, an operator's rm)...
    let day = root.join("archive/model/AROME/2026/11/28");
    std::fs::remove_file(day.join("model.AROME.202611281200.precip.png")).unwrap();
    // ...and a file was archived by an ingest that died before cataloguing it.
    let orphan = "satellite.MSG.202611281200.ir108.png";
    let orphan_dir = root.join("archive/satellite/MSG/2026/11/28");
    std::fs::create_dir_all(&orphan_dir).unwrap();
    std::fs::write(orphan_dir.join(orphan), png(2)).unwrap();

    let t = TestServer::start_in(dir).await;
    let mut ws = t.events(Some(0)).await;
    let mut missing = None;
    let mut recovered = None;
    while missing.is_none() || recovered.is_none() {
        match next_event(&mut ws).await.kind {
            EventKind::ProductUpdated { product, .. } if product.missing => missing = Some(product),
            EventKind::ProductAdded { product } if product.file_name == orphan => {
                recovered = Some(product)
            }
            _ => {}
        }
    }
    assert_eq!(missing.unwrap().id, kept.id);
    let recovered = recovered.unwrap();
    assert_eq!(recovered.version, 1);
    assert_eq!(std::fs::read(orphan_dir.join(orphan)).unwrap(), png(2));
    let (status, body) = t
        .get_json(&format!("/api/v1/products/{}/file", kept.id))
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (410, Some("file_missing"))
    );
    t.server.shutdown().await.unwrap();
}

/// What identifies an event here: its type and its file.
fn label(event: &model::Event) -> String {
    let file = match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
            &product.file_name
        }
        EventKind::ProductRejected { rejection } => &rejection.file_name,
        other => panic!("no operations here, got {}", other.type_name()),
    };
    format!("{} {file}", event.kind.type_name())
}
