//! What a case study's page reads: the case as the reader may see it, and
//! its description rendered from Markdown to HTML on the server, then
//! cleaned (only the tags and attributes of prose survive: no script, no
//! event handler, no `javascript:` link), so the page can show it as HTML.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    let catalogue = crate::board::catalogue()?;
    let reader = crate::board::reader();
    let detail = catalogue
        .case_study_detail(&slug, reader.visibility())
        .await
        .map_err(crate::board::internal)?;
    Ok(detail.map(|detail| CasePage {
        description_html: safe_html(&detail.case_study.description),
        detail,
    }))
}

/// What the form for a new case study starts from: the vocabulary, and the
/// products and operations it was opened with (`?pin=…&operation=…`), as
/// the reader may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseForm {
    pub may_write: bool,
    pub tags: Vec<model::case_studies::CaseTag>,
    pub products: Vec<model::Product>,
    pub operations: Vec<model::operations::Operation>,
}

/// The form for a new case study of `from`..`to` with `pins` (product ids)
/// ticked: what "New case study" links from a window, a product or a day.
pub fn new_case_href(
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    pins: &[i64],
) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("from", &from.format("%Y-%m-%dT%H:%MZ").to_string());
    q.append_pair("to", &to.format("%Y-%m-%dT%H:%MZ").to_string());
    if !pins.is_empty() {
        let ids: Vec<String> = pins.iter().map(i64::to_string).collect();
        q.append_pair("pin", &ids.join(","));
    }
    format!("/case-studies/new?{}", q.finish())
}

/// The most products or operations a form may be opened with.
pub const MAX_FORM_ITEMS: usize = 50;

/// Ids from a comma-separated list, at most [`MAX_FORM_ITEMS`].
pub fn ids(list: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .split(',')
        .take(MAX_FORM_ITEMS * 2)
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.dedup();
    ids.truncate(MAX_FORM_ITEMS);
    ids
}

#[server(endpoint = "case_form")]
pub async fn load_case_form(pins: String, operations: String) -> Result<CaseForm, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let reader = crate::board::reader();
    let failed = crate::board::internal;
    let mut products = Vec::new();
    for id in ids(&pins) {
        if let Some(stored) = catalogue
            .product(id, reader.visibility())
            .await
            .map_err(failed)?
        {
            products.push(stored.product);
        }
    }
    let mut found = Vec::new();
    for id in ids(&operations) {
        if let Some(operation) = catalogue.operation(id).await.map_err(failed)? {
            found.push(operation);
        }
    }
    Ok(CaseForm {
        may_write: reader.is_at_least(model::Role::Scientist),
        tags: catalogue.case_tags().await.map_err(failed)?,
        products,
        operations: found,
    })
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn a_form_takes_a_bounded_list_of_ids_and_skips_the_rest() {
        assert_eq!(ids("3,1,x,,-2, 7 "), vec![3, 1, -2, 7]);
        assert_eq!(ids(""), Vec::<i64>::new());
        assert_eq!(ids("99999999999999999999999,4"), vec![4]);
        let many = (0..100_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(ids(&many).len(), MAX_FORM_ITEMS);
        assert_eq!(ids("5,"), vec![5]);
    }

    #[test]
    fn a_new_case_link_carries_its_window_and_pins() {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let href = new_case_href(
            t("2026-08-15T00:00:00Z"),
            t("2026-08-16T00:00:00Z"),
            &[7, 9],
        );
        assert_eq!(
            href,
            "/case-studies/new?from=2026-08-15T00%3A00Z&to=2026-08-16T00%3A00Z&pin=7%2C9"
        );
    }
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
