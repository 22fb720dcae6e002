//! The upload page: a provider enters its token once, drops several files, and
//! sees a progress bar per file, then where each went or why it was refused.

use leptos::prelude::*;

use crate::upload_rows::{Row, RowState};

#[component]
pub fn UploadPage() -> impl IntoView {
    let token = RwSignal::new(String::new());
    // Off until asked: a shared computer in an operations room must not keep
    // a provider's token because nobody unticked a box.
    let remember = RwSignal::new(false);
    let rows = RwSignal::new(Vec::<Row>::new());
    let dragging = RwSignal::new(false);
    // True once the browser has taken over (effects run only there): tests
    // and styles can tell a live page from the server-rendered one.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));

    #[cfg(feature = "hydrate")]
    let start = {
        Effect::new(move |_| {
            if let Some(saved) = crate::uploader::saved_token() {
                // Kept because someone asked: keep asking until unticked.
                token.set(saved);
                remember.set(true);
            }
        });
        move |files: web_sys::FileList| {
            let token_now = token.get_untracked();
            crate::uploader::remember_token(remember.get_untracked().then_some(token_now.as_str()));
            crate::uploader::upload_all(files, token_now, rows);
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let start = |_: ()| {};

    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            start(files);
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                if let Some(files) = input.files() {
                    start(files);
                }
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &start);
    };

    view! {
        <header class="top">
            <h1><a href="/">"opsboard"</a></h1>
            <span class="count">"Upload products"</span>
        </header>
        <main class="upload" data-ready=move || ready.get().to_string()>
            <section class="panel">
                <h2>"Provider token"</h2>
                <p class="hint">"Given by the campaign's data manager (" <code>"opsboard provider add"</code> "). It stays in this browser only if you ask."</p>
                <label class="token">
                    <span>"Token"</span>
                    <input
                        type="password"
                        name="token"
                        autocomplete="off"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))
                    />
                </label>
                <label class="remember">
                    <input type="checkbox" prop:checked=move || remember.get() on:change=move |ev| remember.set(event_target_checked(&ev))/>
                    " Remember on this computer"
                </label>
            </section>
            <section
                class="panel dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <p>"Drop files here, or "
                    <label class="pick">"choose files"
                        <input type="file" multiple name="files" on:change=on_pick/>
                    </label>
                </p>
                <p class="hint">"Names follow " <code>"category.platform.YYYYMMDDhhmm.product.ext"</code> " (UTC). Without JavaScript, upload with curl: see the README."</p>
            </section>
            <section class="panel">
                <h2>"Uploads"</h2>
                <Show when=move || rows.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"None yet."</p> }>
                    <ul class="uploads">
                        <For each=move || rows.get() key=|row| row.key let:row>
                            <UploadRow row/>
                        </For>
                    </ul>
                </Show>
            </section>
        </main>
    }
}

#[component]
fn UploadRow(row: Row) -> impl IntoView {
    let state = row.state;
    view! {
        <li class="upload-row" data-file-name=row.name.clone() data-state=move || match state.get() {
            RowState::Uploading => "uploading",
            RowState::Done { .. } => "done",
            RowState::Failed(_) => "failed",
        }>
            <code>{row.name.clone()}</code>
            // A refusal colours the bar: a full blue bar reads as success.
            <progress
                max="100"
                class:failed=move || matches!(state.get(), RowState::Failed(_))
                prop:value=move || row.progress.get()
            ></progress>
            <span class="outcome">
                {move || match state.get() {
                    RowState::Uploading => format!("{:.0} %", row.progress.get()).into_any(),
                    RowState::Done { message, url: Some(url) } => view! { <a href=url>{message}</a> }.into_any(),
                    RowState::Done { message, url: None } => message.into_any(),
                    RowState::Failed(reason) => view! { <span class="reason">{reason}</span> }.into_any(),
                }}
            </span>
        </li>
    }
}
