//! `/case-studies/{slug}`: a case study — its time, area and tags, its
//! description, segments, the product versions it pins (as the reader may
//! see them), its operations, and the bundle to take it away.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::case_studies::{CaseStudy, Segment};
use model::Product;
use serde::{Deserialize, Serialize};

use crate::components::bundle_download::BundleDownload;
use crate::components::loaded::when_found;
use crate::components::ops_header::OpsHeader;
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
            {when_found(loaded, "No such case study.", move |page| view! { <CaseBody page/> })}
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub detail: model::case_studies::CaseStudyDetail,
    /// The description as safe HTML.
    pub description_html: String,
}

/// `markdown` as HTML that is safe to insert into a page. Pictures from
/// other sites lose their address: a reader's browser would fetch them (and
/// tell that site who reads the case, and when), in the exported archive
/// too, which has no server to forbid it. Links stay links.
#[cfg(feature = "ssr")]
pub fn safe_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| {
            let elsewhere = value.contains("//") || value.contains(':');
            if element == "img" && attribute == "src" && elsewhere {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(&unsafe_html)
        .to_string()
}

#[server(endpoint = "case_study")]
pub async fn load_case_study(slug: String) -> Result<Option<CasePage>, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let reader = crate::ssr::reader();
    let detail = catalogue
        .case_study_detail(&slug, reader.visibility())
        .await
        .map_err(crate::ssr::internal)?;
    Ok(detail.map(|detail| CasePage {
        description_html: safe_html(&detail.case_study.description),
        detail,
    }))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_prose_and_loses_what_runs() {
        let html = safe_html(
            "# Squall\n\nThe line at **18 UTC**, see [the radar](https://example.org).\n\n\
             <script>alert(1)</script><img src=x onerror=alert(2)>\n\n\
             A [click](javascript:alert(3)) and <a href=\"/x\" onclick=\"alert(4)\">x</a>.",
        );
        assert!(html.contains("<h1>Squall</h1>"), "{html}");
        assert!(html.contains("<strong>18 UTC</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(
            html.contains("<a rel=\"noopener noreferrer nofollow\">click</a>"),
            "{html}"
        );
        for gone in ["<script", "onerror", "javascript:", "onclick", "alert(1)"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
    }

    #[test]
    fn pictures_from_elsewhere_lose_their_address_and_links_stay() {
        let html = safe_html(
            "![a](https://tracker.example/p.png) ![b](//tracker.example/q.png) \
             ![c](data:image/png;base64,AAAA) ![d](../files/1/quicklook.png) \
             [site](https://www.example.org/)",
        );
        assert!(
            !html.contains("tracker.example") && !html.contains("data:"),
            "{html}"
        );
        assert!(html.contains("src=\"../files/1/quicklook.png\""), "{html}");
        assert!(html.contains("href=\"https://www.example.org/\""), "{html}");
    }
}
