//! The browser side of uploads: one `XMLHttpRequest` per file, because only
//! it reports upload progress, and the token in `localStorage` when asked.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{FileList, ProgressEvent, XmlHttpRequest};

use crate::upload_rows::{describe, Row, RowState};

const TOKEN_KEY: &str = "opsboard.token";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn saved_token() -> Option<String> {
    storage()?.get_item(TOKEN_KEY).ok().flatten()
}

/// Keeps `token` in this browser, or forgets any kept one.
pub fn remember_token(token: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match token {
            Some(t) => storage.set_item(TOKEN_KEY, t),
            None => storage.remove_item(TOKEN_KEY),
        };
    }
}

/// Starts one upload per file, each with its own row.
pub fn upload_all(files: FileList, token: String, rows: RwSignal<Vec<Row>>) {
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let row = Row {
            key: rows.with_untracked(|r| r.len()),
            name: file.name(),
            progress: RwSignal::new(0.0),
            state: RwSignal::new(RowState::Uploading),
        };
        rows.update(|r| r.push(row.clone()));
        if let Err(error) = upload(&file, &token, row.clone()) {
            row.state.set(RowState::Failed(format!(
                "the upload could not start: {error:?}"
            )));
        }
    }
}

fn upload(file: &web_sys::File, token: &str, row: Row) -> Result<(), JsValue> {
    let xhr = XmlHttpRequest::new()?;
    let url = format!(
        "/api/v1/drops/{}",
        js_sys::encode_uri_component(&file.name())
    );
    xhr.open("PUT", &url)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))?;
    let progress = row.progress;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            progress.set(ev.loaded() / ev.total() * 100.0);
        }
    });
    xhr.upload()?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let done = {
        let xhr = xhr.clone();
        Closure::<dyn FnMut()>::new(move || {
            let body = xhr.response_text().ok().flatten().unwrap_or_default();
            row.progress.set(100.0);
            row.state.set(describe(xhr.status().unwrap_or(0), &body));
        })
    };
    let failed = Closure::<dyn FnMut()>::new(move || {
        row.state.set(RowState::Failed(
            "the connection to the server failed".into(),
        ));
    });
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file))?;
    // The request owns its callbacks for its lifetime, which ends with the page.
    on_progress.forget();
    done.forget();
    failed.forget();
    Ok(())
}
