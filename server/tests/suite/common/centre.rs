//! A centre's file server for the sources' tests: a real HTTP server on a
//! loopback port that serves files with ETags and ranges, and misbehaves on
//! request — withheld (404) until released, 503 a few times, a body cut
//! once, a body that stalls, 2 GB announced, a redirect loop, a redirect to
//! `file://`, a gzip bomb, a Content-Length longer than the body — counting
//! what it was asked. `/files/` is an autoindex page of the files served,
//! with its own ETag; ranges are answered as `bytes=a-` and `bytes=a-b`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::StreamExt;

/// How a file is served.
#[derive(Clone, Debug)]
pub enum Serve {
    /// 404 until changed.
    Withheld,
    /// Served well.
    Plain,
    /// Half the body, then the connection closes; whole (or by range) after.
    CutOnce,
    /// Headers and nothing more, the first `n` times.
    Stall(u32),
    /// 503 the first `n` times.
    Unavailable(u32),
    /// 2 GB announced.
    Huge,
    /// A redirect to itself.
    Loop,
    /// A redirect to `file:///etc/passwd`.
    ToFile,
    /// A gzip body (Content-Encoding) that decodes to 1 GiB of zeros.
    GzipBomb,
    /// A Content-Length longer than the body, every time.
    LongerLength,
    /// Answered well after half a second: requests at once are counted.
    Slow,
    /// The body 16 bytes at a time, every 300 ms.
    Trickle,
    /// This many zero bytes, made as they are sent (never in memory whole).
    Zeros(u64),
}

#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Answers by status.
    pub statuses: HashMap<u16, u32>,
    /// Requests with a Range header.
    pub ranges: u32,
}

impl Counts {
    /// How many answers had `status`.
    pub fn of(&self, status: u16) -> u32 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

#[derive(Default)]
struct Files {
    files: HashMap<String, (Vec<u8>, Serve)>,
    counts: HashMap<String, Counts>,
    /// Slow requests under way, and the most there ever were.
    slow_now: usize,
    slow_most: usize,
}

#[derive(Clone)]
pub struct Centre {
    pub addr: SocketAddr,
    files: Arc<Mutex<Files>>,
}

impl Centre {
    pub async fn start() -> Self {
        let files = Arc::new(Mutex::new(Files::default()));
        let app = Router::new()
            .route("/files/", get(listing))
            .route("/files/{name}", get(serve))
            .with_state(files.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, files }
    }

    /// Serves `bytes` at `/files/{name}` as `how` says.
    pub fn put(&self, name: &str, bytes: Vec<u8>, how: Serve) {
        let mut files = self.files.lock().unwrap();
        files.files.insert(name.to_string(), (bytes, how));
    }

    /// What `name` was asked.
    pub fn counts(&self, name: &str) -> Counts {
        let files = self.files.lock().unwrap();
        files.counts.get(name).cloned().unwrap_or_default()
    }

    /// Every request answered so far, listing pages included.
    pub fn requests(&self) -> u32 {
        let files = self.files.lock().unwrap();
        files
            .counts
            .values()
            .flat_map(|c| c.statuses.values())
            .sum()
    }

    /// The most slow requests there were at once.
    pub fn most_at_once(&self) -> usize {
        self.files.lock().unwrap().slow_most
    }

    pub fn url(&self) -> String {
        format!("http://{}/files", self.addr)
    }
}

/// The name under which the listing page's requests are counted.
pub const LISTING: &str = "/";

/// An Apache-like autoindex of the files not withheld, sorted by name.
async fn listing(State(files): State<Arc<Mutex<Files>>>, headers: HeaderMap) -> Response {
    let mut all = files.lock().unwrap();
    let Files { files, counts, .. } = &mut *all;
    let mut listed: Vec<(&String, &Vec<u8>)> = files
        .iter()
        .filter(|(_, (_, how))| !matches!(how, Serve::Withheld))
        .map(|(name, (bytes, _))| (name, bytes))
        .collect();
    listed.sort();
    // Each file's size and ETag on its line, as an index shows a date and
    // a size: a replaced file changes its line.
    let rows: String = listed
        .iter()
        .map(|(n, bytes)| {
            format!(
                "<tr><td><a href=\"{n}\">{n}</a></td><td>{}</td><td>{}</td></tr>\n",
                bytes.len(),
                etag_of(bytes)
            )
        })
        .collect();
    let page = format!(
        "<html><body><h1>Index of /files</h1><table>\n\
         <tr><th><a href=\"?C=N;O=D\">Name</a></th></tr>\n\
         <tr><td><a href=\"/\">Parent Directory</a></td></tr>\n{rows}</table></body></html>"
    );
    let etag = etag_of(page.as_bytes());
    let counts = counts.entry(LISTING.to_string()).or_default();
    let answer = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::ETAG, etag)], axum::response::Html(page)).into_response()
    };
    *counts.statuses.entry(answer.status().as_u16()).or_default() += 1;
    answer
}

fn etag_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("\"{}\"", &hex::encode(sha2::Sha256::digest(bytes))[..16])
}

async fn serve(
    State(files): State<Arc<Mutex<Files>>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let slow = {
        let mut all = files.lock().unwrap();
        let slow = matches!(all.files.get(&name), Some((_, Serve::Slow)));
        if slow {
            all.slow_now += 1;
            all.slow_most = all.slow_most.max(all.slow_now);
        }
        slow
    };
    if slow {
        tokio::time::sleep(Duration::from_millis(500)).await;
        files.lock().unwrap().slow_now -= 1;
    }
    let (response, status) = {
        let mut all = files.lock().unwrap();
        let Files { files, counts, .. } = &mut *all;
        let counts = counts.entry(name.clone()).or_default();
        if headers.contains_key(header::RANGE) {
            counts.ranges += 1;
        }
        let answer = match files.get_mut(&name) {
            None | Some((_, Serve::Withheld)) => StatusCode::NOT_FOUND.into_response(),
            Some((bytes, how)) => answer(&name, bytes, how, &headers),
        };
        let status = answer.status().as_u16();
        *counts.statuses.entry(status).or_default() += 1;
        (answer, status)
    };
    let _ = status;
    response
}

fn answer(name: &str, bytes: &[u8], how: &mut Serve, headers: &HeaderMap) -> Response {
    let etag = etag_of(bytes);
    match how {
        Serve::Unavailable(n) if *n > 0 => {
            *n -= 1;
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Serve::Loop => {
            return (
                StatusCode::FOUND,
                [(header::LOCATION, format!("/files/{name}"))],
            )
                .into_response()
        }
        Serve::ToFile => {
            return (
                StatusCode::FOUND,
                [(header::LOCATION, "file:///etc/passwd")],
            )
                .into_response()
        }
        Serve::GzipBomb => {
            return Response::builder()
                .header(header::CONTENT_ENCODING, "gzip")
                .header(header::CONTENT_TYPE, "image/png")
                .body(Body::from(gzip_bomb()))
                .unwrap();
        }
        Serve::LongerLength => {
            // Announced a hundred bytes more than sent, then the connection
            // ends: a lie the client must not take for a whole file.
            let body = Bytes::from(bytes.to_vec());
            let lie =
                futures_util::stream::iter([Ok(body)]).chain(futures_util::stream::once(async {
                    // The body is on the wire before the connection ends.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Err(std::io::Error::other("the connection ends"))
                }));
            return Response::builder()
                .header(header::ETAG, &etag)
                .header(header::CONTENT_TYPE, "image/png")
                .header(header::CONTENT_LENGTH, bytes.len() + 100)
                .body(Body::from_stream(lie))
                .unwrap();
        }
        Serve::Zeros(size) => {
            let size = *size;
            let tag = format!("\"zeros-{size}\"");
            if headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v.as_bytes() == tag.as_bytes())
            {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let chunk = Bytes::from(vec![0u8; 1 << 16]);
            let zeros = futures_util::stream::unfold(0u64, move |sent| {
                let chunk = chunk.clone();
                async move {
                    let left = size - sent;
                    (left > 0).then(|| {
                        let part = chunk.slice(..(left.min(chunk.len() as u64) as usize));
                        let next = sent + part.len() as u64;
                        (Ok::<_, std::io::Error>(part), next)
                    })
                }
            });
            return Response::builder()
                .header(header::ETAG, &tag)
                .header(header::CONTENT_TYPE, "application/x-grib")
                .header(header::CONTENT_LENGTH, size)
                .body(Body::from_stream(zeros))
                .unwrap();
        }
        Serve::Huge => {
            let body =
                Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
            return Response::builder()
                .header(header::CONTENT_LENGTH, 2u64 << 30)
                .body(body)
                .unwrap();
        }
        _ => {}
    }
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| {
            let start = a.parse::<usize>().ok()?;
            let last = bytes.len().checked_sub(1)?;
            let end = match b {
                "" => last,
                b => b.parse::<usize>().ok()?.min(last),
            };
            (start <= end && start < bytes.len()).then_some((start, end))
        });
    let builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CONTENT_TYPE, "image/png")
        .header(header::LAST_MODIFIED, "Mon, 07 Dec 2026 06:00:00 GMT");
    if let Some((start, end)) = range {
        return builder
            .status(StatusCode::PARTIAL_CONTENT)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{}", bytes.len()),
            )
            .header(header::CONTENT_LENGTH, end + 1 - start)
            .body(Body::from(bytes[start..=end].to_vec()))
            .unwrap();
    }
    let builder = builder.header(header::CONTENT_LENGTH, bytes.len());
    match how {
        Serve::CutOnce => {
            *how = Serve::Plain;
            let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
            // The half is on the wire before the connection drops.
            let cut =
                futures_util::stream::iter([Ok(half)]).chain(futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Err(std::io::Error::other("the connection drops"))
                }));
            builder.body(Body::from_stream(cut)).unwrap()
        }
        Serve::Trickle => {
            let chunks: Vec<Bytes> = bytes.chunks(16).map(Bytes::copy_from_slice).collect();
            let slow = futures_util::stream::iter(chunks).then(|chunk| async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok::<_, std::io::Error>(chunk)
            });
            builder.body(Body::from_stream(slow)).unwrap()
        }
        Serve::Stall(n) if *n > 0 => {
            *n -= 1;
            let nothing = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
            builder.body(Body::from_stream(nothing)).unwrap()
        }
        _ => builder.body(Body::from(bytes.to_vec())).unwrap(),
    }
}

/// 1 GiB of zeros, gzipped once per test run (about 1 MiB).
fn gzip_bomb() -> Bytes {
    static BOMB: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            gz.write_all(&zeros).unwrap();
        }
        Bytes::from(gz.finish().unwrap())
    })
    .clone()
}

/// Waits up to `patience` for `check`.
pub async fn eventually(patience: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + patience;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check()
}
