//! The sources' poller against a real centre's server (`common::centre`):
//! every file once, 304s on re-polls, a cut body resumed by range, a stalled
//! one timed out and retried, nothing catalogued from a failed fetch, and a
//! restart that fetches only what is missing; a gzip bomb and a body
//! shorter than its Content-Length never catalogued.

use std::time::Duration;

use chrono::{DurationRound, Utc};
use model::name::format_time;
use serde_json::Value;

use crate::common::centre::{eventually, Centre, Serve};
use crate::common::process::Opsboard;
use crate::common::{png, TestServer};

/// A source of the centre's files `t{HH}z.f{lead}.png` of the run an hour
/// ago, leads 0 to `last`, polled every second.
fn source(centre: &Centre, name: &str, last: u32) -> (String, String) {
    let run = (Utc::now() - chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap();
    let hour = &format_time(run)[8..10];
    let toml = format!(
        "[[source]]\nname = \"{name}\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"{}\"\n\
         url = \"{}/t{{run:%H}}z.f{{lead:03}}.png\"\nproduct = \"{{lead:03}}h_t2m\"\n\
         runs = [\"{hour}\"]\nleads = \"0..={last}/1\"\ndeadline = \"20h\"\npoll = \"1s\"\nkeep_runs = 1\n",
        name.to_uppercase(),
        centre.url(),
    );
    (toml, format!("t{hour}z"))
}

pub(crate) async fn start(toml: &str) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sources.toml"), toml).unwrap();
    TestServer::start_with(dir, |args| {
        args.hooks.fetch_stall = Some(Duration::from_secs(2));
    })
    .await
}

/// The products of `platform`, as the API lists them.
pub(crate) async fn products(server: &TestServer, platform: &str) -> Vec<Value> {
    let (_, list) = server
        .get_json(&format!("/api/v1/products?platform={platform}"))
        .await;
    list.as_array().cloned().unwrap_or_default()
}

pub(crate) async fn until_products(server: &TestServer, platform: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let list = products(server, platform).await;
        if list.len() >= n {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{platform}: {} products, not {n}",
        products(server, platform).await.len()
    );
}

#[tokio::test]
async fn each_file_comes_once_a_cut_one_resumed_and_a_restart_asks_only_with_validators() {
    let centre = Centre::start().await;
    let (toml, run) = source(&centre, "fetched", 2);
    let files: Vec<String> = (0..3).map(|l| format!("{run}.f{l:03}.png")).collect();
    centre.put(&files[0], png(1), Serve::Plain);
    centre.put(&files[1], png(2), Serve::CutOnce);
    centre.put(&files[2], png(3), Serve::Withheld);
    let server = start(&toml).await;

    let list = until_products(&server, "FETCHED", 2).await;
    let first = list
        .iter()
        .find(|p| p["product"] == "000h_t2m")
        .expect("lead 0");
    assert_eq!(first["source"], "fetched");
    assert_eq!(
        first["source_url"],
        format!("{}/{}", centre.url(), files[0])
    );
    assert!(first["etag"].as_str().is_some());
    // The cut one, whole: its bytes are the centre's, by a range request.
    let cut = list
        .iter()
        .find(|p| p["product"] == "001h_t2m")
        .expect("lead 1");
    let bytes = server.bytes(cut["file_url"].as_str().unwrap()).await;
    assert_eq!(bytes.as_slice(), png(2).as_slice());
    assert_eq!(
        centre.counts(&files[1]).ranges,
        1,
        "{:?}",
        centre.counts(&files[1])
    );
    let (_, late) = server
        .get_json("/api/v1/expected?source=fetched&status=due")
        .await;
    assert_eq!(late.as_array().unwrap().len(), 1, "{late}");

    // Released: it comes within a poll or two.
    centre.put(&files[2], png(3), Serve::Plain);
    until_products(&server, "FETCHED", 3).await;
    // Re-polls ask with the ETag: 304s, never a second copy.
    assert!(
        eventually(Duration::from_secs(10), || centre
            .counts(&files[0])
            .statuses
            .get(&304)
            .copied()
            .unwrap_or(0)
            >= 2)
        .await
    );
    assert_eq!(products(&server, "FETCHED").await.len(), 3);
    for file in &files {
        assert_eq!(
            centre.counts(file).statuses.get(&200),
            Some(&1),
            "{file}: {:?}",
            centre.counts(file)
        );
    }
    let (_, sources) = server.get_json("/api/v1/sources").await;
    let report = &sources["sources"][0]["report"];
    assert_eq!(report["files"], 3, "{sources}");
    assert!(report["not_modified"].as_u64().unwrap() >= 2);

    // A restart: nothing fetched whole again, no new version.
    let before: Vec<u32> = files.iter().map(|f| centre.counts(f).of(304)).collect();
    let server = server
        .restart_with(|args| args.hooks.fetch_stall = Some(Duration::from_secs(2)))
        .await;
    assert!(
        eventually(Duration::from_secs(10), || {
            files
                .iter()
                .zip(&before)
                .all(|(f, b)| centre.counts(f).of(304) > *b)
        })
        .await
    );
    for file in &files {
        assert_eq!(centre.counts(file).statuses.get(&200), Some(&1), "{file}");
    }
    let list = products(&server, "FETCHED").await;
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|p| p["version"] == 1));
    let left: Vec<_> = std::fs::read_dir(server.data().join("uploads"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn a_misbehaving_centre_gets_nothing_catalogued_and_the_good_files_still_come() {
    let centre = Centre::start().await;
    let (toml, run) = source(&centre, "hostile", 7);
    let file = |lead: u32| format!("{run}.f{lead:03}.png");
    centre.put(&file(0), png(10), Serve::Stall(1));
    centre.put(&file(1), png(11), Serve::Unavailable(2));
    centre.put(&file(2), png(12), Serve::Huge);
    centre.put(&file(3), png(13), Serve::Loop);
    centre.put(&file(4), png(14), Serve::ToFile);
    centre.put(&file(5), png(15), Serve::Plain);
    centre.put(&file(6), png(16), Serve::GzipBomb);
    centre.put(&file(7), png(17), Serve::LongerLength);
    let server = start(&toml).await;

    // The stalled one timed out and came on a retry; the 503s were waited out.
    let list = until_products(&server, "HOSTILE", 3).await;
    let mut leads: Vec<&str> = list
        .iter()
        .map(|p| p["product"].as_str().unwrap())
        .collect();
    leads.sort_unstable();
    assert_eq!(leads, ["000h_t2m", "001h_t2m", "005h_t2m"]);
    assert_eq!(centre.counts(&file(1)).statuses.get(&503), Some(&2));
    // The others are asked again and again, and never catalogued.
    assert!(
        eventually(Duration::from_secs(10), || centre.counts(&file(2)).of(200)
            >= 2)
        .await
    );
    // Five redirects followed, the sixth refused; the one to file:// never followed.
    let loops = centre.counts(&file(3)).of(302);
    assert!(loops >= 6 && loops % 6 == 0, "{loops}");
    assert!(centre.counts(&file(4)).of(302) >= 1);
    // The bomb refused unread; the short body asked again by range, then
    // whole, and never taken for the file.
    assert!(
        eventually(Duration::from_secs(10), || centre.counts(&file(6)).of(200)
            >= 2)
        .await
    );
    assert!(
        eventually(Duration::from_secs(10), || centre.counts(&file(7)).ranges
            >= 1)
        .await,
        "{:?}",
        centre.counts(&file(7))
    );
    assert_eq!(products(&server, "HOSTILE").await.len(), 3);
    let (_, sources) = server.get_json("/api/v1/sources").await;
    // Only the good files' bytes were taken: never the bomb's megabyte.
    let taken = sources["sources"][0]["report"]["bytes"].as_u64().unwrap();
    assert!(taken < 100_000, "{taken} bytes taken");
    let error = sources["sources"][0]["report"]["last_error"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // The last of the refusals: 2 GB announced, too many redirects, a
    // redirect to file:// (answered as the 302 it is, never followed), an
    // encoded body or a cut one.
    assert!(
        ["announced", "redirect", "HTTP 302", "encoded", "cut"]
            .iter()
            .any(|r| error.contains(r)),
        "{sources}"
    );
    let (_, health) = server.get_json("/api/v1/health").await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["tasks"]["sources"]["state"], "running");
}

#[tokio::test]
async fn a_sigterm_mid_fetch_leaves_nothing_behind_and_the_next_start_fetches_it() {
    let centre = Centre::start().await;
    let (toml, run) = source(&centre, "cut", 0);
    let file = format!("{run}.f000.png");
    // About two seconds of body, 16 bytes at a time.
    centre.put(&file, png(7), Serve::Trickle);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sources.toml"), &toml).unwrap();
    let server = Opsboard::start(dir.path(), &[]).await;
    assert!(
        eventually(Duration::from_secs(10), || centre
            .counts(&file)
            .statuses
            .contains_key(&200))
        .await
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, took) = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "a clean exit: {status}");
    assert!(took < Duration::from_secs(10), "the stop took {took:?}");
    let uploads = dir.path().join("uploads");
    let left: Vec<_> = std::fs::read_dir(&uploads)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "the fetch's folder went with it: {left:?}");

    // The next start: nothing was catalogued, so the file is asked whole.
    centre.put(&file, png(7), Serve::Plain);
    let server = Opsboard::start(dir.path(), &[]).await;
    server.wait_for_products(1, Duration::from_secs(20)).await;
    let products = server.get("/api/v1/products?platform=CUT").await;
    assert_eq!(products.as_array().map(Vec::len), Some(1), "{products}");
    assert_eq!(products[0]["version"], 1);
    assert_eq!(centre.counts(&file).statuses.get(&200), Some(&2));
}
