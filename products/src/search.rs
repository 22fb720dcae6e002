//! One search box over everything the campaign wrote down: products (names,
//! titles, descriptions, tags, sidecar fields), case studies, reports,
//! decisions' rationales and briefings — what a search asks, and what it
//! answers, with facets to narrow it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The most hits one page holds.
pub const MAX_LIMIT: i64 = 100;
/// The deepest a page may start (beyond, narrow the search).
pub const MAX_OFFSET: i64 = 10_000;
/// The most words of a search that count.
pub const MAX_WORDS: usize = 20;
/// The most values each facet lists (the most frequent).
pub const MAX_FACET_VALUES: i64 = 50;

/// What is searched for: words (each a prefix, all required) and filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    #[serde(default)]
    pub q: String,
    /// product, case_study, report, decision, briefing.
    pub kind: Option<String>,
    pub category: Option<String>,
    pub platform: Option<String>,
    pub tag: Option<String>,
    /// An IOP's name: things of its time.
    pub iop: Option<String>,
    /// A UTC day.
    pub day: Option<NaiveDate>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// West, south, east, north: things whose area meets it.
    pub bbox: Option<[f64; 4]>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl SearchRequest {
    /// The words as an FTS5 query: each quoted (so no word is read as an
    /// operator) and a prefix, all required. `None` when there are none.
    pub fn match_expression(&self) -> Option<String> {
        let words: Vec<String> = self
            .q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(|w| format!("\"{}\"*", w.chars().take(64).collect::<String>()))
            .collect();
        (!words.is_empty()).then(|| words.join(" "))
    }

    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(20).clamp(1, MAX_LIMIT)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).clamp(0, MAX_OFFSET)
    }
}

/// One thing found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: String,
    /// The product, case study, operation (for a report), decision or
    /// briefing id.
    pub id: i64,
    pub title: String,
    /// Where the words are, marked with `[` `]`.
    pub snippet: String,
    pub time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// What a hit's page is reached by besides its id: a case study's
    /// slug, a decision's operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// How many of the hits have each value, most frequent first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub kind: Vec<(String, i64)>,
    pub category: Vec<(String, i64)>,
    pub platform: Vec<(String, i64)>,
    pub tag: Vec<(String, i64)>,
    pub iop: Vec<(String, i64)>,
    pub day: Vec<(String, i64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchAnswer {
    /// Every hit of the search, over all pages.
    pub total: i64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefixes_and_operators_stay_words() {
        let request = |q: &str| SearchRequest {
            q: q.into(),
            ..Default::default()
        };
        assert_eq!(
            request("squall LINE").match_expression().as_deref(),
            Some("\"squall\"* \"LINE\"*")
        );
        assert_eq!(
            request("a\" OR NEAR(b* ^c").match_expression().as_deref(),
            Some("\"a\"* \"OR\"* \"NEAR\"* \"b\"* \"c\"*")
        );
        assert_eq!(request(" --- ").match_expression(), None);
        let many = "w ".repeat(100);
        let words = request(&many).match_expression().unwrap_or_default();
        assert_eq!(words.matches('*').count(), MAX_WORDS);
        let limits = SearchRequest {
            limit: Some(100_000),
            offset: Some(-5),
            ..Default::default()
        };
        assert_eq!((limits.limit(), limits.offset()), (MAX_LIMIT, 0));
    }
}
