//! One file from a centre's server, fetched as a campaign can trust: streamed
//! to disk (never whole in memory), bounded before and while it is read,
//! asked for again with its validators (a 304 costs nothing), resumed by
//! range after a cut, given up on when the body stalls, redirected at most 5
//! times and only to http or https.

use std::path::{Path, PathBuf};
use std::time::Duration;

use catalogue::source_fetches::SourceFetch;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use sources::index::Part;

use super::hosts::Hosts;
use tokio::io::AsyncWriteExt;

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 5;
/// Most times one fetch resumes a cut body before it gives up (and is
/// retried later, whole).
const MAX_RESUMES: usize = 3;

/// The HTTP client every source shares.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// How long a request or a body may send nothing.
    stall: Duration,
    /// Turns on each host.
    hosts: Hosts,
}

/// What asking for a file gave.
#[derive(Debug)]
pub enum Answer {
    /// The file, complete, at the path asked for.
    Fetched(Fetched),
    /// The same file as before (304).
    NotModified,
    /// Not published yet (404, 410).
    NotThere,
}

/// A file fetched whole.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub media_type: Option<String>,
    /// How many times a cut body was resumed.
    pub resumed: usize,
}

/// Why a fetch failed; each but the refusals is tried again later.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("{announced} bytes announced; this source takes at most {limit}")]
    Announced { announced: u64, limit: u64 },
    #[error("the body passed {0} bytes, the most this source takes")]
    TooLarge(u64),
    #[error("nothing came for {0:?}")]
    Stalled(Duration),
    #[error("the body was cut at {got} bytes of {expected}, {resumes} times")]
    Cut {
        got: u64,
        expected: u64,
        resumes: usize,
    },
    #[error("the body came {0}-encoded, unasked (only the file's own bytes are taken)")]
    Encoded(String),
    #[error("the request failed: {0}")]
    Request(String),
    #[error("the index: {0}")]
    Index(String),
    #[error("the server answered a byte range with HTTP {0}, not 206 from the byte asked")]
    NoRange(u16),
    #[error("the credential is not there: {0}")]
    Credential(String),
    /// The file came, and the ingest could not take it (stopped) or refused it.
    #[error("the ingest: {0}")]
    Ingest(String),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
}

/// A request for one file.
pub struct Request<'a> {
    pub url: &'a str,
    /// A header carrying the source's credential.
    pub auth: Option<(HeaderName, HeaderValue)>,
    /// What was fetched from this URL before: its validators.
    pub prior: Option<&'a SourceFetch>,
    pub max_bytes: u64,
    /// Where the body goes.
    pub into: &'a Path,
}

impl Client {
    pub fn new(connect: Duration, stall: Duration, hosts: Hosts) -> reqwest::Result<Self> {
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            // `previous` holds the first URL too: five redirects followed.
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_string();
                attempt.error(format!("a redirect to a {scheme}: URL"))
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .redirect(redirects)
            .user_agent(concat!("opsboard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, stall, hosts })
    }

    pub fn hosts(&self) -> &Hosts {
        &self.hosts
    }

    /// Fetches `request.url` into `request.into`.
    pub async fn get(&self, request: &Request<'_>) -> Result<Answer, FetchError> {
        let _turn = self.hosts.turn(request.url).await;
        let mut file = tokio::fs::File::create(request.into).await?;
        let mut have = 0u64;
        let mut etag: Option<String> = None;
        let mut expected = None;
        for resumes in 0..=MAX_RESUMES {
            let mut headers = HeaderMap::new();
            // The file's own bytes: nothing to decode, and a compressed
            // bomb is refused before it is read rather than after.
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_static("identity"),
            );
            if let Some((name, value)) = &request.auth {
                headers.insert(name.clone(), value.clone());
            }
            if have == 0 {
                conditional(&mut headers, request.prior);
            } else {
                // The rest, if it is still the same file.
                if let Ok(range) = HeaderValue::from_str(&format!("bytes={have}-")) {
                    headers.insert(header::RANGE, range);
                }
                if let Some(Ok(tag)) = etag.as_deref().map(HeaderValue::from_str) {
                    headers.insert(header::IF_RANGE, tag);
                }
            }
            let sent = self.http.get(request.url).headers(headers).send();
            let mut response = tokio::time::timeout(self.stall, sent)
                .await
                .map_err(|_| FetchError::Stalled(self.stall))?
                .map_err(|e| FetchError::Request(without_url(&e)))?;
            let status = response.status();
            match status {
                StatusCode::NOT_MODIFIED if have == 0 => return Ok(Answer::NotModified),
                StatusCode::NOT_FOUND | StatusCode::GONE => return Ok(Answer::NotThere),
                StatusCode::PARTIAL_CONTENT if have > 0 && starts_at(&response, have) => {}
                StatusCode::OK => {
                    // Whole (first time, or the file changed under a resume).
                    have = 0;
                    file = tokio::fs::File::create(request.into).await?;
                    etag = text(&response, header::ETAG);
                }
                other => return Err(FetchError::Status(other.as_u16())),
            }
            if let Some(coding) = text(&response, header::CONTENT_ENCODING)
                .filter(|c| !c.eq_ignore_ascii_case("identity"))
            {
                return Err(FetchError::Encoded(coding));
            }
            if let Some(length) = response.content_length() {
                let total = have + length;
                if total > request.max_bytes {
                    return Err(FetchError::Announced {
                        announced: total,
                        limit: request.max_bytes,
                    });
                }
                expected = Some(total);
            }
            let last_modified = text(&response, header::LAST_MODIFIED);
            let media_type = text(&response, header::CONTENT_TYPE);
            let cut = loop {
                let chunk = tokio::time::timeout(self.stall, response.chunk())
                    .await
                    .map_err(|_| FetchError::Stalled(self.stall))?;
                match chunk {
                    Ok(Some(chunk)) => {
                        have += chunk.len() as u64;
                        if have > request.max_bytes {
                            return Err(FetchError::TooLarge(request.max_bytes));
                        }
                        file.write_all(&chunk).await?;
                    }
                    Ok(None) => break expected.is_some_and(|e| have < e),
                    // A connection that closes early: resumed if the
                    // length was said, else tried again later.
                    Err(error) if expected.is_some() => {
                        tracing::debug!(error = %without_url(&error), have, "a body was cut");
                        break true;
                    }
                    Err(error) => return Err(FetchError::Request(without_url(&error))),
                }
            };
            if !cut {
                file.sync_all().await?;
                return Ok(Answer::Fetched(Fetched {
                    bytes: have,
                    etag,
                    last_modified,
                    media_type,
                    resumed: resumes,
                }));
            }
            file.flush().await?;
        }
        Err(FetchError::Cut {
            got: have,
            expected: expected.unwrap_or(have),
            resumes: MAX_RESUMES,
        })
    }
}

impl Client {
    /// Appends bytes `part` of `url` to `file`: a 206 from the byte asked,
    /// as long as asked, or an error (a server that ignores ranges is not
    /// read: its whole file may be gigabytes).
    pub async fn get_part(
        &self,
        url: &str,
        auth: Option<&(HeaderName, HeaderValue)>,
        part: Part,
        file: &mut tokio::fs::File,
    ) -> Result<u64, FetchError> {
        let _turn = self.hosts.turn(url).await;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        if let Some((name, value)) = auth {
            headers.insert(name.clone(), value.clone());
        }
        if let Ok(range) = HeaderValue::from_str(&part.range()) {
            headers.insert(header::RANGE, range);
        }
        let sent = self.http.get(url).headers(headers).send();
        let mut response = tokio::time::timeout(self.stall, sent)
            .await
            .map_err(|_| FetchError::Stalled(self.stall))?
            .map_err(|e| FetchError::Request(without_url(&e)))?;
        let status = response.status();
        if status != StatusCode::PARTIAL_CONTENT || !starts_at(&response, part.start) {
            return Err(FetchError::NoRange(status.as_u16()));
        }
        if response.headers().contains_key(header::CONTENT_ENCODING) {
            return Err(FetchError::Encoded(
                text(&response, header::CONTENT_ENCODING).unwrap_or_default(),
            ));
        }
        let mut have = 0u64;
        loop {
            let chunk = tokio::time::timeout(self.stall, response.chunk())
                .await
                .map_err(|_| FetchError::Stalled(self.stall))?
                .map_err(|e| FetchError::Request(without_url(&e)))?;
            let Some(chunk) = chunk else { break };
            have += chunk.len() as u64;
            if have > part.length {
                return Err(FetchError::TooLarge(part.length));
            }
            file.write_all(&chunk).await?;
        }
        if have < part.length {
            return Err(FetchError::Cut {
                got: have,
                expected: part.length,
                resumes: 0,
            });
        }
        Ok(have)
    }
}

/// `If-None-Match` and `If-Modified-Since` from what was fetched before.
fn conditional(headers: &mut HeaderMap, prior: Option<&SourceFetch>) {
    let Some(prior) = prior else { return };
    if let Some(Ok(tag)) = prior.etag.as_deref().map(HeaderValue::from_str) {
        headers.insert(header::IF_NONE_MATCH, tag);
    }
    if let Some(Ok(date)) = prior.last_modified.as_deref().map(HeaderValue::from_str) {
        headers.insert(header::IF_MODIFIED_SINCE, date);
    }
}

/// Whether a 206 answer starts where the file stopped.
fn starts_at(response: &reqwest::Response, have: u64) -> bool {
    text(response, header::CONTENT_RANGE)
        .and_then(|r| {
            let from = r.strip_prefix("bytes ")?.split('-').next()?;
            from.parse::<u64>().ok()
        })
        .is_some_and(|from| from == have)
}

fn text(response: &reqwest::Response, name: HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A request error without its URL: a URL may carry a token a centre put in
/// a query string, and errors reach logs and the admin page.
fn without_url(error: &reqwest::Error) -> String {
    let mut error = error.to_string();
    if let Some(at) = error.find(" for url (") {
        error.truncate(at);
    }
    error
}

/// Where one fetch writes before the file is handed to the ingest.
pub fn part_path(dir: &Path) -> PathBuf {
    dir.join("fetch.part")
}
