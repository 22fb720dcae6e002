//! Briefings: the daily (e.g. 08 UTC) presentation of the situation, an
//! ordered list of items — a product version or a view of the board (a
//! run-to-run comparison), each with a comment — with the operations
//! discussed. The presenter's `position` is campaign state like any other:
//! when it moves, every open presentation follows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_text, check_view, invalid, Evidence, Invalid, MAX_TEXT, MAX_TITLE};

/// The most items a briefing holds: an hour's talk, not a catalogue.
pub const MAX_ITEMS: usize = 100;
/// The most operations it discusses.
pub const MAX_DISCUSSED: usize = 50;

/// The most product versions one view item keeps (a run-to-run of a long
/// forecast, a map's image layers).
pub const MAX_SHOWN: usize = 12;

/// One slide: a product version, or a view of the board, with a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingItem {
    #[serde(default)]
    pub product: Option<Evidence>,
    /// A link on this site (`/?compare=…`), for a view rather than a product.
    #[serde(default)]
    pub view: Option<String>,
    /// The product versions the view showed when it was added (a
    /// run-to-run's runs, a comparison's pair, the map's images): a slide
    /// shows them as they were, whatever has arrived since.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shows: Vec<Evidence>,
    /// For a map view, the area it showed: west, south, east, north.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<[f64; 4]>,
    #[serde(default)]
    pub comment: String,
}

impl BriefingItem {
    /// Checks one item: it shows something, its link stays on this site,
    /// and its numbers are a real area and real versions.
    pub fn check(&self) -> Result<(), Invalid> {
        check_text("items.comment", &self.comment, MAX_TEXT, false)?;
        if let Some(view) = &self.view {
            check_view("items.view", view)?;
        }
        if self.product.is_none() && self.view.is_none() {
            return Err(invalid("items", "each item shows a product or a view"));
        }
        if self.shows.len() > MAX_SHOWN {
            return Err(invalid(
                "items.shows",
                format!("{} versions; at most {MAX_SHOWN}", self.shows.len()),
            ));
        }
        let cited = self.product.iter().chain(&self.shows);
        if cited.into_iter().any(|p| p.product_id < 1 || p.version < 1) {
            return Err(invalid("items.product", "no such product version"));
        }
        if let Some([w, s, e, n]) = self.area {
            let lon = |x: f64| (-180.0..=180.0).contains(&x);
            let lat = |y: f64| (-90.0..=90.0).contains(&y);
            if !(lon(w) && lon(e) && lat(s) && lat(n) && s < n && w != e) {
                return Err(invalid(
                    "items.area",
                    "west, south, east, north in degrees, south below north",
                ));
            }
        }
        Ok(())
    }
}

/// What `POST /api/v1/briefings` takes (and `PUT …/{id}` replaces).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingDraft {
    pub title: String,
    pub at: DateTime<Utc>,
    /// Who presents; the author when absent.
    #[serde(default)]
    pub presenter: Option<String>,
    #[serde(default)]
    pub items: Vec<BriefingItem>,
    /// Ids of the operations discussed.
    #[serde(default)]
    pub operations: Vec<i64>,
}

/// A briefing as stored and announced (`briefing.updated`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Briefing {
    pub id: i64,
    pub title: String,
    pub at: DateTime<Utc>,
    pub presenter: String,
    pub items: Vec<BriefingItem>,
    pub operations: Vec<i64>,
    /// The item the presenter shows (from 0).
    pub position: usize,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

impl BriefingDraft {
    pub fn check(&self) -> Result<(), Invalid> {
        check_text("title", &self.title, MAX_TITLE, true)?;
        if let Some(presenter) = &self.presenter {
            check_text("presenter", presenter, 64, true)?;
        }
        if self.items.len() > MAX_ITEMS {
            return Err(invalid(
                "items",
                format!("{} items; at most {MAX_ITEMS}", self.items.len()),
            ));
        }
        if self.operations.len() > MAX_DISCUSSED {
            return Err(invalid(
                "operations",
                format!(
                    "{} operations; at most {MAX_DISCUSSED}",
                    self.operations.len()
                ),
            ));
        }
        self.items.iter().try_for_each(BriefingItem::check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(json: serde_json::Value) -> BriefingDraft {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn drafts_are_bounded_and_items_show_something() {
        let good = serde_json::json!({"title": "08 UTC briefing", "at": "2026-11-29T08:00:00Z",
            "items": [{"product": {"product_id": 7, "version": 2}, "comment": "AROME 00 UTC"},
                      {"view": "/?t=202611291200&runs=model.AROME", "comment": "run to run"}]});
        assert_eq!(draft(good.clone()).check(), Ok(()));
        let with = |field: &str, value: serde_json::Value| {
            let mut json = good.clone();
            json[field] = value;
            draft(json).check().unwrap_err().field
        };
        assert_eq!(with("title", "".into()), "title");
        assert_eq!(
            with("items", serde_json::json!([{"comment": "nothing shown"}])),
            "items"
        );
        assert_eq!(
            with(
                "items",
                serde_json::json!([{"view": "https://elsewhere.example/"}])
            ),
            "items.view"
        );
        let many: Vec<_> = (0..101).map(|_| serde_json::json!({"view": "/"})).collect();
        assert_eq!(with("items", many.into()), "items");
        let operations: Vec<i64> = (0..51).collect();
        assert_eq!(with("operations", operations.into()), "operations");
        let runs: Vec<_> = (1..=13)
            .map(|id| serde_json::json!({"product_id": id, "version": 1}))
            .collect();
        let item = |shows: serde_json::Value, area: serde_json::Value| serde_json::json!([{"view": "/map", "shows": shows, "area": area}]);
        let twelve = serde_json::Value::from(runs[..12].to_vec());
        let area = serde_json::json!([-30.0, 10.0, 5.0, 40.0]);
        assert_eq!(
            with("items", item(runs.into(), area.clone())),
            "items.shows"
        );
        let zero = serde_json::json!([{"product_id": 0, "version": 1}]);
        assert_eq!(with("items", item(zero, area)), "items.product");
        for bad in [
            serde_json::json!([-30.0, 40.0, 5.0, 10.0]),
            serde_json::json!([-200.0, 10.0, 5.0, 40.0]),
            serde_json::json!([5.0, 10.0, 5.0, 40.0]),
        ] {
            assert_eq!(with("items", item(twelve.clone(), bad)), "items.area");
        }
        let across = serde_json::json!([170.0, -30.0, -170.0, -10.0]);
        let mut json = good.clone();
        json["items"] = item(twelve, across);
        assert_eq!(draft(json).check(), Ok(()));
    }
}

/// One item as a reader sees it: the product version if they may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slide {
    #[serde(default)]
    pub product: Option<crate::record::Product>,
    #[serde(default)]
    pub view: Option<String>,
    /// The versions a view showed, those the reader may see.
    #[serde(default)]
    pub shown: Vec<crate::record::Product>,
    #[serde(default)]
    pub area: Option<[f64; 4]>,
    pub comment: String,
}

/// A briefing's page: its slides, the operations discussed, and the
/// decisions taken on them from the briefing's start to the end of its day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingDetail {
    pub briefing: Briefing,
    pub slides: Vec<Slide>,
    pub operations: Vec<super::Operation>,
    pub decisions: Vec<super::DecisionTick>,
}
