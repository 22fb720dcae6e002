//! Case-study bundles through the real server: the zip read back with a
//! real zip reader, its files and checksums against the catalogue (pins at
//! their versions after newer ones arrived), `datacite.json` against the
//! DataCite 4.5 required properties, restricted files only for those who
//! may see them, and its static STAC catalog validated offline by pystac
//! and stac-pydantic.

use std::io::Read;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{next_event, png, TestServer};
use crate::operations::{campaign, planned_flight, send};
use crate::stac::{offline, tool};
use model::EventKind;

const QUICKLOOK: &str = "satellite.MSG.202611291500.ir108.png";
const FORECAST: &str = "model.AROME.202611290000.018h_precip.png";
const SECRET: &str = "lidar.ATR42.202611291600.backscatter.png";

/// DataCite 4.5's resourceTypeGeneral values.
const RESOURCE_TYPES: [&str; 32] = [
    "Audiovisual",
    "Award",
    "Book",
    "BookChapter",
    "Collection",
    "ComputationalNotebook",
    "ConferencePaper",
    "ConferenceProceeding",
    "DataPaper",
    "Dataset",
    "Dissertation",
    "Event",
    "Image",
    "Instrument",
    "InteractiveResource",
    "Journal",
    "JournalArticle",
    "Model",
    "OutputManagementPlan",
    "PeerReview",
    "PhysicalObject",
    "Preprint",
    "Project",
    "Report",
    "Service",
    "Software",
    "Sound",
    "Standard",
    "StudyRegistration",
    "Text",
    "Workflow",
    "Other",
];

/// Every file of a zip, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let mut content = Vec::new();
            file.read_to_end(&mut content).expect("readable");
            (file.name().to_string(), content)
        })
        .collect()
}

async fn bundle(t: &TestServer, client: &reqwest::Client) -> (StatusCode, Vec<u8>) {
    let response = client
        .get(t.url("/api/v1/case-studies/squall-1129/bundle.zip"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        assert_eq!(response.headers()["content-type"], "application/zip");
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(disposition.contains("squall-1129.zip"), "{disposition}");
    }
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_holds_the_pinned_files_its_stac_catalog_and_datacite() {
    let (t, scientist, _) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    t.drop_file(
        &format!("{QUICKLOOK}.json"),
        br#"{"bbox": [-5, 42, 3.5, 47], "title": "IR 10.8"}"#,
    );
    t.drop_file(QUICKLOOK, &png(1));
    t.drop_file(FORECAST, &png(2));
    t.drop_file(&format!("{SECRET}.json"), br#"{"restricted": true}"#);
    t.drop_file(SECRET, &png(3));
    let mut products = Vec::new();
    while products.len() < 3 {
        if let EventKind::ProductAdded { product } = next_event(&mut ws).await.kind {
            products.push(product);
        }
    }
    let pins: Vec<Value> = products
        .iter()
        .map(|p| json!({"product_id": p.id, "version": 1}))
        .collect();
    let tag = t
        .http
        .put(t.url("/api/v1/case-tags/squall_line"))
        .json(&json!({"long_name": "Squall line", "tier": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(tag.status(), StatusCode::OK);
    let case = json!({"slug": "squall-1129", "title": "Squall line crossing the network",
        "start": "2026-11-29T00:00:00Z", "end": "2026-11-30T00:00:00Z",
        "bbox": [-5.0, 42.0, 3.5, 47.0], "tags": ["squall_line"],
        "description": "The line reached the coast at **18 UTC**.",
        "operations": [operation], "pins": pins, "published": true, "licence": "CC-BY-4.0",
        "segments": [{"segment_id": "leg-1", "name": "first crossing",
            "start": "2026-11-29T15:00:00Z", "end": "2026-11-29T15:40:00Z", "kinds": ["straight_leg"]}]});
    let (status, answer) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/case-studies"),
        Some(case),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    // A newer version: the bundle still carries the pinned one.
    t.drop_file(QUICKLOOK, &png(9));
    loop {
        if let EventKind::ProductUpdated { product, .. } | EventKind::ProductAdded { product } =
            next_event(&mut ws).await.kind
        {
            if product.version == 2 {
                break;
            }
        }
    }

    let (status, zipped) = bundle(&t, &t.http).await;
    assert_eq!(status, StatusCode::OK);
    let files = unzip(&zipped);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "squall-1129/README.md",
        "squall-1129/datacite.json",
        "squall-1129/SHA256SUMS",
        "squall-1129/stac/catalog.json",
        "squall-1129/stac/case-squall-1129/collection.json",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    // Each file at its pinned version, its checksum the catalogue's.
    let sums = String::from_utf8(
        files
            .iter()
            .find(|(n, _)| n.ends_with("SHA256SUMS"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert_eq!(sums.lines().count(), 3, "{sums}");
    for product in &products {
        let path = format!("squall-1129/files/v1/{}", product.file_name);
        let (_, content) = files
            .iter()
            .find(|(n, _)| *n == path)
            .unwrap_or_else(|| panic!("{path} in {names:?}"));
        let sha = hex::encode(Sha256::digest(content));
        assert_eq!(sha, product.sha256, "{path}");
        assert!(
            sums.contains(&format!("{sha}  files/v1/{}", product.file_name)),
            "{sums}"
        );
    }
    let quicklook = &files
        .iter()
        .find(|(n, _)| n.ends_with(QUICKLOOK))
        .unwrap()
        .1;
    assert_eq!(quicklook, &png(1), "version 1, not the newer one");

    // DataCite 4.5: the required properties (the DOI itself is minted on request).
    let datacite: Value = serde_json::from_slice(
        &files
            .iter()
            .find(|(n, _)| n.ends_with("datacite.json"))
            .unwrap()
            .1,
    )
    .unwrap();
    let attributes = &datacite["data"]["attributes"];
    assert_eq!(datacite["data"]["type"], "dois");
    assert_eq!(attributes["creators"][0]["name"], "marie");
    assert_eq!(
        attributes["titles"][0]["title"],
        "Squall line crossing the network"
    );
    assert_eq!(attributes["publisher"]["name"], "opsboard");
    assert!(attributes["publicationYear"]
        .as_i64()
        .is_some_and(|y| y >= 2026));
    let general = attributes["types"]["resourceTypeGeneral"].as_str().unwrap();
    assert!(RESOURCE_TYPES.contains(&general), "{general}");
    assert_eq!(attributes["subjects"][0]["subject"], "squall_line");
    // Its licence, in DataCite's rights and in the STAC collection.
    assert_eq!(attributes["rightsList"][0]["rightsIdentifier"], "CC-BY-4.0");
    assert_eq!(
        attributes["rightsList"][0]["rightsIdentifierScheme"],
        "SPDX"
    );
    let collection: Value = serde_json::from_slice(
        &files
            .iter()
            .find(|(n, _)| n.ends_with("stac/case-squall-1129/collection.json"))
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(collection["license"], "CC-BY-4.0");
    assert_eq!(
        attributes["geoLocations"][0]["geoLocationBox"]["westBoundLongitude"],
        -5.0
    );
    assert!(attributes["url"]
        .as_str()
        .unwrap()
        .ends_with("/case-studies/squall-1129"));
    let readme = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(
        readme.contains("# Squall line crossing the network") && readme.contains("leg-1"),
        "{readme}"
    );

    // The static catalog, unpacked, validates offline and its links resolve.
    let unpacked = tempfile::tempdir().unwrap();
    for (name, content) in &files {
        let path = unpacked.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let out = validate_catalog(&unpacked.path().join("squall-1129/stac/catalog.json")).await;
    assert!(out.contains("items 3"), "{out}");

    // The public's bundle leaves the restricted file out.
    let (status, public) = bundle(&t, &t.anonymous()).await;
    assert_eq!(status, StatusCode::OK);
    let public = unzip(&public);
    assert!(
        public.iter().all(|(n, _)| !n.contains("lidar")),
        "restricted file in the public bundle"
    );
    assert_eq!(
        public.iter().filter(|(n, _)| n.contains("/files/")).count(),
        2
    );
    let (status, _) = send(
        &t.anonymous(),
        Method::GET,
        t.url("/api/v1/case-studies/nothing/bundle.zip"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Validates the static catalog `catalog` offline with [`VALIDATE`]; what
/// it printed.
pub(crate) async fn validate_catalog(catalog: &std::path::Path) -> String {
    let script = vec![
        "-c".into(),
        VALIDATE.into(),
        catalog.to_string_lossy().into_owned(),
    ];
    let (ok, out) = offline(tool("python"), script).await;
    assert!(ok, "{out}");
    out
}

/// Reads the catalog with pystac (following every link), validates every
/// object against its schemas (the mirror's) and with stac-pydantic's
/// models, and checks every asset's file is there.
const VALIDATE: &str = r#"
import json, os, sys
import pystac
from stac_pydantic import Catalog, Collection, Item
catalog = pystac.Catalog.from_file(sys.argv[1])
catalog.validate_all()
Catalog.model_validate(json.load(open(sys.argv[1])))
count = 0
for collection in catalog.get_children():
    Collection.model_validate(collection.to_dict(transform_hrefs=False))
    for item in collection.get_items():
        Item.model_validate(item.to_dict(transform_hrefs=False))
        for asset in item.assets.values():
            assert os.path.isfile(asset.get_absolute_href()), asset.href
        count += 1
print("items", count)
"#;
