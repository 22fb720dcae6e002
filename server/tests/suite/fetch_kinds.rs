//! The listing and index kinds against a real centre's server: a listing's
//! new files fetched once each, named by the pattern, the old and the
//! unmatched left alone, its page re-read with its ETag; an index source's
//! fields fetched by byte ranges only, into one file; "poll now".

use chrono::{Duration, DurationRound, Utc};
use model::name::format_time;
use reqwest::StatusCode;

use crate::common::centre::{eventually, Centre, Serve, LISTING};
use crate::common::{png, TestServer};
use crate::fetch::{products, start, until_products};

/// A radar image name `RADAR_{time}_dbz.png`, `minutes` ago on the 5 minutes.
fn radar(minutes: i64) -> String {
    let time = (Utc::now() - Duration::minutes(minutes))
        .duration_trunc(Duration::minutes(5))
        .unwrap();
    format!("RADAR_{}_dbz.png", format_time(time))
}

/// Asks for `source` to be polled now; the answer's status.
async fn poll(server: &TestServer, source: &str) -> StatusCode {
    server
        .http
        .post(server.url(&format!("/api/v1/sources/{source}/poll")))
        .send()
        .await
        .unwrap()
        .status()
}

fn asked(centre: &Centre, name: &str, status: u16) -> u32 {
    centre.counts(name).of(status)
}

#[tokio::test]
async fn a_listing_fetches_each_new_file_once_and_an_admin_can_poll_it_now() {
    let centre = Centre::start().await;
    let (older, newer, coming, ancient) = (radar(10), radar(5), radar(0), radar(3 * 24 * 60));
    centre.put(&older, png(1), Serve::Plain);
    centre.put(&newer, png(2), Serve::Plain);
    centre.put(&coming, png(3), Serve::Withheld);
    centre.put(&ancient, png(4), Serve::Plain);
    centre.put("readme.txt", b"not a product".to_vec(), Serve::Plain);
    // Polled hourly: after the first look, only "poll now" looks again.
    let toml = format!(
        "[[source]]\nname = \"radar\"\nkind = \"listing\"\nurl = \"{}/\"\n\
         match = '^(?P<platform>[A-Z]+)_(?P<time>\\d{{12}})_(?P<product>\\w+)\\.png$'\n\
         category = \"radar\"\npoll = \"1h\"\n",
        centre.url()
    );
    let server = start(&toml).await;

    let list = until_products(&server, "RADAR", 2).await;
    assert!(list
        .iter()
        .all(|p| p["product"] == "dbz" && p["source"] == "radar"));
    let urls: Vec<&str> = list
        .iter()
        .map(|p| p["source_url"].as_str().unwrap())
        .collect();
    assert!(urls.contains(&format!("{}/{older}", centre.url()).as_str()));
    // Older than the listing's max_age (2 days), or not matching: never asked.
    assert_eq!(centre.counts(&ancient).statuses.len(), 0);
    assert_eq!(centre.counts("readme.txt").statuses.len(), 0);

    // A new file, and an admin asks for a poll rather than wait an hour.
    centre.put(&coming, png(3), Serve::Plain);
    assert_eq!(poll(&server, "radar").await, StatusCode::ACCEPTED);
    until_products(&server, "RADAR", 3).await;
    assert_eq!(poll(&server, "nosuch").await, StatusCode::NOT_FOUND);
    // The page unchanged: one 304, nothing fetched again.
    assert_eq!(poll(&server, "radar").await, StatusCode::ACCEPTED);
    assert!(
        eventually(std::time::Duration::from_secs(10), || asked(
            &centre, LISTING, 304
        ) >= 1)
        .await
    );
    for name in [&older, &newer, &coming] {
        assert_eq!(asked(&centre, name, 200), 1, "{name}");
    }

    // A restart reads the page whole once; what was fetched stays fetched.
    let pages = asked(&centre, LISTING, 200);
    let server = server.restart_with(|_| {}).await;
    assert!(
        eventually(std::time::Duration::from_secs(10), || asked(
            &centre, LISTING, 200
        ) > pages)
        .await
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for name in [&older, &newer, &coming] {
        assert_eq!(asked(&centre, name, 200), 1, "{name}");
    }
    let list = products(&server, "RADAR").await;
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|p| p["version"] == 1));

    // The centre replaces a file: its line on the page changes, it is asked
    // again and becomes version 2; the others are not asked again.
    centre.put(&older, png(9), Serve::Plain);
    assert_eq!(poll(&server, "radar").await, StatusCode::ACCEPTED);
    assert!(
        eventually(std::time::Duration::from_secs(10), || asked(
            &centre, &older, 200
        ) == 2)
        .await
    );
    let mut replaced = None;
    for _ in 0..100 {
        let list = products(&server, "RADAR").await;
        replaced = list.into_iter().find(|p| p["version"] == 2);
        if replaced.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let replaced = replaced.expect("the replaced file is version 2");
    assert!(replaced["source_url"].as_str().unwrap().ends_with(&older));
    for name in [&newer, &coming] {
        assert_eq!(asked(&centre, name, 200), 1, "{name}");
    }
}

/// A GRIB-like file of four fields and its ECMWF-style index: msl (100
/// bytes), 2t (50), t@850 (70), t@500 (70).
fn run_and_index() -> (Vec<u8>, String) {
    let fields = [
        ("msl", None, b'a', 100),
        ("2t", None, b'b', 50),
        ("t", Some("850"), b'c', 70),
        ("t", Some("500"), b'd', 70),
    ];
    let mut data = Vec::new();
    let mut index = String::new();
    for (param, level, byte, length) in fields {
        let levelist = level.map_or(String::new(), |l| format!(", \"levelist\": \"{l}\""));
        index.push_str(&format!(
            "{{\"domain\": \"g\", \"param\": \"{param}\"{levelist}, \"_offset\": {}, \"_length\": {length}}}\n",
            data.len()
        ));
        data.extend(std::iter::repeat_n(byte, length));
    }
    (data, index)
}

#[tokio::test]
async fn an_index_source_fetches_only_its_fields_by_range_into_one_file() {
    let centre = Centre::start().await;
    let run = (Utc::now() - Duration::hours(1))
        .duration_trunc(Duration::hours(1))
        .unwrap();
    let hour = &format_time(run)[8..10];
    let (data, index) = run_and_index();
    let file = format!("run-t{hour}z-0h.grib2");
    centre.put(&file, data.clone(), Serve::Plain);
    centre.put(
        &format!("run-t{hour}z-0h.index"),
        index.into_bytes(),
        Serve::Plain,
    );
    let source = |name: &str, fields: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"index\"\ncategory = \"model\"\nplatform = \"{}\"\n\
             url = \"{}/run-t{{run:%H}}z-{{lead}}h.grib2\"\nproduct = \"{{lead:03}}h_sfc\"\n\
             fields = {fields}\nruns = [\"{hour}\"]\nleads = [0]\ndeadline = \"20h\"\npoll = \"1s\"\nkeep_runs = 1\n",
            name.to_uppercase(),
            centre.url()
        )
    };
    // An index larger than any index (16 MiB at most is read).
    centre.put(
        &format!("huge-t{hour}z-0h.index"),
        Vec::new(),
        Serve::Zeros(17 << 20),
    );
    let huge = source("huge", "[\"2t\"]").replace("/run-t", "/huge-t");
    let toml = format!(
        "{}\n{}\n{huge}",
        source("ifs", "[\"t@500\", \"2t\", \"msl\"]"),
        source("partial", "[\"2t\", \"q@700\"]")
    );
    let server = start(&toml).await;

    let list = until_products(&server, "IFS", 1).await;
    assert_eq!(list[0]["product"], "000h_sfc");
    let bytes = server.bytes(list[0]["file_url"].as_str().unwrap()).await;
    // msl and 2t (touching: one range), then t@500; never t@850.
    let mut wanted = data[..150].to_vec();
    wanted.extend_from_slice(&data[220..290]);
    assert_eq!(bytes.as_slice(), wanted.as_slice());
    let counts = centre.counts(&file);
    assert_eq!(counts.statuses.get(&206), Some(&2), "{counts:?}");
    assert_eq!(counts.statuses.get(&200), None, "{counts:?}");

    // The index unchanged: 304s, the file not asked again.
    let index = format!("run-t{hour}z-0h.index");
    assert!(
        eventually(std::time::Duration::from_secs(10), || asked(
            &centre, &index, 304
        ) >= 2)
        .await
    );
    assert_eq!(centre.counts(&file).statuses.get(&206), Some(&2));
    // An index without a field asked for: nothing fetched, the reason said.
    assert!(products(&server, "PARTIAL").await.is_empty());
    let (_, sources) = server.get_json("/api/v1/sources").await;
    let partial = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "partial")
        .unwrap();
    assert_eq!(partial["kind"], "index");
    assert_eq!(
        partial["report"]["last_error"]["reason"], "the index: the index lacks q@700",
        "{partial}"
    );
    let huge = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "huge")
        .unwrap();
    let reason = huge["report"]["last_error"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(
        reason.contains("bytes announced; this source takes at most 16777216"),
        "{huge}"
    );
    assert!(products(&server, "HUGE").await.is_empty());
}

#[tokio::test]
async fn sources_on_one_host_share_its_limit_of_requests_at_once() {
    let centre = Centre::start().await;
    let run = (Utc::now() - Duration::hours(1))
        .duration_trunc(Duration::hours(1))
        .unwrap();
    let hour = &format_time(run)[8..10];
    let source = |name: &str| {
        for lead in 0..=5 {
            centre.put(
                &format!("{name}-t{hour}z.f{lead:03}.png"),
                png(lead),
                Serve::Slow,
            );
        }
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"{}\"\n\
             url = \"{}/{name}-t{{run:%H}}z.f{{lead:03}}.png\"\nproduct = \"{{lead:03}}h_t2m\"\n\
             runs = [\"{hour}\"]\nleads = \"0..=5/1\"\ndeadline = \"20h\"\npoll = \"1h\"\nkeep_runs = 1\n",
            name.to_uppercase(),
            centre.url()
        )
    };
    let toml = format!("per_host = 3\n\n{}\n{}", source("one"), source("two"));
    let server = start(&toml).await;
    until_products(&server, "ONE", 6).await;
    until_products(&server, "TWO", 6).await;
    // Twelve files due together, two sources polled side by side: three at
    // once on the host, never more.
    assert_eq!(centre.most_at_once(), 3);
}
