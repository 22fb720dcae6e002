//! The smaller holes of access, each through the real server: failed logins
//! do not flood the audit trail, one client cannot lock every invitation
//! out, the live stream refuses other sites' pages and counts clients behind
//! a proxy, an open websocket loses the rights its caller loses, names are
//! compared without case, and a briefing is handed over by its presenter,
//! its author or an admin only.

use std::time::Duration;

use model::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{
    self, add_provider, add_user_with_token, catalogue_of, client_with, opsboard_cli,
};
use crate::operations::send;
use common::TestServer;

async fn behind_a_proxy(adjust: impl FnOnce(&mut opsboard::config::ServeArgs)) -> TestServer {
    TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.trust_proxy = true;
        adjust(args);
    })
    .await
}

#[tokio::test]
async fn failed_logins_are_audited_ten_in_a_row_not_each() {
    let t = TestServer::start().await;
    for i in 0..16 {
        let status = reqwest::Client::new()
            .post(t.url("/api/v1/session"))
            .json(&json!({"user": format!("guess{i}"), "password": "not the password"}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let catalogue = catalogue_of(t.data()).await;
    let failures = catalogue
        .audit_trail(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == "login.failed")
        .count();
    assert_eq!(failures, 10, "16 failures from one address, 10 written");
    catalogue.close().await;
}

#[tokio::test]
async fn one_client_guessing_invitations_does_not_lock_out_the_others() {
    let t = behind_a_proxy(|_| {}).await;
    let catalogue = catalogue_of(t.data()).await;
    let user = catalogue
        .add_user("newcomer", Role::Viewer, None)
        .await
        .unwrap();
    let secret = "obp_invitation_secret_for_the_edge_test_01";
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    catalogue
        .add_invitation(
            user.id,
            &catalogue::provider::hash_token(secret),
            None,
            later,
        )
        .await
        .unwrap();
    catalogue.close().await;
    let accept = |token: String, from: &'static str| {
        reqwest::Client::new()
            .post(t.url("/api/v1/invitations/accept"))
            .header("x-forwarded-for", from)
            .json(&json!({"token": token, "password": "long enough pw"}))
            .send()
    };
    for i in 0..20 {
        let status = accept(format!("obp_guess_{i:040}"), "192.0.2.66")
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::BAD_REQUEST, "guess {i}");
    }
    let mine = accept(secret.to_string(), "192.0.2.7").await.unwrap();
    assert_eq!(
        mine.status(),
        StatusCode::OK,
        "the invited participant is not throttled"
    );
}

#[tokio::test]
async fn the_live_stream_refuses_other_sites_and_counts_clients_behind_a_proxy() {
    let t = behind_a_proxy(|args| args.max_websockets_per_address = 2).await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let token = ("authorization", format!("Bearer {}", t.token));
    for hostile in [
        ("origin", "http://evil.example".to_string()),
        ("sec-fetch-site", "cross-site".to_string()),
    ] {
        let refused = common::ws_with_headers(&url, &[token.clone(), hostile.clone()]).await;
        assert!(refused.is_err(), "{hostile:?} opened the stream");
    }
    let own = ("origin", format!("http://{}", t.server.addr));
    let from = |address: &str| ("x-forwarded-for", address.to_string());
    let mut open = Vec::new();
    for _ in 0..2 {
        let ws =
            common::ws_with_headers(&url, &[token.clone(), own.clone(), from("192.0.2.1")]).await;
        open.push(ws.expect("within the cap"));
    }
    let third = common::ws_with_headers(&url, &[token.clone(), from("192.0.2.1")]).await;
    assert!(third.is_err(), "a third socket of one client");
    let other = common::ws_with_headers(&url, &[token.clone(), from("192.0.2.2")]).await;
    assert!(other.is_ok(), "another client behind the same proxy");
}

#[tokio::test]
async fn an_open_socket_loses_what_its_caller_loses() {
    let t = TestServer::start().await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    // A demoted admin's socket closes: it would go on getting refusals.
    let second = add_user_with_token(t.data(), "admin2", Role::Admin).await;
    let mut ws = common::ws_with(&url, Some(&second)).await.unwrap();
    let demoted = t
        .http
        .post(t.url("/admin"))
        .form(&[("act", "role"), ("name", "admin2"), ("role", "viewer")])
        .send()
        .await
        .unwrap();
    assert_eq!(demoted.status(), StatusCode::OK);
    assert_eq!(
        common::close_code_within(&mut ws, Duration::from_secs(2)).await,
        Some(4401)
    );
    // A revoked provider's socket closes, revoked from the command line.
    let provider = add_provider(t.data(), "centre", &[]);
    let mut ws = common::ws_with(&url, Some(&provider)).await.unwrap();
    let data = t.data().to_string_lossy().into_owned();
    let (ok, said) = opsboard_cli(&["provider", "revoke", "centre", "--data-dir", &data]);
    assert!(ok, "{said}");
    assert_eq!(
        common::close_code_within(&mut ws, Duration::from_secs(5)).await,
        Some(4401)
    );
    // Names are compared without case: an admin cannot disable themselves as TESTER.
    for form in [
        vec![("act", "disable"), ("name", "TESTER")],
        vec![("act", "role"), ("name", "Tester"), ("role", "viewer")],
    ] {
        let response = t
            .http
            .post(t.url("/admin"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{form:?}");
    }
    let (status, _) = t.get_json("/api/v1/products").await;
    assert_eq!(status, StatusCode::OK, "the admin still reads");
}

#[tokio::test]
async fn a_briefing_is_handed_over_by_its_presenter_author_or_an_admin_only() {
    let t = TestServer::start().await;
    let marie = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let paul = client_with(&add_user_with_token(t.data(), "paul", Role::Scientist).await);
    let draft = |presenter: &str| json!({"title": "Morning", "at": "2026-11-29T08:00:00Z", "presenter": presenter, "items": [], "operations": []});
    let (status, made) = send(
        &marie,
        Method::POST,
        t.url("/api/v1/briefings"),
        Some(draft("marie")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["briefing"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{made}"));
    let url = t.url(&format!("/api/v1/briefings/{id}"));
    let (status, answer) = send(&paul, Method::PUT, url.clone(), Some(draft("paul"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    let (status, _) = send(&paul, Method::PUT, url.clone(), Some(draft("marie"))).await;
    assert_eq!(status, StatusCode::OK, "an edit that keeps the presenter");
    let (status, _) = send(&marie, Method::PUT, url.clone(), Some(draft("paul"))).await;
    assert_eq!(status, StatusCode::OK, "the presenter hands it over");
    let (status, _) = send(&t.http, Method::PUT, url, Some(draft("marie"))).await;
    assert_eq!(status, StatusCode::OK, "an admin may");
}
