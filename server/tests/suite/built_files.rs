//! The build's files as a returning visit over a satellite link needs them:
//! named after their content and kept for good, a new deployment's names
//! replacing the old, and a logout that tells the browser to forget.

use crate::common;

use std::path::Path;

use common::TestServer;
use reqwest::{header, StatusCode};

/// Writes a build into `site` as cargo-leptos' `hash-files` does (every name
/// carrying `hash`), and its hash file beside it; returns the hash file.
fn write_build(site: &Path, hash: &str) -> std::path::PathBuf {
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for ext in ["js", "wasm", "css"] {
        std::fs::write(
            pkg.join(format!("opsboard.{hash}.{ext}")),
            format!("{hash} {ext}"),
        )
        .unwrap();
    }
    let hashes = site.join(format!("hash-{hash}.txt"));
    std::fs::write(&hashes, format!("js: {hash}\nwasm: {hash}\ncss: {hash}\n")).unwrap();
    hashes
}

async fn get(t: &TestServer, path: &str) -> reqwest::Response {
    t.http.get(t.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn a_build_named_by_content_is_kept_for_good_and_the_next_build_replaces_it() {
    let site = tempfile::tempdir().unwrap();
    let first = write_build(site.path(), "Aa1_first");
    std::fs::write(site.path().join("sw.js"), "// the worker").unwrap();
    let root = site.path().to_path_buf();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), {
        let root = root.clone();
        move |args| {
            args.site_root = root;
            args.site_hashes = Some(first);
        }
    })
    .await;

    let html = get(&t, "/").await.text().await.unwrap();
    for linked in [
        "/pkg/opsboard.Aa1_first.css",
        "/pkg/opsboard.Aa1_first.js",
        "/pkg/opsboard.Aa1_first.wasm",
        "/sw.js?build=Aa1_first",
    ] {
        assert!(html.contains(linked), "{linked} in {html:.3000}");
    }
    for ext in ["js", "wasm", "css"] {
        let file = get(&t, &format!("/pkg/opsboard.Aa1_first.{ext}")).await;
        assert_eq!(file.status(), 200, "{ext}");
        assert_eq!(
            file.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{ext}"
        );
    }
    // The offline worker may fetch from this origin (its script's policy
    // is what it fetches under), and is checked again at each registration.
    let worker = get(&t, "/sw.js?build=Aa1_first").await;
    assert_eq!(worker.status(), 200);
    let policy = worker.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert_eq!(worker.headers()[header::CACHE_CONTROL], "no-cache");

    // What is not there is not kept: the next build may bring it.
    let missing = get(&t, "/pkg/opsboard.nothing.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(!missing
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.to_str().unwrap().contains("immutable")));

    // A new deployment: cargo-leptos empties the site and writes the next build.
    std::fs::remove_dir_all(root.join("pkg")).unwrap();
    let second = write_build(&root, "Bb2_second");
    let t = t
        .restart_with(move |args| {
            args.site_root = root;
            args.site_hashes = Some(second);
        })
        .await;
    let html = get(&t, "/").await.text().await.unwrap();
    assert!(html.contains("/pkg/opsboard.Bb2_second.wasm"));
    assert!(html.contains("/sw.js?build=Bb2_second"));
    assert!(!html.contains("Aa1_first"), "nothing of the old build");
    assert_eq!(
        get(&t, "/pkg/opsboard.Aa1_first.wasm").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&t, "/pkg/opsboard.Bb2_second.wasm").await.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn files_of_a_build_without_hashes_are_checked_again_on_each_visit() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/opsboard.js"), "plain").unwrap();
    let root = site.path().to_path_buf();
    let missing = site.path().join("no-hash-file.txt");
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), move |args| {
        args.site_root = root;
        args.site_hashes = Some(missing);
    })
    .await;
    let file = get(&t, "/pkg/opsboard.js").await;
    assert_eq!(file.headers()[header::CACHE_CONTROL], "no-cache");
    let html = get(&t, "/").await.text().await.unwrap();
    assert!(html.contains("/pkg/opsboard.css"), "plain names");
    assert!(html.contains("/sw.js?build=plain"));
}

#[tokio::test]
async fn a_logout_tells_the_browser_to_forget_what_it_kept() {
    let t = TestServer::start().await;
    // The form's answer is a redirect: its own headers are what count.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/v1/session"),
        (reqwest::Method::POST, "/api/v1/session/logout"),
    ] {
        let answer = client
            .request(method, t.url(path))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_success() || answer.status().is_redirection(),
            "{path}: {}",
            answer.status()
        );
        assert_eq!(
            answer.headers()["clear-site-data"],
            "\"cache\", \"storage\"",
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_malformed_hash_file_names_no_file_outside_the_build() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let hashes = site.path().join("hash.txt");
    let long = "a".repeat(100_000);
    std::fs::write(
        &hashes,
        format!("js: ../../etc/passwd\nwasm: \ncss {long}\n\u{0}\ncss: a b\n"),
    )
    .unwrap();
    let root = site.path().to_path_buf();
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), move |args| {
        args.site_root = root;
        args.site_hashes = Some(hashes);
    })
    .await;
    let html = get(&t, "/").await.text().await.unwrap();
    // No plausible hash: the plain names, and no path out of /pkg.
    assert!(html.contains("/pkg/opsboard.css"), "{html:.2000}");
    assert!(html.contains("/sw.js?build=plain"));
    assert!(!html.contains("passwd"));
}
