//! `PUT /api/v1/drops/{name}` through the real server, with providers made by
//! the real command line.

use crate::common;

use common::{add_provider, next_event, opsboard_cli, png, TestServer};
use model::{EventKind, Product};
use reqwest::{header, StatusCode};

struct Setup {
    t: TestServer,
    token: String,
}

async fn setup(limit: Option<u64>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let token = add_provider(
        dir.path(),
        "meteo",
        &["--category", "model", "--category", "ops"],
    );
    let t = TestServer::start_with(dir, |args| {
        if let Some(limit) = limit {
            args.max_upload_bytes = limit;
        }
    })
    .await;
    Setup { t, token }
}

impl Setup {
    async fn put(
        &self,
        encoded_name: &str,
        body: Vec<u8>,
        token: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = self
            .t
            .http
            .put(self.t.url(&format!("/api/v1/drops/{encoded_name}")))
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        }
        (status, response.json().await.unwrap_or_default())
    }

    fn files_under(&self, folder: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![self.t.data().join(folder)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.file_type().unwrap().is_dir() {
                    stack.push(entry.path());
                } else {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
        names.sort();
        names
    }
}

#[tokio::test]
async fn an_upload_goes_through_the_pipeline_and_names_its_provider() {
    let s = setup(None).await;
    let mut ws = s.t.events(None).await;
    let name = "model.AROME.202611281200.024h_precip.png";
    let (status, body) = s.put(name, png(1), Some(&s.token)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let product: Product = serde_json::from_value(body).unwrap();
    assert_eq!(product.file_name, name);
    assert_eq!(product.meta.provider.as_deref(), Some("meteo"));
    assert_eq!(product.lead_hours, Some(24));
    let event = next_event(&mut ws).await;
    assert!(matches!(&event.kind, EventKind::ProductAdded { product: p } if p.id == product.id));
    assert_eq!(s.files_under("archive"), vec![name.to_string()]);
    assert!(s.files_under("uploads").is_empty(), "no upload left behind");

    // The same bytes again: nothing new, the current product back.
    let (status, body) = s.put(name, png(1), Some(&s.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], product.id);
    // New bytes: the next version.
    let (status, body) = s.put(name, png(2), Some(&s.token)).await;
    assert_eq!(
        (status, body["version"].as_i64()),
        (StatusCode::CREATED, Some(2))
    );
    s.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn tokens_are_required_valid_and_revocable() {
    let s = setup(None).await;
    let name = "model.AROME.202611281200.precip.png";
    for token in [None, Some("obp_not-a-token"), Some("")] {
        let (status, body) = s.put(name, png(1), token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(body["error"], "unauthorized");
    }
    let data = s.t.data().to_string_lossy().into_owned();
    let (ok, listed) = opsboard_cli(&["provider", "list", "--data-dir", &data]);
    assert!(
        ok && listed.contains("meteo\tactive\tcategories: model, ops; platforms: any"),
        "{listed}"
    );
    let (ok, out) = opsboard_cli(&["provider", "revoke", "meteo", "--data-dir", &data]);
    assert!(ok, "{out}");
    let (status, _) = s.put(name, png(1), Some(&s.token)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused at once"
    );
    assert!(s.files_under("archive").is_empty() && s.files_under("rejected").is_empty());
    s.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_provider_may_send_only_its_categories() {
    let s = setup(None).await;
    let (status, body) = s
        .put(
            "satellite.MSG.202611281200.ir108.png",
            png(1),
            Some(&s.token),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("categories: model, ops"),
        "{body}"
    );
    assert!(s.files_under("archive").is_empty() && s.files_under("rejected").is_empty());
    s.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_and_leave_nothing() {
    let s = setup(Some(1000)).await;
    let name = "ops.BRIEFING.202611280800.slides.pdf";
    let (status, body) = s.put(name, vec![b'%'; 1001], Some(&s.token)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
    // Without a Content-Length, the stream itself is cut at the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(vec![b'%'; 600]), Ok(vec![b'%'; 401])];
    let response =
        s.t.http
            .put(s.t.url(&format!("/api/v1/drops/{name}")))
            .bearer_auth(&s.token)
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                chunks,
            )))
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(s.files_under("uploads").is_empty() && s.files_under("archive").is_empty());
    let (status, _) = s.put(name, vec![b'%'; 1000], Some(&s.token)).await;
    assert_eq!(status, StatusCode::CREATED, "exactly the limit is accepted");
    s.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_names_get_422_with_a_reason_and_never_leave_their_folder() {
    let s = setup(None).await;
    let mut ws = s.t.events(None).await;
    // Names the pipeline refuses: the bytes are kept in rejected/ with the reason.
    let long = format!("model.AROME.202611281200.{}.png", "p".repeat(280));
    for (encoded, stored, why) in [
        (
            "model.AROME.202611281200.png",
            "model.AROME.202611281200.png",
            "found 4",
        ),
        (
            "model.AROME.202602301200.precip.png",
            "model.AROME.202602301200.precip.png",
            "no day 30",
        ),
        (
            "model.AROME%20X.202611281200.precip.png",
            "model.AROME X.202611281200.precip.png",
            "' '",
        ),
        (
            "model.M%C3%A9t%C3%A9o.202611281200.precip.png",
            "model.Météo.202611281200.precip.png",
            "'é'",
        ),
        (
            "model.AROME.202611281200.precip.png",
            "model.AROME.202611281200.precip.png",
            "empty",
        ),
    ] {
        let body = if why == "empty" { Vec::new() } else { png(3) };
        let (status, answer) = s.put(encoded, body.clone(), Some(&s.token)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{encoded}: {answer}"
        );
        assert!(
            answer["reason"].as_str().unwrap().contains(why),
            "{encoded}: {answer}"
        );
        let event = next_event(&mut ws).await;
        let EventKind::ProductRejected { rejection } = &event.kind else {
            panic!("{encoded}: {event:?}")
        };
        assert_eq!(rejection.provider.as_deref(), Some("meteo"));
        assert_eq!(
            std::fs::read(s.t.data().join("rejected").join(stored)).unwrap(),
            body
        );
    }
    // A name too long for the file system is refused before anything is written.
    let (status, _) = s.put(&long, png(3), Some(&s.token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Names that try to leave the folder, or hide: refused before a byte is written.
    let before = s.files_under("");
    for encoded in [
        "%2e%2e%2fmodel.AROME.202611281200.precip.png",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "model.AROME.202611281200.precip.png%00.txt",
        "..",
        ".model.AROME.202611281200.precip.png",
        "model.AROME.202611281200.precip.png.part",
    ] {
        let (status, answer) = s.put(encoded, png(4), Some(&s.token)).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::NOT_FOUND,
            "{encoded}: {status} {answer}"
        );
    }
    assert_eq!(s.files_under(""), before, "nothing written anywhere");
    assert!(!s.t.data().parent().unwrap().join("etc").exists());
    let (status, _) = s.t.get_json("/api/v1/health").await;
    assert_eq!(status, 200, "the server carries on");
    s.t.server.shutdown().await.unwrap();
}
