//! `/case-studies/{slug}`: a case study — its time, area and tags, its
//! description, segments, the product versions it pins (as the reader may
//! see them), its operations, and the bundle to take it away.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::case_studies::{CaseStudy, Segment};
use model::Product;

use crate::case_studies::{load_case_study, CasePage};
use crate::components::bundle_download::BundleDownload;
use crate::components::missions::OpsHeader;
use crate::links::use_links;
use crate::operations::utc;

#[component]
pub fn CaseStudyView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let loaded = Resource::new_blocking(slug, load_case_study);
    view! {
        <main class="ops-page case-page">
            <OpsHeader title="Case study"/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || loaded.get().map(|page| match page {
                    Ok(Some(page)) => view! { <CaseBody page/> }.into_any(),
                    Ok(None) => view! { <p class="not-found">"No such case study."</p> }.into_any(),
                    Err(error) => view! { <p class="login-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The case itself; on the live site with its bundle's download.
#[component]
pub fn CaseBody(page: CasePage) -> impl IntoView {
    let links = use_links();
    let CasePage {
        detail,
        description_html,
    } = page;
    let case = detail.case_study;
    let estimate = detail.products.iter().map(|p| p.size).sum();
    let hidden = detail.hidden_pins;
    view! {
        <article class="case">
            <CaseHeading case=case.clone()/>
            <div class="case-description" inner_html=description_html></div>
            {links.is_live().then(|| view! { <BundleDownload slug=case.slug.clone() estimate/> })}
            <Segments segments=case.segments.clone()/>
            <section class="case-products">
                <h2>"Products"</h2>
                <ul>
                    {detail.products.into_iter().map(|p| view! { <PinnedProduct product=p/> }).collect_view()}
                </ul>
                {(hidden > 0).then(|| view! {
                    <p class="muted">{format!("{hidden} more for participants only.")}</p>
                })}
            </section>
            <section class="case-operations">
                <h2>"Operations"</h2>
                <ul>
                    {detail.operations.into_iter().map(|o| {
                        let code = match links.operation(o.id) {
                            Some(href) => view! { <a href=href rel="external">{o.code}</a> }.into_any(),
                            None => view! { <span>{o.code}</span> }.into_any(),
                        };
                        view! { <li>{code}" "{o.plan.title}</li> }
                    }).collect_view()}
                </ul>
            </section>
        </article>
    }
}

#[component]
fn CaseHeading(case: CaseStudy) -> impl IntoView {
    let status = if case.published { "Published" } else { "Draft" };
    let area = case
        .bbox
        .map(|[w, s, e, n]| format!(" · {w}° to {e}° E, {s}° to {n}° N"))
        .unwrap_or_default();
    view! {
        <h2 class="case-title">{case.title}</h2>
        <p class="case-when">
            <span class="badge">{status}</span>" "
            {format!("{} – {}{area}", utc(case.start), utc(case.end))}
            {format!(" · by {}", case.author)}
            " · licence " <span class="case-licence">{case.licence.clone()}</span>
        </p>
        <ul class="case-tags">
            {case.tags.into_iter().map(|t| view! { <li class="tag">{t}</li> }).collect_view()}
        </ul>
    }
}

#[component]
fn Segments(segments: Vec<Segment>) -> impl IntoView {
    (!segments.is_empty()).then(|| {
        view! {
            <section class="case-segments">
                <h2>"Segments"</h2>
                <table>
                    <thead><tr><th>"Id"</th><th>"Name"</th><th>"From"</th><th>"To"</th><th>"Kinds"</th><th>"Remarks"</th></tr></thead>
                    <tbody>
                        {segments.into_iter().map(|s| view! {
                            <tr>
                                <td>{s.segment_id}</td><td>{s.name}</td><td>{utc(s.start)}</td>
                                <td>{utc(s.end)}</td><td>{s.kinds.join(", ")}</td><td>{s.remarks}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    })
}

#[component]
fn PinnedProduct(product: Product) -> impl IntoView {
    let links = use_links();
    let thumbnail = product.thumbnail_url.as_deref().map(|src| links.asset(src));
    let label = format!("{} (version {})", product.file_name, product.version);
    view! {
        <li class="case-product">
            {thumbnail.map(|src| view! { <img src=src alt="" loading="lazy" width="160"/> })}
            <a href=links.product(&product) rel="external">{label}</a>
            <span class="muted">{format!(" valid {}", utc(product.valid_time))}</span>
        </li>
    }
}
