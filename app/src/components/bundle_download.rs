//! A case's bundle download with its progress: the link works as a plain
//! download without JavaScript; with it, the page fetches the zip itself
//! and shows how much has arrived against the size of the pinned files
//! (the zip is written as it is sent, so the server cannot say its length
//! beforehand; its files are nearly all of it).

use leptos::prelude::*;

/// Megabytes, for the progress text.
fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

#[component]
pub fn BundleDownload(slug: String, estimate: u64) -> impl IntoView {
    let href = format!("/api/v1/case-studies/{slug}/bundle.zip");
    let file_name = format!("{slug}.zip");
    // None: not started; Some((received, finished, failure)).
    let state = RwSignal::new(None::<(f64, bool, Option<String>)>);
    let url = href.clone();
    let start = move |ev: leptos::ev::MouseEvent| {
        if matches!(state.get_untracked(), Some((_, false, None))) {
            ev.prevent_default();
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            state.set(Some((0.0, false, None)));
            crate::download::download(
                &url,
                &file_name,
                move |received| state.set(Some((received, false, None))),
                move |outcome| match outcome {
                    Ok(size) => state.set(Some((size, true, None))),
                    Err(why) => state.set(Some((0.0, true, Some(why)))),
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &url, &file_name);
    };
    let estimate = estimate as f64;
    let status = move || {
        state.get().map(|(received, finished, failure)| {
            let text = match (&failure, finished) {
                (Some(why), _) => format!("The download failed: {why}."),
                (None, true) => format!("Downloaded {}.", megabytes(received)),
                (None, false) => {
                    format!("{} of about {}…", megabytes(received), megabytes(estimate))
                }
            };
            let max = estimate.max(received).max(1.0);
            view! {
                <span class="case-bundle-progress" role="status">
                    {(!finished).then(|| view! { <progress max=max value=received></progress> })}
                    <span class="bundle-status">{text}</span>
                </span>
            }
        })
    };
    view! {
        <p>
            <a class="button case-bundle" href=href download rel="external" on:click=start>
                "Download the case (zip: files, STAC catalog, DataCite)"
            </a>
            " "
            {status}
        </p>
    }
}
