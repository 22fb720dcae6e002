//! A restriction covers every version of a product, on a real SQLite file:
//! a restricted new version restricts the older ones (each announced, the
//! open ones as withdrawn), a silent new version inherits the restriction,
//! and an explicit `"restricted": false` opens that version only.

use catalogue::{EventLog, NewProduct};
use chrono::{Duration, Utc};
use model::sidecar::Timing;
use model::{EventKind, NameRules, ProductMeta, Visibility};

const NAME: &str = "radar.BOLLENE.202611291200.ppi.png";

fn version(version: i64, restricted: Option<bool>) -> NewProduct {
    let name = NameRules::default().parse(NAME).unwrap();
    NewProduct {
        timing: Timing::resolve(&name, None).expect("a representable time"),
        meta: ProductMeta {
            restricted,
            ..ProductMeta::default()
        },
        name,
        file_name: NAME.to_string(),
        media_type: "image/png".into(),
        size: 10,
        sha256: format!("v{version}"),
        version,
        stored_path: format!("archive/{version}/{NAME}"),
    }
}

#[tokio::test]
async fn a_restriction_reaches_every_version_and_never_loosens_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    let v1 = log.insert_product(&version(1, None)).await.unwrap();
    assert!(v1.spread.is_empty());
    let v1 = match v1.event.kind {
        EventKind::ProductAdded { product } => product.id,
        other => panic!("{other:?}"),
    };
    let public = |id| {
        let catalogue = catalogue.clone();
        async move {
            catalogue
                .product(id, Visibility::OpenOnly)
                .await
                .unwrap()
                .is_some()
        }
    };
    assert!(public(v1).await);

    // Version 2 restricted: version 1 with it, announced as withdrawn first.
    let v2 = log.insert_product(&version(2, Some(true))).await.unwrap();
    assert_eq!(v2.spread.len(), 1);
    let spread = &v2.spread[0];
    assert!(
        spread.seq < v2.event.seq,
        "the older version's event comes first"
    );
    match &spread.kind {
        EventKind::ProductUpdated { product, withdrawn } => {
            assert_eq!((product.id, *withdrawn), (v1, true));
            assert_eq!(product.meta.restricted, Some(true));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !public(v1).await,
        "version 1's record and file are restricted"
    );
    let hidden = catalogue.hidden_from_public(&[v1, 999_999]).await.unwrap();
    assert!(hidden.contains(&v1) && hidden.contains(&999_999));

    // Version 3 says nothing of access: it stays restricted like version 2.
    let v3 = log.insert_product(&version(3, None)).await.unwrap();
    let EventKind::ProductUpdated { product, .. } = &v3.event.kind else {
        panic!()
    };
    assert_eq!(product.meta.restricted, Some(true));
    assert!(v3.spread.is_empty(), "nothing left to restrict");

    // Version 4 opened explicitly: that version only.
    let v4 = log.insert_product(&version(4, Some(false))).await.unwrap();
    let EventKind::ProductUpdated { product, .. } = &v4.event.kind else {
        panic!()
    };
    assert!(public(product.id).await);
    assert!(!public(v1).await, "an older version is never opened again");
    let versions = catalogue
        .versions(product.id, Visibility::OpenOnly)
        .await
        .unwrap();
    assert_eq!(versions.len(), 1, "the public sees version 4 alone");

    // An embargo on version 5 reaches the open version 4, until its end.
    let mut v5 = version(5, Some(true));
    let end = Utc::now() + Duration::days(30);
    v5.meta.restricted_until = Some(end);
    let v5 = log.insert_product(&v5).await.unwrap();
    match &v5.spread[..] {
        [event] => match &event.kind {
            EventKind::ProductUpdated { product, withdrawn } => {
                assert!(*withdrawn);
                assert_eq!(product.version, 4);
                assert_eq!(product.meta.restricted_until, Some(end));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("only version 4 was open: {other:?}"),
    }
}
