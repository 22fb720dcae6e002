//! Case studies: the situations chosen after (or during) the campaign for
//! study — "the day the squall line crossed the network". A case study is a
//! named time range, optionally an area, tagged from the campaign's
//! vocabulary (as ORCESTRA's tiered flight categories), described in
//! Markdown, with the operations it concerns, the product versions it rests
//! on (pinned: a newer version of a product does not change the case), and
//! optionally time segments (as ORCESTRA's flight segmentation).
//!
//! A draft is the participants' work in progress; a published case study is
//! what the public, the STAC API and the exports see. Publishing is one-way
//! (a published case may be cited, or given a DOI), though its text may
//! still be corrected.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::operations::{check_text, check_token_name, Evidence, Invalid, MAX_TEXT, MAX_TITLE};

/// The longest a case may last: a campaign, not a decade.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The longest description, in characters (a few pages of Markdown).
pub const MAX_DESCRIPTION: usize = 100_000;
/// The most tags on one case.
pub const MAX_TAGS: usize = 32;
/// The most operations one case links.
pub const MAX_OPERATIONS: usize = 100;
/// The most product versions one case pins: what a bundle can carry.
pub const MAX_PINS: usize = 1_000;
/// The most segments of one case.
pub const MAX_SEGMENTS: usize = 200;
/// The most kinds one segment has.
pub const MAX_KINDS: usize = 16;
/// The longest slug, tag, segment id or kind.
pub const MAX_SLUG: usize = 64;

/// A tag of the campaign's vocabulary, kept by admins: `tag` is what case
/// studies carry (`sea_breeze`), `long_name` what people read, `tier` how
/// specific it is (1 the broadest, as ORCESTRA's categories).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTag {
    pub tag: String,
    pub long_name: String,
    pub tier: u8,
}

/// The highest tier a tag may have.
pub const MAX_TIER: u8 = 9;

impl CaseTag {
    pub fn check(&self) -> Result<(), Invalid> {
        check_slug("tag", &self.tag)?;
        check_text("long_name", &self.long_name, MAX_TITLE, true)?;
        if !(1..=MAX_TIER).contains(&self.tier) {
            return Err(invalid("tier", format!("must be 1 to {MAX_TIER}")));
        }
        Ok(())
    }
}

/// A stretch of the case with what happened in it (`circle`, `straight_leg`,
/// `cloud_overpass`…), as ORCESTRA segments flights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub segment_id: String,
    #[serde(default)]
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub remarks: String,
}

/// What `POST /api/v1/case-studies` takes (and `PUT …/{slug}` replaces).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseStudyDraft {
    pub slug: String,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// West, south, east, north in degrees.
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// Ids of the operations it concerns.
    #[serde(default)]
    pub operations: Vec<i64>,
    /// The product versions it rests on.
    #[serde(default)]
    pub pins: Vec<Evidence>,
    #[serde(default)]
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub published: bool,
    /// Under what terms its bundle and STAC collection may be reused: an
    /// SPDX identifier (`CC-BY-4.0`); [`DEFAULT_LICENCE`] when absent.
    #[serde(default)]
    pub licence: Option<String>,
}

/// A case's licence until its author gives one: the campaign's data
/// policy, which STAC calls `proprietary`.
pub const DEFAULT_LICENCE: &str = "proprietary";

/// Checks a licence is an SPDX-like identifier (`CC-BY-4.0`, `ODbL-1.0`,
/// `LicenseRef-campaign`): letters, digits, `.`, `-` and `+`, at most 64.
pub fn check_licence(licence: &str) -> Result<(), Invalid> {
    let fits = (1..=64).contains(&licence.len())
        && licence
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c));
    if fits {
        Ok(())
    } else {
        Err(invalid(
            "licence",
            "an SPDX identifier such as CC-BY-4.0 (letters, digits, . - +, at most 64)",
        ))
    }
}

/// A case study as stored and announced (`case_study.saved`). Its pins are
/// the catalogue ids of the exact versions: ids only, so that an event
/// tells a reader nothing of a product they may not see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    pub tags: Vec<String>,
    pub description: String,
    pub operations: Vec<i64>,
    pub pins: Vec<i64>,
    pub segments: Vec<Segment>,
    pub published: bool,
    /// Its SPDX licence identifier.
    #[serde(default = "default_licence")]
    pub licence: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn default_licence() -> String {
    DEFAULT_LICENCE.into()
}

impl CaseStudy {
    /// Whether a reader who sees only what is open may see this case.
    pub fn is_public(&self) -> bool {
        self.published
    }
}

/// A case study's page: the case, the pinned product versions the reader
/// may see (in the order pinned), and its operations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseStudyDetail {
    pub case_study: CaseStudy,
    pub products: Vec<crate::record::Product>,
    pub operations: Vec<crate::operations::Operation>,
    /// Pins the reader may not see, counted so the page can say so.
    pub hidden_pins: usize,
}

fn invalid(field: &'static str, problem: impl Into<String>) -> Invalid {
    Invalid {
        field,
        problem: problem.into(),
    }
}

/// A slug, tag, id or kind: lowercase letters, digits, `-` and `_`, at
/// most [`MAX_SLUG`], starting with a letter or digit. It goes into URLs
/// and file names (bundles, the static site) as it is.
pub fn check_slug(field: &'static str, slug: &str) -> Result<(), Invalid> {
    check_token_name(field, slug, MAX_SLUG)?;
    if slug.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(invalid(field, "must be lowercase"));
    }
    if !slug.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(invalid(field, "must start with a letter or a digit"));
    }
    Ok(())
}

/// A box west, south, east, north in degrees, not crossing the antimeridian.
pub fn check_bbox(field: &'static str, bbox: &[f64; 4]) -> Result<(), Invalid> {
    let [w, s, e, n] = *bbox;
    let lon = |x: f64| (-180.0..=180.0).contains(&x);
    let lat = |y: f64| (-90.0..=90.0).contains(&y);
    if !(lon(w) && lon(e) && lat(s) && lat(n)) {
        return Err(invalid(
            field,
            "longitudes are -180 to 180, latitudes -90 to 90",
        ));
    }
    if w >= e || s >= n {
        return Err(invalid(
            field,
            "west < east and south < north (a box across the antimeridian is not supported)",
        ));
    }
    Ok(())
}

fn check_range(
    field: &'static str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), Invalid> {
    if end <= start {
        return Err(invalid(field, "ends after it starts"));
    }
    if end - start > chrono::Duration::days(MAX_RANGE_DAYS) {
        return Err(invalid(
            field,
            format!("lasts at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(())
}

fn check_count<T>(field: &'static str, items: &[T], max: usize) -> Result<(), Invalid> {
    if items.len() > max {
        return Err(invalid(field, format!("{}; at most {max}", items.len())));
    }
    Ok(())
}

impl Segment {
    fn check(&self, case_start: DateTime<Utc>, case_end: DateTime<Utc>) -> Result<(), Invalid> {
        check_slug("segments.segment_id", &self.segment_id)?;
        check_text("segments.name", &self.name, MAX_TITLE, false)?;
        check_text("segments.remarks", &self.remarks, MAX_TEXT, false)?;
        check_range("segments", self.start, self.end)?;
        if self.start < case_start || self.end > case_end {
            return Err(invalid("segments", "each segment is within the case"));
        }
        check_count("segments.kinds", &self.kinds, MAX_KINDS)?;
        for kind in &self.kinds {
            check_slug("segments.kinds", kind)?;
        }
        Ok(())
    }
}

impl CaseStudyDraft {
    /// Every bound a draft must keep before the catalogue looks at it (the
    /// tags' vocabulary, operations and pins are checked there).
    pub fn check(&self) -> Result<(), Invalid> {
        check_slug("slug", &self.slug)?;
        check_text("title", &self.title, MAX_TITLE, true)?;
        check_range("end", self.start, self.end)?;
        if let Some(bbox) = &self.bbox {
            check_bbox("bbox", bbox)?;
        }
        check_text("description", &self.description, MAX_DESCRIPTION, false)?;
        if let Some(licence) = &self.licence {
            check_licence(licence)?;
        }
        check_count("tags", &self.tags, MAX_TAGS)?;
        for tag in &self.tags {
            check_slug("tags", tag)?;
        }
        check_count("operations", &self.operations, MAX_OPERATIONS)?;
        check_count("pins", &self.pins, MAX_PINS)?;
        if self.pins.iter().any(|p| p.product_id < 1 || p.version < 1) {
            return Err(invalid("pins", "no such product version"));
        }
        check_count("segments", &self.segments, MAX_SEGMENTS)?;
        for (i, segment) in self.segments.iter().enumerate() {
            segment.check(self.start, self.end)?;
            if self.segments[..i]
                .iter()
                .any(|s| s.segment_id == segment.segment_id)
            {
                return Err(invalid(
                    "segments.segment_id",
                    format!("{:?} is used twice", segment.segment_id),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
