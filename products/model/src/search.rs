//! One search box over everything the campaign wrote down: products (names,
//! titles, descriptions, tags, sidecar fields), case studies, reports,
//! decisions' rationales and briefings — what a search asks, and what it
//! answers, with facets to narrow it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::operations::Iop;

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

/// One match of a search, as the catalogue hands every match over at
/// once (one row, not a row a match): enough to count the facets and to
/// choose the page, whose hits are then read in full.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Match {
    /// The search document's id.
    pub doc: i64,
    pub kind: String,
    pub category: Option<String>,
    pub platform: Option<String>,
    pub time_ms: i64,
    pub tags: Vec<String>,
    /// How well the words match (BM25, lower is better); `None` without
    /// words.
    #[serde(default)]
    pub rank: Option<f64>,
}

/// The documents of the page starting at `offset`, `limit` long, in the
/// order a search shows: the best ranked first (the newest among equals),
/// or the newest first when there are no words. Only the page is ordered
/// in full: the matches before it are selected, not sorted.
/// A box written `west,south,east,north` in degrees (as a page's query
/// has it), if it is one: longitudes within ±180 (west may exceed east, a
/// box across the date line), latitudes within ±90, south not above north.
pub fn bbox_of_text(text: &str) -> Option<[f64; 4]> {
    let numbers: Vec<f64> = text
        .split(',')
        .take(5)
        .map(|n| n.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()?;
    let [west, south, east, north] = numbers[..] else {
        return None;
    };
    let lon = |v: f64| (-180.0..=180.0).contains(&v);
    let lat = |v: f64| (-90.0..=90.0).contains(&v);
    (lon(west) && lon(east) && lat(south) && lat(north) && south <= north)
        .then_some([west, south, east, north])
}

pub fn page_of(matches: &mut [Match], offset: i64, limit: i64) -> Vec<i64> {
    let order = |a: &Match, b: &Match| {
        let rank = a.rank.unwrap_or(0.0).total_cmp(&b.rank.unwrap_or(0.0));
        rank.then_with(|| b.time_ms.cmp(&a.time_ms))
            .then_with(|| b.doc.cmp(&a.doc))
    };
    let offset = usize::try_from(offset).unwrap_or(0);
    let end = offset
        .saturating_add(usize::try_from(limit).unwrap_or(0))
        .min(matches.len());
    if offset >= end {
        return Vec::new();
    }
    if end < matches.len() {
        matches.select_nth_unstable_by(end, order);
    }
    let first = &mut matches[..end];
    if offset > 0 {
        first.select_nth_unstable_by(offset, order);
    }
    let page = &mut first[offset..];
    page.sort_unstable_by(order);
    page.iter().map(|m| m.doc).collect()
}

impl Facets {
    /// The facets of `matches`, the total being their number; a match
    /// counts for an IOP when its time is within the IOP's.
    pub fn count(matches: &[Match], iops: &[Iop]) -> (i64, Facets) {
        let mut named: [HashMap<&str, i64>; 5] = Default::default();
        let mut days: HashMap<NaiveDate, i64> = HashMap::new();
        let iop_spans: Vec<(&str, i64, i64)> = iops
            .iter()
            .map(|i| {
                let (start, end) = (i.start.timestamp_millis(), i.end.timestamp_millis());
                (i.name.as_str(), start, end)
            })
            .collect();
        for m in matches {
            let [kind, category, platform, tag, iop] = &mut named;
            *kind.entry(&m.kind).or_default() += 1;
            for (facet, value) in [(category, &m.category), (platform, &m.platform)] {
                if let Some(value) = value {
                    *facet.entry(value).or_default() += 1;
                }
            }
            for t in &m.tags {
                *tag.entry(t).or_default() += 1;
            }
            for (name, start, end) in &iop_spans {
                if (*start..=*end).contains(&m.time_ms) {
                    *iop.entry(name).or_default() += 1;
                }
            }
            if let Some(time) = DateTime::from_timestamp_millis(m.time_ms) {
                *days.entry(time.date_naive()).or_default() += 1;
            }
        }
        let listed = |values: HashMap<&str, i64>| {
            top(values.into_iter().map(|(v, n)| (v.to_owned(), n)).collect())
        };
        let [kind, category, platform, tag, iop] = named.map(listed);
        let day = top(days.into_iter().map(|(d, n)| (d.to_string(), n)).collect());
        let total = i64::try_from(matches.len()).unwrap_or(i64::MAX);
        (
            total,
            Facets {
                kind,
                category,
                platform,
                tag,
                iop,
                day,
            },
        )
    }
}

/// A facet's values, the most frequent first (then by value), at most
/// [`MAX_FACET_VALUES`].
fn top(mut values: Vec<(String, i64)>) -> Vec<(String, i64)> {
    values.sort_by(|(a, m), (b, n)| n.cmp(m).then_with(|| a.cmp(b)));
    values.truncate(usize::try_from(MAX_FACET_VALUES).unwrap_or(usize::MAX));
    values
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

    #[test]
    fn facets_count_each_value_of_every_match_once_and_iops_by_time() {
        let at = |day: u32, hour: u32| {
            chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, day, hour, 0, 0)
                .single()
                .map(|t| t.timestamp_millis())
                .unwrap_or_default()
        };
        let value = |kind: &str, platform: Option<&str>, time_ms, tags: &[&str]| Match {
            doc: time_ms,
            kind: kind.into(),
            category: platform.map(|_| "radar".into()),
            platform: platform.map(Into::into),
            time_ms,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            rank: None,
        };
        let matches = [
            value("product", Some("TLS"), at(20, 10), &["squall", "cold_pool"]),
            value("product", Some("BOR"), at(20, 23), &["squall"]),
            value("product", Some("TLS"), at(21, 1), &[]),
            value("briefing", None, at(21, 6), &[]),
        ];
        let iop = |name: &str, start, end| Iop {
            name: name.into(),
            start: DateTime::from_timestamp_millis(start).unwrap_or_default(),
            end: DateTime::from_timestamp_millis(end).unwrap_or_default(),
            objectives: String::new(),
        };
        let iops = [
            iop("IOP1", at(20, 9), at(21, 1)),
            iop("IOP2", at(21, 1), at(22, 0)),
        ];
        let (total, facets) = Facets::count(&matches, &iops);
        let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
        };
        assert_eq!(total, 4);
        assert_eq!(facets.kind, pairs(&[("product", 3), ("briefing", 1)]));
        assert_eq!(facets.category, pairs(&[("radar", 3)]));
        assert_eq!(facets.platform, pairs(&[("TLS", 2), ("BOR", 1)]));
        assert_eq!(facets.tag, pairs(&[("squall", 2), ("cold_pool", 1)]));
        // 01:00 on the 21st is the end of one IOP and the start of the next.
        assert_eq!(facets.iop, pairs(&[("IOP1", 3), ("IOP2", 2)]));
        assert_eq!(facets.day, pairs(&[("2026-06-20", 2), ("2026-06-21", 2)]));
        let many: Vec<Match> = (0..200)
            .map(|i| value("product", Some(&format!("P{i:03}")), at(20, 0), &[]))
            .collect();
        let (_, facets) = Facets::count(&many, &[]);
        assert_eq!(facets.platform.len() as i64, MAX_FACET_VALUES);
        assert_eq!(facets.platform[0], ("P000".to_string(), 1));
    }

    #[test]
    fn a_page_is_the_best_ranked_then_the_newest_wherever_it_starts() {
        let found = |doc: i64, time_ms: i64, rank: Option<f64>| Match {
            doc,
            kind: "product".into(),
            category: None,
            platform: None,
            time_ms,
            tags: Vec::new(),
            rank,
        };
        // Ranked: 2 and 5 best (5 the newer), then 1, 3 (newer), 4.
        let ranked = [
            found(1, 10, Some(-2.0)),
            found(2, 10, Some(-3.0)),
            found(3, 30, Some(-1.0)),
            found(4, 40, Some(-0.5)),
            found(5, 20, Some(-3.0)),
            found(6, 5, Some(-1.0)),
        ];
        let pages = |matches: &[Match], limit: i64| -> Vec<i64> {
            (0..7)
                .step_by(usize::try_from(limit).unwrap_or(1))
                .flat_map(|offset| page_of(&mut matches.to_vec(), offset, limit))
                .collect()
        };
        let expected = vec![5, 2, 1, 3, 6, 4];
        for limit in 1..=6 {
            assert_eq!(pages(&ranked, limit), expected, "pages of {limit}");
        }
        // Without words: the newest first, the higher document among equals.
        let unranked: Vec<Match> = ranked
            .iter()
            .map(|m| Match {
                rank: None,
                ..m.clone()
            })
            .collect();
        assert_eq!(pages(&unranked, 4), vec![4, 3, 5, 2, 1, 6]);
        assert!(page_of(&mut ranked.to_vec(), 6, 10).is_empty());
        assert!(page_of(&mut ranked.to_vec(), i64::MAX, 10).is_empty());
        assert_eq!(page_of(&mut ranked.to_vec(), 4, i64::MAX), vec![6, 4]);
        assert!(page_of(&mut [], 0, 20).is_empty());
    }
}
