//! A page whose data cannot be read says the REST API's sentence, not the
//! database's words; the cause goes to the log. Driven through the real
//! binary, its log read from its standard output.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

const INTERNAL: &str = "internal error; the server log has the details";

#[tokio::test]
async fn a_database_failure_reaches_the_log_and_never_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log_path = dir.path().join("opsboard.log");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsboard"))
        .arg("serve")
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--access",
            "public",
        ])
        .env("RUST_LOG", "error")
        // The log goes to standard output (errors and all), as the
        // service manager keeps it.
        .stdout(std::fs::File::create(&log_path).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/api/v1/health")).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let page = reqwest::get(format!("{base}/briefings")).await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK, "works before");

    // The briefings' table goes away under the running server.
    let database = catalogue::store::DataDir::new(&data).database();
    let url = format!("sqlite://{}", database.display());
    let mut sqlite = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("DROP TABLE briefings")
        .execute(&mut sqlite)
        .await
        .unwrap();

    let page = reqwest::get(format!("{base}/briefings")).await.unwrap();
    let status = page.status();
    let html = page.text().await.unwrap();
    let called = reqwest::Client::new()
        .post(format!("{base}/api/briefings"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    let fn_status = called.status();
    let answer = called.text().await.unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();

    assert_eq!(status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(fn_status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    for (what, body) in [("page", &html), ("server function", &answer)] {
        assert!(body.contains(INTERNAL), "{what}: {body}");
        for sql in ["no such table", "SELECT", "sqlite", "database error"] {
            assert!(!body.contains(sql), "{what} shows {sql:?}");
        }
    }
    assert!(log.contains("no such table: briefings"), "the log: {log}");
}
