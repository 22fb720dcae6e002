//! Model fields along each plan, on the operation page: for each field the
//! reader names (temperature first), the plan's vertical section from the
//! model run valid nearest the planned take-off, drawn by the server
//! (`/api/v1/plans/{id}/section`): pressure up the side, the waypoints
//! along the top, the planned altitude across. A field no run holds on
//! pressure levels says so instead of a picture.

use leptos::prelude::*;

/// The fields drawn until the reader chooses others.
const DEFAULT_FIELDS: &str = "t";
/// Fields offered as the reader types (ecCodes' short names).
const OFFERED: [&str; 8] = ["t", "u", "v", "w", "q", "r", "z", "gh"];

/// The names in `text`, comma- or space-separated, at most four.
fn fields_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if out.len() < 4 && name.len() <= 64 && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// The fields drawn when the page opens.
pub fn default_fields() -> String {
    DEFAULT_FIELDS.to_string()
}

/// The box where the reader chooses the fields, above the plans.
#[component]
pub fn SectionFields(fields: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="section-fields">
            "Model fields along the plans "
            <input type="text" name="section-fields" list="section-field-names"
                prop:value=move || fields.get()
                on:change=move |ev| fields.set(event_target_value(&ev))/>
            <datalist id="section-field-names">
                {OFFERED.iter().map(|f| view! { <option value=*f/> }).collect_view()}
            </datalist>
        </label>
    }
}

/// The sections of plan `plan` for each field chosen.
#[component]
pub fn PlanSections(plan: i64, fields: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="plan-sections">
            {move || fields_of(&fields.get()).into_iter().map(|field| view! {
                <PlanSection plan field/>
            }).collect_view()}
        </div>
    }
}

#[component]
fn PlanSection(plan: i64, field: String) -> impl IntoView {
    let failed = RwSignal::new(false);
    let url = format!(
        "/api/v1/plans/{plan}/section?field={}",
        crate::components::map_fields::encoded(&field)
    );
    let alt = format!("{field} along the plan, from the model run valid nearest take-off");
    view! {
        <figure class="plan-section" data-field=field.clone()>
            <Show when=move || !failed.get() fallback={
                let (url, field) = (url.clone(), field.clone());
                move || view! {
                    <p class="muted">
                        {format!("No section of {field}: no model run holds it on pressure levels. ")}
                        <a href=url.clone() rel="external">"Why"</a>
                    </p>
                }
            }>
                <img src=url.clone() alt=alt.clone() loading="lazy"
                    on:error=move |_| failed.set(true)/>
            </Show>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_what_the_reader_types() {
        assert_eq!(fields_of(" t, u v,,t "), ["t", "u", "v"]);
        assert_eq!(fields_of("a b c d e"), ["a", "b", "c", "d"]);
        assert!(fields_of("").is_empty());
        assert_eq!(fields_of(DEFAULT_FIELDS), ["t"]);
    }
}
