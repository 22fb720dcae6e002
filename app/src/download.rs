//! A download the page can follow: the file fetched by the page (so its
//! progress can be shown), then handed to the browser as a file to save.
//! For a case's bundle, which is written as it is sent and so has no
//! length the browser could show on its own.

use wasm_bindgen::prelude::*;
use web_sys::{HtmlAnchorElement, ProgressEvent, Url, XmlHttpRequest, XmlHttpRequestResponseType};

/// Fetches `url`, calling `progress` with the bytes received so far, then
/// saves the answer as `file_name`; `done` gets `Ok(bytes)` or why not.
pub fn download(
    url: &str,
    file_name: &str,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<f64, String>) + 'static,
) {
    let opened = XmlHttpRequest::new().and_then(|xhr| {
        xhr.open("GET", url)?;
        xhr.set_response_type(XmlHttpRequestResponseType::Blob);
        Ok(xhr)
    });
    let xhr = match opened {
        Ok(xhr) => xhr,
        Err(_) => return done(Err("the browser could not make the request".into())),
    };
    let on_progress =
        Closure::<dyn Fn(ProgressEvent)>::new(move |ev: ProgressEvent| progress(ev.loaded()));
    xhr.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // The progress closure lives as long as the request: forgotten, as
    // these downloads are a person's clicks.
    on_progress.forget();
    let answer = xhr.clone();
    let file_name = file_name.to_string();
    let on_end = Closure::once_into_js(move || {
        let status = answer.status().unwrap_or(0);
        if status != 200 {
            return done(Err(format!("the server answered {status}")));
        }
        let saved = answer
            .response()
            .ok()
            .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok())
            .ok_or_else(|| "no file in the answer".to_string())
            .and_then(|blob| save(&blob, &file_name).map(|()| blob.size()));
        done(saved);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    if xhr.send().is_err() {
        // `loadend` still follows, with status 0.
    }
}

/// Hands `blob` to the browser as a file named `file_name`.
fn save(blob: &web_sys::Blob, file_name: &str) -> Result<(), String> {
    let failed = |_| "the browser could not save the file".to_string();
    let href = Url::create_object_url_with_blob(blob).map_err(failed)?;
    let anchor: HtmlAnchorElement = leptos::prelude::document()
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| "the browser could not save the file".to_string())?;
    anchor.set_href(&href);
    anchor.set_download(file_name);
    anchor.click();
    // Released once the browser has surely taken the file.
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
