//! File names of dropped products.
//!
//! opsboard follows the NCAR EOL Field Catalog convention
//! `category.platform.YYYYMMDDhhmm.product.ext`: exactly five dot-separated
//! tokens, the time in UTC (`YYYYMMDDhhmmss` is accepted too). The name is the
//! only metadata every provider can set from a shell script, so it is parsed
//! strictly and every refusal says precisely what is wrong.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The categories of the Field Catalog convention, used when the deployment does
/// not configure its own list.
pub const DEFAULT_CATEGORIES: &[&str] = &[
    "model",
    "satellite",
    "radar",
    "lidar",
    "surface",
    "upperair",
    "aircraft",
    "insitu",
    "ops",
    "report",
    "missions",
];

/// Longest accepted file name, in bytes: the common limit of Linux file systems.
pub const MAX_NAME_BYTES: usize = 255;

/// What a campaign accepts in file names. Kept as a value rather than constants
/// because each campaign chooses its categories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRules {
    /// Accepted first tokens, lowercase.
    pub categories: Vec<String>,
}

impl Default for NameRules {
    fn default() -> Self {
        Self {
            categories: DEFAULT_CATEGORIES.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// A file name that follows the convention, split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductName {
    pub category: String,
    pub platform: String,
    /// The product time in UTC (for a model, its run time).
    pub time: DateTime<Utc>,
    pub product: String,
    /// The extension as written (it decides the media type).
    pub ext: String,
    /// For `model` products whose product token starts with `NNNh_`
    /// (`024h_precip`): the forecast lead time in hours.
    pub lead_hours: Option<u32>,
}

impl ProductName {
    /// The identity of the product this name denotes.
    pub fn key(&self) -> crate::ProductKey<&str> {
        crate::ProductKey {
            category: &self.category,
            platform: &self.platform,
            time: self.time,
            product: &self.product,
        }
    }

    /// The model run (analysis) time: the name's time, for models only.
    pub fn run_time(&self) -> Option<DateTime<Utc>> {
        (self.category == MODEL).then_some(self.time)
    }

    /// The time the product is valid at: run time plus lead for a forecast,
    /// the product time for everything else.
    pub fn valid_time(&self) -> DateTime<Utc> {
        self.time + chrono::Duration::hours(self.lead_hours.unwrap_or(0).into())
    }
}

/// The category whose time is a run time and whose product may carry a lead.
pub const MODEL: &str = "model";

/// Reads a lead-time prefix `NNNh_` (1 to 4 digits) off a model product token.
fn lead_prefix(product: &str) -> Option<u32> {
    let (lead, field) = product.split_once("h_")?;
    let digits = !lead.is_empty() && lead.len() <= 4 && lead.bytes().all(|b| b.is_ascii_digit());
    (digits && !field.is_empty())
        .then(|| lead.parse().ok())
        .flatten()
}

/// A model product token without its lead-time prefix, if it has one.
pub fn strip_lead(product: &str) -> &str {
    match (lead_prefix(product), product.split_once("h_")) {
        (Some(_), Some((_, field))) => field,
        _ => product,
    }
}

/// Why a file name was refused. Each message is written for the provider who
/// sent the file: it names the token at fault and what was expected.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is {0} bytes long; at most {MAX_NAME_BYTES} are accepted")]
    TooLong(usize),
    #[error(
        "expected 5 dot-separated tokens (category.platform.YYYYMMDDhhmm.product.ext), found {0}"
    )]
    TokenCount(usize),
    #[error("the {0} token is empty")]
    EmptyToken(&'static str),
    #[error(
        "the {token} token {value:?} has the character {ch:?}; only ASCII letters, digits, '-' and '_' are allowed"
    )]
    BadCharacter {
        token: &'static str,
        value: String,
        ch: char,
    },
    #[error("unknown category {found:?}; accepted categories: {accepted}")]
    UnknownCategory { found: String, accepted: String },
    #[error("the time token {0:?} must be YYYYMMDDhhmm or YYYYMMDDhhmmss (UTC)")]
    TimeFormat(String),
    #[error("the time token {token:?} is not a real UTC time: {what}")]
    ImpossibleTime { token: String, what: String },
}

impl NameRules {
    /// Parses `name` (a bare file name, no directory) against these rules.
    pub fn parse(&self, name: &str) -> Result<ProductName, NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > MAX_NAME_BYTES {
            return Err(NameError::TooLong(name.len()));
        }
        let mut tokens: Vec<&str> = name.split('.').collect();
        // A file compressed as it was published keeps its suffix
        // (`….grib2.bz2`): the extension is then its last two tokens.
        let compressed = tokens.len() == 6 && tokens[5] == "bz2";
        if compressed {
            tokens.pop();
        }
        if tokens.len() != 5 {
            return Err(NameError::TokenCount(tokens.len()));
        }
        const ROLES: [&str; 5] = ["category", "platform", "time", "product", "extension"];
        for (token, role) in tokens.iter().zip(ROLES) {
            check_token(role, token)?;
        }
        let category = tokens[0];
        if !self.categories.iter().any(|c| c == category) {
            return Err(NameError::UnknownCategory {
                found: category.to_string(),
                accepted: self.categories.join(", "),
            });
        }
        Ok(ProductName {
            category: category.to_string(),
            platform: tokens[1].to_string(),
            time: parse_time(tokens[2])?,
            product: tokens[3].to_string(),
            ext: if compressed {
                format!("{}.bz2", tokens[4])
            } else {
                tokens[4].to_string()
            },
            lead_hours: if category == MODEL {
                lead_prefix(tokens[3])
            } else {
                None
            },
        })
    }
}

/// Whether a name belongs to a file still being written, by the usual
/// conventions of uploaders: `.part` and `.tmp` suffixes and dotfiles. Such
/// files are left alone until they are renamed.
pub fn is_in_progress(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp")
}

fn check_token(role: &'static str, token: &str) -> Result<(), NameError> {
    if token.is_empty() {
        return Err(NameError::EmptyToken(role));
    }
    match token
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(ch) => Err(NameError::BadCharacter {
            token: role,
            value: token.to_string(),
            ch,
        }),
        None => Ok(()),
    }
}

/// Reads `YYYYMMDDhhmm` or `YYYYMMDDhhmmss` as a UTC time, field by field so
/// that the error says which field is impossible.
pub fn parse_time(token: &str) -> Result<DateTime<Utc>, NameError> {
    if !(token.len() == 12 || token.len() == 14) || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NameError::TimeFormat(token.to_string()));
    }
    // Safe to slice: the token is ASCII digits only.
    let field = |range: std::ops::Range<usize>| -> u32 { token[range].parse().unwrap_or(u32::MAX) };
    let impossible = |what: String| NameError::ImpossibleTime {
        token: token.to_string(),
        what,
    };
    let (year, month, day) = (field(0..4) as i32, field(4..6), field(6..8));
    let (hour, minute) = (field(8..10), field(10..12));
    let second = if token.len() == 14 { field(12..14) } else { 0 };
    if !(1..=12).contains(&month) {
        return Err(impossible(format!("month {month:02} is not 01-12")));
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| impossible(format!("{year:04}-{month:02} has no day {day:02}")))?;
    if hour > 23 {
        return Err(impossible(format!("hour {hour:02} is not 00-23")));
    }
    if minute > 59 {
        return Err(impossible(format!("minute {minute:02} is not 00-59")));
    }
    if second > 59 {
        return Err(impossible(format!("second {second:02} is not 00-59")));
    }
    let naive = date
        .and_hms_opt(hour, minute, second)
        .ok_or_else(|| impossible("not a valid time of day".to_string()))?;
    Ok(Utc.from_utc_datetime(&naive))
}

/// Formats a time the way file names carry it (`YYYYMMDDhhmm`, or with seconds
/// when they are not zero), so that tools writing names share the parser's view.
pub fn format_time(time: DateTime<Utc>) -> String {
    use chrono::Timelike;
    if time.second() == 0 {
        time.format("%Y%m%d%H%M").to_string()
    } else {
        time.format("%Y%m%d%H%M%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> Result<ProductName, NameError> {
        NameRules::default().parse(name)
    }

    #[test]
    fn strips_only_a_real_lead_prefix() {
        assert_eq!(strip_lead("024h_precip"), "precip");
        assert_eq!(strip_lead("precip"), "precip");
        assert_eq!(strip_lead("xh_precip"), "xh_precip");
        assert_eq!(strip_lead("024h_"), "024h_");
    }

    #[test]
    fn parses_a_field_catalog_name() {
        let p = parse("model.AROME.202611281200.024h_precip.png").unwrap();
        assert_eq!(p.category, "model");
        assert_eq!(p.platform, "AROME");
        assert_eq!(
            p.time,
            Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
        );
        assert_eq!(p.product, "024h_precip");
        assert_eq!(p.ext, "png");
        assert_eq!(p.lead_hours, Some(24));
        assert_eq!(p.run_time(), Some(p.time));
        assert_eq!(
            p.valid_time(),
            Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
        );
    }

    #[test]
    fn lead_times_are_read_for_models_only() {
        let lead = |name: &str| parse(name).unwrap().lead_hours;
        assert_eq!(lead("model.ARPEGE.202611281800.3h_t2m.png"), Some(3));
        assert_eq!(lead("model.IFS.202611280000.0120h_z500.png"), Some(120));
        assert_eq!(lead("model.IFS.202611280000.precip.png"), None);
        assert_eq!(lead("model.IFS.202611280000.h_precip.png"), None);
        assert_eq!(lead("model.IFS.202611280000.024h_.png"), None);
        assert_eq!(lead("model.IFS.202611280000.12345h_x.png"), None);
        // An observation's product token is just a name.
        let obs = parse("satellite.MSG.202611281200.024h_precip.png").unwrap();
        assert_eq!((obs.lead_hours, obs.run_time()), (None, None));
        assert_eq!(obs.valid_time(), obs.time);
    }

    #[test]
    fn accepts_seconds() {
        let p = parse("upperair.TLS-RS.20261128113042.sounding.csv").unwrap();
        assert_eq!(
            p.time,
            Utc.with_ymd_and_hms(2026, 11, 28, 11, 30, 42).unwrap()
        );
    }

    #[test]
    fn counts_tokens() {
        assert_eq!(
            parse("model.AROME.202611281200.png"),
            Err(NameError::TokenCount(4))
        );
        assert_eq!(
            parse("model.AROME.202611281200.precip.extra.png"),
            Err(NameError::TokenCount(6))
        );
        assert_eq!(parse("noextension"), Err(NameError::TokenCount(1)));
        // Compressed as published: six tokens, the last `bz2`.
        let dwd = parse("model.ICON.202612071200.t2m.grib2.bz2").unwrap();
        assert_eq!(
            (dwd.product.as_str(), dwd.ext.as_str()),
            ("t2m", "grib2.bz2")
        );
        assert_eq!(
            parse("model.ICON.202612071200.t2m.grib2.gz"),
            Err(NameError::TokenCount(6))
        );
    }

    #[test]
    fn refuses_impossible_dates() {
        for (token, fragment) in [
            ("202613011200", "month 13"),
            ("202602301200", "no day 30"),
            ("202611282500", "hour 25"),
            ("202611281260", "minute 60"),
            ("20261128120061", "second 61"),
            ("202600011200", "month 00"),
        ] {
            let err = parse(&format!("surface.SITE.{token}.t2m.csv")).unwrap_err();
            assert!(
                matches!(err, NameError::ImpossibleTime { .. }),
                "{token}: {err}"
            );
            assert!(err.to_string().contains(fragment), "{token}: {err}");
        }
    }

    #[test]
    fn refuses_malformed_times() {
        for token in [
            "2026112812",
            "20261128120",
            "2026-11-28T12",
            "20261128120000Z",
        ] {
            let name = format!("surface.SITE.{token}.t2m.csv");
            let err = parse(&name).unwrap_err();
            assert!(
                matches!(
                    err,
                    NameError::TimeFormat(_)
                        | NameError::TokenCount(_)
                        | NameError::BadCharacter { .. }
                ),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn refuses_unknown_categories_and_lists_the_accepted_ones() {
        let err = parse("forecast.AROME.202611281200.precip.png").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"forecast\""), "{text}");
        assert!(text.contains("satellite"), "{text}");
        // Categories are case-sensitive: the convention is lowercase.
        assert!(parse("Model.AROME.202611281200.precip.png").is_err());
    }

    #[test]
    fn configured_categories_replace_the_defaults() {
        let rules = NameRules {
            categories: vec!["ship".into()],
        };
        assert!(rules.parse("ship.ATALANTE.202611281200.ctd.csv").is_ok());
        assert!(rules.parse("model.AROME.202611281200.precip.png").is_err());
    }

    #[test]
    fn refuses_spaces_non_ascii_empty_tokens_and_long_names() {
        assert!(matches!(
            parse("model.AROME 1.202611281200.precip.png"),
            Err(NameError::BadCharacter { ch: ' ', .. })
        ));
        assert!(matches!(
            parse("model.Météo.202611281200.precip.png"),
            Err(NameError::BadCharacter { ch: 'é', .. })
        ));
        assert_eq!(
            parse("model..202611281200.precip.png"),
            Err(NameError::EmptyToken("platform"))
        );
        let long = format!("model.AROME.202611281200.{}.png", "p".repeat(280));
        assert!(matches!(parse(&long), Err(NameError::TooLong(_))));
        assert_eq!(parse(""), Err(NameError::Empty));
    }

    #[test]
    fn in_progress_names_are_recognised() {
        assert!(is_in_progress("model.AROME.202611281200.precip.png.part"));
        assert!(is_in_progress("model.AROME.202611281200.precip.png.tmp"));
        assert!(is_in_progress(".model.AROME.202611281200.precip.png"));
        assert!(!is_in_progress("model.AROME.202611281200.precip.png"));
    }

    #[test]
    fn format_time_round_trips() {
        for token in ["202611281200", "20261128113042"] {
            assert_eq!(format_time(parse_time(token).unwrap()), token);
        }
    }
}
