//! The exported site's HTML: the live site's components rendered once to
//! files, their links relative to each page ([`Links::Static`]), in a plain
//! document with the site's style sheet and no script.

use std::path::Path;

use anyhow::Context;
use app::components::product_sheet::ProductSheet;
use app::links::Links;
use app::pages::calendar::CalendarGrid;
use app::pages::case_study::CaseBody;
use app::pages::case_study::{safe_html, CasePage};
use app::pages::day::DayBody;
use chrono::NaiveDate;
use leptos::prelude::*;
use model::case_studies::CaseStudyDetail;
use model::days::{Calendar, DayPage};
use model::Product;

use super::Export;

/// A whole page `depth` folders below the site's root: the document, the
/// site's header, and `body`.
fn document(
    export: &Export,
    days: (NaiveDate, NaiveDate),
    depth: usize,
    title: String,
    class: &'static str,
    body: impl FnOnce() -> AnyView,
) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(Links::Static {
            depth,
            from: days.0,
            to: days.1,
        });
        let root = "../".repeat(depth);
        let campaign = export.campaign.clone();
        let html = view! {
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="color-scheme" content="light dark"/>
                    <title>{format!("{title} · {campaign}")}</title>
                    <link rel="stylesheet" href=format!("{root}opsboard.css")/>
                </head>
                <body>
                    <main class=format!("ops-page {class}")>
                        <header class="admin-top">
                            <h1><a href=format!("{root}index.html")>{campaign.clone()}</a></h1>
                            <span class="admin-title">{title.clone()}</span>
                            <a class="nav" href=format!("{root}index.html")>"Calendar"</a>
                            <a class="nav" href=format!("{root}stac/catalog.json")>"STAC catalog"</a>
                        </header>
                        {body()}
                    </main>
                </body>
            </html>
        }
        .to_html();
        format!("<!DOCTYPE html>\n{html}")
    })
}

/// The site's front page: each year's calendar, the latest first (a
/// campaign's archive is opened for its latest season most often).
pub(super) fn calendars(export: &Export, calendars: Vec<Calendar>) -> anyhow::Result<()> {
    let html = document(
        export,
        (export.from, export.to),
        0,
        "Calendar".into(),
        "calendar-page",
        move || {
            if calendars.is_empty() {
                return view! { <p class="muted">"Nothing was catalogued in these days."</p> }
                    .into_any();
            }
            calendars
                .into_iter()
                .rev()
                .map(|calendar| view! { <CalendarGrid calendar/> })
                .collect_view()
                .into_any()
        },
    );
    export.write("index.html", html.as_bytes())
}

/// A day's page; it links the days of `year` (the span of its calendar),
/// which are exported, and no others (the empty years between are not).
pub(super) fn day(
    export: &Export,
    year: (NaiveDate, NaiveDate),
    page: DayPage,
) -> anyhow::Result<()> {
    let path = format!("days/{}.html", page.day);
    let title = page.day.format("%-d %B %Y").to_string();
    let html = document(export, year, 1, title, "day-page", move || {
        view! { <DayBody page/> }.into_any()
    });
    export.write(&path, html.as_bytes())
}

pub(super) fn case_study(export: &Export, detail: CaseStudyDetail) -> anyhow::Result<()> {
    let path = format!("case-studies/{}.html", detail.case_study.slug);
    let title = detail.case_study.title.clone();
    let page = CasePage {
        description_html: safe_html(&detail.case_study.description),
        detail,
    };
    let html = document(
        export,
        (export.from, export.to),
        1,
        title,
        "case-page",
        move || view! { <CaseBody page/> }.into_any(),
    );
    export.write(&path, html.as_bytes())
}

pub(super) fn product(export: &Export, product: &Product) -> anyhow::Result<()> {
    let path = format!("products/{}.html", product.id);
    let title = product.file_name.clone();
    let product = product.clone();
    let html = document(
        export,
        (export.from, export.to),
        1,
        title,
        "product-page",
        move || view! { <ProductSheet product/> }.into_any(),
    );
    export.write(&path, html.as_bytes())
}

/// The site's style sheet, as built for the live site (`cargo leptos
/// build`); without it the pages are plain but whole.
pub(super) fn style(
    export: &Export,
    site_root: &Path,
    hashes: Option<&Path>,
) -> anyhow::Result<()> {
    let unused = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let built =
        crate::site::built_stylesheet(&crate::site::leptos_options(site_root, hashes, unused));
    match std::fs::read(&built) {
        Ok(css) => export.write("opsboard.css", &css),
        Err(error) => {
            tracing::warn!(%error, path = %built.display(), "no style sheet to copy: the pages will be unstyled");
            Ok(())
        }
    }
    .context("writing the style sheet")
}
