//! Who sees what, through the real server: each kind of caller against each
//! route, in participants mode and in public mode, with a product restricted
//! by a `--restrict` rule beside an open one. Restricted means absent: the
//! restricted product's name never appears in the bytes an unauthorised
//! caller receives.

use crate::common;

use std::time::Duration;

use common::{
    add_provider, add_user_with_token, catalogue_of, client_with, next_event, png, ws_with,
    TestServer,
};
use futures_util::StreamExt;
use model::Role;
use reqwest::{header, redirect, StatusCode};
use tokio_tungstenite::tungstenite::Message;

const OPEN: &str = "satellite.MSG.202611291200.ir108.png";
const SECRET: &str = "radar.BOLLENE.202611291200.ppi.png";

struct Campaign {
    t: TestServer,
    provider: String,
    open_id: i64,
    secret_id: i64,
}

async fn campaign(access: opsboard::auth::Access) -> Campaign {
    let dir = tempfile::tempdir().unwrap();
    let provider = add_provider(dir.path(), "relay", &[]);
    let t = TestServer::start_with(dir, |args| {
        args.access.access = access;
        args.access.restrict = vec!["radar".parse().unwrap()];
        // Real thumbnails and previews, to be refused like the rest.
        args.no_previews = false;
    })
    .await;
    let mut ws = t.events(None).await;
    t.drop_file(OPEN, &png(1));
    t.drop_file(SECRET, &png(2));
    // A refusal whose reason names the restricted product's platform.
    t.drop_file("radar.BOLLENE.notatime.ppi.png", &png(3));
    // Until both products have their renditions.
    let mut ids = std::collections::HashMap::new();
    let mut rendered = std::collections::HashSet::new();
    while rendered.len() < 2 {
        if let model::EventKind::ProductAdded { product }
        | model::EventKind::ProductUpdated { product, .. } = next_event(&mut ws).await.kind
        {
            ids.insert(product.file_name.clone(), product.id);
            if product.thumbnail_url.is_some() && product.preview_url.is_some() {
                rendered.insert(product.id);
            }
        }
    }
    Campaign {
        open_id: ids[OPEN],
        secret_id: ids[SECRET],
        t,
        provider,
    }
}

fn no_redirects(token: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().redirect(redirect::Policy::none());
    if let Some(token) = token {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        builder = builder.default_headers(headers);
    }
    builder.build().unwrap()
}

/// Status and body of a GET.
async fn get(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn participants_mode_lets_only_participants_read_and_admins_see_refusals() {
    let c = campaign(opsboard::auth::Access::Participants).await;
    let t = &c.t;
    let viewer = add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let scientist = add_user_with_token(t.data(), "sami", Role::Scientist).await;
    let (open, secret) = (c.open_id, c.secret_id);
    let reads = [
        "/api/v1/products".to_string(),
        format!("/api/v1/products/{open}"),
        format!("/api/v1/products/{secret}"),
        format!("/api/v1/products/{secret}/file"),
        format!("/api/v1/products/{secret}/versions"),
        format!("/api/v1/products/{secret}/thumbnail"),
        format!("/api/v1/products/{secret}/preview"),
        format!("/api/v1/products/{open}/thumbnail"),
    ];
    // (caller, token, read status, rejections status)
    let callers = [
        (
            "anonymous",
            None,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "viewer",
            Some(viewer.as_str()),
            StatusCode::OK,
            StatusCode::FORBIDDEN,
        ),
        (
            "scientist",
            Some(scientist.as_str()),
            StatusCode::OK,
            StatusCode::FORBIDDEN,
        ),
        (
            "admin",
            Some(t.token.as_str()),
            StatusCode::OK,
            StatusCode::OK,
        ),
        (
            "provider",
            Some(c.provider.as_str()),
            StatusCode::FORBIDDEN,
            StatusCode::OK,
        ),
    ];
    for (who, token, read, rejections) in callers {
        let client = no_redirects(token);
        for path in &reads {
            let (status, body) = get(&client, t.url(path)).await;
            assert_eq!(status, read, "{who} GET {path}");
            if read != StatusCode::OK {
                assert!(!body.contains("BOLLENE"), "{who} {path}: {body}");
            }
        }
        let (status, body) = get(&client, t.url("/api/v1/rejections")).await;
        assert_eq!(status, rejections, "{who} rejections");
        if rejections == StatusCode::OK && who == "provider" {
            assert_eq!(body, "[]", "a provider sees only its own refusals");
        }
        if rejections == StatusCode::OK && who == "admin" {
            assert!(body.contains("notatime"), "{body}");
        }
        let (status, _) = get(&client, t.url("/api/v1/health")).await;
        assert_eq!(status, StatusCode::OK, "{who} health");
        let page = client.get(t.url("/")).send().await.unwrap();
        if who == "anonymous" {
            assert_eq!(page.status(), StatusCode::SEE_OTHER);
            assert!(page.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next="));
        }
        let ws = ws_with(&format!("ws://{}/api/v1/events", t.server.addr), token).await;
        assert_eq!(
            ws.is_ok(),
            read == StatusCode::OK,
            "{who} websocket: {:?}",
            ws.err()
        );
        let after = format!("ws://{}/api/v1/events?after=0", t.server.addr);
        assert_eq!(
            ws_with(&after, token).await.is_ok(),
            read == StatusCode::OK,
            "{who} ?after=0"
        );
        pages(t, who, &client).await;
    }
    // The login page itself is open, and says nothing of the products.
    let (status, body) = get(&no_redirects(None), t.url("/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Log in") && !body.contains("MSG"), "{body}");
    c.t.server.shutdown().await.unwrap();
}

/// The pages (board, upload, admin) and an admin action, as `who`: the
/// board for participants, the admin page and its actions for admins only;
/// whoever is refused learns nothing of the products.
async fn pages(t: &TestServer, who: &str, client: &reqwest::Client) {
    use StatusCode as S;
    let expected = match who {
        // The upload form is anyone's: a centre has a token, not an account.
        "anonymous" => [S::SEE_OTHER, S::OK, S::SEE_OTHER],
        "provider" => [S::FORBIDDEN, S::OK, S::FORBIDDEN],
        "admin" => [S::OK, S::OK, S::OK],
        _ => [S::OK, S::OK, S::FORBIDDEN],
    };
    for (path, status) in ["/", "/upload", "/admin"].into_iter().zip(expected) {
        let response = client.get(t.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{who} GET {path}");
        if status == S::SEE_OTHER {
            let to = response.headers()[header::LOCATION].to_str().unwrap();
            assert!(to.starts_with("/login?next="), "{who} {path} -> {to}");
        }
        let body = response.text().await.unwrap();
        assert!(
            path != "/upload" || !body.contains("BOLLENE"),
            "{who}: {body}"
        );
        if status == S::OK && path == "/" {
            assert!(
                body.contains("BOLLENE"),
                "{who}: a participant's board has it"
            );
        } else {
            assert!(
                !body.contains("BOLLENE") && !body.contains("MSG"),
                "{who} {path}: {body}"
            );
        }
        if path == "/admin" && status == S::OK {
            assert!(
                body.contains("Participants") && body.contains("vera"),
                "{body}"
            );
        }
    }
    // The admin page's server function, called directly: admins only.
    let lists = client.post(t.url("/api/admin_lists")).send().await.unwrap();
    let status = lists.status();
    let body = lists.text().await.unwrap();
    match who {
        "admin" => assert!(status == S::OK && body.contains("vera"), "{status} {body}"),
        "anonymous" => assert_eq!(status, S::UNAUTHORIZED),
        _ => assert_eq!(status, S::FORBIDDEN, "{who}: {body}"),
    }
    if who != "admin" {
        assert!(!body.contains("vera"), "{who} read the accounts: {body}");
    }
    let name = format!("invited-by-{who}");
    let response = client
        .post(t.url("/admin"))
        .form(&[
            ("act", "invite"),
            ("name", name.as_str()),
            ("role", "admin"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    let catalogue = catalogue_of(t.data()).await;
    let invited = catalogue.user(&name).await.unwrap();
    catalogue.close().await;
    if who == "admin" {
        assert_eq!(status, S::OK, "{body}");
        assert!(body.contains("/welcome?invitation=obp_"), "{body}");
        assert_eq!(
            invited.map(|u| (u.role, u.has_password)),
            Some((Role::Admin, false))
        );
    } else {
        assert_eq!(status, expected[2], "{who} POST /admin");
        assert!(invited.is_none(), "{who} invited someone");
    }
}

#[tokio::test]
async fn in_public_mode_the_public_never_receives_a_restricted_product() {
    let c = campaign(opsboard::auth::Access::Public).await;
    let t = &c.t;
    let anonymous = no_redirects(None);
    let (open, secret) = (c.open_id, c.secret_id);
    for path in [
        format!("/api/v1/products/{secret}"),
        format!("/api/v1/products/{secret}/file"),
        format!("/api/v1/products/{secret}/versions"),
        format!("/api/v1/products/{secret}/thumbnail"),
        format!("/api/v1/products/{secret}/preview"),
    ] {
        let (status, body) = get(&anonymous, t.url(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: 404, not 403");
        assert!(!body.contains("BOLLENE"), "{path}: {body}");
    }
    for path in ["", "/file", "/thumbnail", "/preview", "/versions"] {
        let (status, body) =
            get(&anonymous, t.url(&format!("/api/v1/products/{open}{path}"))).await;
        assert_eq!(status, StatusCode::OK, "the open product's {path}: {body}");
    }
    let (_, list) = get(&anonymous, t.url("/api/v1/products")).await;
    assert!(list.contains(OPEN) && !list.contains("BOLLENE"), "{list}");
    let (status, _) = get(&anonymous, t.url("/api/v1/rejections")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = get(&anonymous, t.url("/upload")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("BOLLENE"));
    for admin_page in [
        anonymous.get(t.url("/admin")),
        anonymous.post(t.url("/admin")).form(&[
            ("act", "invite"),
            ("name", "x"),
            ("role", "admin"),
        ]),
    ] {
        let response = admin_page.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the public logs in first"
        );
    }
    let (_, health) = get(&anonymous, t.url("/api/v1/health")).await;
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["status"], "ok");
    assert!(
        health.get("products").is_none() && health.get("tasks").is_none(),
        "the public reads the status only: {health}"
    );
    let (_, health) = t.get_json("/api/v1/health").await;
    assert_eq!(health["products"], 2);

    // The page, server-rendered for the public: no restricted product, not cached for others.
    let page = anonymous.get(t.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cache = page.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cache.contains("private") || cache.contains("no-cache"),
        "{cache}"
    );
    let vary: Vec<_> = page.headers().get_all(header::VARY).iter().collect();
    assert!(
        vary.iter().any(|v| v.to_str().unwrap().contains("Cookie")),
        "{vary:?}"
    );
    let body = page.text().await.unwrap();
    assert!(
        !body.contains("BOLLENE"),
        "the page names the restricted product"
    );
    // A participant's page has it.
    let body = t
        .http
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("BOLLENE"));

    // The event stream from the start: the public gets skips in place of the
    // restricted product and the refusal, with every seq.
    let mut ws = ws_with(
        &format!("ws://{}/api/v1/events?after=0", t.server.addr),
        None,
    )
    .await
    .unwrap();
    let mut seqs = Vec::new();
    let mut texts = String::new();
    while let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(500), ws.next()).await
    {
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        seqs.push(value["seq"].as_i64().unwrap());
        texts.push_str(&text);
    }
    // Added, rejected, and each product's renditions: five events, of which
    // the restricted product's two and the refusal are skips.
    assert_eq!(seqs, (1..=5).collect::<Vec<_>>(), "gap-free: {texts}");
    assert!(!texts.contains("BOLLENE"), "{texts}");
    assert_eq!(texts.matches("\"skip\"").count(), 3, "{texts}");
    // The same file served to a participant: cacheable by its browser only.
    let file = t
        .http
        .get(t.url(&format!("/api/v1/products/{secret}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    let cache = file.headers()[header::CACHE_CONTROL].to_str().unwrap();
    assert!(cache.starts_with("private"), "{cache}");
    c.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_personal_token_reads_with_its_role_and_a_wrong_one_is_refused() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants;
    })
    .await;
    let viewer = add_user_with_token(t.data(), "vera", Role::Viewer).await;
    let (status, body) = get(&client_with(&viewer), t.url("/api/v1/session")).await;
    assert_eq!(status, StatusCode::OK);
    let who: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            who["user"].as_str(),
            who["role"].as_str(),
            who["via"].as_str()
        ),
        (Some("vera"), Some("viewer"), Some("token"))
    );
    let (status, _) = get(&client_with("obp_not_a_token"), t.url("/api/v1/products")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    t.server.shutdown().await.unwrap();
}
