//! A file fetched in parts (`kind = "index"`): centres such as ECMWF open
//! data publish beside each GRIB file a JSON-lines index giving the byte
//! offset and length of every field. A campaign that needs three fields of
//! a 100 MB run reads the index and fetches only those, by HTTP ranges, into
//! one file.
//!
//! Reading the index is pure (text in, byte ranges out).

use serde::Deserialize;
use serde_json::Value;

use crate::template::Template;

/// Most fields one source may name.
pub const MAX_FIELDS: usize = 200;
/// Largest index read, in bytes.
pub const MAX_INDEX_BYTES: u64 = 16 << 20;
/// Most lines read from one index.
pub const MAX_INDEX_LINES: usize = 200_000;

/// What an index source fetches of each file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The index's URL, beside the file's.
    pub url: Template,
    /// The fields wanted, in the order written.
    pub fields: Vec<FieldName>,
}

/// A field as `sources.toml` names it: `2t`, or `t@500` for a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldName {
    pub param: String,
    pub level: Option<String>,
}

impl FieldName {
    pub fn parse(text: &str) -> Result<Self, String> {
        let token = |t: &str| {
            !t.is_empty()
                && t.len() <= 32
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        };
        let (param, level) = match text.split_once('@') {
            Some((p, l)) => (p, Some(l)),
            None => (text, None),
        };
        if token(param) && level.is_none_or(token) {
            Ok(Self {
                param: param.to_string(),
                level: level.map(str::to_string),
            })
        } else {
            Err(format!(
                "fields: {text:?} is not a field: a parameter (\"2t\") or a parameter at a level (\"t@500\")"
            ))
        }
    }

    fn text(&self) -> String {
        match &self.level {
            Some(level) => format!("{}@{level}", self.param),
            None => self.param.clone(),
        }
    }
}

/// A stretch of the file to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub start: u64,
    pub length: u64,
}

impl Part {
    /// The value of a `Range` header asking for it.
    pub fn range(&self) -> String {
        format!("bytes={}-{}", self.start, self.start + self.length - 1)
    }
}

/// One line of an index, as ECMWF writes it (other keys ignored).
#[derive(Deserialize)]
struct Line {
    param: Value,
    levelist: Option<Value>,
    #[serde(rename = "_offset")]
    offset: u64,
    #[serde(rename = "_length")]
    length: u64,
}

/// A JSON string or number as text (`"500"` and `500` are the same level).
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Index {
    /// The byte ranges of the wanted fields in `index` (its text), in file
    /// order, merged where they touch: every wanted field must be there (a
    /// field missing means the run is not complete yet), a field twice is
    /// taken once, and a line that is not an index line is an error.
    pub fn parts(&self, index: &str) -> Result<Vec<Part>, String> {
        let mut found: Vec<Option<Part>> = vec![None; self.fields.len()];
        for (n, text) in index.lines().enumerate() {
            if n >= MAX_INDEX_LINES {
                return Err(format!("the index has over {MAX_INDEX_LINES} lines"));
            }
            if text.trim().is_empty() {
                continue;
            }
            let line: Line =
                serde_json::from_str(text).map_err(|e| format!("index line {}: {e}", n + 1))?;
            let Some(param) = as_text(&line.param) else {
                continue;
            };
            let level = line.levelist.as_ref().and_then(as_text);
            let end = line.offset.checked_add(line.length);
            if line.length == 0 || end.is_none() {
                return Err(format!("index line {}: an impossible byte range", n + 1));
            }
            for (want, slot) in self.fields.iter().zip(found.iter_mut()) {
                let level_matches = match &want.level {
                    Some(l) => level.as_deref() == Some(l.as_str()),
                    None => true,
                };
                if slot.is_none() && want.param == param && level_matches {
                    *slot = Some(Part {
                        start: line.offset,
                        length: line.length,
                    });
                }
            }
        }
        let missing: Vec<String> = self
            .fields
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|(w, _)| w.text())
            .collect();
        if !missing.is_empty() {
            return Err(format!("the index lacks {}", missing.join(", ")));
        }
        let mut parts: Vec<Part> = found.into_iter().flatten().collect();
        parts.sort_by_key(|p| p.start);
        parts.dedup();
        let mut merged: Vec<Part> = Vec::with_capacity(parts.len());
        for part in parts {
            match merged.last_mut() {
                Some(last) if last.start + last.length == part.start => last.length += part.length,
                Some(last) if part.start < last.start + last.length => {
                    return Err(format!("the index's fields overlap at byte {}", part.start))
                }
                _ => merged.push(part),
            }
        }
        Ok(merged)
    }
}

/// The index's URL when the source does not say: the file's with its
/// `.grib2` (or `.grib`, `.grb2`) ending replaced by `.index`, as ECMWF
/// open data publishes it, else `.index` added.
pub fn default_url(file_url: &str) -> String {
    for ending in [".grib2", ".grib", ".grb2", ".grb"] {
        if let Some(stem) = file_url.strip_suffix(ending) {
            return format!("{stem}.index");
        }
    }
    format!("{file_url}.index")
}
