//! A product on a page of its own (the exported site's product pages): its
//! preview, what its name and sidecar say of it, and its file.

use leptos::prelude::*;
use model::Product;

use crate::links::use_links;

#[component]
pub fn ProductSheet(product: Product) -> impl IntoView {
    let links = use_links();
    let picture = product
        .preview_url
        .as_deref()
        .or(product.thumbnail_url.as_deref())
        .map(|src| links.asset(src));
    let alt = product
        .meta
        .title
        .clone()
        .unwrap_or_else(|| product.file_name.clone());
    let mut rows: Vec<(&'static str, String)> = vec![
        ("Lane", format!("{}.{}", product.category, product.platform)),
        ("Product", product.product.clone()),
        (
            "Valid",
            product.valid_time.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ];
    if let Some(run) = product.run_time {
        rows.push(("Run", run.format("%Y-%m-%d %H:%M UTC").to_string()));
    }
    if let Some(lead) = product.lead_hours {
        rows.push(("Lead", format!("{lead} h")));
    }
    rows.push(("Version", product.version.to_string()));
    rows.push(("Media type", product.media_type.clone()));
    rows.push(("Size", format!("{} bytes", product.size)));
    rows.push(("SHA-256", product.sha256.clone()));
    if let Some(provider) = &product.meta.provider {
        rows.push(("Provider", provider.clone()));
    }
    if let Some([w, s, e, n]) = product.meta.bbox {
        rows.push(("Area", format!("{w}° to {e}° E, {s}° to {n}° N")));
    }
    let day = product.valid_time.date_naive();
    view! {
        <article class="product-sheet">
            <h2>{product.meta.title.clone().unwrap_or_else(|| product.file_name.clone())}</h2>
            {product.meta.description.clone().map(|d| view! { <p>{d}</p> })}
            {picture.map(|src| view! { <img class="product-preview" src=src alt=alt/> })}
            <dl class="op-plan">
                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <p>
                <a class="button" href=links.asset(&product.file_url) download=product.file_name.clone()>
                    {format!("The file: {}", product.file_name)}
                </a>
                " "
                {links.day(day).map(|href| view! { <a href=href>{format!("Its day, {day}")}</a> })}
            </p>
        </article>
    }
}
