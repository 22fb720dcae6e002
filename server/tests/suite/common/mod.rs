//! A real opsboard server on a free loopback port with a temporary data dir,
//! and a real websocket client, for the integration tests and the benchmark.
#![allow(dead_code)]

pub mod centre;
pub mod process;

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use model::Event;
use opsboard::config::ServeArgs;
use opsboard::Server;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for something that should take milliseconds.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub server: Server,
    pub dir: tempfile::TempDir,
    /// Sends an admin's personal token: sees everything, rejections included.
    pub http: reqwest::Client,
    /// That token, for requests made otherwise (websockets).
    pub token: String,
}

/// The catalogue of `data`, opened beside a running server (as `opsboard user` does).
pub async fn catalogue_of(data: &Path) -> catalogue::Catalogue {
    catalogue::Catalogue::open(&catalogue::store::DataDir::new(data).database())
        .await
        .expect("catalogue opens")
}

/// Adds a user with `role` and a personal token to the catalogue of `data`
/// (beside a running server, as `opsboard user` does); returns the token.
pub async fn add_user_with_token(data: &Path, name: &str, role: model::Role) -> String {
    let catalogue = catalogue_of(data).await;
    let hash = catalogue::user::hash_password("a test password").expect("hash");
    // A restarted test server finds its user already there.
    let user = match catalogue.user(name).await.expect("users read") {
        Some(user) => user,
        None => catalogue
            .add_user(name, role, Some(&hash))
            .await
            .expect("user added"),
    };
    let token = catalogue::provider::new_token().expect("token");
    catalogue
        .add_api_token(user.id, "tests", &catalogue::provider::hash_token(&token))
        .await
        .expect("token added");
    catalogue.close().await;
    token
}

/// A client that sends `token` as Bearer on every request.
pub fn client_with(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

impl TestServer {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_in(dir).await
    }

    /// Starts on an existing data dir (to test what happens at start).
    pub async fn start_in(dir: tempfile::TempDir) -> Self {
        Self::start_with(dir, |_| {}).await
    }

    /// Starts on `dir` with settings changed by `adjust`.
    pub async fn start_with(dir: tempfile::TempDir, adjust: impl FnOnce(&mut ServeArgs)) -> Self {
        let mut args = ServeArgs::for_tests(dir.path());
        adjust(&mut args);
        let server = opsboard::start(args).await.expect("server starts");
        let token = add_user_with_token(dir.path(), "tester", model::Role::Admin).await;
        Self {
            server,
            http: client_with(&token),
            token,
            dir,
        }
    }

    /// Stops this server (draining, as a clean stop does) and starts another
    /// on the same data dir, with `adjust` applied to its settings.
    pub async fn restart_with(self, adjust: impl FnOnce(&mut ServeArgs)) -> Self {
        let Self { server, dir, .. } = self;
        server.shutdown().await.expect("clean stop");
        Self::start_with(dir, adjust).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    pub fn incoming(&self) -> PathBuf {
        self.dir.path().join("incoming")
    }

    /// Writes a file into the drop folder the plain way (open, write, close).
    pub fn drop_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.incoming().join(name);
        std::fs::write(&path, bytes).expect("write drop");
        path
    }

    /// The bytes the server serves at `path` (a product's `file_url`).
    pub async fn bytes(&self, path: &str) -> Vec<u8> {
        let response = self.http.get(self.url(path)).send().await.expect("request");
        response.bytes().await.expect("a body").to_vec()
    }

    /// Opens `/api/v1/events`, with `?after=` when given.
    pub async fn events(&self, after: Option<i64>) -> Ws {
        let query = after.map(|a| format!("?after={a}")).unwrap_or_default();
        let url = format!("ws://{}/api/v1/events{query}", self.server.addr);
        ws_with(&url, Some(&self.token))
            .await
            .expect("websocket connects")
    }

    /// An HTTP client with no credentials.
    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// POSTs `body` as JSON without credentials, as a script or a browser
    /// before its login would.
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Logs `user` in (password "a test password", as [`add_user_with_token`]
    /// sets it); the session cookie as `name=value`.
    pub async fn session_cookie(&self, user: &str) -> String {
        let body = serde_json::json!({ "user": user, "password": "a test password" });
        let response = self.post_json("/api/v1/session", body).await;
        assert!(response.status().is_success(), "login of {user}");
        let cookie = response.headers()["set-cookie"].to_str().expect("cookie");
        cookie.split(';').next().unwrap_or_default().to_string()
    }

    pub async fn get_json(&self, path: &str) -> (reqwest::StatusCode, serde_json::Value) {
        let response = self.http.get(self.url(path)).send().await.expect("request");
        let status = response.status();
        (status, response.json().await.expect("JSON body"))
    }

    /// Adds the campaign's aircraft `names` as the admin.
    pub async fn add_aircraft(&self, names: &[&str]) {
        for name in names {
            let made = self
                .http
                .post(self.url("/api/v1/platforms"))
                .json(&serde_json::json!({"name": name, "kind": "aircraft"}))
                .send()
                .await
                .expect("request");
            assert_eq!(made.status(), reqwest::StatusCode::OK, "platform {name}");
        }
    }
}

/// POSTs `body` as is (a file, packets) to `path` with `client`; the status
/// and the answer as JSON (a JSON string when it is not JSON).
pub async fn post_body(
    t: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: impl Into<reqwest::Body>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = client
        .post(t.url(path))
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, json)
}

/// Opens a websocket at `url`, sending `token` as Bearer when given.
pub async fn ws_with(
    url: &str,
    token: Option<&str>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    ws_with_header(url, token.map(|t| ("authorization", format!("Bearer {t}")))).await
}

/// Opens a websocket at `url` with a browser's session cookie (`name=value`).
pub async fn ws_with_cookie(
    url: &str,
    cookie: &str,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    ws_with_header(url, Some(("cookie", cookie.to_string()))).await
}

async fn ws_with_header(
    url: &str,
    header: Option<(&'static str, String)>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    ws_with_headers(url, header.as_slice()).await
}

/// Opens a websocket at `url` sending `headers` (an `Origin`, an
/// `X-Forwarded-For` behind a proxy, a token).
pub async fn ws_with_headers(
    url: &str,
    headers: &[(&'static str, String)],
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request()?;
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, value.parse().expect("header"));
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(ws, _)| ws)
}

/// An upload to `addr` that declares `declared` bytes, sends `sent` of them
/// and stops there (until the stream is dropped); returns once its partial
/// body is on disk under `data`/uploads.
pub async fn stalled_upload(
    addr: std::net::SocketAddr,
    data: &Path,
    token: &str,
    file_name: &str,
    declared: usize,
    sent: usize,
) -> TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    let head = format!(
        "PUT /api/v1/drops/{file_name} HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {token}\r\nContent-Length: {declared}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&vec![7u8; sent])
        .await
        .expect("part of the body");
    stream.flush().await.expect("flush");
    let uploads = data.join("uploads");
    let deadline = std::time::Instant::now() + PATIENCE;
    while opsboard::watcher::list_files(&uploads).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the upload never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stream
}

/// The next event on `ws`, skipping control frames; panics after [`PATIENCE`].
pub async fn next_event(ws: &mut Ws) -> Event {
    loop {
        let message = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("an event within the patience limit")
            .expect("the stream is open")
            .expect("a readable frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("a well-formed event");
        }
    }
}

/// Whether any event arrives within `wait`.
pub async fn event_within(ws: &mut Ws, wait: Duration) -> Option<Event> {
    tokio::time::timeout(wait, next_event(ws)).await.ok()
}

/// A small valid PNG, different for each `seed`.
pub fn png(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([seed, x as u8 * 8, y as u8 * 16]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

/// The product an event brings (added or updated); anything else fails the test.
pub fn product_of(event: Event) -> model::Product {
    match event.kind {
        model::EventKind::ProductAdded { product }
        | model::EventKind::ProductUpdated { product, .. } => product,
        model::EventKind::ProductRejected { rejection } => {
            panic!("expected a product, got a rejection: {}", rejection.reason)
        }
        other => panic!("expected a product, got {}", other.type_name()),
    }
}

/// A PNG whose header claims `w` × `h` pixels, followed by the first bytes of
/// a zlib stream: a decompression bomb as far as any decoder can tell.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    png_of(w, h, 8, &[0x78, 0x9c, 0xed, 0xc1, 0x01, 0x0d, 0x00, 0x00])
}

/// A complete, valid 16-bit RGB PNG of `w` × `h` black pixels: a few MB on
/// disk, `w × h × 6` bytes once decoded.
pub fn png_black_16bit(w: u32, h: u32) -> Vec<u8> {
    let raw = u64::from(h) * (u64::from(w) * 6 + 1);
    png_of(w, h, 16, &zlib_of_zeros(raw))
}

fn png_of(w: u32, h: u32, depth: u8, idat: &[u8]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let table: Vec<u32> = (0..256u32)
            .map(|n| {
                (0..8).fold(n, |c, _| {
                    if c & 1 != 0 {
                        (c >> 1) ^ 0xEDB8_8320
                    } else {
                        c >> 1
                    }
                })
            })
            .collect();
        !bytes.iter().fold(0xFFFF_FFFFu32, |crc, &b| {
            table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8)
        })
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        let body = [kind, data].concat();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&body);
        png.extend(crc32(&body).to_be_bytes());
    };
    let ihdr = [
        &w.to_be_bytes()[..],
        &h.to_be_bytes()[..],
        &[depth, 2, 0, 0, 0][..],
    ]
    .concat();
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", idat);
    chunk(b"IEND", &[]);
    png
}

/// A zlib stream of `n` zero bytes: one fixed-Huffman deflate block of a
/// literal zero and then copies of 258 bytes at distance 1 (13 bits each).
fn zlib_of_zeros(n: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        len: u32,
    }
    impl Bits {
        /// `count` bits of `value`, least significant first (headers, extra bits).
        fn lsb(&mut self, value: u32, count: u32) {
            for i in 0..count {
                self.acc |= ((value >> i) & 1) << self.len;
                self.len += 1;
                if self.len == 8 {
                    self.out.push(self.acc as u8);
                    (self.acc, self.len) = (0, 0);
                }
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, count: u32) {
            for i in (0..count).rev() {
                self.lsb((code >> i) & 1, 1);
            }
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        len: 0,
    };
    bits.lsb(1, 1); // the final block
    bits.lsb(1, 2); // fixed Huffman codes
    let literal_zero = |bits: &mut Bits| bits.code(0x30, 8);
    if n > 0 {
        literal_zero(&mut bits);
    }
    let mut left = n.saturating_sub(1);
    while left >= 258 {
        bits.code(0xC5, 8); // length 258
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // end of block
    if bits.len > 0 {
        bits.out.push(bits.acc as u8);
    }
    let adler = ((n % 65521) << 16) as u32 | 1;
    bits.out.extend(adler.to_be_bytes());
    bits.out
}

/// An encoded test image of `w` × `h` pixels.
pub fn image_bytes(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

/// Runs the real `opsboard` binary with `args` and returns its standard output.
pub fn opsboard_cli(args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_opsboard"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

/// Adds a provider with the real command line and returns its token.
pub fn add_provider(data: &Path, name: &str, rights: &[&str]) -> String {
    let data = data.to_string_lossy();
    let mut args = vec!["provider", "add", name, "--data-dir", &data];
    args.extend_from_slice(rights);
    let (ok, out) = opsboard_cli(&args);
    assert!(ok, "provider add failed: {out}");
    out.lines()
        .find_map(|l| l.split_once("token (shown once, keep it secret): "))
        .map(|(_, token)| token.trim().to_string())
        .unwrap_or_else(|| panic!("no token in: {out}"))
}

/// The close code `ws` gets within a second (4401: the caller's access
/// ended); panics if it stays open longer.
pub async fn close_code_within_a_second(ws: &mut Ws) -> Option<u16> {
    close_code_within(ws, Duration::from_secs(1)).await
}

/// The close code `ws` gets within `patience`; panics if it stays open longer.
pub async fn close_code_within(ws: &mut Ws, patience: Duration) -> Option<u16> {
    tokio::time::timeout(patience, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("closed within a second")
}
