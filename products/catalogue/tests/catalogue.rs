//! The catalogue against a real SQLite file in a temporary folder.

use catalogue::{Catalogue, EventLog, NewProduct, ProductQuery};
use chrono::{Duration, TimeZone, Utc};
use model::record::ArrivalCursor;
use model::sidecar::Timing;
use model::Visibility;
use model::{EventKind, NameRules, ProductMeta, Rejection, Sidecar};

fn new_product(file_name: &str, sha: &str, version: i64) -> NewProduct {
    let name = NameRules::default().parse(file_name).unwrap();
    NewProduct {
        timing: Timing::resolve(&name, None).expect("a representable time"),
        meta: ProductMeta::default(),
        name,
        file_name: file_name.to_string(),
        media_type: "image/png".into(),
        size: 10,
        sha256: sha.into(),
        version,
        stored_path: format!("archive/{file_name}"),
    }
}

#[tokio::test]
async fn products_and_events_are_stored_together_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.sqlite");
    let (log, catalogue) = EventLog::open(&db).await.unwrap();
    assert_eq!(catalogue.last_seq().await.unwrap(), 0);

    let a = log
        .insert_product(&new_product("model.AROME.202611281200.precip.png", "aa", 1))
        .await
        .unwrap()
        .event;
    let r = log
        .insert_rejection(
            &Rejection {
                file_name: "bad".into(),
                reason: "expected 5 tokens".into(),
                rejected_at: Utc::now(),
                provider: Some("meteo".into()),
            },
            Some("rejected/bad"),
            1234,
        )
        .await
        .unwrap();
    let b = log
        .insert_product(&new_product(
            "satellite.MSG.202611281215.ir108.jpg",
            "bb",
            1,
        ))
        .await
        .unwrap()
        .event;
    assert!(a.seq < r.seq && r.seq < b.seq);

    let replay = catalogue.events_after(a.seq, 100).await.unwrap();
    assert_eq!(replay, vec![r.clone(), b.clone()]);
    assert_eq!(catalogue.last_seq().await.unwrap(), b.seq);
    let rejections = catalogue.recent_rejections(10, None).await.unwrap();
    assert_eq!(rejections.len(), 1);
    assert_eq!(rejections[0].provider.as_deref(), Some("meteo"));

    // Reopening the same file keeps everything (migrations are idempotent).
    catalogue.close().await;
    let again = Catalogue::open(&db).await.unwrap();
    assert_eq!(
        again.count_products(Visibility::Everything).await.unwrap(),
        2
    );
    assert_eq!(again.events_after(0, 100).await.unwrap().len(), 3);
}

#[tokio::test]
async fn listing_filters_by_time_category_and_platform() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    for name in [
        "model.AROME.202611281200.precip.png",
        "model.ARPEGE.202611281800.precip.png",
        "satellite.MSG.202611290000.ir108.jpg",
    ] {
        log.insert_product(&new_product(name, "x", 1))
            .await
            .unwrap();
    }
    let t = |h| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
    let all = catalogue.products(&ProductQuery::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].time <= w[1].time));

    let models = catalogue
        .products(&ProductQuery {
            visibility: Visibility::Everything,
            category: Some("model".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(models.len(), 2);

    let window = catalogue
        .products(&ProductQuery {
            visibility: Visibility::Everything,
            from: Some(t(12)),
            to: Some(t(18)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(window.len(), 2, "bounds are inclusive");

    let arpege = catalogue
        .products(&ProductQuery {
            visibility: Visibility::Everything,
            platform: Some("ARPEGE".into()),
            from: Some(t(18) + Duration::minutes(1)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(arpege.is_empty());
}

#[tokio::test]
async fn a_new_version_replaces_the_current_one_and_keeps_the_old() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    let name = "model.AROME.202611281200.precip.png";
    let first = log
        .insert_product(&new_product(name, "aa", 1))
        .await
        .unwrap()
        .event;
    let parsed = NameRules::default().parse(name).unwrap();
    let latest = catalogue
        .latest_version(parsed.key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((latest.version, latest.sha256.as_str()), (1, "aa"));

    let second = log
        .insert_product(&new_product(name, "bb", 2))
        .await
        .unwrap()
        .event;
    assert!(matches!(first.kind, EventKind::ProductAdded { .. }));
    let EventKind::ProductUpdated { product, .. } = &second.kind else {
        panic!("expected product.updated, got {second:?}");
    };
    assert_eq!(product.version, 2);
    let listed = catalogue.products(&ProductQuery::default()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].sha256, "bb");
    let EventKind::ProductAdded { product: old } = &first.kind else {
        unreachable!()
    };
    let old = catalogue
        .product(old.id, Visibility::Everything)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.product.version, 1);
    assert_eq!(
        catalogue
            .count_products(Visibility::Everything)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn sidecars_are_kept_by_name_and_update_a_product_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    let file = "model.AROME.202611281200.024h_precip.png";
    let added = log
        .insert_product(&new_product(file, "aa", 1))
        .await
        .unwrap()
        .event;
    let EventKind::ProductAdded { product } = added.kind else {
        panic!()
    };
    assert_eq!(product.valid_time.to_rfc3339(), "2026-11-29T12:00:00+00:00");
    assert_eq!(
        (product.run_time, product.lead_hours),
        (Some(product.time), Some(24))
    );

    let sidecar = Sidecar::parse(
        br#"{"title": "Precip", "tags": ["rain"], "valid_time": "2026-11-29T13:00:00Z"}"#,
    )
    .unwrap();
    catalogue
        .save_sidecar(file, &sidecar, "archive/x.json")
        .await
        .unwrap();
    assert_eq!(
        catalogue.sidecar(file).await.unwrap(),
        Some(sidecar.clone())
    );
    let name = NameRules::default().parse(file).unwrap();
    let current = catalogue
        .current_product(name.key())
        .await
        .unwrap()
        .unwrap();
    let updated = log
        .update_metadata(
            current.product.id,
            &Timing::resolve(&name, Some(&sidecar)).expect("a representable time"),
            &sidecar.meta(),
        )
        .await
        .unwrap()
        .event;
    let EventKind::ProductUpdated { product, .. } = updated.kind else {
        panic!()
    };
    assert_eq!((product.id, product.version), (current.product.id, 1));
    assert_eq!(product.meta.title.as_deref(), Some("Precip"));
    assert_eq!(product.valid_time.to_rfc3339(), "2026-11-29T13:00:00+00:00");
    let json = serde_json::to_value(&product).unwrap();
    assert_eq!(json["title"], "Precip");
    assert_eq!(json["tags"][0], "rain");
    assert!(json.get("bbox").is_none(), "absent fields are left out");
}

#[tokio::test]
async fn providers_are_found_by_token_hash_until_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let catalogue = Catalogue::open(&tmp.path().join("c.sqlite")).await.unwrap();
    let token = catalogue::provider::new_token().unwrap();
    let hash = catalogue::provider::hash_token(&token);
    catalogue
        .add_provider("meteo", &["model".into()], &[], false, &hash)
        .await
        .unwrap();
    let again = catalogue
        .add_provider("meteo", &[], &[], false, "other")
        .await;
    assert!(matches!(
        again,
        Err(catalogue::CatalogueError::ProviderExists(_))
    ));
    let found = catalogue
        .provider_by_token_hash(&hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.name.as_str(), found.categories.len()), ("meteo", 1));
    assert!(catalogue
        .provider_by_token_hash("nope")
        .await
        .unwrap()
        .is_none());
    assert!(catalogue.revoke_provider("meteo").await.unwrap());
    assert!(!catalogue.revoke_provider("meteo").await.unwrap());
    assert!(catalogue
        .provider_by_token_hash(&hash)
        .await
        .unwrap()
        .is_none());
    assert!(catalogue.providers().await.unwrap()[0].revoked_at.is_some());
}

#[tokio::test]
async fn arrivals_page_back_through_every_version_and_search_reaches_any_year() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    let mut names = Vec::new();
    for i in 0..25 {
        let name = format!("satellite.MSG.2026112812{i:02}.ir108.png");
        log.insert_product(&new_product(&name, &format!("{i:02}"), 1))
            .await
            .unwrap();
        names.push(name);
    }
    // A second version of the first, and a product from 2012 with a title.
    log.insert_product(&new_product(&names[0], "v2", 2))
        .await
        .unwrap();
    let mut old = new_product("aircraft.P3.201209262050.merge_100_pct.ict", "old", 1);
    old.meta.title = Some("HS3 merge, hurricane Nadine".into());
    log.insert_product(&old).await.unwrap();

    // Newest first, 10 a page, keyed by the last one seen: no gap, no repeat.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = catalogue
            .arrivals(before, "", 10, Visibility::Everything)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(ArrivalCursor::of);
        seen.extend(page.into_iter().map(|p| (p.file_name, p.version)));
    }
    assert_eq!(seen.len(), 27, "every version, as received");
    assert_eq!(seen[0].0, "aircraft.P3.201209262050.merge_100_pct.ict");
    assert_eq!(seen[1], (names[0].clone(), 2));
    assert_eq!(seen.last().unwrap(), &(names[0].clone(), 1));
    // Filtered by words of the name.
    let filtered = catalogue
        .arrivals(None, "MSG 122", 50, Visibility::Everything)
        .await
        .unwrap();
    assert_eq!(filtered.len(), 5, "12:20 to 12:24");

    // Search finds current products anywhere in time, by name or title;
    // LIKE's wildcards are plain characters.
    let found = catalogue
        .search("nadine", 10, Visibility::Everything)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].file_name,
        "aircraft.P3.201209262050.merge_100_pct.ict"
    );
    assert_eq!(
        catalogue
            .search("merge 100_pct", 10, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        catalogue
            .search("merge%", 10, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        catalogue
            .search("ir108", 100, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        25,
        "current versions only"
    );
    assert!(catalogue
        .search("   ", 10, Visibility::Everything)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn hostile_history_and_search_queries_are_bounded_and_the_next_one_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let (log, catalogue) = EventLog::open(&tmp.path().join("c.sqlite")).await.unwrap();
    log.insert_product(&new_product("satellite.MSG.202611281200.ir108.png", "a", 1))
        .await
        .unwrap();
    let huge = "ir108 ".repeat(200_000); // 1.2 MB, 200 000 words: 8 are used
    assert_eq!(
        catalogue
            .search(&huge, 10, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        catalogue
            .arrivals(None, &huge, 10, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
    let long_word = "x".repeat(1_000_000);
    assert!(catalogue
        .search(&long_word, 10, Visibility::Everything)
        .await
        .unwrap()
        .is_empty());
    for junk in ["%", "_", "\\", "'; DROP TABLE products; --", "\0", "💥"] {
        assert!(
            catalogue
                .search(junk, 10, Visibility::Everything)
                .await
                .unwrap()
                .is_empty(),
            "{junk:?}"
        );
    }
    // Cursors and limits at the ends of their ranges.
    let far = ArrivalCursor {
        ingested_at: Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        id: i64::MAX,
    };
    assert_eq!(
        catalogue
            .arrivals(Some(far), "", i64::MAX, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
    let early = ArrivalCursor {
        ingested_at: Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        id: i64::MIN,
    };
    assert!(catalogue
        .arrivals(Some(early), "", 10, Visibility::Everything)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        catalogue
            .search("ir108", i64::MIN, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1,
        "at least one row"
    );
    assert!(catalogue
        .versions(i64::MAX, Visibility::Everything)
        .await
        .unwrap()
        .is_empty());
    // The next plain query answers as ever.
    assert_eq!(
        catalogue
            .search("MSG", 10, Visibility::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Every write transaction holds the write lock from its start: a write
/// that reads first (a briefing resolves the product versions it cites)
/// waits for another connection's write — the sessions' store, say —
/// instead of failing with SQLITE_BUSY once that one commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_reads_first_waits_for_another_connections_write() {
    use model::operations::{BriefingDraft, BriefingItem, Evidence};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.sqlite");
    let (log, _catalogue) = EventLog::open(&db).await.unwrap();
    let added = log
        .insert_product(&new_product(
            "satellite.MSG.202611281215.ir108.jpg",
            "aa",
            1,
        ))
        .await
        .unwrap()
        .event;
    let EventKind::ProductAdded { product } = added.kind else {
        panic!("{added:?}")
    };
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .busy_timeout(std::time::Duration::from_secs(10));
    let other = sqlx::SqlitePool::connect_with(options).await.unwrap();
    for round in 0..3 {
        let mut holder = other.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("INSERT INTO iops (name, start_ms, end_ms) VALUES (?, 0, 1)")
            .bind(format!("OTHER{round}"))
            .execute(&mut *holder)
            .await
            .unwrap();
        let draft = BriefingDraft {
            title: format!("Briefing {round}"),
            at: Utc::now(),
            presenter: None,
            items: vec![BriefingItem {
                product: Some(Evidence {
                    product_id: product.id,
                    version: 1,
                }),
                view: None,
                shows: Vec::new(),
                area: None,
                comment: String::new(),
            }],
            operations: Vec::new(),
        };
        let release = async {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            holder.commit().await
        };
        let (written, released) = tokio::join!(log.create_briefing(&draft, "me"), release);
        released.unwrap();
        written.unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
}
