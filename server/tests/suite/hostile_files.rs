//! Files that once stopped ingest for good, a bug met on one file, a stall,
//! a failed catalogue write, lost bytes sent again: each through the real
//! server, and each followed by a good drop that must still be catalogued and
//! a page that must still be served.

use crate::common;

use opsboard::watcher::list_files;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{add_provider, next_event, png, TestServer, Ws, PATIENCE};
use model::{EventKind, Product, Rejection};

async fn added(ws: &mut Ws) -> Product {
    match next_event(ws).await.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => product,
        other => panic!("expected a catalogued product, got {other:?}"),
    }
}

async fn rejected(ws: &mut Ws) -> Rejection {
    match next_event(ws).await.kind {
        EventKind::ProductRejected { rejection } => rejection,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// What every test ends with: the pipeline takes the next good drop, the
/// page is served and health says ok.
async fn still_serving(t: &TestServer, ws: &mut Ws, seed: u8) {
    let name = format!("surface.NEXT{seed}.202611281200.t2m.png");
    t.drop_file(&name, &png(seed));
    assert_eq!(
        added(ws).await.file_name,
        name,
        "the next drop is catalogued"
    );
    let page = t.http.get(t.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200, "the page is served");
    let (status, health) = t.get_json("/api/v1/health").await;
    assert_eq!(
        (status.as_u16(), &health["status"]),
        (200, &"ok".into()),
        "{health}"
    );
}

#[tokio::test]
async fn a_sidecar_with_an_absurd_lead_is_refused_before_or_after_its_file() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    let name = "model.AROME.202611281200.024h_precip.png";
    let sidecar = format!("{name}.json");
    let absurd = br#"{"lead_hours": 4294967295}"#;

    t.drop_file(&sidecar, absurd);
    let refusal = rejected(&mut ws).await;
    assert_eq!(refusal.file_name, sidecar);
    assert!(
        refusal.reason.contains("at most 10000 hours"),
        "{}",
        refusal.reason
    );
    t.drop_file(name, &png(1));
    let product = added(&mut ws).await;
    assert_eq!(
        product.lead_hours,
        Some(24),
        "the name's lead, not the sidecar's"
    );
    assert_eq!(product.valid_time.to_rfc3339(), "2026-11-29T12:00:00+00:00");

    t.drop_file(&sidecar, absurd);
    assert!(rejected(&mut ws).await.reason.contains("lead_hours"));
    still_serving(&t, &mut ws, 1).await;
}

#[tokio::test]
async fn a_panic_on_one_file_refuses_that_file_and_ingest_goes_on() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.hooks.panic_on = Some("boom".into());
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "surface.SETE.202611281200.boom.png";
    t.drop_file(name, &png(1));
    let refusal = rejected(&mut ws).await;
    assert_eq!(refusal.file_name, name);
    assert!(
        refusal.reason.contains("internal error: test fault on"),
        "{}",
        refusal.reason
    );
    let kept = t.data().join("rejected").join(name);
    assert_eq!(std::fs::read(kept).unwrap(), png(1), "the bytes are kept");
    still_serving(&t, &mut ws, 2).await;
}

#[tokio::test]
async fn health_fails_while_a_task_is_stuck_on_one_file_and_recovers_after() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.hooks.stall_on = Some(("slow".into(), Duration::from_secs(3)));
        args.hooks.stuck_after = Some(Duration::from_millis(500));
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "surface.SETE.202611281200.slow.png";
    t.drop_file(name, &png(1));
    let deadline = Instant::now() + PATIENCE;
    let failing = loop {
        let (status, health) = t.get_json("/api/v1/health").await;
        if status == 503 {
            break health;
        }
        assert!(Instant::now() < deadline, "health never failed: {health}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Anyone else reads the class of the problem, never the file (which may
    // be a restricted product's name).
    let public: serde_json::Value = t
        .anonymous()
        .get(t.url("/api/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "failing");
    assert_eq!(public["reason"], "ingest is stuck", "{public}");
    assert!(!public.to_string().contains("slow"), "{public}");
    let reason = failing["reason"].as_str().unwrap();
    assert!(reason.starts_with("ingest has been on"), "{reason}");
    assert!(reason.contains(name), "{reason}");
    assert_eq!(failing["status"], "failing");
    assert_eq!(failing["tasks"]["ingest"]["state"], "running");
    assert_eq!(added(&mut ws).await.file_name, name);
    still_serving(&t, &mut ws, 3).await;
}

#[tokio::test]
async fn a_failed_catalogue_write_does_not_block_the_name() {
    let failures = Arc::new(AtomicU32::new(1));
    let left = failures.clone();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), move |args| {
        args.hooks.fail_writes_on = Some(("t2m".into(), left));
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "surface.SETE.202611281200.t2m.png";
    t.drop_file(name, &png(1));
    // The write fails once; the file goes back to the drop folder and is
    // catalogued on the next try, without a restart.
    let product = added(&mut ws).await;
    assert_eq!(failures.load(Ordering::SeqCst), 0, "the fault was injected");
    assert_eq!((product.file_name.as_str(), product.version), (name, 1));
    // The name takes new versions as before.
    t.drop_file(name, &png(2));
    assert_eq!(added(&mut ws).await.version, 2);
    still_serving(&t, &mut ws, 4).await;
}

#[tokio::test]
async fn the_same_bytes_sent_again_restore_a_product_whose_file_was_lost() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let t = TestServer::start_in(dir).await;
    let mut ws = t.events(None).await;
    let name = "satellite.MSG.202611281200.ir108.png";
    t.drop_file(name, &png(7));
    let product = added(&mut ws).await;
    let dir = {
        let TestServer { server, dir, .. } = t;
        server.shutdown().await.unwrap();
        dir
    };
    std::fs::remove_file(root.join("archive/satellite/MSG/2026/11/28").join(name)).unwrap();

    let t = TestServer::start_in(dir).await;
    let (_, one) = t
        .get_json(&format!("/api/v1/products/{}", product.id))
        .await;
    assert_eq!(one["missing"], true);
    let mut ws = t.events(None).await;
    t.drop_file(name, &png(7));
    let restored = added(&mut ws).await;
    assert_eq!((restored.id, restored.missing), (product.id, false));
    let file = t.http.get(t.url(&product.file_url)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), png(7));
    still_serving(&t, &mut ws, 5).await;
}

#[tokio::test]
async fn a_sidecar_never_overrides_the_authenticated_uploader() {
    let t = TestServer::start().await;
    let token = add_provider(t.data(), "meteo-france", &[]);
    let mut ws = t.events(None).await;
    let name = "model.AROME.202611281200.024h_precip.png";
    let put = |path: String, body: Vec<u8>| {
        t.http
            .put(t.url(&format!("/api/v1/drops/{path}")))
            .bearer_auth(&token)
            .body(body)
            .send()
    };
    let kept = put(
        format!("{name}.json"),
        br#"{"provider": "someone-else"}"#.to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(kept.status(), 202);
    let created = put(name.to_string(), png(1)).await.unwrap();
    assert_eq!(created.status(), 201);
    let product = added(&mut ws).await;
    assert_eq!(product.meta.provider.as_deref(), Some("meteo-france"));
    still_serving(&t, &mut ws, 6).await;
}

#[tokio::test]
async fn the_newest_sidecar_wins_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = TestServer::start_in(dir).await;
    let name = "model.AROME.202611281200.024h_precip.png";
    let mut ws = t.events(None).await;
    t.drop_file(name, &png(1));
    let id = added(&mut ws).await.id;
    for title in ["first", "second", "third"] {
        t.drop_file(
            &format!("{name}.json"),
            format!(r#"{{"title": "{title}"}}"#).as_bytes(),
        );
        assert_eq!(added(&mut ws).await.meta.title.as_deref(), Some(title));
    }
    for restart in 1..=2 {
        let TestServer { server, dir, .. } = t;
        server.shutdown().await.unwrap();
        t = TestServer::start_in(dir).await;
        // Give reconciliation's re-ingest, if any, time to land.
        let mut ws = t.events(Some(0)).await;
        while common::event_within(&mut ws, Duration::from_millis(500))
            .await
            .is_some()
        {}
        let (_, product) = t.get_json(&format!("/api/v1/products/{id}")).await;
        assert_eq!(product["title"], "third", "after restart {restart}");
    }
    let mut ws = t.events(None).await;
    still_serving(&t, &mut ws, 7).await;
}

#[tokio::test]
async fn import_refuses_while_a_server_holds_the_data_dir() {
    let t = TestServer::start().await;
    let source = tempfile::tempdir().unwrap();
    let name = "surface.IMPORTED.202611281200.t2m.png";
    std::fs::write(source.path().join(name), png(3)).unwrap();
    let data = t.data().to_string_lossy().into_owned();
    let (ok, out) = common::opsboard_cli(&[
        "import",
        &source.path().to_string_lossy(),
        "--data-dir",
        &data,
    ]);
    assert!(!ok, "{out}");
    assert!(out.contains("another opsboard (process"), "{out}");
    assert!(out.contains("drop them into its incoming/ folder"), "{out}");
    let (_, health) = t.get_json("/api/v1/health").await;
    assert_eq!(health["products"], 0, "nothing was imported");

    let TestServer { server, dir, .. } = t;
    server.shutdown().await.unwrap();
    let (ok, out) = common::opsboard_cli(&[
        "import",
        &source.path().to_string_lossy(),
        "--data-dir",
        &dir.path().to_string_lossy(),
    ]);
    assert!(ok, "once the server is stopped: {out}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_swapped_in_at_the_last_moment_is_never_catalogued_or_served() {
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.txt");
    std::fs::write(&secret, b"the operations centre's private key").unwrap();
    let target = secret.clone();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), move |args| {
        args.hooks.swap_before_archive = Some(("swapped".into(), target));
    })
    .await;
    let mut ws = t.events(None).await;
    let name = "surface.SETE.202611281200.swapped.png";
    t.drop_file(name, &png(1));
    let refusal = rejected(&mut ws).await;
    assert_eq!(refusal.file_name, name);
    assert!(
        refusal.reason.contains("was replaced"),
        "{}",
        refusal.reason
    );
    let (_, listed) = t.get_json("/api/v1/products").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
    let archived = list_files(&t.data().join("archive"));
    assert!(
        archived.is_empty(),
        "nothing left in the archive: {archived:?}"
    );
    // A symlink dropped as such is refused at the door too.
    let link = t.incoming().join("surface.SETE.202611281200.link.png");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let refusal = rejected(&mut ws).await;
    assert!(
        refusal.reason.contains("symbolic links"),
        "{}",
        refusal.reason
    );
    assert_eq!(
        std::fs::read(&secret).unwrap(),
        b"the operations centre's private key"
    );
    still_serving(&t, &mut ws, 8).await;
}
