//! Server rendering of the dashboard and the built site's files, through the
//! real server: what a browser without JavaScript (or before hydration) gets.

use crate::common;

use chrono::{Duration, DurationRound, Utc};
use common::{next_event, png, TestServer};
use model::name::format_time;
use model::EventKind;
use reqwest::header;

/// Drops `names` and waits until each is announced; returns their ids in order.
async fn drop_all(t: &TestServer, names: &[String]) -> Vec<i64> {
    let mut ws = t.events(None).await;
    let mut ids = Vec::new();
    for name in names {
        t.drop_file(name, &png(1));
        match next_event(&mut ws).await.kind {
            EventKind::ProductAdded { product } => {
                assert_eq!(&product.file_name, name);
                ids.push(product.id);
            }
            other => panic!("expected product.added, got {other:?}"),
        }
    }
    ids
}

async fn page(t: &TestServer, query: &str) -> String {
    let response = t
        .http
        .get(t.url(&format!("/{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_page_names_the_nearest_product_of_each_situation_lane() {
    let t = TestServer::start().await;
    let cursor = Utc::now().duration_trunc(Duration::minutes(1)).unwrap() - Duration::hours(2);
    let at = |minutes: i64| format_time(cursor + Duration::minutes(minutes));
    let names = vec![
        format!("satellite.MSG.{}.ir108.png", at(-50)),
        format!("satellite.MSG.{}.ir108.png", at(20)),
        format!("surface.SETE.{}.t2m.png", at(-180)),
    ];
    let ids = drop_all(&t, &names).await;

    let html = page(
        &t,
        &format!("?t={}&lanes=satellite.MSG.ir108,surface.SETE.t2m", at(0)),
    )
    .await;
    // The grid, in the order asked, with the nearest product and its offset.
    let grid = &html[html
        .find(r#"class="panel situation""#)
        .expect("situation grid")..];
    let msg = grid
        .find(r#"data-lane="satellite.MSG.ir108""#)
        .expect("MSG cell");
    let sete = grid
        .find(r#"data-lane="surface.SETE.t2m""#)
        .expect("SETE cell");
    assert!(msg < sete);
    let cell = &grid[msg..sete];
    assert!(cell.contains(&format!(r#"data-id="{}""#, ids[1])), "{cell}");
    assert!(cell.contains("+20 min"), "{cell}");
    assert!(grid[sete..].contains("\u{2212}3 h"));
    // Timeline rows for both lanes, with the marks at their times.
    for row in [
        r#"data-row="l:satellite.MSG.ir108""#,
        r#"data-row="l:surface.SETE.t2m""#,
    ] {
        assert!(html.contains(row), "no {row}");
    }
    for name in &names {
        assert!(
            html.contains(&format!(r#"data-file-name="{name}""#)),
            "no mark for {name}"
        );
    }
}

#[tokio::test]
async fn a_permalink_renders_its_viewer_and_run_to_run() {
    let t = TestServer::start().await;
    let run = |hours: i64| {
        let base = Utc::now().duration_trunc(Duration::hours(12)).unwrap() - Duration::hours(24);
        format_time(base + Duration::hours(hours))
    };
    let names = vec![
        format!("model.AROME.{}.024h_precip.png", run(0)),
        format!("model.AROME.{}.012h_precip.png", run(12)),
        format!("model.AROME.{}.012h_wind.png", run(12)),
    ];
    let ids = drop_all(&t, &names).await;
    let valid = run(24);

    let html = page(
        &t,
        &format!("?runs=model.AROME.precip&valid={valid}&open={}", ids[0]),
    )
    .await;
    let start = html.find(r#"class="runs""#).expect("run-to-run panel");
    let end = start
        + html[start..]
            .find(r#"class="stage""#)
            .expect("the compared pair");
    let panel = &html[start..end];
    let newest = panel
        .find(&format!(r#"data-id="{}""#, ids[1]))
        .expect("newest run");
    let oldest = panel
        .find(&format!(r#"data-id="{}""#, ids[0]))
        .expect("older run");
    assert!(newest < oldest, "newest run first");
    assert!(
        !panel.contains(&format!(r#"data-id="{}""#, ids[2])),
        "another field"
    );
    // The viewer, with the product's metadata and its download.
    assert!(html.contains(r#"class="viewer""#));
    assert!(html.contains(&format!("/api/v1/products/{}/file", ids[0])));
    assert!(
        html.contains("<dt>Lead</dt><dd>24 h</dd>"),
        "metadata listed"
    );
}

#[tokio::test]
async fn user_text_is_escaped_in_the_page() {
    let t = TestServer::start().await;
    let html = page(&t, "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn built_files_are_sent_precompressed_when_the_browser_accepts_it() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("opsboard.js"), "console.log('plain');").unwrap();
    std::fs::write(pkg.join("opsboard.js.br"), b"brotli bytes").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let site_root = site.path().to_path_buf();
    let t = TestServer::start_with(dir, |args| args.site_root = site_root).await;

    let br = t
        .http
        .get(t.url("/pkg/opsboard.js"))
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let plain = t.http.get(t.url("/pkg/opsboard.js")).send().await.unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.text().await.unwrap(), "console.log('plain');");
}

#[tokio::test]
async fn pages_and_api_answers_are_sent_brotli_when_accepted() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("satellite.MSG.202611281200.ir108.png", &png(1));
    next_event(&mut ws).await;
    for (path, expected) in [
        ("/", "<!DOCTYPE html>"),
        ("/api/v1/products", "satellite.MSG.202611281200.ir108.png"),
    ] {
        let response = t
            .http
            .get(t.url(path))
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "br", "{path}");
        let compressed = response.bytes().await.unwrap();
        let mut text = Vec::new();
        brotli::BrotliDecompress(&mut compressed.as_ref(), &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains(expected), "{path}: {text:.200}");
        assert!(compressed.len() < text.len(), "{path}: compressed");
    }
    // A client that takes only gzip still gets gzip.
    let gzip = t
        .http
        .get(t.url("/"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn every_response_carries_security_headers_and_pages_a_nonce_policy() {
    let t = TestServer::start().await;
    let mut ws = t.events(None).await;
    t.drop_file("satellite.MSG.202611281200.ir108.png", &png(1));
    let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind else {
        panic!("expected product.added")
    };
    for path in [
        "/".to_string(),
        "/api/v1/health".to_string(),
        "/api/v1/nowhere".to_string(),
        product.file_url.clone(),
    ] {
        let response = t.http.get(t.url(&path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    let page = t.http.get(t.url("/")).send().await.unwrap();
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    // Every inline script of the page carries this response's nonce.
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!(r#"nonce="{nonce}""#)).count(),
        scripts,
        "{html}"
    );
    let again = t.http.get(t.url("/")).send().await.unwrap();
    assert!(
        !again.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains(nonce),
        "a new nonce for every page"
    );
}
