//! An item search as STAC API clients send it (the query string of `GET
//! /search` and `…/items`, or the JSON body of `POST /search`), read into
//! bounded filters the catalogue can answer, and the keyset token of the
//! next page.
//!
//! Every count a request declares is capped before anything is allocated
//! for it: ids and collections by number, `limit` clamped to
//! [`MAX_LIMIT`].

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::filter::{check_crs, Filter, FilterLang};
pub use super::SearchError;
use super::{item_id, parse_item_id, CollectionId};
use model::record::ProductKey;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 10_000;
/// The most ids or collections one search names.
pub const MAX_NAMED: usize = 1_000;

fn refused(reason: impl Into<String>) -> SearchError {
    SearchError(reason.into())
}

/// A closed or half-open interval of valid times (an instant is both ends).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interval {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn instant(text: &str) -> Result<DateTime<Utc>, SearchError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            refused(format!(
                "datetime: {text:?} is not an RFC 3339 date and time"
            ))
        })
}

/// `2026-11-29T00:00:00Z`, `a/b`, `../b`, `a/..` (an empty end is open too).
pub fn parse_datetime(text: &str) -> Result<Interval, SearchError> {
    let end = |part: &str| match part {
        "" | ".." => Ok(None),
        t => instant(t).map(Some),
    };
    let interval = match text.split_once('/') {
        None => {
            let at = instant(text)?;
            Interval {
                from: Some(at),
                to: Some(at),
            }
        }
        Some((from, to)) => Interval {
            from: end(from)?,
            to: end(to)?,
        },
    };
    if let (Some(from), Some(to)) = (interval.from, interval.to) {
        if from > to {
            return Err(refused("datetime: the interval ends before it starts"));
        }
    }
    if text.split('/').count() > 2 || (interval.from.is_none() && interval.to.is_none()) {
        return Err(refused(
            "datetime: an instant, or an interval with at least one end",
        ));
    }
    Ok(interval)
}

/// Four numbers (west, south, east, north) or six (with heights, ignored).
pub fn parse_bbox(numbers: &[f64]) -> Result<[f64; 4], SearchError> {
    let [w, s, e, n] = match *numbers {
        [w, s, e, n] => [w, s, e, n],
        [w, s, _, e, n, _] => [w, s, e, n],
        _ => return Err(refused("bbox: four numbers (or six, with heights)")),
    };
    let lon = |x: f64| (-180.0..=180.0).contains(&x);
    let lat = |y: f64| (-90.0..=90.0).contains(&y);
    if !(lon(w) && lon(e) && lat(s) && lat(n)) || s > n {
        return Err(refused(
            "bbox: west, south, east, north in degrees, south ≤ north",
        ));
    }
    Ok([w, s, e, n])
}

fn bbox_text(text: &str) -> Result<[f64; 4], SearchError> {
    let numbers: Result<Vec<f64>, _> = text
        .split(',')
        .take(7)
        .map(|n| n.trim().parse::<f64>())
        .collect();
    parse_bbox(&numbers.map_err(|_| refused("bbox: numbers separated by commas"))?)
}

/// The bounding box of a GeoJSON geometry: what `intersects` is matched
/// with. Items' geometries are boxes, so this is exact for points and
/// boxes (see the README for other shapes).
pub fn geometry_bbox(geometry: &Value) -> Result<[f64; 4], SearchError> {
    let kinds = [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ];
    let kind = geometry["type"].as_str().unwrap_or_default();
    if !kinds.contains(&kind) {
        return Err(refused("intersects: a GeoJSON geometry"));
    }
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut budget = 100_000usize;
    walk_positions(geometry, &mut bounds, &mut budget, 0)?;
    if bounds[0] > bounds[2] {
        return Err(refused("intersects: a geometry without coordinates"));
    }
    parse_bbox(&bounds)
}

/// Widens `bounds` by every position under `value`, at most `budget`
/// numbers and 8 levels deep.
fn walk_positions(
    value: &Value,
    bounds: &mut [f64; 4],
    budget: &mut usize,
    depth: usize,
) -> Result<(), SearchError> {
    if depth > 8 {
        return Err(refused("intersects: nested too deep"));
    }
    if let Some(geometries) = value.get("geometries").and_then(Value::as_array) {
        for geometry in geometries {
            walk_positions(geometry, bounds, budget, depth + 1)?;
        }
        return Ok(());
    }
    let coordinates = value.get("coordinates").unwrap_or(value);
    let Some(array) = coordinates.as_array() else {
        return Err(refused("intersects: coordinates are arrays of numbers"));
    };
    if let [Value::Number(x), Value::Number(y), ..] = array.as_slice() {
        *budget = budget
            .checked_sub(1)
            .ok_or_else(|| refused("intersects: at most 100 000 positions"))?;
        let (x, y) = (
            x.as_f64().unwrap_or(f64::NAN),
            y.as_f64().unwrap_or(f64::NAN),
        );
        if !(x.is_finite() && y.is_finite()) {
            return Err(refused("intersects: coordinates are numbers"));
        }
        *bounds = [
            bounds[0].min(x),
            bounds[1].min(y),
            bounds[2].max(x),
            bounds[3].max(y),
        ];
        return Ok(());
    }
    for inner in array {
        walk_positions(inner, bounds, budget, depth + 1)?;
    }
    Ok(())
}

/// What a search is ordered by: valid time (the default) or identity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortField {
    #[default]
    Datetime,
    Id,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

impl Sort {
    fn field_of(name: &str) -> Result<SortField, SearchError> {
        match name {
            "datetime" | "properties.datetime" => Ok(SortField::Datetime),
            "id" => Ok(SortField::Id),
            other => Err(refused(format!(
                "sortby: {other:?} cannot be sorted on (datetime, id)"
            ))),
        }
    }

    /// `+datetime`, `-datetime`, `datetime`, `id`… (the first field counts;
    /// identity always breaks ties).
    fn parse_text(text: &str) -> Result<Sort, SearchError> {
        let first = text.split(',').next().unwrap_or_default().trim();
        let (descending, name) = match first.as_bytes().first() {
            Some(b'-') => (true, &first[1..]),
            Some(b'+') => (false, &first[1..]),
            _ => (false, first),
        };
        Ok(Sort {
            field: Self::field_of(name)?,
            descending,
        })
    }

    /// As the `sortby` query parameter.
    pub fn to_text(self) -> String {
        let sign = if self.descending { "-" } else { "+" };
        let field = match self.field {
            SortField::Datetime => "datetime",
            SortField::Id => "id",
        };
        format!("{sign}{field}")
    }
}

/// Where the next page starts: after this item (its valid time and
/// identity), in the search's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageToken {
    pub valid_ms: i64,
    pub key: ProductKey,
}

impl PageToken {
    pub fn to_text(&self) -> String {
        format!("{}~{}", self.valid_ms, item_id(self.key.borrowed()))
    }

    pub fn parse(text: &str) -> Result<PageToken, SearchError> {
        let bad = || refused("token: not a token this server gave");
        let (ms, id) = text.split_once('~').ok_or_else(bad)?;
        Ok(PageToken {
            valid_ms: ms.parse().map_err(|_| bad())?,
            key: parse_item_id(id).ok_or_else(bad)?,
        })
    }
}

/// A search, read and bounded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemSearch {
    /// Empty: every collection.
    pub collections: Vec<CollectionId>,
    /// `None`: any item; else those named (none when no id names a product).
    pub ids: Option<Vec<ProductKey>>,
    pub bbox: Option<[f64; 4]>,
    pub interval: Option<Interval>,
    /// The Filter extension's condition (basic CQL2).
    pub filter: Option<Filter>,
    pub limit: usize,
    pub sort: Sort,
    pub after: Option<PageToken>,
}

/// `POST /search`'s body.
#[derive(Debug, Default, Deserialize)]
pub struct SearchBody {
    pub collections: Option<Vec<String>>,
    pub ids: Option<Vec<String>>,
    pub bbox: Option<Vec<f64>>,
    pub intersects: Option<Value>,
    pub datetime: Option<String>,
    pub limit: Option<i64>,
    pub sortby: Option<Vec<SortBy>>,
    pub token: Option<String>,
    /// cql2-json (an object) by default, or cql2-text (a string).
    pub filter: Option<Value>,
    #[serde(rename = "filter-lang")]
    pub filter_lang: Option<String>,
    #[serde(rename = "filter-crs")]
    pub filter_crs: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SortBy {
    pub field: String,
    #[serde(default)]
    pub direction: Option<String>,
}

/// The query string of `GET /search` and `…/items`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub collections: Option<String>,
    pub ids: Option<String>,
    pub bbox: Option<String>,
    pub intersects: Option<String>,
    pub datetime: Option<String>,
    pub limit: Option<String>,
    pub sortby: Option<String>,
    pub token: Option<String>,
    /// cql2-text by default.
    pub filter: Option<String>,
    #[serde(rename = "filter-lang")]
    pub filter_lang: Option<String>,
    #[serde(rename = "filter-crs")]
    pub filter_crs: Option<String>,
}

fn limit_of(limit: Option<i64>) -> Result<usize, SearchError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if n < 1 => Err(refused("limit: at least 1")),
        Some(n) => Ok(usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)),
    }
}

fn named<T>(
    field: &str,
    names: impl Iterator<Item = String>,
    read: impl Fn(&str) -> Option<T>,
    keep_unknown: bool,
) -> Result<Vec<T>, SearchError> {
    let mut out = Vec::new();
    for (i, name) in names.enumerate() {
        if i >= MAX_NAMED {
            return Err(refused(format!("{field}: at most {MAX_NAMED}")));
        }
        match read(name.trim()) {
            Some(value) => out.push(value),
            None if keep_unknown => {}
            None => return Err(refused(format!("{field}: no such collection {name:?}"))),
        }
    }
    Ok(out)
}

/// The parts both forms share, once read.
struct Parts {
    collections: Vec<String>,
    ids: Option<Vec<String>>,
    bbox: Option<[f64; 4]>,
    intersects: Option<[f64; 4]>,
    datetime: Option<String>,
    limit: Option<i64>,
    sort: Sort,
    token: Option<String>,
    filter: Option<Filter>,
}

impl Parts {
    fn search(self) -> Result<ItemSearch, SearchError> {
        if self.bbox.is_some() && self.intersects.is_some() {
            return Err(refused("bbox and intersects: one or the other, not both"));
        }
        // An id that names no product matches nothing.
        let ids = self
            .ids
            .map(|ids| named("ids", ids.into_iter(), parse_item_id, true))
            .transpose()?;
        Ok(ItemSearch {
            collections: named(
                "collections",
                self.collections.into_iter(),
                CollectionId::parse,
                false,
            )?,
            ids,
            bbox: self.bbox.or(self.intersects),
            interval: self.datetime.as_deref().map(parse_datetime).transpose()?,
            filter: self.filter,
            limit: limit_of(self.limit)?,
            sort: self.sort,
            after: self.token.as_deref().map(PageToken::parse).transpose()?,
        })
    }
}

fn list(text: Option<String>) -> Option<Vec<String>> {
    text.map(|t| {
        t.split(',')
            .take(MAX_NAMED + 1)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    })
}

impl SearchQuery {
    pub fn search(self) -> Result<ItemSearch, SearchError> {
        let intersects = match self.intersects.as_deref() {
            None => None,
            Some(text) => {
                let geometry: Value = serde_json::from_str(text)
                    .map_err(|_| refused("intersects: a GeoJSON geometry"))?;
                Some(geometry_bbox(&geometry)?)
            }
        };
        let limit = match self.limit.as_deref() {
            None => None,
            Some(text) => Some(
                text.trim()
                    .parse::<i64>()
                    .map_err(|_| refused("limit: a whole number"))?,
            ),
        };
        check_crs(self.filter_crs.as_deref())?;
        let lang = FilterLang::parse(self.filter_lang.as_deref(), FilterLang::Text)?;
        let filter = self
            .filter
            .as_deref()
            .map(|text| Filter::parse(text, lang))
            .transpose()?;
        Parts {
            collections: list(self.collections).unwrap_or_default(),
            ids: list(self.ids),
            bbox: self.bbox.as_deref().map(bbox_text).transpose()?,
            intersects,
            datetime: self.datetime,
            limit,
            sort: self
                .sortby
                .as_deref()
                .map(Sort::parse_text)
                .transpose()?
                .unwrap_or_default(),
            token: self.token,
            filter,
        }
        .search()
    }
}

impl SearchBody {
    pub fn search(self) -> Result<ItemSearch, SearchError> {
        let sort = match self.sortby.as_deref() {
            None | Some([]) => Sort::default(),
            Some([first, ..]) => Sort {
                field: Sort::field_of(&first.field)?,
                descending: match first.direction.as_deref() {
                    None | Some("asc") => false,
                    Some("desc") => true,
                    Some(other) => {
                        return Err(refused(format!("sortby: direction {other:?} (asc, desc)")))
                    }
                },
            },
        };
        let collections = self.collections.unwrap_or_default();
        let ids = self.ids;
        if collections.len() > MAX_NAMED || ids.as_ref().is_some_and(|i| i.len() > MAX_NAMED) {
            return Err(refused(format!("ids and collections: at most {MAX_NAMED}")));
        }
        check_crs(self.filter_crs.as_deref())?;
        let lang = FilterLang::parse(self.filter_lang.as_deref(), FilterLang::Json)?;
        let filter = match (&self.filter, lang) {
            (None, _) => None,
            (Some(Value::String(text)), FilterLang::Text) => Some(Filter::parse(text, lang)?),
            (Some(Value::String(_)), FilterLang::Json) => {
                return Err(refused(
                    "filter: cql2-json is an object (a string is cql2-text: say so in filter-lang)",
                ));
            }
            (Some(value), FilterLang::Json) => Some(Filter::from_json(value)?),
            (Some(_), FilterLang::Text) => {
                return Err(refused("filter: cql2-text is a string"));
            }
        };
        Parts {
            collections,
            ids,
            bbox: self.bbox.as_deref().map(parse_bbox).transpose()?,
            intersects: self.intersects.as_ref().map(geometry_bbox).transpose()?,
            datetime: self.datetime,
            limit: self.limit,
            sort,
            token: self.token,
            filter,
        }
        .search()
    }
}
