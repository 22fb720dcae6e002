//! What the calendar and a day's page read, and where their links lead.
//!
//! Links go through [`Links`] so that the same components render the live
//! site (absolute routes) and an exported static one (relative file names
//! that work from `file://`).

use chrono::NaiveDate;
use leptos::prelude::*;
use products::days::{Calendar, DayPage};

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
    pub fn product(self, product: &products::Product) -> String {
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

#[server(endpoint = "calendar")]
pub async fn load_calendar(
    from: Option<String>,
    to: Option<String>,
) -> Result<Calendar, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let parse = |text: Option<String>| -> Option<NaiveDate> { text?.parse().ok() };
    let span = match (parse(from), parse(to)) {
        (Some(from), Some(to)) => (from, to),
        (from, to) => {
            let today = chrono::Utc::now().date_naive();
            let (first, last) = catalogue
                .campaign_days(visibility)
                .await
                .map_err(|e| ServerFnError::new(e.to_string()))?
                .unwrap_or((today, today));
            (from.unwrap_or(first), to.unwrap_or(last))
        }
    };
    catalogue
        .calendar(span.0, span.1, visibility)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server(endpoint = "day")]
pub async fn load_day(day: String, hours: String) -> Result<Option<DayPage>, ServerFnError> {
    let Ok(day) = day.parse::<NaiveDate>() else {
        return Ok(None);
    };
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let hours = products::days::parse_hours(&hours);
    catalogue
        .day_page(day, &hours, visibility)
        .await
        .map(Some)
        .map_err(|e| ServerFnError::new(e.to_string()))
}
