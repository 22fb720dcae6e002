//! The keys that belong to one kind of source: a listing's pattern and the
//! age of what it fetches, an index source's fields and index URL. Each is
//! refused, with its line, on a source of another kind.

use chrono::Duration;
use toml::Spanned;

use super::{check_url, duration, fields_of, Lines, RawSource};
use crate::index::{default_url, FieldName, Index, MAX_FIELDS};
use crate::schedule::Schedule;
use crate::template::Template;
use crate::{ConfigError, Kind, Listing};

const KINDS: &str = "http, wms, listing or index";

/// A listing source's own keys, checked; `None` for another kind.
pub(super) fn listing(lines: &Lines, raw: &RawSource) -> Result<Option<Listing>, ConfigError> {
    let kind = raw.kind.get_ref().as_str();
    if !matches!(kind, "http" | "wms" | "listing" | "index") {
        return Err(lines.at(&raw.kind, format!("kind {kind:?}: {KINDS}")));
    }
    if kind != "listing" {
        only_for(lines, &raw.pattern, "match", "listing")?;
        return only_for(lines, &raw.max_age, "max_age", "listing").map(|_| None);
    }
    only_for(lines, &raw.fields, "fields", "index")?;
    only_for(lines, &raw.index, "index", "index")?;
    let Some(pattern) = &raw.pattern else {
        return Err(lines.at(
            &raw.kind,
            "a listing needs match = '…' (a pattern with a (?P<time>…) group)",
        ));
    };
    let pattern = Listing::compile(pattern.get_ref()).map_err(|e| lines.at(pattern, e))?;
    let max_age = match &raw.max_age {
        Some(age) => duration(
            lines,
            age,
            "max_age",
            Duration::hours(1),
            Duration::days(60),
        )?,
        None => Duration::days(2),
    };
    Ok(Some(Listing { pattern, max_age }))
}

/// A listing that expects nothing has no deadline, leads or runs kept.
pub(super) fn nothing_expected(lines: &Lines, raw: &RawSource) -> Result<(), ConfigError> {
    let why = "goes with every or runs: say when the listing's files are expected";
    if let Some(d) = &raw.deadline {
        return Err(lines.at(d, format!("deadline {why}")));
    }
    if let Some(a) = &raw.available_after {
        return Err(lines.at(a, format!("available_after {why}")));
    }
    if let Some(k) = &raw.keep_runs {
        return Err(lines.at(k, format!("keep_runs {why}")));
    }
    if let Some(l) = &raw.leads {
        return Err(lines.at(l, format!("leads {why}")));
    }
    Ok(())
}

/// The kind of a source fetched slot by slot (http, wms, index), its own
/// keys checked.
pub(super) fn other(
    lines: &Lines,
    raw: &RawSource,
    schedule: Option<&Schedule>,
) -> Result<Kind, ConfigError> {
    match raw.kind.get_ref().as_str() {
        "http" | "wms" => {
            only_for(lines, &raw.fields, "fields", "index")?;
            only_for(lines, &raw.index, "index", "index")?;
            Ok(if raw.kind.get_ref() == "http" {
                Kind::Http
            } else {
                Kind::Wms
            })
        }
        "index" => index(lines, raw, schedule).map(Kind::Index),
        other => Err(lines.at(&raw.kind, format!("kind {other:?}: {KINDS}"))),
    }
}

fn index(
    lines: &Lines,
    raw: &RawSource,
    schedule: Option<&Schedule>,
) -> Result<Index, ConfigError> {
    let Some(wanted) = &raw.fields else {
        return Err(lines.at(
            &raw.kind,
            "an index source needs fields = [\"2t\", \"t@500\"] (what to fetch of each file)",
        ));
    };
    if wanted.get_ref().is_empty() || wanted.get_ref().len() > MAX_FIELDS {
        return Err(lines.at(wanted, format!("fields: 1 to {MAX_FIELDS} of them")));
    }
    let names = wanted
        .get_ref()
        .iter()
        .map(|f| FieldName::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| lines.at(wanted, e))?;
    let (text, at) = match &raw.index {
        Some(i) => (i.get_ref().clone(), i.span()),
        None => (default_url(raw.url.get_ref()), raw.url.span()),
    };
    let fields = schedule.map_or(&[][..], fields_of);
    let url =
        Template::parse(&text, fields).map_err(|e| lines.at_span(&at, format!("index: {e}")))?;
    check_url(&url, schedule).map_err(|e| lines.at_span(&at, format!("index {e}")))?;
    Ok(Index { url, fields: names })
}

/// Refuses `key` on a source whose kind is not `kind`.
fn only_for<T>(
    lines: &Lines,
    value: &Option<Spanned<T>>,
    key: &str,
    kind: &str,
) -> Result<(), ConfigError> {
    match value {
        Some(v) => Err(lines.at(v, format!("{key} goes with kind = \"{kind}\""))),
        None => Ok(()),
    }
}
