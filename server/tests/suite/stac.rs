//! The STAC API through the real server, checked by the tools its users
//! run: `stac-api-validator` (core, collections, features, item-search,
//! filter) and pystac-client searches (by box, time, collection and CQL2
//! filter) and a search that pages through 1 000 items while new
//! products and new versions arrive, offline through the schemas the
//! repository carries (server/tests/stac-schemas). The tools are installed by `scripts/stac-tools.sh` (`make
//! test` runs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{self, png, TestServer};

/// Products of the imported campaign.
const IMAGES: usize = 1_000;
/// Where the images' boxes are: half over the Pyrenees, half over the Alps.
const WEST_BOX: [f64; 4] = [-2.0, 42.0, 3.0, 44.0];
const EAST_BOX: [f64; 4] = [5.0, 44.0, 10.0, 47.0];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A tool of the STAC virtual environment; the test fails without it.
pub fn tool(name: &str) -> PathBuf {
    let path = repo().join(".stac-tools/bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/stac-tools.sh (make test does)",
        path.display()
    );
    path
}

/// Runs `program` with the JSON schemas the repository carries
/// (server/tests/stac-schemas, see its README); its status and output.
pub async fn offline(program: PathBuf, args: Vec<String>) -> (bool, String) {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stac-schemas");
    assert!(
        schemas.join("resolve/sitecustomize.py").is_file(),
        "the STAC schemas are missing from {}",
        schemas.display()
    );
    tokio::task::spawn_blocking(move || {
        let output = Command::new(program)
            .args(args)
            .env("PYTHONPATH", schemas.join("resolve"))
            .env("OPSBOARD_STAC_SCHEMAS", &schemas)
            .output()
            .expect("the tool runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    })
    .await
    .expect("joined")
}

/// The time of image `i`: one every 10 minutes from 1 June 2026.
fn image_time(i: usize) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap() + Duration::minutes(10 * i as i64)
}

pub fn image_name(i: usize) -> String {
    format!(
        "satellite.MSG.{}.ir108.png",
        image_time(i).format("%Y%m%d%H%M")
    )
}

/// A campaign imported with the real command line: 1 000 satellite images
/// with sidecar boxes, a few forecasts, one restricted lidar image; then
/// the server on it, with a published case study pinning two images.
pub async fn stac_campaign() -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("source");
    std::fs::create_dir_all(&source).unwrap();
    for i in 0..IMAGES {
        let name = image_name(i);
        std::fs::write(source.join(&name), png((i % 250) as u8)).unwrap();
        let bbox = if i % 2 == 0 { WEST_BOX } else { EAST_BOX };
        let sidecar = json!({"bbox": bbox, "title": format!("IR 10.8 µm, image {i}"), "provider": "EUMETSAT"});
        std::fs::write(source.join(format!("{name}.json")), sidecar.to_string()).unwrap();
    }
    for lead in [6, 12, 24] {
        let name = format!("model.AROME.202606010000.{lead:03}h_precip.png");
        std::fs::write(source.join(name), png(lead)).unwrap();
    }
    std::fs::write(
        source.join("lidar.ATR42.202606011200.backscatter.png"),
        png(7),
    )
    .unwrap();
    std::fs::write(
        source.join("lidar.ATR42.202606011200.backscatter.png.json"),
        json!({"restricted": true}).to_string(),
    )
    .unwrap();
    let data = dir.path().to_string_lossy().into_owned();
    let (ok, out) =
        common::opsboard_cli(&["import", &source.to_string_lossy(), "--data-dir", &data]);
    assert!(ok, "{out}");
    let t = TestServer::start_in(dir).await;
    let put_tag = t
        .http
        .put(t.url("/api/v1/case-tags/squall_line"))
        .json(&json!({"long_name": "Squall line", "tier": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(put_tag.status(), StatusCode::OK);
    let (_, first) = t
        .get_json("/api/v1/products?category=satellite&limit=2")
        .await;
    let pins: Vec<Value> = first
        .as_array()
        .expect("products")
        .iter()
        .map(|p| json!({"product_id": p["id"], "version": 1}))
        .collect();
    let case = json!({"slug": "squall-0601", "title": "The squall line of 1 June",
        "start": "2026-06-01T00:00:00Z", "end": "2026-06-02T00:00:00Z",
        "tags": ["squall_line"], "description": "Two images of the line.",
        "bbox": [-3.0, 41.0, 4.0, 45.0], "pins": pins, "published": true});
    let created = t
        .http
        .post(t.url("/api/v1/case-studies"))
        .json(&case)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stac_api_validator_passes_offline() {
    let t = stac_campaign().await;
    let root = t.url("/stac/v1");
    let args = [
        "--root-url",
        &root,
        "--conformance",
        "core",
        "--conformance",
        "collections",
        "--conformance",
        "features",
        "--conformance",
        "item-search",
        "--conformance",
        "filter",
        "--collection",
        "satellite.MSG",
        "--geometry",
        r#"{"type":"Point","coordinates":[0.5,43.0]}"#,
    ];
    let (ok, out) = offline(
        tool("stac-api-validator"),
        args.iter().map(|s| s.to_string()).collect(),
    )
    .await;
    assert!(ok && out.contains("Errors: none"), "{out}");
    // The filter classes were validated, not skipped.
    for class in ["CQL2-Text", "CQL2-JSON", "Basic CQL2"] {
        assert!(
            out.contains(&format!("Filter Extension - {class}")),
            "{out}"
        );
    }
    what_the_items_say(&t).await;
}

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, Value) {
    let response = client.get(url).send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Items carry what the products say, as their readers may see them.
async fn what_the_items_say(t: &TestServer) {
    let public = t.anonymous();
    let stac = |path: &str| t.url(&format!("/stac/v1{path}"));

    // The restricted lidar image: not in any answer to the public.
    let (status, _) = get(&public, stac("/collections/lidar.ATR42")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, found) = get(&public, stac("/search?collections=campaign&limit=10000")).await;
    assert_eq!(found["features"].as_array().unwrap().len(), IMAGES + 3);
    let (_, collections) = get(&public, stac("/collections")).await;
    let ids: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "campaign",
            "model.AROME",
            "satellite.MSG",
            "case-squall-0601"
        ]
    );
    let (status, lidar) = get(&t.http, stac("/collections/lidar.ATR42/items")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        lidar["features"][0]["id"],
        "lidar.ATR42.202606011200.backscatter"
    );

    // A forecast, with the forecast extension.
    let (_, forecast) = get(
        &public,
        stac("/collections/model.AROME/items/model.AROME.202606010000.024h_precip"),
    )
    .await;
    let properties = &forecast["properties"];
    assert_eq!(properties["datetime"], "2026-06-02T00:00:00Z");
    assert_eq!(
        properties["forecast:reference_datetime"],
        "2026-06-01T00:00:00Z"
    );
    assert_eq!(properties["forecast:horizon"], "PT24H");
    assert_eq!(properties["forecast:variable"], "precip");
    assert_eq!(
        forecast["stac_extensions"][0],
        catalogue::stac::FORECAST_EXTENSION
    );
    assert_eq!(forecast["geometry"], Value::Null);
    assert_eq!(forecast["assets"]["data"]["type"], "image/png");

    // An image: its box, its provider, its file.
    let (_, image) = get(
        &public,
        stac("/search?ids=satellite.MSG.202606010010.ir108"),
    )
    .await;
    let image = &image["features"][0];
    assert_eq!(image["bbox"], json!(EAST_BOX));
    assert_eq!(image["properties"]["providers"][0]["name"], "EUMETSAT");
    assert_eq!(image["collection"], "satellite.MSG");
    let file = image["assets"]["data"]["href"].as_str().unwrap();
    let bytes = public
        .get(file)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), png(1).as_slice());

    // The case study's collection: its two pinned images, shown in it.
    // The case's collection spans its own area (west and south here) and
    // days with its products' boxes (east and north), not the globe.
    let (_, collection) = get(&public, stac("/collections/case-squall-0601")).await;
    assert_eq!(
        collection["extent"]["spatial"]["bbox"][0],
        json!([-3.0, 41.0, 10.0, 47.0]),
        "{collection}"
    );
    let interval = &collection["extent"]["temporal"]["interval"][0];
    assert_eq!(interval[0], "2026-06-01T00:00:00Z", "{collection}");
    // A case saved without a licence has the campaign's data policy.
    assert_eq!(collection["license"], "proprietary");
    let (_, case) = get(&public, stac("/collections/case-squall-0601/items")).await;
    let features = case["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert!(features
        .iter()
        .all(|f| f["collection"] == "case-squall-0601"));
    let (_, campaign) = get(&public, stac("/collections/campaign")).await;
    let interval = &campaign["extent"]["temporal"]["interval"][0];
    assert_eq!(interval[0], "2026-06-01T00:00:00Z");
    assert_eq!(
        interval[1],
        json!(catalogue::stac::rfc3339(image_time(IMAGES - 1)))
    );

    // Sorted newest first; bounds refused with a reason.
    let search = json!({"collections": ["satellite.MSG"], "limit": 1,
        "sortby": [{"field": "properties.datetime", "direction": "desc"}]});
    let newest: Value = public
        .post(stac("/search"))
        .json(&search)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = image_name(IMAGES - 1);
    assert_eq!(newest["features"][0]["id"], last.trim_end_matches(".png"));
    let links = newest["links"].as_array().unwrap();
    let next = links
        .iter()
        .find(|l| l["rel"] == "next")
        .expect("a next page");
    assert_eq!(next["method"], "POST");
    assert_eq!(next["body"]["sortby"], search["sortby"]);
    for bad in [
        "/search?limit=0",
        "/search?bbox=0,0,1",
        "/search?datetime=2026-06-02T00:00:00Z/2026-06-01T00:00:00Z",
        "/search?bbox=0,0,1,1&intersects=%7B%22type%22%3A%22Point%22%2C%22coordinates%22%3A%5B0%2C0%5D%7D",
        "/search?token=forged",
        "/search?collections=nowhere",
    ] {
        let (status, answer) = get(&public, stac(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
    }
}

/// What pystac-client does in the test: a search by collection, box and
/// day; then every satellite item, 100 a page, dropping a new product and
/// a new version of a seen and of an unseen image before each next page
/// (and waiting until the server has them). Prints the ids as JSON.
const PYSTAC_CLIENT: &str = r#"
import json, os, shutil, sys, time, urllib.request
from pathlib import Path
from pystac_client import Client

root, incoming, templates = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
client = Client.open(root)
west = client.search(collections=["satellite.MSG"], bbox=[-1, 42.5, 1, 43.5],
                     datetime="2026-06-01T00:00:00Z/2026-06-01T23:59:59Z")
west = [item.id for item in west.items()]
# The Filter extension: cql2-json (POST) and cql2-text (GET).
long_leads = client.search(filter={"op": ">=", "args": [{"property": "forecast:horizon"}, "PT12H"]},
                           filter_lang="cql2-json")
long_leads = [item.id for item in long_leads.items()]
early = client.search(method="GET", collections=["satellite.MSG"], filter_lang="cql2-text",
                      filter="datetime < TIMESTAMP('2026-06-01T00:30:00Z') AND id <> 'satellite.MSG.202606010010.ir108'")
early = [item.id for item in early.items()]

def arrived(item_id):
    for _ in range(200):
        with urllib.request.urlopen(f"{root}/search?ids={item_id}") as answer:
            if json.load(answer)["features"]:
                return
        time.sleep(0.05)
    sys.exit(f"{item_id} never arrived")

def drop(template, name):
    """As providers do: written aside, renamed into the drop folder."""
    part = templates / "part"
    shutil.copyfile(templates / template, part)
    os.replace(part, incoming / f"{name}.png")

def name(minutes):
    t = time.gmtime(1780272000 + minutes * 60)  # 2026-06-01T00:00:00Z
    return time.strftime("satellite.MSG.%Y%m%d%H%M.ir108", t)

seen, arrivals = [], []
for n, page in enumerate(client.search(collections=["satellite.MSG"], limit=100).pages()):
    seen.extend(item.id for item in page.items)
    # Between two images, behind the pages read (odd pages) or ahead (even).
    new = name(10 * (100 * n + 40 if n % 2 else 100 * (n + 1) + 50) + 5)
    drop("new.png", new)
    for old in (name(10 * 50 * n), name(10 * ((100 * (n + 1) + 30) % 1000))):
        drop(f"v{n % 2}.png", old)
    arrived(new)
    arrivals.append(new)
print(json.dumps({"west": west, "long_leads": long_leads, "early": early,
                  "seen": seen, "arrivals": arrivals}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pystac_client_searches_and_pages_through_1000_items_while_products_arrive() {
    let t = stac_campaign().await;
    let work = tempfile::tempdir().unwrap();
    let script = work.path().join("search.py");
    std::fs::write(&script, PYSTAC_CLIENT).unwrap();
    for (file, seed) in [("new.png", 251), ("v0.png", 252), ("v1.png", 253)] {
        std::fs::write(work.path().join(file), png(seed)).unwrap();
    }
    let args = vec![
        script.to_string_lossy().into_owned(),
        t.url("/stac/v1"),
        t.incoming().to_string_lossy().into_owned(),
        work.path().to_string_lossy().into_owned(),
    ];
    let (ok, out) = offline(tool("python"), args).await;
    assert!(ok, "{out}");
    let answer: Value = serde_json::from_str(out.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{out}"));
    let ids = |key: &str| -> Vec<String> {
        answer[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };

    // The first day's images in the western box: every other one of 144.
    let expected: Vec<String> = (0..144)
        .filter(|i| i % 2 == 0)
        .map(|i| image_name(i).trim_end_matches(".png").to_string())
        .collect();
    assert_eq!(ids("west"), expected);
    assert_eq!(
        ids("long_leads"),
        [
            "model.AROME.202606010000.012h_precip",
            "model.AROME.202606010000.024h_precip"
        ]
    );
    let early: Vec<String> = [0, 2]
        .into_iter()
        .map(|i| image_name(i).trim_end_matches(".png").to_string())
        .collect();
    assert_eq!(ids("early"), early);

    // Every image once, whatever arrived meanwhile.
    let seen = ids("seen");
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "an item was seen twice");
    for i in 0..IMAGES {
        let id = image_name(i).trim_end_matches(".png").to_string();
        assert!(unique.contains(&id), "{id} was never seen");
    }
    let arrivals = ids("arrivals");
    assert!(arrivals.len() >= 10, "{arrivals:?}");
    // Arrivals ahead of the page being read were met; those behind were not.
    let met = arrivals.iter().filter(|a| unique.contains(a)).count();
    assert!(met > 0 && met < arrivals.len(), "{met} of {arrivals:?}");
    assert_eq!(seen.len(), IMAGES + met, "nothing else was seen");
}

#[tokio::test]
async fn a_stac_client_without_a_login_gets_401_json_and_may_send_a_token_as_basic() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants;
    })
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/stac/v1",
        "/stac/v1/search?limit=1",
        "/stac/v1/collections",
    ] {
        let refused = client.get(t.url(path)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{path}");
        let challenge = refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            challenge.contains("Bearer") && challenge.contains("Basic"),
            "{challenge}"
        );
        let body: Value = refused.json().await.expect("a JSON refusal");
        assert_eq!(body["error"], "login_required", "{body}");
    }
    // A personal token as the Basic password (the user name is not read).
    let landing = client
        .get(t.url("/stac/v1"))
        .basic_auth("qgis", Some(&t.token))
        .send()
        .await
        .unwrap();
    assert_eq!(landing.status(), StatusCode::OK);
    let landing: Value = landing.json().await.unwrap();
    assert!(landing["conformsTo"].is_array(), "{landing}");
    let wrong = client
        .get(t.url("/stac/v1"))
        .basic_auth("qgis", Some("obp_not_a_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // The board's own API is not challenged with Basic (browsers would ask
    // for a password in a dialog).
    let api = client.get(t.url("/api/v1/products")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert!(!api.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("Basic"));
    t.server.shutdown().await.unwrap();
}
