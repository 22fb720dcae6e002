//! Operations: the campaign's platforms and intensive observation periods,
//! the flights, launches and ship tracks planned with them, and the
//! decisions that move each one through its [`lifecycle`].
//!
//! Wire types and their checks only, shared by the server and the browser;
//! storing them is the catalogue's job, announcing them the hub's. Every
//! field a client sends is bounded here, once, so that no handler can store
//! an unbounded string or an impossible time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

pub mod briefing;
pub mod decision;
pub mod lifecycle;
pub mod report;

pub use briefing::{Briefing, BriefingDetail, BriefingDraft, BriefingItem, Slide};
pub use decision::{
    Decision, DecisionSeen, DecisionTick, Evidence, EvidenceSeen, NewDecision, Newer,
};
pub use lifecycle::{Status, StatusError};
pub use report::{
    report_target, Attached, Attachment, AttachmentSeen, Report, ReportDraft, ReportSections,
    ReportSeen,
};

/// The longest free text kept (objectives, notes, a rationale): a page of
/// prose, not a file.
pub const MAX_TEXT: usize = 10_000;
/// The longest title or short field.
pub const MAX_TITLE: usize = 200;
/// The longest view permalink kept.
pub const MAX_VIEW: usize = 2_000;
/// The longest a planned window may last: a ship's leg, not a season.
pub const MAX_WINDOW_DAYS: i64 = 31;

/// What kind of platform, for its lane and its symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    Aircraft,
    Balloon,
    Sonde,
    Ship,
    Drone,
    Ground,
}

impl PlatformKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformKind::Aircraft => "aircraft",
            PlatformKind::Balloon => "balloon",
            PlatformKind::Sonde => "sonde",
            PlatformKind::Ship => "ship",
            PlatformKind::Drone => "drone",
            PlatformKind::Ground => "ground",
        }
    }
}

/// A platform of the campaign. `name` is the file-name `platform` token
/// where it has products (`ATR42` in `aircraft.ATR42.….png`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    pub name: String,
    pub kind: PlatformKind,
    /// Where it operates from (an airport, a launch site, a port).
    #[serde(default)]
    pub base: String,
    /// `#rrggbb`, for its lane and its track.
    #[serde(default)]
    pub colour: Option<String>,
    /// Who to call about it.
    #[serde(default)]
    pub contact: String,
    /// Where its base is, `[lon, lat]` in degrees: the centre of its range
    /// rings on the map.
    #[serde(default)]
    pub base_position: Option<[f64; 2]>,
    /// Range rings drawn around the base, km (none given: 100, 200, 300).
    #[serde(default)]
    pub rings_km: Vec<f64>,
}

/// Most range rings a platform has.
pub const MAX_RINGS: usize = 8;
/// Largest ring, km: half the Earth's circumference.
pub const MAX_RING_KM: f64 = 20_000.0;

/// An intensive observation period, known by its name (`IOP3`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Iop {
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub objectives: String,
}

/// The campaign's set-up, as `opsboard campaign export|import` writes and
/// reads it (TOML), so that a campaign can be prepared before it starts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignSetup {
    #[serde(default)]
    pub platforms: Vec<Platform>,
    #[serde(default)]
    pub iops: Vec<Iop>,
}

/// What an operation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    Flight,
    Launch,
    Track,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Flight => "flight",
            OperationKind::Launch => "launch",
            OperationKind::Track => "track",
        }
    }
}

/// The planning fields of an operation: what `POST /api/v1/operations`
/// takes and `PATCH` changes. The status is not among them: it changes only
/// by a [`Decision`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub platform: String,
    pub kind: OperationKind,
    pub title: String,
    pub planned_start: DateTime<Utc>,
    /// None for a launch (one time).
    #[serde(default)]
    pub planned_end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub iop: Option<String>,
    /// Target area, `[west, south, east, north]` in degrees.
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    #[serde(default)]
    pub crew: String,
    #[serde(default)]
    pub contacts: String,
    /// Instrument status before the operation.
    #[serde(default)]
    pub instruments: String,
    #[serde(default)]
    pub notes: String,
}

/// A planned flight, launch or ship track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: i64,
    /// `ATR42-20261129a`: platform, planned day, a letter per operation of
    /// that platform that day (as ORCESTRA's `flight_id`).
    pub code: String,
    pub status: Status,
    #[serde(flatten)]
    pub plan: Plan,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When its report was last written or given a file; None without one.
    #[serde(default)]
    pub report_at: Option<DateTime<Utc>>,
}

/// An operation with its decisions, oldest first: its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperationDetail {
    pub operation: Operation,
    pub decisions: Vec<DecisionSeen>,
    /// Its report, once one is written or a report file attached.
    #[serde(default)]
    pub report: Option<ReportSeen>,
}

/// A change of planning fields; absent fields stay as they are, `null`
/// clears the ones that may be empty.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PlanPatch {
    pub platform: Option<String>,
    pub kind: Option<OperationKind>,
    pub title: Option<String>,
    pub planned_start: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "present")]
    pub planned_end: Option<Option<DateTime<Utc>>>,
    pub objectives: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub iop: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub bbox: Option<Option<[f64; 4]>>,
    pub crew: Option<String>,
    pub contacts: Option<String>,
    pub instruments: Option<String>,
    pub notes: Option<String>,
    /// Refused when present: a status changes by a decision.
    #[serde(default)]
    status: Option<serde::de::IgnoredAny>,
}

/// A field that is present, `null` included, as `Some(value)`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Why a plan, a platform or an IOP was refused: the field and what is wrong.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    pub field: &'static str,
    pub problem: String,
}

fn invalid(field: &'static str, problem: impl Into<String>) -> Invalid {
    Invalid {
        field,
        problem: problem.into(),
    }
}

/// A bounded piece of text; `required` refuses an empty one.
pub fn check_text(
    field: &'static str,
    text: &str,
    max: usize,
    required: bool,
) -> Result<(), Invalid> {
    if required && text.trim().is_empty() {
        return Err(invalid(field, "is required"));
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(invalid(
            field,
            format!("is {chars} characters; at most {max}"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(())
}

/// A name as the file names spell platforms: letters, digits, `-`, `_`.
pub fn check_token_name(field: &'static str, name: &str, max: usize) -> Result<(), Invalid> {
    if name.is_empty() || name.len() > max {
        return Err(invalid(field, format!("must be 1 to {max} characters")));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(invalid(
            field,
            format!("{c:?} is not allowed (letters, digits, - and _)"),
        ));
    }
    Ok(())
}

/// `[west, south, east, north]` in degrees; west may exceed east across the
/// antimeridian.
pub fn check_bbox(field: &'static str, bbox: &[f64; 4]) -> Result<(), Invalid> {
    let [w, s, e, n] = *bbox;
    let lon = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
    let lat = |v: f64| v.is_finite() && (-90.0..=90.0).contains(&v);
    if !(lon(w) && lon(e) && lat(s) && lat(n)) {
        return Err(invalid(
            field,
            "must be [west, south, east, north] within ±180° and ±90°",
        ));
    }
    if s > n {
        return Err(invalid(field, "south is north of north"));
    }
    Ok(())
}

/// A planned window: an end, if any, after the start, and not a season long.
pub fn check_window(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Result<(), Invalid> {
    if let Some(end) = end {
        if end < start {
            return Err(invalid("planned_end", "is before planned_start"));
        }
        if end - start > chrono::Duration::days(MAX_WINDOW_DAYS) {
            return Err(invalid(
                "planned_end",
                format!("is more than {MAX_WINDOW_DAYS} days after planned_start"),
            ));
        }
    }
    Ok(())
}

impl Plan {
    /// A plan with only what every plan needs; the rest empty.
    pub fn new(
        platform: impl Into<String>,
        kind: OperationKind,
        title: impl Into<String>,
        planned_start: DateTime<Utc>,
    ) -> Self {
        Self {
            platform: platform.into(),
            kind,
            title: title.into(),
            planned_start,
            planned_end: None,
            objectives: String::new(),
            iop: None,
            bbox: None,
            crew: String::new(),
            contacts: String::new(),
            instruments: String::new(),
            notes: String::new(),
        }
    }

    /// Every field within its bounds.
    pub fn check(&self) -> Result<(), Invalid> {
        check_token_name("platform", &self.platform, 32)?;
        check_text("title", &self.title, MAX_TITLE, true)?;
        check_window(self.planned_start, self.planned_end)?;
        if let Some(iop) = &self.iop {
            check_text("iop", iop, 64, true)?;
        }
        if let Some(bbox) = &self.bbox {
            check_bbox("bbox", bbox)?;
        }
        for (field, text) in [
            ("objectives", &self.objectives),
            ("crew", &self.crew),
            ("contacts", &self.contacts),
            ("instruments", &self.instruments),
            ("notes", &self.notes),
        ] {
            check_text(field, text, MAX_TEXT, false)?;
        }
        Ok(())
    }

    /// This plan with `patch` applied, checked.
    pub fn patched(&self, patch: PlanPatch) -> Result<Plan, Invalid> {
        if patch.status.is_some() {
            return Err(invalid(
                "status",
                "changes by a decision: POST /api/v1/operations/{id}/decisions",
            ));
        }
        let mut plan = self.clone();
        let keep = |new: Option<String>, old: &mut String| {
            if let Some(new) = new {
                *old = new;
            }
        };
        keep(patch.platform, &mut plan.platform);
        keep(patch.title, &mut plan.title);
        keep(patch.objectives, &mut plan.objectives);
        keep(patch.crew, &mut plan.crew);
        keep(patch.contacts, &mut plan.contacts);
        keep(patch.instruments, &mut plan.instruments);
        keep(patch.notes, &mut plan.notes);
        if let Some(kind) = patch.kind {
            plan.kind = kind;
        }
        if let Some(start) = patch.planned_start {
            plan.planned_start = start;
        }
        if let Some(end) = patch.planned_end {
            plan.planned_end = end;
        }
        if let Some(iop) = patch.iop {
            plan.iop = iop;
        }
        if let Some(bbox) = patch.bbox {
            plan.bbox = bbox;
        }
        plan.check()?;
        Ok(plan)
    }

    /// The day and platform part of an operation's code (`ATR42-20261129`).
    pub fn code_prefix(&self) -> String {
        format!("{}-{}", self.platform, self.planned_start.format("%Y%m%d"))
    }
}

impl Platform {
    /// A platform known by name and kind only, its other fields for an
    /// admin to fill in.
    pub fn new(name: &str, kind: PlatformKind) -> Self {
        Platform {
            name: name.to_string(),
            kind,
            base: String::new(),
            colour: None,
            contact: String::new(),
            base_position: None,
            rings_km: Vec::new(),
        }
    }

    pub fn check(&self) -> Result<(), Invalid> {
        check_token_name("name", &self.name, 32)?;
        check_text("base", &self.base, MAX_TITLE, false)?;
        check_text("contact", &self.contact, MAX_TITLE, false)?;
        if let Some(colour) = &self.colour {
            let hex = colour.strip_prefix('#').unwrap_or("");
            if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(invalid("colour", "must be #rrggbb"));
            }
        }
        if let Some([lon, lat]) = self.base_position {
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(invalid(
                    "base_position",
                    "must be [lon, lat] in degrees, -180 to 180 and -90 to 90",
                ));
            }
        }
        if self.rings_km.len() > MAX_RINGS {
            return Err(invalid("rings_km", format!("at most {MAX_RINGS} rings")));
        }
        if let Some(bad) = self
            .rings_km
            .iter()
            .find(|km| !(**km > 0.0 && **km <= MAX_RING_KM))
        {
            return Err(invalid(
                "rings_km",
                format!("{bad} km: each ring is more than 0 and at most {MAX_RING_KM} km"),
            ));
        }
        Ok(())
    }

    /// The rings to draw around its base, km.
    pub fn rings(&self) -> Vec<f64> {
        if self.rings_km.is_empty() {
            vec![100.0, 200.0, 300.0]
        } else {
            self.rings_km.clone()
        }
    }
}

impl Iop {
    pub fn check(&self) -> Result<(), Invalid> {
        check_text("name", &self.name, 64, true)?;
        check_text("objectives", &self.objectives, MAX_TEXT, false)?;
        if self.end < self.start {
            return Err(invalid("end", "is before start"));
        }
        if self.end - self.start > chrono::Duration::days(MAX_WINDOW_DAYS) {
            return Err(invalid(
                "end",
                format!("is more than {MAX_WINDOW_DAYS} days after start"),
            ));
        }
        Ok(())
    }

    /// Whether `time` falls within this period.
    pub fn covers(&self, time: DateTime<Utc>) -> bool {
        self.start <= time && time <= self.end
    }
}

/// The letter of the `n`th operation (from 0) of a platform on a day: `a`
/// to `z`. None beyond: 26 operations of one platform in a day is a typing
/// accident, not a campaign.
pub fn code_letter(n: usize) -> Option<char> {
    (n < 26).then(|| (b'a' + n as u8) as char)
}

/// A view link (a decision's, a briefing item's) on this site only. Rendered as a link, it
/// must not lead elsewhere: not `//host`, not `/\host`, and no whitespace
/// at all, which browsers strip from URLs (`/<tab>/host` is `//host`).
pub fn check_view(field: &'static str, view: &str) -> Result<(), Invalid> {
    check_text(field, view, MAX_VIEW, false)?;
    let hidden = view.chars().any(|c| c.is_whitespace() || c.is_control());
    if hidden || !view.starts_with('/') || view.starts_with("//") || view.contains('\\') {
        return Err(invalid(
            field,
            "must be a path on this site, starting with /",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
