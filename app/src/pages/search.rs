//! `/search`: one search box over products, case studies, reports,
//! decisions and briefings, with facets that narrow it (kind, category,
//! platform, tag, IOP, day). Every facet value and page is a link, the box
//! a GET form: it all works without JavaScript, and a search is a URL to
//! share.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::search::{Hit, SearchAnswer, SearchRequest};

use crate::components::area_picker::AreaPicker;
use crate::components::ops_header::OpsHeader;

/// The filters a search URL may carry, in the order the facets show them.
const FILTERS: [(&str, &str); 6] = [
    ("kind", "Kind"),
    ("category", "Category"),
    ("platform", "Platform"),
    ("tag", "Tag"),
    ("iop", "IOP"),
    ("day", "Day"),
];

/// Hits per page.
const PAGE: i64 = 20;

#[server(endpoint = "search")]
pub async fn run_search(asked: Vec<(String, String)>) -> Result<SearchAnswer, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let reader = crate::ssr::reader();
    let request = request_of(&asked);
    catalogue
        .search_all(&request, reader.visibility())
        .await
        .map_err(crate::ssr::internal)
}

/// The search a page's query names; values too long or unreadable are
/// left out.
pub fn request_of(asked: &[(String, String)]) -> SearchRequest {
    let get = |key: &str| {
        asked
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty() && v.len() <= 200)
    };
    SearchRequest {
        q: get("q").unwrap_or_default(),
        kind: get("kind"),
        category: get("category"),
        platform: get("platform"),
        tag: get("tag"),
        iop: get("iop"),
        day: get("day").and_then(|d| d.parse().ok()),
        bbox: get("bbox").as_deref().and_then(model::search::bbox_of_text),
        limit: Some(PAGE),
        offset: get("offset").and_then(|o| o.parse().ok()),
        ..Default::default()
    }
}

/// `/search?…` with `asked`, `key` set to `value` (or removed when None),
/// from the first page.
fn href_with(asked: &[(String, String)], key: &str, value: Option<&str>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in asked {
        if k != key && k != "offset" {
            q.append_pair(k, v);
        }
    }
    if let Some(value) = value {
        q.append_pair(key, value);
    }
    format!("/search?{}", q.finish())
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        query.with(|q| {
            ["q", "offset", "bbox"]
                .into_iter()
                .chain(FILTERS.map(|(k, _)| k))
                .filter_map(|k| {
                    q.get(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| (k.to_string(), v))
                })
                .collect::<Vec<_>>()
        })
    });
    let found = Resource::new_blocking(move || asked.get(), run_search);
    let words = move || query.with(|q| q.get("q").unwrap_or_default());
    let area = RwSignal::new(query.with_untracked(|q| q.get("bbox").unwrap_or_default()));
    view! {
        <main class="ops-page search-page">
            <OpsHeader title="Search"/>
            <form class="search-form" method="get" action="/search" role="search">
                <input type="search" name="q" prop:value=words aria-label="Search words"
                    placeholder="squall, ATR42, convection, report…"/>
                {move || asked.get().into_iter().filter(|(k, _)| !["q", "offset", "bbox"].contains(&k.as_str())).map(|(k, v)| {
                    view! { <input type="hidden" name=k value=v/> }
                }).collect_view()}
                <label class="search-area">"Area "
                    <input type="text" name="bbox" inputmode="decimal" size="22"
                        placeholder="west,south,east,north"
                        prop:value=area on:input=move |ev| area.set(event_target_value(&ev))/>
                </label>
                <details class="search-area-map">
                    <summary>"Draw the area on a map"</summary>
                    <AreaPicker area/>
                </details>
                <button type="submit" class="primary">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Searching…"</p> }>
                {move || found.get().map(|answer| match answer {
                    Ok(answer) => view! { <Results answer asked=asked.get()/> }.into_any(),
                    Err(error) => view! { <p class="login-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Results(answer: SearchAnswer, asked: Vec<(String, String)>) -> impl IntoView {
    let offset = asked
        .iter()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let shown = answer.hits.len() as i64;
    let summary = if answer.total == 0 {
        "Nothing found.".to_string()
    } else {
        format!(
            "{}–{} of {} found",
            offset + 1,
            offset + shown,
            answer.total
        )
    };
    let page = |to: i64| {
        let mut href = href_with(&asked, "offset", None);
        if to > 0 {
            href.push_str(&format!("&offset={to}"));
        }
        href
    };
    let previous = (offset > 0).then(|| page((offset - PAGE).max(0)));
    let next = (offset + shown < answer.total).then(|| page(offset + PAGE));
    let facets = answer.facets;
    let groups = [
        facets.kind,
        facets.category,
        facets.platform,
        facets.tag,
        facets.iop,
        facets.day,
    ];
    view! {
        <div class="search-layout">
            <aside class="facets" aria-label="Narrow the search">
                {FILTERS.into_iter().zip(groups).map(|((key, label), values)| {
                    view! { <Facet key label values asked=asked.clone()/> }
                }).collect_view()}
            </aside>
            <section class="hits" aria-live="polite">
                <p class="search-summary">{summary}</p>
                <ol class="hit-list">
                    {answer.hits.into_iter().map(|hit| view! { <HitRow hit/> }).collect_view()}
                </ol>
                <nav class="pages" aria-label="Pages">
                    {previous.map(|href| view! { <a href=href>"← Previous"</a> })}
                    {next.map(|href| view! { <a href=href>"Next →"</a> })}
                </nav>
            </section>
        </div>
    }
}

/// One facet: the chosen value (a link that removes it) or the values
/// with their counts (each a link that narrows to it).
#[component]
fn Facet(
    key: &'static str,
    label: &'static str,
    values: Vec<(String, i64)>,
    asked: Vec<(String, String)>,
) -> impl IntoView {
    let chosen = asked.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if values.is_empty() && chosen.is_none() {
        return None;
    }
    let items = match chosen {
        Some(value) => view! {
            <li class="chosen">
                <a href=href_with(&asked, key, None) aria-label=format!("Remove {label} {value}")>{format!("{} ✕", kind_label(key, &value))}</a>
            </li>
        }
        .into_any(),
        None => values
            .into_iter()
            .map(|(value, n)| {
                let href = href_with(&asked, key, Some(&value));
                view! { <li><a href=href>{kind_label(key, &value)}</a>" "<span class="count">{n}</span></li> }
            })
            .collect_view()
            .into_any(),
    };
    Some(view! {
        <section class="facet" data-facet=key>
            <h3>{label}</h3>
            <ul>{items}</ul>
        </section>
    })
}

fn kind_label(key: &str, value: &str) -> String {
    if key != "kind" {
        return value.to_string();
    }
    match value {
        "product" => "Products",
        "case_study" => "Case studies",
        "report" => "Reports",
        "decision" => "Decisions",
        "briefing" => "Briefings",
        "iop" => "IOPs",
        other => other,
    }
    .to_string()
}

/// Where a hit leads: the board with the product open at its time, the
/// case study, the operation (a report or decision), the briefing.
pub fn hit_href(hit: &Hit) -> String {
    let parent = hit.parent.clone().unwrap_or_default();
    match hit.kind.as_str() {
        "product" => format!("/?t={}&open={}", model::name::format_time(hit.time), hit.id),
        "case_study" => format!("/case-studies/{parent}"),
        "report" => format!("/operations/{}#report", hit.id),
        "decision" => format!("/operations/{parent}"),
        "briefing" => format!("/briefings/{}", hit.id),
        "iop" => format!("/days/{}", hit.time.date_naive()),
        _ => "/".into(),
    }
}

#[component]
fn HitRow(hit: Hit) -> impl IntoView {
    let href = hit_href(&hit);
    // The snippet marks the words with `[` `]`: shown as <mark>, as text.
    let parts: Vec<(bool, String)> = hit
        .snippet
        .split('[')
        .enumerate()
        .flat_map(|(i, piece)| match (i, piece.split_once(']')) {
            (0, _) | (_, None) => vec![(false, piece.to_string())],
            (_, Some((marked, rest))) => {
                vec![(true, marked.to_string()), (false, rest.to_string())]
            }
        })
        .collect();
    let lane = match (&hit.category, &hit.platform) {
        (Some(c), Some(p)) => format!(" · {c}.{p}"),
        (None, Some(p)) => format!(" · {p}"),
        _ => String::new(),
    };
    view! {
        <li class="hit" data-kind=hit.kind.clone()>
            <a href=href rel="external" class="hit-title">{hit.title.clone()}</a>
            <p class="hit-meta">
                <span class="badge">{kind_label("kind", &hit.kind)}</span>
                {format!(" {}{lane}", hit.time.format("%Y-%m-%d %H:%M UTC"))}
            </p>
            <p class="hit-snippet">
                {parts.into_iter().map(|(marked, text)| if marked {
                    view! { <mark>{text}</mark> }.into_any()
                } else {
                    view! { <span>{text}</span> }.into_any()
                }).collect_view()}
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_search_url_is_read_leniently_and_bounded() {
        let long = "x".repeat(201);
        let request = request_of(&asked(&[
            ("q", "squall"),
            ("kind", ""),
            ("platform", &long),
            ("day", "2026-13-40"),
            ("offset", "99999999999999999999"),
        ]));
        assert_eq!(request.q, "squall");
        assert_eq!(
            (request.kind, request.platform, request.day),
            (None, None, None)
        );
        assert_eq!((request.offset, request.limit), (None, Some(PAGE)));
        let request = request_of(&asked(&[("offset", "99999999"), ("day", "2026-08-15")]));
        assert_eq!(request.offset(), model::search::MAX_OFFSET);
        assert_eq!(
            request.day.map(|d| d.to_string()).as_deref(),
            Some("2026-08-15")
        );
        assert_eq!(
            request_of(&[]),
            SearchRequest {
                limit: Some(PAGE),
                ..Default::default()
            }
        );
        // The page's area is the search's box; a box that is none is left out.
        let boxed = request_of(&asked(&[("bbox", "-5, 42, 3.5, 47")]));
        assert_eq!(boxed.bbox, Some([-5.0, 42.0, 3.5, 47.0]));
        for bad in [
            "1,2,3",
            "x,1,2,3",
            "0,50,1,40",
            "-190,0,0,1",
            "NaN,0,1,1",
            "1,2,3,4,5",
        ] {
            assert_eq!(request_of(&asked(&[("bbox", bad)])).bbox, None, "{bad}");
        }
    }

    #[test]
    fn facet_links_replace_their_key_and_start_again_at_the_first_page() {
        let asked = asked(&[("q", "fog & dust"), ("kind", "report"), ("offset", "40")]);
        assert_eq!(
            href_with(&asked, "kind", Some("product")),
            "/search?q=fog+%26+dust&kind=product"
        );
        assert_eq!(href_with(&asked, "kind", None), "/search?q=fog+%26+dust");
    }
}
