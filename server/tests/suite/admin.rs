//! The admin page through the real server: each of its forms posted as a
//! browser would, and what the action changes checked where it matters (a
//! login, an upload, an open websocket), not only in the page.

use crate::common;

use common::{add_user_with_token, catalogue_of, client_with, ws_with, TestServer};
use model::Role;
use reqwest::StatusCode;

pub(crate) async fn participants() -> TestServer {
    TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants;
    })
    .await
}

/// Posts one admin form as the test's admin; the status and the page.
pub(crate) async fn post(t: &TestServer, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = t
        .http
        .post(t.url("/admin"))
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The secret a page shows once (the value of its `secret-value` field).
fn secret(page: &str) -> String {
    let field = page.find("secret-value").expect("a secret is shown");
    let start = page[..field].rfind("<input").unwrap();
    let value = &page[start..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_string()
}

/// The secret of an invitation link.
fn invitation_token(link: &str) -> &str {
    link.split("invitation=")
        .nth(1)
        .expect("an invitation link")
}

async fn accept(t: &TestServer, token: &str, password: &str) -> StatusCode {
    let body = serde_json::json!({ "token": token, "password": password });
    t.post_json("/api/v1/invitations/accept", body)
        .await
        .status()
}

async fn login(t: &TestServer, user: &str, password: &str) -> StatusCode {
    let body = serde_json::json!({ "user": user, "password": password });
    t.post_json("/api/v1/session", body).await.status()
}

pub(crate) async fn admin_page(t: &TestServer) -> String {
    let response = t.http.get(t.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_invited_participant_sets_a_password_once_and_a_reset_replaces_it() {
    let t = participants().await;
    let (status, page) = post(
        &t,
        &[("act", "invite"), ("name", "ines"), ("role", "scientist")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let link = secret(&page);
    assert!(
        link.starts_with(&format!("http://{}/welcome?invitation=obp_", t.server.addr)),
        "{link}"
    );
    let token = invitation_token(&link).to_string();
    // Before it is used: listed as invited, unable to log in.
    let listed = admin_page(&t).await;
    assert!(
        listed.contains("invited") && !listed.contains(&token),
        "shown once only"
    );
    assert_eq!(
        login(&t, "ines", "ines chooses this").await,
        StatusCode::UNAUTHORIZED
    );
    let welcome = reqwest::Client::new().get(&link).send().await.unwrap();
    assert_eq!(welcome.status(), StatusCode::OK);
    assert_eq!(
        accept(&t, &token, "ines chooses this").await,
        StatusCode::OK
    );
    assert_eq!(
        accept(&t, &token, "someone else's try").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(login(&t, "ines", "ines chooses this").await, StatusCode::OK);
    assert_eq!(
        login(&t, "ines", "someone else's try").await,
        StatusCode::UNAUTHORIZED
    );

    // A reset: the old password works until the new link is used.
    let (status, page) = post(&t, &[("act", "reset"), ("name", "ines")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let reset = secret(&page);
    assert_eq!(login(&t, "ines", "ines chooses this").await, StatusCode::OK);
    assert_eq!(
        accept(&t, invitation_token(&reset), "ines forgot, new one").await,
        StatusCode::OK
    );
    assert_eq!(
        login(&t, "ines", "ines chooses this").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&t, "ines", "ines forgot, new one").await,
        StatusCode::OK
    );

    // The page lists her with her role and last login; the audit trail has
    // every step, and no secret.
    let listed = admin_page(&t).await;
    let row = &listed[listed.find("data-user=\"ines\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("selected") && row.contains("active"), "{row}");
    assert!(!row.contains("never"), "last login shown: {row}");
    let audit = catalogue_of(t.data()).await.audit_trail(50).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    for expected in [
        "user.invited",
        "invitation.created",
        "password.set",
        "login",
        "login.failed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let trail = serde_json::to_string(&audit).unwrap();
    assert!(
        !trail.contains(&token) && !trail.contains("obp_"),
        "{trail}"
    );
    // An invitation for a name already taken is refused with the reason.
    let (status, page) = post(
        &t,
        &[("act", "invite"), ("name", "ines"), ("role", "viewer")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("already has an account"), "{page}");
    t.server.shutdown().await.unwrap();
}

/// The status of a product listing read with personal token `token`.
async fn reads(t: &TestServer, token: &str) -> StatusCode {
    let response = client_with(token).get(t.url("/api/v1/products")).send();
    response.await.unwrap().status()
}

#[tokio::test]
async fn disabling_a_user_or_revoking_a_token_closes_its_websocket_at_once() {
    let t = participants().await;
    let vera = add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let events = format!("ws://{}/api/v1/events", t.server.addr);
    let mut ws = ws_with(&events, Some(&vera)).await.unwrap();
    let (status, page) = post(&t, &[("act", "disable"), ("name", "vera")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        common::close_code_within_a_second(&mut ws).await,
        Some(4401)
    );
    assert_eq!(reads(&t, &vera).await, StatusCode::UNAUTHORIZED);
    let (status, _) = post(&t, &[("act", "enable"), ("name", "vera")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reads(&t, &vera).await, StatusCode::OK);

    // Her token revoked: its open websocket closes too, and it reads no more.
    let mut ws = ws_with(&events, Some(&vera)).await.unwrap();
    let catalogue = catalogue_of(t.data()).await;
    let id = catalogue
        .api_tokens()
        .await
        .unwrap()
        .iter()
        .find(|k| k.user == "vera")
        .unwrap()
        .id;
    let (status, page) = post(&t, &[("act", "revoke-token"), ("name", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        common::close_code_within_a_second(&mut ws).await,
        Some(4401)
    );
    assert_eq!(reads(&t, &vera).await, StatusCode::UNAUTHORIZED);

    // A role change applies at the next request; admins cannot lock themselves out.
    let vera = add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let (status, _) = post(&t, &[("act", "role"), ("name", "vera"), ("role", "admin")]).await;
    assert_eq!(status, StatusCode::OK);
    let now_admin = client_with(&vera)
        .get(t.url("/admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(now_admin.status(), StatusCode::OK);
    let me = catalogue
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Admin && u.name != "vera")
        .unwrap()
        .name;
    for form in [
        vec![("act", "disable"), ("name", me.as_str())],
        vec![("act", "role"), ("name", me.as_str()), ("role", "viewer")],
    ] {
        let (status, page) = post(&t, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}");
        assert!(page.contains("ask another admin"), "{page}");
    }
    let still = catalogue.user(&me).await.unwrap().unwrap();
    assert_eq!((still.role, still.disabled), (Role::Admin, false));
    catalogue.close().await;
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_provider_added_on_the_page_uploads_within_its_rights_until_revoked() {
    let t = participants().await;
    let (status, page) = post(
        &t,
        &[
            ("act", "add-provider"),
            ("name", "meteo"),
            ("categories", "satellite, model"),
            ("platforms", ""),
            ("restricted", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = secret(&page);
    assert!(token.starts_with("obp_"), "{token}");
    let put = |name: &'static str, token: String| {
        let url = t.url(&format!("/api/v1/drops/{name}"));
        async move {
            reqwest::Client::new()
                .put(url)
                .bearer_auth(token)
                .body(common::png(7))
                .send()
                .await
                .unwrap()
        }
    };
    let sent = put("satellite.MSG.202611291200.ir108.png", token.clone()).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let product: serde_json::Value = sent.json().await.unwrap();
    assert_eq!(product["restricted"], true, "{product}");
    let refused = put("radar.BOLLENE.202611291200.ppi.png", token.clone()).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "outside its rights"
    );
    // The page shows its rights and last upload; its token nowhere.
    let listed = admin_page(&t).await;
    let row = &listed[listed.find("data-provider=\"meteo\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("satellite, model") && row.contains("restricted by default"),
        "{row}"
    );
    assert!(
        row.contains("satellite.MSG.202611291200.ir108.png (added)"),
        "{row}"
    );
    assert!(!listed.contains(&token));

    let (status, _) = post(&t, &[("act", "revoke-provider"), ("name", "meteo")]).await;
    assert_eq!(status, StatusCode::OK);
    let after = put("satellite.MSG.202611291300.ir108.png", token.clone()).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let (status, page) = post(&t, &[("act", "revoke-provider"), ("name", "meteo")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("no such active provider"), "{page}");
    let audit = catalogue_of(t.data()).await.audit_trail(10).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"provider.created") && actions.contains(&"provider.revoked"));
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn hostile_admin_forms_are_refused_and_change_nothing() {
    let t = participants().await;
    let users_before = catalogue_of(t.data()).await.users().await.unwrap().len();
    let many = vec!["c"; 33].join(",");
    let long_name = "x".repeat(65);
    let forms: Vec<Vec<(&str, &str)>> = vec![
        vec![("act", "drop-tables"), ("name", "x")],
        vec![("act", "invite")],
        vec![("name", "nobody")],
        vec![
            ("act", "invite"),
            ("name", "<script>alert(1)</script>"),
            ("role", "viewer"),
        ],
        vec![("act", "invite"), ("name", &long_name), ("role", "viewer")],
        vec![("act", "invite"), ("name", "eve"), ("role", "root")],
        vec![("act", "role"), ("name", "nobody"), ("role", "viewer")],
        vec![("act", "disable"), ("name", "nobody")],
        vec![("act", "reset"), ("name", "nobody")],
        vec![
            ("act", "add-provider"),
            ("name", "p1"),
            ("categories", &many),
        ],
        vec![
            ("act", "add-provider"),
            ("name", "p2"),
            ("platforms", "ATR 42; rm -rf"),
        ],
        vec![("act", "add-provider"), ("name", "a/b")],
        vec![("act", "revoke-token"), ("name", "abc")],
        vec![("act", "revoke-token"), ("name", "99999999999999999999")],
        vec![("act", "revoke-token"), ("name", "-1")],
        vec![],
        vec![("act", "inv")],
        vec![("act", "invite"), ("name", "")],
    ];
    for form in &forms {
        let (status, page) = post(&t, form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}: {page}");
        assert!(!page.contains("<script>alert"), "escaped: {form:?}");
    }
    // Bodies no form sends.
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", vec![b'a'; 64 * 1024]),
        (
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, b'=', 0x80],
        ),
        ("application/json", b"{\"act\": [1, 2]}".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"act=invite&name=eve&ro".to_vec(),
        ),
        (
            "application/json",
            b"{\"act\": \"invite\", \"name\": \"e".to_vec(),
        ),
        ("application/json", Vec::new()),
        ("text/plain", b"act=invite&name=eve&role=viewer".to_vec()),
    ] {
        let response = t
            .http
            .post(t.url("/admin"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{content_type}");
    }
    let catalogue = catalogue_of(t.data()).await;
    assert_eq!(catalogue.users().await.unwrap().len(), users_before);
    assert!(catalogue.providers().await.unwrap().is_empty());
    // The page goes on: the next good form works.
    let (status, page) = post(
        &t,
        &[("act", "invite"), ("name", "eve"), ("role", "viewer")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(catalogue.users().await.unwrap().len(), users_before + 1);
    catalogue.close().await;
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_tag_vocabulary_is_kept_on_the_admin_page_for_the_case_form() {
    let t = participants().await;
    let (status, page) = post(
        &t,
        &[
            ("act", "save-tag"),
            ("name", "squall_line"),
            ("long_name", "Squall line"),
            ("tier", "2"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("The tag squall_line (Squall line, tier 2) is saved"),
        "{page}"
    );
    // Changed in its row: the same tag, a new long name and tier.
    let fields = [
        ("act", "save-tag"),
        ("name", "squall_line"),
        ("long_name", "Squall line (mesoscale)"),
        ("tier", "1"),
    ];
    post(&t, &fields).await;
    let (_, tags) = t.get_json("/api/v1/case-tags").await;
    let tags = tags.as_array().unwrap();
    assert_eq!(tags.len(), 1, "{tags:?}");
    assert_eq!(tags[0]["long_name"], "Squall line (mesoscale)");
    assert_eq!(tags[0]["tier"], 1);
    let shown = admin_page(&t).await;
    assert!(shown.contains(r#"data-tag="squall_line""#), "{shown}");
    // Refused with their reason, nothing kept.
    for (tag, long_name, tier, reason) in [
        ("Squall", "Upper case", "1", "lowercase"),
        ("ok_tag", "", "1", "long_name"),
        ("ok_tag", "Tier zero", "0", "tier"),
        ("ok_tag", "Tier ten", "10", "tier"),
        ("ok_tag", "Not a tier", "1e9", "not a number"),
        ("a b", "Space", "1", "tag"),
    ] {
        let form = [
            ("act", "save-tag"),
            ("name", tag),
            ("long_name", long_name),
            ("tier", tier),
        ];
        let (status, page) = post(&t, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{tag} {tier}");
        assert!(page.contains("notice failed"), "{tag}: {page}");
        assert!(page.contains(reason), "{tag} should say {reason}");
    }
    let (_, tags) = t.get_json("/api/v1/case-tags").await;
    assert_eq!(tags.as_array().unwrap().len(), 1);
    let audit = catalogue_of(t.data()).await.audit_trail(10).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "case_tag.saved"));
}
