//! `GET /api/v1/case-studies/{slug}/bundle.zip`: a case study to take
//! away, written as it is sent (no copy of the whole is made first, on disk
//! or in memory), with what the reader may see of it.
//!
//! The zip is written by a blocking task into a channel the response body
//! reads: a slow client slows the writer (the channel is small), a client
//! that leaves stops it.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use catalogue::bundle::{self, Entry, Origin, Pinned, Source};
use futures_util::stream;
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::stac::RequestRoot;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/case-studies/{slug}/bundle.zip", get(download))
}

/// Bytes handed to the response at a time.
const CHUNK: usize = 64 * 1024;

async fn download(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let visibility = access.visibility();
    let detail = state
        .catalogue
        .case_study_detail(&slug, visibility)
        .await?
        .ok_or(ApiError::NotFound("case study"))?;
    let mut pinned = Vec::with_capacity(detail.products.len());
    for product in detail.products {
        let stored = state
            .catalogue
            .product(product.id, visibility)
            .await?
            .ok_or(ApiError::NotFound("product"))?;
        let file = state
            .data
            .resolve(std::path::Path::new(&stored.stored_path))
            .filter(|f| f.is_file())
            .ok_or(ApiError::FileMissing(product.id))?;
        pinned.push(Pinned { product, file });
    }
    let origin = Origin {
        publisher: &state.publisher,
        landing_page: root.origin_url(&format!("/case-studies/{slug}")),
    };
    let entries = bundle::entries(&detail.case_study, &pinned, &detail.operations, &origin)
        .map_err(|e| ApiError::Catalogue(e.into()))?;
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    let name = slug.clone();
    tokio::task::spawn_blocking(move || {
        let failed = sender.clone();
        if let Err(error) = write_zip(entries, Chunks::new(sender)) {
            tracing::warn!(%error, slug = name, "a bundle stopped before its end");
            let _ = failed.blocking_send(Err(error));
        }
    });
    let body = Body::from_stream(stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    }));
    let disposition = format!("attachment; filename=\"{slug}.zip\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Writes `entries` as a zip into `out`, each file read as it goes.
fn write_zip(entries: Vec<Entry>, out: Chunks) -> io::Result<()> {
    let mut zip = ZipWriter::new_stream(out);
    for entry in entries {
        let size = match &entry.source {
            Source::File { size, .. } => *size,
            Source::Made(bytes) => bytes.len() as u64,
        };
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(size >= u64::from(u32::MAX));
        zip.start_file(entry.path.as_str(), options)?;
        match entry.source {
            Source::File { path, .. } => {
                io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
            }
            Source::Made(bytes) => zip.write_all(&bytes)?,
        }
    }
    zip.finish()?.into_inner().flush()
}

/// A writer that hands what it is given to the response, a chunk at a time.
struct Chunks {
    buffer: Vec<u8>,
    sender: mpsc::Sender<io::Result<Bytes>>,
}

impl Chunks {
    fn new(sender: mpsc::Sender<io::Result<Bytes>>) -> Self {
        Self {
            buffer: Vec::with_capacity(CHUNK),
            sender,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
