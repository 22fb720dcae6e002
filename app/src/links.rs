//! Where pages link to. Links go through [`Links`] so that the same
//! components render the live site (absolute routes) and an exported static
//! one (relative file names that work from `file://`).

use chrono::NaiveDate;
use leptos::prelude::*;

/// Where the pages of the calendar, the days and the case studies are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Links {
    /// The running server's routes.
    #[default]
    Live,
    /// An exported site of the days `from` to `to`: files relative to a
    /// page `depth` folders below the site's root.
    Static {
        depth: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl Links {
    fn root(self) -> String {
        match self {
            Links::Live => "/".into(),
            Links::Static { depth, .. } => "../".repeat(depth),
        }
    }

    pub fn calendar(self) -> String {
        match self {
            Links::Live => "/calendar".into(),
            Links::Static { .. } => format!("{}index.html", self.root()),
        }
    }

    /// A day's page; an exported site has those of its days only.
    pub fn day(self, day: NaiveDate) -> Option<String> {
        match self {
            Links::Live => Some(format!("/days/{day}")),
            Links::Static { from, to, .. } => (from..=to)
                .contains(&day)
                .then(|| format!("{}days/{day}.html", self.root())),
        }
    }

    pub fn case_study(self, slug: &str) -> String {
        match self {
            Links::Live => format!("/case-studies/{slug}"),
            Links::Static { .. } => format!("{}case-studies/{slug}.html", self.root()),
        }
    }

    /// An operation's page; an exported site has none (its day page shows it).
    pub fn operation(self, id: i64) -> Option<String> {
        match self {
            Links::Live => Some(format!("/operations/{id}")),
            Links::Static { .. } => None,
        }
    }

    /// A briefing's page; an exported site has none.
    pub fn briefing(self, id: i64) -> Option<String> {
        match self {
            Links::Live => Some(format!("/briefings/{id}")),
            Links::Static { .. } => None,
        }
    }

    /// A product's page in an exported site, or its file on the server.
    pub fn product(self, product: &model::Product) -> String {
        match self {
            Links::Live => product.file_url.clone(),
            Links::Static { .. } => format!("{}products/{}.html", self.root(), product.id),
        }
    }

    /// A server URL (a thumbnail, a file) as the page may load it: the
    /// exported site keeps a copy under the same path, without the query.
    pub fn asset(self, url: &str) -> String {
        match self {
            Links::Live => url.to_string(),
            Links::Static { .. } => {
                let path = url.split(['?', '#']).next().unwrap_or_default();
                format!("{}{}", self.root(), path.trim_start_matches('/'))
            }
        }
    }

    /// Live pages only: the board, the search, the new-case form.
    pub fn is_live(self) -> bool {
        self == Links::Live
    }
}

/// The links of the page being rendered.
pub fn use_links() -> Links {
    use_context::<Links>().unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

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
