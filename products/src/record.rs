//! The records opsboard sends to dashboards and API clients.
//!
//! These are wire types: the server serialises them, the wasm dashboard
//! deserialises the same definitions, so the two cannot drift apart.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::operations::{Briefing, Decision, Iop, Operation, Platform, Report};
use crate::sidecar::ProductMeta;

/// One catalogued product: a file that followed the naming convention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Catalogue identifier; stable for the life of the campaign.
    pub id: i64,
    pub category: String,
    pub platform: String,
    /// The product token of the name (e.g. `024h_precip`).
    pub product: String,
    /// The product time from the name, UTC (for a model, its run time).
    pub time: DateTime<Utc>,
    /// For forecasts: the run (analysis) time.
    pub run_time: Option<DateTime<Utc>>,
    /// For forecasts: hours from the run to the valid time.
    pub lead_hours: Option<u32>,
    /// When the product is valid: run + lead for a forecast, the product
    /// time for an observation, unless a sidecar says otherwise.
    pub valid_time: DateTime<Utc>,
    /// 1 for the first file of this (category, platform, time, product);
    /// a later file with other bytes becomes the next version.
    pub version: i64,
    pub file_name: String,
    pub media_type: String,
    /// Size of the file in bytes.
    pub size: u64,
    /// Hex SHA-256 of the bytes: the download's ETag and the proof that a
    /// re-sent file is identical.
    pub sha256: String,
    pub ingested_at: DateTime<Utc>,
    /// Where the bytes are served, relative to the server root.
    pub file_url: String,
    /// The catalogue knows this product but its bytes have vanished from the
    /// archive (seen at start-up). Kept rather than dropped, so that the loss
    /// is visible.
    #[serde(default)]
    pub missing: bool,
    /// A small image (about 320 px wide), once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// A screen-sized image (at most 1600 px), once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    /// Why no preview could be made (an image too large, a broken file…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_error: Option<String>,
    /// What a sidecar added (title, bbox, tags…), flattened into the JSON.
    #[serde(flatten)]
    pub meta: ProductMeta,
}

/// What makes a product one product across its versions: its category,
/// platform, product time and product token. `ProductKey` owns its strings
/// (for maps that outlive the records); `ProductKey<&str>`, from
/// [`Product::key`] or [`crate::ProductName::key`], borrows them, for
/// comparisons and queries that should not allocate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductKey<S = String> {
    pub category: S,
    pub platform: S,
    pub time: DateTime<Utc>,
    pub product: S,
}

impl ProductKey {
    pub fn borrowed(&self) -> ProductKey<&str> {
        ProductKey {
            category: &self.category,
            platform: &self.platform,
            time: self.time,
            product: &self.product,
        }
    }
}

impl ProductKey<&str> {
    pub fn to_owned(self) -> ProductKey {
        ProductKey {
            category: self.category.to_string(),
            platform: self.platform.to_string(),
            time: self.time,
            product: self.product.to_string(),
        }
    }
}

impl Product {
    /// This product's identity, shared by all its versions.
    pub fn key(&self) -> ProductKey<&str> {
        ProductKey {
            category: &self.category,
            platform: &self.platform,
            time: self.time,
            product: &self.product,
        }
    }

    /// What a forecast forecasts: the product token without its lead-time
    /// prefix (`024h_precip` → `precip`), so that every lead and every run of
    /// a field share one timeline lane. Other products: the token itself.
    pub fn field(&self) -> &str {
        if self.category == crate::name::MODEL {
            crate::name::strip_lead(&self.product)
        } else {
            &self.product
        }
    }

    /// Whether the dashboard can show the file itself as an image.
    pub fn is_image(&self) -> bool {
        crate::media::is_image(&self.media_type)
    }

    /// The URL of a product's bytes, the one place that spells it.
    pub fn file_url_for(id: i64) -> String {
        format!("/api/v1/products/{id}/file")
    }

    /// The URL of a rendition (`thumbnail` or `preview`) of a product.
    pub fn rendition_url_for(id: i64, which: &str) -> String {
        format!("/api/v1/products/{id}/{which}")
    }
}

/// A dropped file that was refused. Its bytes are kept in `rejected/` beside a
/// `<name>.reason.txt`, so nothing a provider sent is ever lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The name as dropped (lossily decoded if it was not UTF-8).
    pub file_name: String,
    /// Why, in words meant for the provider.
    pub reason: String,
    pub rejected_at: DateTime<Utc>,
    /// The uploading provider, when the file came over HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// A change to the catalogue, numbered by `seq`. Sequence numbers are strictly
/// increasing and stored, so a dashboard that reconnects with `?after=SEQ`
/// receives exactly what it missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Serialised with a `type` field (`product.added`, …) next to
/// `seq`, so that clients can switch on it without nesting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    #[serde(rename = "product.added")]
    ProductAdded { product: Product },
    /// A product received new bytes (a new version) or new metadata (a sidecar).
    #[serde(rename = "product.updated")]
    ProductUpdated {
        product: Product,
        /// This update restricted a product open to the public until then:
        /// public pages are told to drop it (see [`Skip`]).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        withdrawn: bool,
    },
    #[serde(rename = "product.rejected")]
    ProductRejected { rejection: Rejection },
    /// A platform added or changed by an admin.
    #[serde(rename = "platform.saved")]
    PlatformSaved { platform: Platform },
    /// An IOP added or changed by an admin.
    #[serde(rename = "iop.saved")]
    IopSaved { iop: Iop },
    #[serde(rename = "operation.created")]
    OperationCreated { operation: Operation },
    /// Planning fields changed (not the status: that is a decision).
    #[serde(rename = "operation.updated")]
    OperationUpdated { operation: Operation },
    /// A decision and the operation as it left it. The evidence names
    /// product ids and versions only, never a product's name: a reader
    /// who may not see a cited product learns nothing of it.
    #[serde(rename = "decision.recorded")]
    DecisionRecorded {
        decision: Decision,
        operation: Operation,
    },
    /// A briefing planned, changed, or its presenter moved to another item.
    #[serde(rename = "briefing.updated")]
    BriefingUpdated { briefing: Briefing },
    /// An operation's report written or amended, or a report file attached
    /// to it; `operation` as it is after (`reported` once it takes one).
    #[serde(rename = "report.updated")]
    ReportUpdated {
        report: Report,
        operation: Operation,
    },
    /// A flight plan attached to an operation.
    #[serde(rename = "flight_plan.saved")]
    FlightPlanSaved {
        plan: crate::tracks::plan::StoredPlan,
    },
    /// A flight plan taken off its operation (removed, or replaced by a
    /// newer file).
    #[serde(rename = "flight_plan.removed")]
    FlightPlanRemoved { id: i64, operation_id: i64 },
    /// A case study created or changed. A draft is for participants only.
    #[serde(rename = "case_study.saved")]
    CaseStudySaved {
        case_study: crate::case_studies::CaseStudy,
    },
    /// A case study deleted; `published` says whether the public knew it.
    #[serde(rename = "case_study.deleted")]
    CaseStudyDeleted {
        id: i64,
        slug: String,
        published: bool,
    },
    /// A tag of the case studies' vocabulary added or changed by an admin.
    #[serde(rename = "case_tag.saved")]
    CaseTagSaved { tag: crate::case_studies::CaseTag },
}

/// Sent on the event stream, instead of silence, to a client that resumes
/// after a `seq` this catalogue never reached (it was restored from a backup,
/// or the page came from another server): what the client holds is not this
/// catalogue's, so it must load the board again. `{"type":"reset","last_seq":N}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "reset")]
pub struct Reset {
    /// The newest `seq` stored; live events follow from it.
    pub last_seq: i64,
}

/// Sent on the event stream in place of an event this client may not see (a
/// restricted product's, a refusal's): the `seq` moves on without a gap and
/// without saying what happened. `{"type":"skip","seq":N}`.
///
/// When the event restricts a product that was open until then, the marker
/// names it (`"withdrawn": id`) so that pages of the public drop what they
/// hold: they had it already, so nothing leaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "skip")]
pub struct Skip {
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<i64>,
}

impl Skip {
    /// The marker sent for `event` to whoever may not see it.
    pub fn of(event: &Event) -> Self {
        let withdrawn = match &event.kind {
            EventKind::ProductUpdated {
                product,
                withdrawn: true,
            } => Some(product.id),
            _ => None,
        };
        Self {
            seq: event.seq,
            withdrawn,
        }
    }
}

/// The close code of a websocket whose caller's access ended (logged out,
/// disabled, password changed): the page goes back to the login.
pub const CLOSE_ACCESS_ENDED: u16 = 4401;

impl EventKind {
    /// The `type` tag, for storage next to the payload.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ProductAdded { .. } => "product.added",
            EventKind::ProductUpdated { .. } => "product.updated",
            EventKind::ProductRejected { .. } => "product.rejected",
            EventKind::PlatformSaved { .. } => "platform.saved",
            EventKind::IopSaved { .. } => "iop.saved",
            EventKind::OperationCreated { .. } => "operation.created",
            EventKind::OperationUpdated { .. } => "operation.updated",
            EventKind::DecisionRecorded { .. } => "decision.recorded",
            EventKind::BriefingUpdated { .. } => "briefing.updated",
            EventKind::ReportUpdated { .. } => "report.updated",
            EventKind::FlightPlanSaved { .. } => "flight_plan.saved",
            EventKind::FlightPlanRemoved { .. } => "flight_plan.removed",
            EventKind::CaseStudySaved { .. } => "case_study.saved",
            EventKind::CaseStudyDeleted { .. } => "case_study.deleted",
            EventKind::CaseTagSaved { .. } => "case_tag.saved",
        }
    }
}

/// The families the dashboard groups lanes by, in display order.
///
/// Serialised by [`Family::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Family {
    #[serde(rename = "forecast")]
    Forecast,
    #[serde(rename = "remote")]
    RemoteSensing,
    #[serde(rename = "insitu")]
    InSitu,
    #[serde(rename = "ops")]
    Operations,
    #[serde(rename = "other")]
    Other,
}

impl Family {
    /// Stable name, for CSS classes and URLs.
    pub fn key(self) -> &'static str {
        match self {
            Family::Forecast => "forecast",
            Family::RemoteSensing => "remote",
            Family::InSitu => "insitu",
            Family::Operations => "ops",
            Family::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Family::Forecast => "Forecasts",
            Family::RemoteSensing => "Remote sensing",
            Family::InSitu => "In situ",
            Family::Operations => "Operations",
            Family::Other => "Other",
        }
    }

    pub fn order(self) -> u8 {
        self as u8
    }
}

/// Where a page of arrivals starts: strictly older than this arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalCursor {
    pub ingested_at: DateTime<Utc>,
    pub id: i64,
}

impl ArrivalCursor {
    pub fn of(product: &Product) -> Self {
        Self {
            ingested_at: product.ingested_at,
            id: product.id,
        }
    }
}

/// The family of a category of the naming convention.
pub fn family(category: &str) -> Family {
    match category {
        "model" => Family::Forecast,
        "satellite" | "radar" | "lidar" => Family::RemoteSensing,
        "surface" | "upperair" | "aircraft" | "insitu" => Family::InSitu,
        "ops" | "report" | "missions" => Family::Operations,
        _ => Family::Other,
    }
}

/// Products for the crate's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{DateTime, Utc};

    use super::Product;

    /// Version 1 of `category.platform.<time>.name.png`, catalogued as `id`.
    pub fn product(
        id: i64,
        category: &str,
        platform: &str,
        name: &str,
        time: DateTime<Utc>,
    ) -> Product {
        Product {
            id,
            category: category.into(),
            platform: platform.into(),
            product: name.into(),
            time,
            run_time: None,
            lead_hours: None,
            valid_time: time,
            version: 1,
            file_name: format!(
                "{category}.{platform}.{}.{name}.png",
                time.format("%Y%m%d%H%M")
            ),
            media_type: "image/png".into(),
            size: 1,
            sha256: "x".into(),
            ingested_at: time,
            file_url: Product::file_url_for(id),
            missing: false,
            thumbnail_url: None,
            preview_url: None,
            preview_error: None,
            meta: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn events_serialise_flat_with_a_type_tag() {
        let event = Event {
            seq: 42,
            kind: EventKind::ProductRejected {
                rejection: Rejection {
                    file_name: "bad.png".into(),
                    reason: "expected 5 tokens".into(),
                    rejected_at: Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap(),
                    provider: None,
                },
            },
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["seq"], 42);
        assert_eq!(json["type"], "product.rejected");
        assert_eq!(json["rejection"]["file_name"], "bad.png");
        assert_eq!(json["rejection"]["rejected_at"], "2026-11-28T12:00:00Z");
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }
}
