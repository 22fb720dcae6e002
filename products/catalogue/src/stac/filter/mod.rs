//! The Filter extension of item search: a `filter` in basic CQL2 (text or
//! JSON, read by [`basic`]), checked against the queryables and bounded, as
//! a [`Filter`] the catalogue turns into SQL.
//!
//! Basic CQL2 only: `and`, `or`, `not`, the six comparisons and `IS NULL`,
//! over the items' properties and literals (strings, numbers, booleans,
//! `TIMESTAMP(…)`, `DATE(…)`). A property the campaign's items do not have
//! (`eo:cloud_cover`) is null, as the queryables' `additionalProperties`
//! says: comparing it matches nothing, `IS NULL` everything.
//!
//! The text is attacker's input to a recursive parser: its length and its
//! nesting are bounded before the parser sees it, and the parser counts its
//! own depth too (`fuzz/fuzz_targets/cql2.rs` feeds it arbitrary bytes).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use super::SearchError;
use basic::Expr;

pub mod basic;

/// The longest filter read, in bytes (text, or JSON once written).
pub const MAX_FILTER_BYTES: usize = 4096;
/// The deepest nesting (parentheses, or JSON levels) read.
pub const MAX_DEPTH: usize = 24;
/// The most comparisons one filter makes.
pub const MAX_COMPARISONS: usize = 64;

/// How a filter is written (`filter-lang`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterLang {
    Text,
    Json,
}

impl FilterLang {
    /// `filter-lang`, `default` when absent.
    pub fn parse(lang: Option<&str>, default: FilterLang) -> Result<FilterLang, SearchError> {
        match lang {
            None => Ok(default),
            Some("cql2-text") => Ok(FilterLang::Text),
            Some("cql2-json") => Ok(FilterLang::Json),
            Some(other) => Err(refused(format!(
                "filter-lang: {other:?} (cql2-text or cql2-json)"
            ))),
        }
    }
}

/// `filter-crs`: only the default (longitude, latitude) is spoken.
pub fn check_crs(crs: Option<&str>) -> Result<(), SearchError> {
    match crs {
        None | Some("http://www.opengis.net/def/crs/OGC/1.3/CRS84") => Ok(()),
        Some(other) => Err(refused(format!(
            "filter-crs: {other:?} (only http://www.opengis.net/def/crs/OGC/1.3/CRS84)"
        ))),
    }
}

/// An item property a filter may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queryable {
    Id,
    Collection,
    Datetime,
    Created,
    Platform,
    Title,
    Description,
    ForecastReference,
    /// `forecast:horizon`, compared as a number of hours.
    ForecastHorizon,
    /// A property no item of the campaign has.
    Absent,
}

/// What a queryable's values are, for the type a literal must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Time,
    Hours,
    Any,
}

const QUERYABLES: [(&str, Queryable, Kind); 9] = [
    ("id", Queryable::Id, Kind::Text),
    ("collection", Queryable::Collection, Kind::Text),
    ("datetime", Queryable::Datetime, Kind::Time),
    ("created", Queryable::Created, Kind::Time),
    ("platform", Queryable::Platform, Kind::Text),
    ("title", Queryable::Title, Kind::Text),
    ("description", Queryable::Description, Kind::Text),
    (
        "forecast:reference_datetime",
        Queryable::ForecastReference,
        Kind::Time,
    ),
    ("forecast:horizon", Queryable::ForecastHorizon, Kind::Hours),
];

fn queryable(name: &str) -> (Queryable, Kind) {
    QUERYABLES
        .iter()
        .find(|(n, ..)| *n == name)
        .map_or((Queryable::Absent, Kind::Any), |(_, q, k)| (*q, *k))
}

/// The queryables as a JSON Schema (`/queryables`), `id` its own URL.
pub fn queryables_schema(id: &str) -> Value {
    let time = |description: &str| json!({"description": description, "type": "string", "format": "date-time"});
    let text = |description: &str| json!({"description": description, "type": "string"});
    json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": id,
        "type": "object",
        "title": "Queryables of the campaign's items",
        "properties": {
            "id": text("The item's id: the product's identity as its file name spells it"),
            "collection": text("The item's lane, category.platform"),
            "datetime": time("The valid time"),
            "created": time("When the product was catalogued"),
            "platform": text("The platform (satellite, model, aircraft, site…)"),
            "title": text("The sidecar's title"),
            "description": text("The sidecar's description"),
            "forecast:reference_datetime": time("A forecast's run (model products)"),
            "forecast:horizon": {
                "description": "A forecast's lead time, as an ISO 8601 duration of hours (PT24H)",
                "type": "string",
                "format": "duration"
            },
            "geometry": {"$ref": "https://geojson.org/schema/Geometry.json"}
        },
        "additionalProperties": true
    })
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparison {
    fn of(op: &str) -> Option<Comparison> {
        Some(match op {
            "=" => Comparison::Eq,
            "<>" => Comparison::Ne,
            "<" => Comparison::Lt,
            "<=" => Comparison::Le,
            ">" => Comparison::Gt,
            ">=" => Comparison::Ge,
            _ => return None,
        })
    }

    pub fn sql(self) -> &'static str {
        match self {
            Comparison::Eq => "=",
            Comparison::Ne => "<>",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
        }
    }

    /// The same comparison with its sides swapped (`5 < x` is `x > 5`).
    fn swapped(self) -> Comparison {
        match self {
            Comparison::Lt => Comparison::Gt,
            Comparison::Le => Comparison::Ge,
            Comparison::Gt => Comparison::Lt,
            Comparison::Ge => Comparison::Le,
            same => same,
        }
    }
}

/// A literal a property is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
    Bool(bool),
    Time(DateTime<Utc>),
}

/// A filter, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Not(Box<Filter>),
    /// The property on the left: a literal on the left is swapped over.
    Compare {
        property: Queryable,
        op: Comparison,
        value: Literal,
    },
    IsNull(Queryable),
    /// Literals only (`1 = 1`): decided as it is read.
    Constant(bool),
}

fn refused(reason: impl Into<String>) -> SearchError {
    SearchError(format!("filter: {}", reason.into()))
}

impl Filter {
    /// Reads `text` written in `lang`.
    pub fn parse(text: &str, lang: FilterLang) -> Result<Filter, SearchError> {
        if text.len() > MAX_FILTER_BYTES {
            return Err(refused(format!("at most {MAX_FILTER_BYTES} bytes")));
        }
        let expr = match lang {
            FilterLang::Text => {
                check_nesting(text)?;
                basic::parse_text(text).map_err(|e| refused(format!("not CQL2: {e}")))?
            }
            FilterLang::Json => {
                let value: Value =
                    serde_json::from_str(text).map_err(|e| refused(format!("not JSON: {e}")))?;
                return Filter::from_json(&value);
            }
        };
        Filter::from_expr(&expr, 0, &mut 0)
    }

    /// Reads a cql2-json filter already parsed as JSON (`POST /search`).
    pub fn from_json(value: &Value) -> Result<Filter, SearchError> {
        if depth(value) > MAX_DEPTH {
            return Err(refused(format!("nested deeper than {MAX_DEPTH}")));
        }
        let text = value.to_string();
        if text.len() > MAX_FILTER_BYTES {
            return Err(refused(format!("at most {MAX_FILTER_BYTES} bytes")));
        }
        let expr = basic::parse_json(value).map_err(|e| refused(format!("not CQL2: {e}")))?;
        Filter::from_expr(&expr, 0, &mut 0)
    }

    fn from_expr(
        expr: &Expr,
        depth: usize,
        comparisons: &mut usize,
    ) -> Result<Filter, SearchError> {
        if depth > MAX_DEPTH {
            return Err(refused(format!("nested deeper than {MAX_DEPTH}")));
        }
        let Expr::Op { op, args } = expr else {
            return match expr {
                Expr::Bool(b) => Ok(Filter::Constant(*b)),
                _ => Err(refused("a condition, not a value")),
            };
        };
        let mut each = |args: &[Expr]| {
            args.iter()
                .map(|a| Filter::from_expr(a, depth + 1, comparisons))
                .collect::<Result<Vec<_>, _>>()
        };
        match (op.as_str(), args.as_slice()) {
            ("and", args) => Ok(Filter::All(each(args)?)),
            ("or", args) => Ok(Filter::Any(each(args)?)),
            ("not", [arg]) => Ok(Filter::Not(Box::new(Filter::from_expr(
                arg,
                depth + 1,
                comparisons,
            )?))),
            ("isNull", [arg]) => match operand(arg)? {
                Operand::Property(name) => Ok(Filter::IsNull(queryable(&name).0)),
                Operand::Value(_) => Err(refused("IS NULL of a literal")),
            },
            (op, [left, right]) if Comparison::of(op).is_some() => {
                *comparisons += 1;
                if *comparisons > MAX_COMPARISONS {
                    return Err(refused(format!("at most {MAX_COMPARISONS} comparisons")));
                }
                let op = Comparison::of(op).unwrap_or(Comparison::Eq);
                compare(operand(left)?, op, operand(right)?)
            }
            (op, _) if Comparison::of(op).is_some() => {
                Err(refused(format!("{op} takes two arguments")))
            }
            (op, _) => Err(refused(format!(
                "{op:?} is not basic CQL2 (and, or, not, =, <>, <, <=, >, >=, IS NULL)"
            ))),
        }
    }
}

/// One side of a comparison.
enum Operand {
    Property(String),
    Value(Literal),
}

fn operand(expr: &Expr) -> Result<Operand, SearchError> {
    let instant = |text: &str, date: bool| -> Result<Literal, SearchError> {
        let time = if date {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        } else {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        };
        time.map(Literal::Time)
            .ok_or_else(|| refused(format!("{text:?} is not a date or an RFC 3339 time")))
    };
    Ok(match expr {
        Expr::Property(property) => Operand::Property(property.clone()),
        Expr::Text(text) => Operand::Value(Literal::Text(text.clone())),
        Expr::Number(n) if n.is_finite() => Operand::Value(Literal::Number(*n)),
        Expr::Bool(b) => Operand::Value(Literal::Bool(*b)),
        Expr::Timestamp(text) => Operand::Value(instant(text, false)?),
        Expr::Date(text) => Operand::Value(instant(text, true)?),
        _ => {
            return Err(refused(
                "compare a property with a string, a number, a boolean, TIMESTAMP(…) or DATE(…)",
            ))
        }
    })
}

/// A comparison, the property on the left, its literal of the property's
/// type.
fn compare(left: Operand, op: Comparison, right: Operand) -> Result<Filter, SearchError> {
    let (name, op, value) = match (left, right) {
        (Operand::Property(name), Operand::Value(value)) => (name, op, value),
        (Operand::Value(value), Operand::Property(name)) => (name, op.swapped(), value),
        (Operand::Property(_), Operand::Property(_)) => {
            return Err(refused("comparing two properties is not basic CQL2"))
        }
        (Operand::Value(a), Operand::Value(b)) => {
            return Ok(Filter::Constant(constant(&a, op, &b)))
        }
    };
    let (property, kind) = queryable(&name);
    let value = match (kind, value) {
        (Kind::Any, value) | (Kind::Text, value @ Literal::Text(_)) => value,
        (Kind::Time, value @ Literal::Time(_)) => value,
        (Kind::Hours, Literal::Text(text)) => Literal::Number(hours(&text)?),
        (Kind::Text, _) => return Err(refused(format!("{name} is compared with a string"))),
        (Kind::Time, _) => {
            return Err(refused(format!(
                "{name} is compared with TIMESTAMP('…') or DATE('…')"
            )))
        }
        (Kind::Hours, _) => {
            return Err(refused(format!(
                "{name} is compared with a duration ('PT24H')"
            )))
        }
    };
    if property == Queryable::Id && !matches!(op, Comparison::Eq | Comparison::Ne) {
        return Err(refused("id is compared with = or <> only"));
    }
    Ok(Filter::Compare {
        property,
        op,
        value,
    })
}

/// `PT24H`, `P2D`, `P1DT6H` as hours.
fn hours(text: &str) -> Result<f64, SearchError> {
    let bad = || {
        refused(format!(
            "{text:?} is not a duration of whole hours or days (PT24H)"
        ))
    };
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) => (days, time),
        None => (rest, ""),
    };
    let number = |part: &str, unit: char| -> Result<f64, SearchError> {
        match part.strip_suffix(unit) {
            Some(n) if !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()) => {
                n.parse::<f64>().map_err(|_| bad())
            }
            _ => Err(bad()),
        }
    };
    if rest.is_empty() || rest == "T" {
        return Err(bad());
    }
    let days = if days.is_empty() {
        0.0
    } else {
        number(days, 'D')?
    };
    let time = if time.is_empty() {
        0.0
    } else {
        number(time, 'H')?
    };
    Ok(days * 24.0 + time)
}

/// Two literals compared, as SQL would (values of different types differ).
fn constant(a: &Literal, op: Comparison, b: &Literal) -> bool {
    let ordering = match (a, b) {
        (Literal::Text(a), Literal::Text(b)) => a.partial_cmp(b),
        (Literal::Number(a), Literal::Number(b)) => a.partial_cmp(b),
        (Literal::Bool(a), Literal::Bool(b)) => a.partial_cmp(b),
        (Literal::Time(a), Literal::Time(b)) => a.partial_cmp(b),
        _ => None,
    };
    match ordering {
        None => op == Comparison::Ne,
        Some(o) => match op {
            Comparison::Eq => o.is_eq(),
            Comparison::Ne => o.is_ne(),
            Comparison::Lt => o.is_lt(),
            Comparison::Le => o.is_le(),
            Comparison::Gt => o.is_gt(),
            Comparison::Ge => o.is_ge(),
        },
    }
}

/// Refuses text nested deeper than [`MAX_DEPTH`] before the recursive
/// parser reads it (parentheses inside quotes count too: a filter that
/// needs that many is refused, not read).
fn check_nesting(text: &str) -> Result<(), SearchError> {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(refused(format!("nested deeper than {MAX_DEPTH}")));
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
