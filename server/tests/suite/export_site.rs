//! `opsboard export-site DIR` with the real binary, beside a running
//! server: the calendar, day, case-study and product pages with every link
//! and picture resolving to a file of the site, the files' bytes as
//! archived, restricted products and drafts left out (in with
//! `--include-restricted`), and the static STAC catalog validated
//! offline by pystac and stac-pydantic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::bundles::validate_catalog;
use crate::common::{next_event, opsboard_cli, png, TestServer};
use crate::operations::{campaign, planned_flight, send};
use model::{EventKind, Product};

const QUICKLOOK: &str = "satellite.MSG.202611291500.ir108.png";
const SURFACE: &str = "surface.SITE-1.202611300600.t2m.png";
const SECRET: &str = "lidar.ATR42.202611291600.backscatter.png";

/// Every file under `dir`, relative, with `/`.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy();
                found.insert(relative.replace('\\', "/"));
            }
        }
    }
    found
}

/// The site's style sheet as `cargo leptos build` made it, if it did (the
/// export copies it; `cargo test` alone does not build it).
fn site_root() -> (String, bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    // Named `opsboard.css`, or after its content by a hashing build.
    let built = std::fs::read_dir(root.join("pkg")).is_ok_and(|files| {
        files.flatten().any(|f| {
            let name = f.file_name().to_string_lossy().into_owned();
            name.starts_with("opsboard.") && name.ends_with(".css")
        })
    });
    (root.to_string_lossy().into_owned(), built)
}

/// The `href` and `src` values of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    found
}

/// Checks that every link and picture of every page of the site `dir`
/// leads to one of its files (none to a server); how many were checked.
fn links_resolve(dir: &Path) -> usize {
    let styled = site_root().1;
    let mut checked = 0;
    for page in files_under(dir)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = std::fs::read_to_string(dir.join(&page)).unwrap();
        let folder: PathBuf = dir.join(&page).parent().unwrap().to_path_buf();
        for reference in references(&html) {
            assert!(
                !reference.starts_with('/')
                    && !reference.contains("://")
                    && !reference.contains('?'),
                "{page}: {reference} does not stay in the site"
            );
            if reference.ends_with("opsboard.css") && !styled {
                continue;
            }
            let target = folder.join(reference.split('#').next().unwrap());
            assert!(target.is_file(), "{page}: {reference} leads nowhere");
            checked += 1;
        }
    }
    checked
}

/// Adds `tag` to the case studies' vocabulary, as the admin.
async fn add_tag(t: &TestServer, tag: &str) {
    let url = t.url(&format!("/api/v1/case-tags/{tag}"));
    let body = json!({"long_name": tag, "tier": 1});
    assert_eq!(
        send(&t.http, Method::PUT, url, Some(body)).await.0,
        StatusCode::OK
    );
}

/// Creates the case study `body` as `author`.
async fn add_case(t: &TestServer, author: &reqwest::Client, body: serde_json::Value) {
    let url = t.url("/api/v1/case-studies");
    let (status, answer) = send(author, Method::POST, url, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
}

#[tokio::test]
async fn the_campaign_is_exported_as_a_static_site_that_holds_together() {
    let (t, scientist, _viewer) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    t.drop_file(&format!("{SECRET}.json"), br#"{"restricted": true}"#);
    t.drop_file(SECRET, &png(9));
    t.drop_file(QUICKLOOK, &png(1));
    t.drop_file(SURFACE, &png(2));
    let mut products: Vec<Product> = Vec::new();
    while products.len() < 3 {
        if let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind {
            products.push(product);
        }
    }
    let id_of = |name: &str| products.iter().find(|p| p.file_name == name).unwrap().id;
    add_tag(&t, "squall_line").await;
    for (slug, published) in [("squall", true), ("draft", false)] {
        let body = json!({"slug": slug, "title": format!("Case {slug}"),
            "start": "2026-11-29T12:00:00Z", "end": "2026-11-29T23:00:00Z", "tags": ["squall_line"],
            "description": "The line at **18 UTC**.", "operations": [operation], "published": published,
            "pins": [{"product_id": id_of(QUICKLOOK), "version": 1}]});
        add_case(&t, &scientist, body).await;
    }
    // A newer version after the pin: the case's page shows version 1.
    t.drop_file(QUICKLOOK, &png(3));
    loop {
        if let EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } =
            next_event(&mut ws).await.kind
        {
            if product.version == 2 {
                break;
            }
        }
    }

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let data = t.data().to_string_lossy().into_owned();
    let (root, styled) = site_root();
    let (ok, said) = opsboard_cli(&[
        "export-site",
        &site.to_string_lossy(),
        "--data-dir",
        &data,
        "--site-root",
        &root,
        "--title",
        "Test campaign",
    ]);
    assert!(ok, "{said}");
    assert!(
        said.contains("exported 4 days (2026-11-28 to 2026-12-01), 1 case studies and 3 products"),
        "{said}"
    );
    let files = files_under(&site);
    assert_eq!(files.contains("opsboard.css"), styled);
    for page in [
        "index.html",
        "days/2026-11-28.html",
        "days/2026-11-29.html",
        "days/2026-12-01.html",
        "case-studies/squall.html",
        "stac/catalog.json",
    ] {
        assert!(files.contains(page), "{page} in {files:?}");
    }
    assert!(
        !files.contains("case-studies/draft.html"),
        "a draft was exported"
    );
    assert!(
        files.iter().all(|f| !f.contains("lidar")),
        "a restricted product was exported: {files:?}"
    );
    // The pin (version 1) and the current version (2) both, with their bytes.
    let v1 = id_of(QUICKLOOK);
    assert_eq!(
        std::fs::read(site.join(format!("files/{v1}/{QUICKLOOK}"))).unwrap(),
        png(1)
    );
    let case = std::fs::read_to_string(site.join("case-studies/squall.html")).unwrap();
    assert!(case.contains(&format!("../products/{v1}.html")), "{case}");
    assert!(case.contains("<strong>18 UTC</strong>"), "{case}");
    assert!(
        !case.contains("bundle.zip"),
        "a static case links the server's bundle"
    );
    let day = std::fs::read_to_string(site.join("days/2026-11-29.html")).unwrap();
    assert!(
        day.contains("Squall line ahead of the front") && day.contains("IOP1"),
        "{day}"
    );
    assert!(day.contains("../case-studies/squall.html"), "{day}");
    let calendar = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        calendar.contains("days/2026-11-29.html") && calendar.contains("iop-0"),
        "{calendar}"
    );
    assert!(!calendar.contains("<script"), "the archive runs no script");
    assert!(links_resolve(&site) > 20);

    let said = validate_catalog(&site.join("stac/catalog.json")).await;
    assert!(said.contains("items 2"), "{said}");

    // Participants' archive: the restricted product too.
    let full = out.path().join("full");
    let (ok, said) = opsboard_cli(&[
        "export-site",
        &full.to_string_lossy(),
        "--data-dir",
        &data,
        "--include-restricted",
        "--site-root",
        &root,
        "--from",
        "2026-11-29",
        "--to",
        "2026-11-29",
    ]);
    assert!(ok, "{said}");
    assert!(
        said.contains("exported 1 days (2026-11-29 to 2026-11-29), 2 case studies and 3 products"),
        "{said}"
    );
    let restricted = id_of(SECRET);
    assert!(full.join(format!("products/{restricted}.html")).is_file());
    assert!(
        full.join("case-studies/draft.html").is_file(),
        "participants' drafts"
    );
    assert!(links_resolve(&full) > 5);

    // Refused arguments, each with its reason, and nothing written.
    let refused = out.path().join("refused");
    for (args, reason) in [
        (vec!["--from", "2026-13-01"], "--from"),
        (vec!["--to", ""], "--to"),
        (vec!["--case-study", "../../etc"], "no case study"),
    ] {
        let mut all = vec![
            "export-site",
            refused.to_str().unwrap(),
            "--data-dir",
            &data,
        ];
        all.extend(args);
        let (ok, said) = opsboard_cli(&all);
        assert!(!ok && said.contains(reason), "{said}");
        assert!(!refused.join("index.html").exists());
    }
    // Hours that mean nothing: the default ones.
    let (ok, said) = opsboard_cli(&[
        "export-site",
        &refused.to_string_lossy(),
        "--data-dir",
        &data,
        "--from",
        "2026-11-29",
        "--to",
        "2026-11-29",
        "--hours",
        "99,x,-1,99999999999999999999",
    ]);
    assert!(ok, "{said}");
    let day = std::fs::read_to_string(refused.join("days/2026-11-29.html")).unwrap();
    assert!(day.contains("00 UTC") && day.contains("18 UTC"), "{day}");

    let (ok, said) = opsboard_cli(&[
        "export-site",
        &full.to_string_lossy(),
        "--data-dir",
        &data,
        "--case-study",
        "draft",
    ]);
    assert!(!ok && said.contains("no case study \"draft\""), "{said}");
}

#[tokio::test]
async fn a_campaign_years_apart_is_exported_whole() {
    let (t, scientist, _viewer) = campaign().await;
    let mut ws = t.events(Some(0)).await;
    let old = "satellite.MODIS.201209261200.truecolor.png";
    let recent = "aircraft.GV.202208151800.flight_track.png";
    t.drop_file(old, &png(1));
    t.drop_file(recent, &png(2));
    let mut seen = 0;
    while seen < 2 {
        if let EventKind::ProductAdded { .. } = next_event(&mut ws).await.kind {
            seen += 1;
        }
    }
    add_tag(&t, "convection").await;
    let body = json!({"slug": "gv-2022", "title": "The 2022 flight",
        "start": "2022-08-15T12:00:00Z", "end": "2022-08-15T23:00:00Z", "tags": ["convection"],
        "description": "", "operations": [], "published": true, "pins": []});
    add_case(&t, &scientist, body).await;

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let data = t.data().to_string_lossy().into_owned();
    let (root, _) = site_root();
    let (ok, said) = opsboard_cli(&[
        "export-site",
        &site.to_string_lossy(),
        "--data-dir",
        &data,
        "--site-root",
        &root,
    ]);
    assert!(ok, "{said}");
    assert!(said.contains("1 case studies and"), "{said}");
    let files = files_under(&site);
    for page in [
        "days/2012-09-26.html",
        "days/2022-08-15.html",
        "case-studies/gv-2022.html",
    ] {
        assert!(files.contains(page), "{page} missing: {said}");
    }
    assert!(files.iter().any(|f| f.ends_with(old)) && files.iter().any(|f| f.ends_with(recent)));
    // Two calendars, the years between left out rather than drawn empty.
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("days/2012-09-26.html") && index.contains("days/2022-08-15.html"));
    assert!(
        !files.iter().any(|f| f.starts_with("days/2016-")),
        "an empty year got pages"
    );
    assert!(links_resolve(&site) > 4);
    // Asked for explicitly, the same.
    let (ok, said) = opsboard_cli(&[
        "export-site",
        &out.path().join("asked").to_string_lossy(),
        "--data-dir",
        &data,
        "--from",
        "2012-01-01",
        "--to",
        "2022-12-31",
    ]);
    assert!(ok && said.contains("(2012-01-01 to 2022-12-31)"), "{said}");
    assert!(out.path().join("asked/days/2012-09-26.html").is_file());
}
