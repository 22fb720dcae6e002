//! JSON sidecars: `<file name>.json`, dropped before or after the file it
//! describes, carrying what a file name cannot (a title, a bounding box, tags)
//! and overriding what the name says about times.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::name::ProductName;

/// Largest sidecar accepted, in bytes: metadata, not data.
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024;
/// Longest forecast lead a sidecar may state, in hours (about 14 months):
/// far beyond any model, and small enough that no time arithmetic overflows.
pub const MAX_LEAD_HOURS: u32 = 10_000;

/// Descriptive metadata kept with a product and shown in its JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[west, south, east, north]` in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Only participants may see the product (the public does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
    /// When a restriction ends (an embargo): the product is open after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_until: Option<DateTime<Utc>>,
    /// The variables a series plot draws, by column name (`["ALT", "CO2"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plot: Option<Vec<String>>,
    /// The model fields its thumbnail draws, the first the file has
    /// (`["msl", "t@850"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// The source of `sources.toml` that fetched the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it fetched it from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<DateTime<Utc>>,
    /// The `ETag` the centre's server gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

// `ProductMeta` holds floats, so equality is partial; bounding boxes are
// never NaN (checked on parsing), which makes it total in practice.
impl Eq for ProductMeta {}

/// A sidecar as sent. Unknown keys are refused so that a typo
/// (`valid_tme`) is reported instead of silently ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub valid_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub run_time: Option<DateTime<Utc>>,
    pub lead_hours: Option<u32>,
    pub bbox: Option<[f64; 4]>,
    pub tags: Option<Vec<String>>,
    pub units: Option<String>,
    pub provider: Option<String>,
    pub restricted: Option<bool>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub restricted_until: Option<DateTime<Utc>>,
    /// Column names of a CSV or ICARTT file to plot, in order: at most
    /// [`MAX_PLOT_NAMES`], each at most [`MAX_PLOT_NAME`] characters.
    pub plot: Option<Vec<String>>,
    /// Model fields (GRIB2) its thumbnail draws, the first the file has:
    /// a name from `/fields`, or `name@level` (`"t@850"`); same bounds as
    /// `plot`.
    pub fields: Option<Vec<String>>,
    /// Written by opsboard's own fetcher: the source, the URL, when, the ETag.
    pub source: Option<String>,
    pub source_url: Option<String>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub fetched_at: Option<DateTime<Utc>>,
    pub etag: Option<String>,
}

/// Most variables a sidecar may ask a plot to draw (four are drawn).
pub const MAX_PLOT_NAMES: usize = 8;
/// Longest variable name a sidecar may give.
pub const MAX_PLOT_NAME: usize = 64;

/// Whether a list of names (`plot`, `fields`) is within its bounds.
fn names_fit(names: &[String]) -> bool {
    !names.is_empty()
        && names.len() <= MAX_PLOT_NAMES
        && names
            .iter()
            .all(|n| !n.trim().is_empty() && n.chars().count() <= MAX_PLOT_NAME)
}

/// A refused list as its error shows it (cut short).
fn shown(names: &[String]) -> String {
    format!("{names:?}").chars().take(120).collect()
}

/// Reads an optional RFC 3339 time, with an error that shows the expected form.
fn rfc3339<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "{text:?} is not an RFC 3339 time such as \"2026-11-29T12:00:00Z\""
            ))
        })
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SidecarError {
    #[error("the sidecar is {0} bytes; at most {MAX_SIDECAR_BYTES} are accepted")]
    TooLarge(u64),
    #[error("the sidecar is not valid JSON of the expected form: {0}")]
    Json(String),
    #[error("bbox must be [west, south, east, north] in degrees with south <= north: {0}")]
    BadBbox(String),
    #[error("lead_hours is {0}; at most {MAX_LEAD_HOURS} hours are accepted")]
    LeadTooLong(u32),
    #[error("plot must list 1 to {MAX_PLOT_NAMES} column names of at most {MAX_PLOT_NAME} characters, such as [\"ALT\", \"CO2\"]: {0}")]
    BadPlot(String),
    #[error("fields must list 1 to {MAX_PLOT_NAMES} field names of at most {MAX_PLOT_NAME} characters, such as [\"msl\", \"t@850\"]: {0}")]
    BadFields(String),
}

/// A product whose times cannot be represented: a run time near the end of
/// the calendar plus a lead. Refused with the file rather than wrapped.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("the valid time ({base} + {lead_hours} h) is beyond the calendar opsboard can store")]
pub struct TimingError {
    pub base: DateTime<Utc>,
    pub lead_hours: u32,
}

impl Sidecar {
    /// Parses and checks a sidecar's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, SidecarError> {
        if bytes.len() as u64 > MAX_SIDECAR_BYTES {
            return Err(SidecarError::TooLarge(bytes.len() as u64));
        }
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(SidecarError::Json(
                "a sidecar must be a JSON object, such as {\"title\": \"…\"}".into(),
            ));
        }
        // The path names the field at fault: "lead_hours: invalid type…".
        let sidecar: Sidecar =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes))
                .map_err(|e| match e.path().to_string().as_str() {
                    "." => SidecarError::Json(e.inner().to_string()),
                    path => SidecarError::Json(format!("{path}: {}", e.inner())),
                })?;
        if let Some(lead) = sidecar.lead_hours.filter(|&h| h > MAX_LEAD_HOURS) {
            return Err(SidecarError::LeadTooLong(lead));
        }
        if let Some([west, south, east, north]) = sidecar.bbox {
            let lon = |v: f64| (-180.0..=180.0).contains(&v);
            let lat = |v: f64| (-90.0..=90.0).contains(&v);
            if !(lon(west) && lon(east) && lat(south) && lat(north) && south <= north) {
                return Err(SidecarError::BadBbox(format!(
                    "[{west}, {south}, {east}, {north}]"
                )));
            }
        }
        if let Some(plot) = sidecar.plot.as_deref().filter(|names| !names_fit(names)) {
            return Err(SidecarError::BadPlot(shown(plot)));
        }
        if let Some(fields) = sidecar.fields.as_deref().filter(|names| !names_fit(names)) {
            return Err(SidecarError::BadFields(shown(fields)));
        }
        Ok(sidecar)
    }

    /// The descriptive part, as kept with the product.
    pub fn meta(&self) -> ProductMeta {
        ProductMeta {
            title: self.title.clone(),
            description: self.description.clone(),
            bbox: self.bbox,
            tags: self.tags.clone(),
            units: self.units.clone(),
            provider: self.provider.clone(),
            restricted: self.restricted,
            restricted_until: self.restricted_until,
            plot: self.plot.clone(),
            fields: self.fields.clone(),
            source: self.source.clone(),
            source_url: self.source_url.clone(),
            fetched_at: self.fetched_at,
            etag: self.etag.clone(),
        }
    }
}

/// The times of a product, from its name and, where it says so, its sidecar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub run_time: Option<DateTime<Utc>>,
    pub lead_hours: Option<u32>,
    pub valid_time: DateTime<Utc>,
}

impl Timing {
    /// The sidecar overrides the name field by field; a valid time not given
    /// is the run time plus the lead, or the product time. The addition is
    /// checked: a sidecar is input, and input never panics the pipeline.
    pub fn resolve(name: &ProductName, sidecar: Option<&Sidecar>) -> Result<Self, TimingError> {
        let run_time = sidecar.and_then(|s| s.run_time).or(name.run_time());
        let lead_hours = sidecar.and_then(|s| s.lead_hours).or(name.lead_hours);
        let valid_time = match sidecar.and_then(|s| s.valid_time) {
            Some(valid) => valid,
            None => {
                let base = run_time.unwrap_or(name.time);
                let lead = lead_hours.unwrap_or(0);
                chrono::Duration::try_hours(lead.into())
                    .and_then(|d| base.checked_add_signed(d))
                    .ok_or(TimingError {
                        base,
                        lead_hours: lead,
                    })?
            }
        };
        Ok(Self {
            run_time,
            lead_hours,
            valid_time,
        })
    }
}

/// If `file_name` is a sidecar (`<five-token name>.json`), the name of the
/// file it describes. A five-token `….json` name is a product, not a sidecar.
pub fn sidecar_target(file_name: &str) -> Option<&str> {
    let target = file_name.strip_suffix(".json")?;
    (target.split('.').count() == 5).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_sidecar_names() {
        assert_eq!(
            sidecar_target("model.AROME.202611281200.024h_precip.png.json"),
            Some("model.AROME.202611281200.024h_precip.png")
        );
        assert_eq!(sidecar_target("ops.PLAN.202611281200.flights.json"), None);
        assert_eq!(
            sidecar_target("ops.PLAN.202611281200.flights.json.json"),
            Some("ops.PLAN.202611281200.flights.json")
        );
        assert_eq!(sidecar_target("model.AROME.202611281200.png"), None);
    }

    #[test]
    fn timing_takes_the_name_then_the_sidecar() {
        let name = crate::NameRules::default()
            .parse("model.AROME.202611281200.024h_precip.png")
            .unwrap();
        let from_name = Timing::resolve(&name, None).unwrap();
        assert_eq!(
            from_name.valid_time.to_rfc3339(),
            "2026-11-29T12:00:00+00:00"
        );
        let later_run = Sidecar {
            run_time: Some("2026-11-28T18:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        let t = Timing::resolve(&name, Some(&later_run)).unwrap();
        assert_eq!(t.valid_time.to_rfc3339(), "2026-11-29T18:00:00+00:00");
        assert_eq!(t.lead_hours, Some(24));
        let valid = Sidecar {
            valid_time: Some("2026-11-30T00:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        assert_eq!(
            Timing::resolve(&name, Some(&valid))
                .unwrap()
                .valid_time
                .to_rfc3339(),
            "2026-11-30T00:00:00+00:00"
        );
    }

    #[test]
    fn leads_are_bounded_where_read_and_times_never_overflow() {
        let err = Sidecar::parse(br#"{"lead_hours": 4294967295}"#).unwrap_err();
        assert_eq!(err, SidecarError::LeadTooLong(u32::MAX));
        assert!(err.to_string().contains("at most 10000 hours"), "{err}");
        assert!(Sidecar::parse(br#"{"lead_hours": 10000}"#).is_ok());
        for (body, fragment) in [
            (&b""[..], "must be a JSON object"),
            (br#"{"lead_hours": 24"#, "EOF"),
            (br#"{"lead_hours": -1}"#, "lead_hours: invalid value"),
            (br#"{"lead_hours": 1e99}"#, "lead_hours: invalid type"),
            (br#"{"lead_hours": 18446744073709551616}"#, "lead_hours"),
        ] {
            let err = Sidecar::parse(body).unwrap_err().to_string();
            assert!(
                err.contains(fragment),
                "{}: {err}",
                String::from_utf8_lossy(body)
            );
        }
        // A run time at the end of the calendar plus the longest lead: refused,
        // not wrapped and not a panic.
        let name = crate::NameRules::default()
            .parse("model.AROME.999912312300.024h_precip.png")
            .unwrap();
        let late = Sidecar {
            run_time: Some(DateTime::<Utc>::MAX_UTC - chrono::Duration::hours(1)),
            lead_hours: Some(MAX_LEAD_HOURS),
            ..Default::default()
        };
        let err = Timing::resolve(&name, Some(&late)).unwrap_err();
        assert_eq!(err.lead_hours, MAX_LEAD_HOURS);
        assert!(err.to_string().contains("beyond the calendar"), "{err}");
    }

    #[test]
    fn parses_every_field() {
        let s = Sidecar::parse(
            br#"{"title": "AROME precip", "description": "24 h accumulation",
                 "valid_time": "2026-11-29T12:00:00Z", "run_time": "2026-11-28T12:00:00Z",
                 "lead_hours": 24, "bbox": [-5.0, 41.0, 10.0, 48.0], "tags": ["precip", "gulf-of-lion"],
                 "units": "mm", "provider": "Meteo-France", "restricted": false,
                 "plot": ["ALT", "CO2"]}"#,
        )
        .unwrap();
        assert_eq!(s.lead_hours, Some(24));
        assert_eq!(s.meta().bbox, Some([-5.0, 41.0, 10.0, 48.0]));
        assert_eq!(s.meta().tags.unwrap().len(), 2);
        assert_eq!(
            s.meta().plot,
            Some(vec!["ALT".to_string(), "CO2".to_string()])
        );
    }

    #[test]
    fn refuses_bad_json_wrong_types_unknown_keys_and_bad_boxes() {
        for (body, fragment) in [
            (&b"{not json"[..], "key must be a string"),
            (br#"{"lead_hours": "24"}"#, "lead_hours: invalid type"),
            (
                br#"{"valid_time": "tomorrow"}"#,
                "\"tomorrow\" is not an RFC 3339 time",
            ),
            (
                br#"{"restricted_until": "+999999999-01-01T00:00:00Z"}"#,
                "is not an RFC 3339 time",
            ),
            (
                br#"{"restricted_until": 1e999}"#,
                "restricted_until: number out of range",
            ),
            (br#"{"restricted": "yes"}"#, "restricted: invalid type"),
            (
                br#"{"valid_tme": "2026-11-29T12:00:00Z"}"#,
                "unknown field `valid_tme`",
            ),
            (br#"{"bbox": [1, 2, 3]}"#, "invalid length"),
            (br#"{"bbox": [-5, 48, 10, 41]}"#, "south <= north"),
            (br#"[1, 2]"#, "must be a JSON object"),
            (br#"{"plot": []}"#, "plot must list 1 to 8"),
            (br#"{"plot": ["", "CO2"]}"#, "plot must list"),
            (
                br#"{"plot": ["a","b","c","d","e","f","g","h","i"]}"#,
                "plot must list",
            ),
            (br#"{"plot": "CO2"}"#, "plot: invalid type"),
            (br#"{"fields": []}"#, "fields must list 1 to 8"),
            (br#"{"fields": ["msl", " "]}"#, "fields must list"),
            (br#"{"fields": "msl"}"#, "fields: invalid type"),
        ] {
            let err = Sidecar::parse(body).unwrap_err().to_string();
            assert!(
                err.contains(fragment),
                "{}: {err}",
                String::from_utf8_lossy(body)
            );
        }
        let big = vec![b' '; MAX_SIDECAR_BYTES as usize + 1];
        assert!(matches!(
            Sidecar::parse(&big),
            Err(SidecarError::TooLarge(_))
        ));
    }
}
