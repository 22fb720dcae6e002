//! Files that arrive together are catalogued together (one transaction, one
//! sync for many): what queued while the ingest was busy is taken at once,
//! a sidecar in the middle still applies to its file, a file whose write
//! fails goes back alone and comes again, and each is announced once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Duration;

use model::EventKind;

use crate::common::{next_event, png, TestServer};

#[tokio::test]
async fn what_queued_together_is_catalogued_together_sidecars_and_failures_in_turn() {
    const OTHERS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let t = TestServer::start_with(dir, |args| {
        args.hooks.stall_on = Some(("gate".into(), Duration::from_millis(1500)));
        args.hooks.fail_writes_on = Some(("faulty".into(), Arc::new(AtomicU32::new(1))));
    })
    .await;
    let mut ws = t.events(None).await;
    // The ingest is held on the gate while the rest queue behind it.
    t.drop_file("model.GATE.202612071200.gate.png", &png(0));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let described = "model.BATCH.202612071200.described.png";
    t.drop_file(described, &png(1));
    t.drop_file(
        &format!("{described}.json"),
        br#"{"title": "Described by its sidecar"}"#,
    );
    t.drop_file("model.BATCH.202612071200.faulty.png", &png(2));
    for i in 0..OTHERS {
        t.drop_file(
            &format!("model.BATCH.202612071200.p{i:02}.png"),
            &png(i as u8),
        );
    }

    let mut added: BTreeMap<String, (i64, chrono::DateTime<chrono::Utc>)> = BTreeMap::new();
    let mut title = None;
    while added.len() < OTHERS + 3 || title.is_none() {
        let event = tokio::time::timeout(Duration::from_secs(20), next_event(&mut ws))
            .await
            .expect("every file announced");
        match event.kind {
            EventKind::ProductAdded { product } => {
                let first = added.insert(
                    product.file_name.clone(),
                    (product.version, product.ingested_at),
                );
                assert!(first.is_none(), "{} announced twice", product.file_name);
            }
            EventKind::ProductUpdated { product, .. } if product.file_name == described => {
                title = product.meta.title.clone();
            }
            _ => {}
        }
    }
    assert_eq!(title.as_deref(), Some("Described by its sidecar"));
    assert!(added.values().all(|(version, _)| *version == 1));
    // The others were written in one transaction: one time of ingest for
    // all of them (each alone, they would spread over several milliseconds).
    let together: BTreeSet<_> = (0..OTHERS)
        .map(|i| added[&format!("model.BATCH.202612071200.p{i:02}.png")].1)
        .collect();
    assert_eq!(together.len(), 1, "{together:?}");
    // The faulty one failed once, went back to the drop folder alone and
    // came again: after the others.
    let faulty = added["model.BATCH.202612071200.faulty.png"].1;
    assert!(faulty > *together.iter().next().unwrap());
    let (_, list) = t.get_json("/api/v1/products?platform=BATCH").await;
    assert_eq!(list.as_array().unwrap().len(), OTHERS + 2);
}
