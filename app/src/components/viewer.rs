//! The image viewer: opens over the board when an image product is clicked.

use leptos::prelude::*;
use products::Product;

fn viewer_source(product: &Product) -> String {
    match &product.preview_url {
        Some(preview) if product.media_type != "image/gif" => preview.clone(),
        _ => product.file_url.clone(),
    }
}

#[component]
pub fn Viewer(selected: RwSignal<Option<Product>>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" {
                selected.set(None);
            }
        });
        on_cleanup(move || handle.remove());
    }
    move || {
        selected.get().map(|product| {
            let title = format!(
                "{} · {} UTC",
                product.file_name,
                product.time.format("%Y-%m-%d %H:%M")
            );
            let (label, heading) = (title.clone(), title.clone());
            view! {
                <div class="viewer" role="dialog" aria-modal="true" aria-label=label>
                    <div class="viewer-bar">
                        <span class="viewer-title">{heading}</span>
                        <a href=product.file_url.clone() download=product.file_name.clone()>"Download"</a>
                        <button type="button" aria-label="Close viewer" on:click=move |_| selected.set(None)>"×"</button>
                    </div>
                    // The screen preview when made (light on satcom links); the original
                    // otherwise, and always for GIFs, whose animation it keeps.
                    <img class="viewer-image" src=viewer_source(&product) alt=title/>
                </div>
            }
        })
    }
}
