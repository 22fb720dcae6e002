//! The first admin's setup link, on the real binary: it is printed when the
//! server starts with no user, and dies the moment any admin exists, even
//! one made by `opsboard user add` beside the running server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// `opsboard user add NAME --role ROLE` on `data`, the password on stdin.
fn add_user(data: &std::path::Path, name: &str, role: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsboard"))
        .args(["user", "add", name, "--role", role, "--password-stdin"])
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("opsboard user add");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "a long enough password").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success(), "user add {name}");
}

#[tokio::test]
async fn the_setup_link_dies_once_an_admin_exists() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_opsboard"))
        .args(["serve", "--no-previews", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = server.stdout.take().unwrap();
    let token = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("stdout");
            if let Some((_, token)) = line.split_once("/welcome?setup=") {
                return token.trim().to_string();
            }
            assert!(Instant::now() < deadline, "no setup link printed");
        }
        panic!("the server closed its output without a setup link")
    })
    .await
    .unwrap();
    // A viewer does not end it; an admin does.
    add_user(dir.path(), "early", "viewer");
    add_user(dir.path(), "boss", "admin");
    let answer = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/invitations/accept"))
        .json(
            &serde_json::json!({ "token": token, "password": "long enough pw", "user": "mallory" }),
        )
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let text = answer.text().await.unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("an admin exists"), "{text}");
    let catalogue =
        catalogue::Catalogue::open(&catalogue::store::DataDir::new(dir.path()).database())
            .await
            .unwrap();
    assert!(catalogue.user("mallory").await.unwrap().is_none());
}
