//! An index source's file, fetched in parts: its index read first (with the
//! validators of the last fetch, so an unchanged run costs one 304), the
//! byte ranges of the fields asked for worked out from it, and each range
//! appended to one file. The index's validators are the file's: a new
//! index is a new version of the run's fields.

use sources::index::MAX_INDEX_BYTES;
use sources::Index;
use tokio::io::AsyncWriteExt;

use super::http::{Answer, Client, FetchError, Fetched, Request};
use super::report::Reports;

/// Fetches the parts of `request.url` that `index` asks for, its index
/// being at `index_url`.
pub(super) async fn fetch(
    client: &Client,
    index: &Index,
    index_url: &str,
    request: &Request<'_>,
    reports: &Reports,
    source: &str,
) -> Result<Answer, FetchError> {
    let index_path = request.into.with_extension("index");
    let index_request = Request {
        url: index_url,
        auth: request.auth.clone(),
        prior: request.prior,
        max_bytes: MAX_INDEX_BYTES,
        into: &index_path,
    };
    let got = match client.get(&index_request).await? {
        Answer::Fetched(got) => got,
        other => return Ok(other),
    };
    let text = tokio::fs::read(&index_path).await?;
    let text =
        String::from_utf8(text).map_err(|_| FetchError::Index("it is not UTF-8 text".into()))?;
    let parts = index.parts(&text).map_err(FetchError::Index)?;
    let total = parts
        .iter()
        .fold(0u64, |sum, p| sum.saturating_add(p.length));
    if total > request.max_bytes {
        return Err(FetchError::Announced {
            announced: total,
            limit: request.max_bytes,
        });
    }
    let mut file = tokio::fs::File::create(request.into).await?;
    for part in &parts {
        reports.update(source, |r| r.requests += 1);
        client
            .get_part(request.url, request.auth.as_ref(), *part, &mut file)
            .await?;
    }
    file.flush().await?;
    file.sync_all().await?;
    Ok(Answer::Fetched(Fetched {
        bytes: total,
        etag: got.etag,
        last_modified: got.last_modified,
        media_type: None,
        resumed: 0,
    }))
}
