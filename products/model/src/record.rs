//! The records opsboard sends to dashboards and API clients.
//!
//! These are wire types: the server serialises them, the wasm dashboard
//! deserialises the same definitions, so the two cannot drift apart.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
