//! Recent rejections, with their reasons: a provider sees at once why a file
//! was refused instead of waiting for it to appear.

use leptos::prelude::*;
use model::Rejection;

use crate::state::use_dash;
use crate::window::arrival_label;

#[component]
pub fn Rejections(rejections: RwSignal<Vec<Rejection>>) -> impl IntoView {
    let dash = use_dash();
    view! {
        <section class="panel rejections" aria-labelledby="rejections-title">
            <h2 id="rejections-title">"Rejected files"</h2>
            <Show when=move || rejections.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"None."</p> }>
                <ul>
                    <For
                        each=move || rejections.get()
                        key=|r| (r.file_name.clone(), r.rejected_at)
                        let:rejection
                    >
                        <li data-file-name=rejection.file_name.clone()>
                            <code>{rejection.file_name.clone()}</code>
                            <span class="reason">{rejection.reason.clone()}</span>
                            <time datetime=rejection.rejected_at.to_rfc3339()>
                                {move || format!("{} UTC", arrival_label(rejection.rejected_at, dash.now.get()))}
                            </time>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
