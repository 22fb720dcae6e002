//! `PUT /api/v1/drops/{file name}`: uploads for operational centres.
//!
//! The provider's token is checked, then its rights on the name, before a byte
//! of the body is read. The body is streamed to a private folder under a size
//! limit (never held whole in memory), then goes through the same pipeline as
//! the drop folder, in turn with it; the answer is that pipeline's outcome.

use std::path::Path as FsPath;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::{Json, Router};
use futures_util::StreamExt;
use model::name::{is_in_progress, MAX_NAME_BYTES};
use model::sidecar::sidecar_target;
use tokio::io::AsyncWriteExt;

use crate::auth::ProviderOnly;
use crate::error::ApiError;
use crate::ingest::{IngestError, Outcome};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/drops/{file_name}", put(upload))
}

async fn upload(
    State(state): State<AppState>,
    // The access layer has already looked the token up: only a provider's sends files.
    ProviderOnly(provider): ProviderOnly,
    Path(file_name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_bare_name(&file_name)?;
    let described = sidecar_target(&file_name).unwrap_or(&file_name);
    // A name that does not parse is the pipeline's to refuse (its bytes are
    // kept with the reason); one that parses must be within the rights.
    if let Ok(name) = state.rules.parse(described) {
        if !provider.may_send(&name) {
            return Err(ApiError::Forbidden(format!(
                "provider {:?} may not send {}/{} ({})",
                provider.name,
                name.category,
                name.platform,
                provider.rights()
            )));
        }
    }
    // Quotas, before a byte of the body is read: uploads in progress, and
    // what this provider's refused files already hold in rejected/.
    let place = state
        .upload_places
        .take(provider.name.clone())
        .map_err(|_| {
            ApiError::TooManyRequests(format!(
                "provider {:?} has its maximum of uploads in progress; send the next when one ends",
                provider.name
            ))
        })?;
    let since = chrono::Utc::now() - chrono::Duration::hours(24);
    let rejected = state
        .catalogue
        .rejected_bytes_since(&provider.name, since)
        .await?;
    if rejected >= state.rejected_quota_bytes {
        return Err(ApiError::TooManyRequests(format!(
            "{rejected} bytes of provider {:?}'s uploads were refused in the last 24 h (quota {}); \
             fix the files (GET /api/v1/rejections says why) before sending more",
            provider.name, state.rejected_quota_bytes
        )));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > state.max_upload_bytes) {
        return Err(ApiError::TooLarge(state.max_upload_bytes));
    }

    let dir = state.data.uploads().join(unique_folder());
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join(&file_name);
    if let Err(error) = stream_to_file(body, &path, state.max_upload_bytes).await {
        let _ = tokio::fs::remove_dir_all(&dir).await;
        return Err(error);
    }
    let outcome = state.uploads.submit(path, provider.name.clone()).await;
    // The upload is over once the pipeline has answered: the provider's next
    // one need not wait for the bookkeeping below.
    drop(place);
    // Empty once the pipeline has taken the file. Otherwise the upload was not
    // taken and the answer says so: the sender still has the bytes and sends
    // them again, so nothing is kept here.
    let _ = tokio::fs::remove_dir_all(&dir).await;
    let outcome = match outcome {
        Err(IngestError::Stopped) => {
            return Err(ApiError::Unavailable(
                "the server is stopping; send the file again in a minute".into(),
            ))
        }
        other => other?,
    };
    if let Err(error) = state
        .catalogue
        .note_upload(&provider.name, &file_name, outcome.word())
        .await
    {
        tracing::warn!(%error, provider = %provider.name, "could not note the provider's last upload");
    }
    match outcome {
        Outcome::Added { product, .. } | Outcome::Updated { product, .. } => {
            Ok((StatusCode::CREATED, Json(product)).into_response())
        }
        Outcome::Unchanged { product_id } => {
            let stored = state
                .catalogue
                .product(product_id, model::Visibility::Everything)
                .await?
                .ok_or(ApiError::NotFound("product"))?;
            Ok((StatusCode::OK, Json(stored.product)).into_response())
        }
        Outcome::SidecarKept => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({
                "status": "kept",
                "reason": "the sidecar is kept and applies when its file arrives"
            })),
        )
            .into_response()),
        Outcome::Rejected { rejection, .. } => Err(ApiError::Rejected(rejection.reason)),
        Outcome::Skipped => Err(ApiError::Rejected("the file could not be taken".into())),
    }
}

/// Refuses anything but a plain file name: no folder, no parent, no NUL, no
/// hidden or in-progress name (the path segment is already percent-decoded,
/// so `%2e%2e%2f` arrives here as `../`).
fn check_bare_name(file_name: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| Err(ApiError::Rejected(format!("{why}: {file_name:?}")));
    if file_name.is_empty() {
        return refuse("the file name is empty");
    }
    if file_name.len() > MAX_NAME_BYTES {
        return Err(ApiError::Rejected(format!(
            "the name is {} bytes long; at most {MAX_NAME_BYTES} are accepted",
            file_name.len()
        )));
    }
    if file_name.contains(['/', '\\', '\0']) {
        return refuse("the file name must not contain '/', '\\' or NUL");
    }
    if file_name.starts_with('.') || is_in_progress(file_name) {
        return refuse("hidden and in-progress names (.x, *.part, *.tmp) cannot be uploaded");
    }
    Ok(())
}

/// Writes the body to `path`, stopping at `limit` bytes.
async fn stream_to_file(body: Body, path: &FsPath, limit: u64) -> Result<u64, ApiError> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the upload was interrupted: {e}")))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(ApiError::TooLarge(limit));
        }
        file.write_all(&chunk).await?;
    }
    file.sync_all().await?;
    Ok(written)
}

/// A folder name no other upload of this or an earlier run uses.
fn unique_folder() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!("{now}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
