//! The login and invitation endpoints through the real server: hostile
//! bodies, cookies and headers get a clear refusal, and the next good login
//! still goes through; sessions, throttling, the origin check and
//! invitations behave as the README says.

use crate::common;

use common::{add_user_with_token, TestServer};
use model::Role;
use reqwest::{header, redirect, StatusCode};

async fn participants() -> TestServer {
    TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants;
    })
    .await
}

/// A browser-like client: keeps cookies, does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// A script's login: `POST /api/v1/session` with JSON.
async fn post_login(
    client: &reqwest::Client,
    t: &TestServer,
    user: &str,
    pw: &str,
) -> reqwest::Response {
    client
        .post(t.url("/api/v1/session"))
        .json(&serde_json::json!({ "user": user, "password": pw }))
        .send()
        .await
        .unwrap()
}

/// The status of a GET of `path`.
async fn status_of(client: &reqwest::Client, t: &TestServer, path: &str) -> StatusCode {
    client.get(t.url(path)).send().await.unwrap().status()
}

/// Uses an invitation link's `token` to set `password`, as its welcome page does.
fn accept_link(
    t: &TestServer,
    token: &str,
    password: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
    reqwest::Client::new()
        .post(t.url("/api/v1/invitations/accept"))
        .json(&serde_json::json!({ "token": token, "password": password }))
        .send()
}

async fn login(client: &reqwest::Client, t: &TestServer, user: &str, pw: &str) -> StatusCode {
    post_login(client, t, user, pw).await.status()
}

#[tokio::test]
async fn hostile_login_bodies_are_refused_and_the_next_good_login_works() {
    let t = participants().await;
    add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let huge = format!(r#"{{"user":"vera","password":"{}"}}"#, "x".repeat(64 << 20));
    let cases: Vec<(&str, Vec<u8>, &str, StatusCode)> = vec![
        (
            "64 MB body",
            huge.into_bytes(),
            json,
            StatusCode::BAD_REQUEST,
        ),
        ("empty", Vec::new(), json, StatusCode::BAD_REQUEST),
        (
            "truncated",
            br#"{"user":"vera","pass"#.to_vec(),
            json,
            StatusCode::BAD_REQUEST,
        ),
        (
            "malformed",
            b"\xff\xfe{]".to_vec(),
            json,
            StatusCode::BAD_REQUEST,
        ),
        ("array", b"[1,2,3]".to_vec(), json, StatusCode::BAD_REQUEST),
        (
            "number user",
            br#"{"user":1e999,"password":"x"}"#.to_vec(),
            json,
            StatusCode::BAD_REQUEST,
        ),
        (
            "NUL name",
            "user=ve%00ra&password=a+test+password".into(),
            form,
            StatusCode::SEE_OTHER,
        ),
        (
            "7 000-byte password",
            format!(r#"{{"user":"vera","password":"{}"}}"#, "p".repeat(7000)).into_bytes(),
            json,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "unknown user",
            br#"{"user":"nobody","password":"a test password"}"#.to_vec(),
            json,
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (what, body, kind, expected) in cases {
        let client = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(t.url("/api/v1/session"))
            .header(header::CONTENT_TYPE, kind)
            .body(body)
            .send()
            .await;
        let status = response
            .map(|r| r.status())
            .unwrap_or(StatusCode::BAD_REQUEST);
        assert_eq!(status, expected, "{what}");
    }
    assert_eq!(
        login(&browser(), &t, "vera", "a test password").await,
        StatusCode::OK
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_session_cookie_is_locked_down_and_ends_at_logout_and_at_disable() {
    let t = participants().await;
    add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let client = browser();
    let response = post_login(&client, &t, "VERA", "a test password").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "names compare without case"
    );
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    for flag in ["opsboard_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP without --trust-proxy"
    );
    let (status, who) = (
        status_of(&client, &t, "/api/v1/session").await,
        client
            .get(t.url("/api/v1/session"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(
        who.contains(r#""role":"viewer""#) && who.contains(r#""via":"session""#),
        "{who}"
    );
    assert_eq!(
        status_of(&client, &t, "/api/v1/products").await,
        StatusCode::OK
    );

    // A forged or truncated cookie is anonymous, not an error.
    for forged in [
        "opsboard_session=",
        "opsboard_session=AAAA",
        "opsboard_session=%ff%00",
    ] {
        let status = t
            .anonymous()
            .get(t.url("/api/v1/products"))
            .header(header::COOKIE, forged)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}");
    }

    // Logout ends it at once.
    let out = client
        .delete(t.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        status_of(&client, &t, "/api/v1/products").await,
        StatusCode::UNAUTHORIZED
    );

    // Disable (from the command line, another process) closes an open websocket within a second.
    assert_eq!(
        login(&client, &t, "vera", "a test password").await,
        StatusCode::OK
    );
    let jar_cookie = t.session_cookie("vera").await;
    let url = format!("ws://{}/api/v1/events", t.server.addr);
    let mut ws = common::ws_with_cookie(&url, &jar_cookie)
        .await
        .expect("websocket with the session");
    let (ok, out) = common::opsboard_cli(&[
        "user",
        "disable",
        "vera",
        "--data-dir",
        t.data().to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let disabled_at = std::time::Instant::now();
    let closed = common::close_code_within_a_second(&mut ws).await;
    assert_eq!(closed, Some(4401), "after {:?}", disabled_at.elapsed());
    assert_eq!(
        status_of(&client, &t, "/api/v1/products").await,
        StatusCode::UNAUTHORIZED
    );
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_passwords_in_a_row_get_429_and_cross_site_posts_are_refused() {
    let t = participants().await;
    add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let client = browser();
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(login(&client, &t, "vera", "not the password").await);
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses[19], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let throttled = post_login(&client, &t, "vera", "a test password").await;
    assert_eq!(
        throttled.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right one, for a while"
    );
    let wait: u64 = throttled.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");

    // A form on another site posting to the login (or any change) is refused.
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let status = reqwest::Client::new()
            .post(t.url("/api/v1/session/logout"))
            .header(name, value)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_invitation_works_once_and_not_after_it_expires() {
    let t = participants().await;
    let catalogue = common::catalogue_of(t.data()).await;
    let user = catalogue
        .add_user("newcomer", Role::Scientist, None)
        .await
        .unwrap();
    let secret = "obp_invitation_secret_for_the_test_0001";
    let expired = "obp_invitation_secret_for_the_test_0002";
    let hash = catalogue::provider::hash_token;
    let later = chrono::Utc::now() + chrono::Duration::hours(72);
    catalogue
        .add_invitation(user.id, &hash(secret), Some("tester"), later)
        .await
        .unwrap();
    // (Another user's: a user's newer invitation would end this one.)
    let late = catalogue
        .add_user("latecomer", Role::Viewer, None)
        .await
        .unwrap();
    catalogue
        .add_invitation(
            late.id,
            &hash(expired),
            Some("tester"),
            chrono::Utc::now() - chrono::Duration::seconds(1),
        )
        .await
        .unwrap();
    catalogue.close().await;
    let accept = |token: &str, password: &str| accept_link(&t, token, password);
    // Hostile ones first: none uses the invitation up.
    for (token, password) in [
        ("", "long enough pw"),
        (&"x".repeat(5000)[..], "long enough pw"),
        (secret, "short"),
    ] {
        assert_eq!(
            accept(token, password).await.unwrap().status(),
            StatusCode::BAD_REQUEST,
            "{password}"
        );
    }
    let expired_answer = accept(expired, "long enough pw").await.unwrap();
    assert_eq!(expired_answer.status(), StatusCode::BAD_REQUEST);
    assert!(expired_answer.text().await.unwrap().contains("expired"));
    let first = accept(secret, "long enough pw").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK, "the good one after them");
    assert_eq!(
        accept(secret, "another password").await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "once"
    );
    assert_eq!(
        login(&browser(), &t, "newcomer", "long enough pw").await,
        StatusCode::OK
    );
    // A first-admin link is refused once a user exists.
    let setup = reqwest::Client::new()
        .post(t.url("/api/v1/invitations/accept"))
        .json(&serde_json::json!({ "token": "anything", "password": "long enough pw", "user": "mallory" }))
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), StatusCode::BAD_REQUEST);
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_newer_or_used_invitation_ends_the_older_links() {
    let t = participants().await;
    let catalogue = common::catalogue_of(t.data()).await;
    let user = catalogue
        .add_user("twice", Role::Viewer, None)
        .await
        .unwrap();
    let hash = catalogue::provider::hash_token;
    let later = chrono::Utc::now() + chrono::Duration::hours(72);
    let [old, new, third] = [
        "obp_invitation_old_link_for_the_test_0001",
        "obp_invitation_new_link_for_the_test_0002",
        "obp_invitation_third_link_for_the_test_003",
    ];
    for secret in [old, new] {
        catalogue
            .add_invitation(user.id, &hash(secret), Some("tester"), later)
            .await
            .unwrap();
    }
    let accept = |token: &str| accept_link(&t, token, "long enough pw");
    assert_eq!(
        accept(old).await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "the newer link replaced it"
    );
    // Another user's link, made meanwhile, is not touched by these.
    let other = catalogue
        .add_user("other", Role::Viewer, None)
        .await
        .unwrap();
    catalogue
        .add_invitation(other.id, &hash(third), Some("tester"), later)
        .await
        .unwrap();
    assert_eq!(accept(new).await.unwrap().status(), StatusCode::OK);
    let fourth = "obp_invitation_fourth_link_for_the_test_04";
    assert_eq!(accept(new).await.unwrap().status(), StatusCode::BAD_REQUEST);
    catalogue
        .add_invitation(user.id, &hash(fourth), Some("tester"), later)
        .await
        .unwrap();
    let again = accept(fourth).await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a new link after a use works"
    );
    assert_eq!(
        accept(third).await.unwrap().status(),
        StatusCode::OK,
        "another user's link is untouched"
    );
    catalogue.close().await;
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_login_never_sends_the_browser_to_another_site() {
    let t = participants().await;
    add_user_with_token(t.data(), "vera", Role::Viewer).await;
    for (next, expected) in [
        ("/%09/evil.example/", "/"),
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("/ /evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/calendar?year=2012", "/calendar?year=2012"),
    ] {
        let next = next.replace("%09", "\t");
        let response = browser()
            .post(t.url("/api/v1/session"))
            .form(&[
                ("user", "vera"),
                ("password", "a test password"),
                ("next", next.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        let location = response.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(location, expected, "{next:?}");
    }
    t.server.shutdown().await.unwrap();
}
