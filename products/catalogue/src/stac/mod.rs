//! The campaign as STAC 1.0.0: one Item per current product, one Collection
//! per lane (`category.platform`), per published case study (`case-<slug>`)
//! and for the campaign as a whole (`campaign`).
//!
//! Items and collections are built here once, for the STAC API and for the
//! static catalogs of bundles and exported sites alike; only where their
//! links point differs, which the caller says through [`Hrefs`].
//!
//! An item's id is its product's identity (`category.platform.time.product`,
//! the file name without its extension), not a catalogue row: a new version
//! of a product is the same item, changed, so paging through a search while
//! products arrive never sees an item twice.

pub mod filter;
pub mod search;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use model::record::{Product, ProductKey};

pub const STAC_VERSION: &str = "1.0.0";

/// Why a search was refused: said to the client as a 400.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SearchError(pub String);

/// The forecast extension, declared by model products' items.
pub const FORECAST_EXTENSION: &str =
    "https://stac-extensions.github.io/forecast/v0.2.0/schema.json";
/// The category whose products are forecasts.
pub const MODEL_CATEGORY: &str = "model";
/// The collection of every item.
pub const CAMPAIGN_COLLECTION: &str = "campaign";
/// The prefix of a case study's collection id.
pub const CASE_PREFIX: &str = "case-";

/// A collection of the API: which items it holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CollectionId {
    /// Every item.
    Campaign,
    /// The products of one category and platform (`model.AROME`).
    Lane { category: String, platform: String },
    /// The products a published case study pins.
    Case { slug: String },
}

impl CollectionId {
    /// Reads a collection id; `None` for one that cannot exist.
    pub fn parse(id: &str) -> Option<Self> {
        if id == CAMPAIGN_COLLECTION {
            return Some(Self::Campaign);
        }
        if let Some(slug) = id.strip_prefix(CASE_PREFIX) {
            return (!slug.is_empty()).then(|| Self::Case { slug: slug.into() });
        }
        let (category, platform) = id.split_once('.')?;
        let token = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        (token(category) && token(platform)).then(|| Self::Lane {
            category: category.into(),
            platform: platform.into(),
        })
    }

    /// The lane of `product`: the collection an item belongs to first.
    pub fn lane_of(product: &Product) -> Self {
        Self::Lane {
            category: product.category.clone(),
            platform: product.platform.clone(),
        }
    }
}

impl std::fmt::Display for CollectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Campaign => f.write_str(CAMPAIGN_COLLECTION),
            Self::Lane { category, platform } => write!(f, "{category}.{platform}"),
            Self::Case { slug } => write!(f, "{CASE_PREFIX}{slug}"),
        }
    }
}

/// The item id of a product: its identity as its file name spells it.
pub fn item_id(key: ProductKey<&str>) -> String {
    format!(
        "{}.{}.{}.{}",
        key.category,
        key.platform,
        name_time(key.time),
        key.product
    )
}

/// A time as file names write it: minutes, or seconds when it has them.
fn name_time(time: DateTime<Utc>) -> String {
    if time.timestamp() % 60 == 0 {
        time.format("%Y%m%d%H%M").to_string()
    } else {
        time.format("%Y%m%d%H%M%S").to_string()
    }
}

/// The product identity an item id names; `None` when it names none.
pub fn parse_item_id(id: &str) -> Option<ProductKey> {
    let mut parts = id.splitn(4, '.');
    let (category, platform, time, product) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let format = match time.len() {
        12 => "%Y%m%d%H%M",
        14 => "%Y%m%d%H%M%S",
        _ => return None,
    };
    let time = chrono::NaiveDateTime::parse_from_str(time, format).ok()?;
    if category.is_empty() || platform.is_empty() || product.is_empty() {
        return None;
    }
    Some(ProductKey {
        category: category.into(),
        platform: platform.into(),
        time: time.and_utc(),
        product: product.into(),
    })
}

/// RFC 3339 in UTC with milliseconds only when there are some.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Where the links of items and collections point: the API's absolute
/// URLs, or a static catalog's relative paths.
pub trait Hrefs {
    fn root(&self) -> String;
    fn collection(&self, collection: &str) -> String;
    fn item(&self, collection: &str, item: &str) -> String;
    /// An asset of `product`: `data`, `thumbnail` or `overview`.
    fn asset(&self, product: &Product, asset: &str) -> String;
}

/// Which file of a static catalog links are seen from, in the layout
/// `catalog.json`, `<collection>/collection.json`,
/// `<collection>/<item>/<item>.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticFile {
    Collection,
    Item,
}

/// The relative links of a static catalog (a bundle's, an exported
/// site's): `asset` says where a product's asset is from the catalog's
/// folder.
pub struct StaticHrefs<'a> {
    pub from: StaticFile,
    pub asset: &'a dyn Fn(&Product, &str) -> String,
}

impl<'a> StaticHrefs<'a> {
    /// The links as seen from an item's file, its assets where `asset` says.
    pub const fn from_item(asset: &'a dyn Fn(&Product, &str) -> String) -> Self {
        Self {
            from: StaticFile::Item,
            asset,
        }
    }

    /// The links as seen from the collection's file.
    pub const fn from_collection(asset: &'a dyn Fn(&Product, &str) -> String) -> Self {
        Self {
            from: StaticFile::Collection,
            asset,
        }
    }
}

impl Hrefs for StaticHrefs<'_> {
    fn root(&self) -> String {
        match self.from {
            StaticFile::Collection => "../catalog.json".into(),
            StaticFile::Item => "../../catalog.json".into(),
        }
    }
    fn collection(&self, _: &str) -> String {
        match self.from {
            StaticFile::Collection => "./collection.json".into(),
            StaticFile::Item => "../collection.json".into(),
        }
    }
    fn item(&self, _: &str, item: &str) -> String {
        match self.from {
            StaticFile::Collection => format!("./{item}/{item}.json"),
            StaticFile::Item => format!("./{item}.json"),
        }
    }
    fn asset(&self, product: &Product, asset: &str) -> String {
        let up = match self.from {
            StaticFile::Collection => "../",
            StaticFile::Item => "../../",
        };
        format!("{up}{}", (self.asset)(product, asset))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub rel: String,
    pub href: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Search links: the method, and for POST the body to send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";

impl Link {
    pub fn new(rel: &str, href: String, media_type: &str) -> Self {
        Self {
            rel: rel.into(),
            href,
            media_type: Some(media_type.into()),
            title: None,
            method: None,
            body: None,
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub href: String,
    #[serde(rename = "type")]
    pub media_type: String,
    pub title: String,
    pub roles: Vec<String>,
}

/// A STAC Item (a GeoJSON Feature).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    #[serde(rename = "type")]
    pub kind: String,
    pub stac_version: String,
    pub stac_extensions: Vec<String>,
    pub id: String,
    pub geometry: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    pub properties: Map<String, Value>,
    pub links: Vec<Link>,
    pub assets: Map<String, Value>,
    pub collection: String,
}

/// What an item shows of a product besides the product itself: the media
/// types of its renditions, once made.
#[derive(Clone, Copy, Debug, Default)]
pub struct Renditions<'a> {
    pub thumbnail: Option<&'a str>,
    pub overview: Option<&'a str>,
}

/// The polygon of a box west, south, east, north.
pub fn box_polygon([w, s, e, n]: [f64; 4]) -> Value {
    serde_json::json!({
        "type": "Polygon",
        "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
    })
}

/// The item of `product` as reached through `collection`.
pub fn item(
    product: &Product,
    renditions: Renditions,
    collection: &str,
    hrefs: &dyn Hrefs,
) -> Item {
    let id = item_id(product.key());
    let mut properties = Map::new();
    let mut put = |key: &str, value: Value| {
        properties.insert(key.into(), value);
    };
    put("datetime", rfc3339(product.valid_time).into());
    put("created", rfc3339(product.ingested_at).into());
    if let Some(title) = &product.meta.title {
        put("title", title.clone().into());
    }
    if let Some(description) = &product.meta.description {
        put("description", description.clone().into());
    }
    if let Some(tags) = &product.meta.tags {
        put("keywords", tags.clone().into());
    }
    put("version", product.version.to_string().into());
    put("platform", product.platform.clone().into());
    if let Some(provider) = &product.meta.provider {
        put(
            "providers",
            serde_json::json!([{ "name": provider, "roles": ["producer"] }]),
        );
    }
    let mut extensions = Vec::new();
    if product.category == MODEL_CATEGORY {
        if let Some(run) = product.run_time {
            extensions.push(FORECAST_EXTENSION.to_string());
            put("forecast:reference_datetime", rfc3339(run).into());
            if let Some(lead) = product.lead_hours {
                put("forecast:horizon", format!("PT{lead}H").into());
            }
            put("forecast:variable", product.field().to_string().into());
        }
    }
    let mut assets = Map::new();
    let mut asset = |key: &str, media_type: &str, title: String, role: &str| {
        let asset = Asset {
            href: hrefs.asset(product, key),
            media_type: media_type.into(),
            title,
            roles: vec![role.into()],
        };
        if let Ok(value) = serde_json::to_value(asset) {
            assets.insert(key.into(), value);
        }
    };
    asset(
        "data",
        &product.media_type,
        product.file_name.clone(),
        "data",
    );
    if let Some(media_type) = renditions.thumbnail {
        asset("thumbnail", media_type, "Thumbnail".into(), "thumbnail");
    }
    if let Some(media_type) = renditions.overview {
        asset("overview", media_type, "Preview".into(), "overview");
    }
    let links = vec![
        Link::new("self", hrefs.item(collection, &id), GEOJSON),
        Link::new("parent", hrefs.collection(collection), JSON),
        Link::new("collection", hrefs.collection(collection), JSON),
        Link::new("root", hrefs.root(), JSON),
    ];
    Item {
        kind: "Feature".into(),
        stac_version: STAC_VERSION.into(),
        stac_extensions: extensions,
        geometry: product.meta.bbox.map(box_polygon),
        bbox: product.meta.bbox,
        id,
        properties,
        links,
        assets,
        collection: collection.into(),
    }
}

/// What a collection's extent is computed from: its items' count, first and
/// last valid times and the union of their boxes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    pub items: i64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub bbox: Option<[f64; 4]>,
}

impl Extent {
    /// A case study's own extent, its time range and area: part of its
    /// collection's extent whatever its pinned products say (without it, a
    /// case pinning products without a box spanned the whole globe).
    pub fn of_case(case: &model::case_studies::CaseStudy) -> Extent {
        Extent {
            items: 0,
            first: case.start,
            last: case.end,
            bbox: case.bbox,
        }
    }

    /// The extent of both.
    pub fn union(self, other: Extent) -> Extent {
        let bbox = match (self.bbox, other.bbox) {
            (Some(a), Some(b)) => Some([
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]),
            (a, b) => a.or(b),
        };
        Extent {
            items: self.items + other.items,
            first: self.first.min(other.first),
            last: self.last.max(other.last),
            bbox,
        }
    }
}

/// A STAC Collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    #[serde(rename = "type")]
    pub kind: String,
    pub stac_version: String,
    pub stac_extensions: Vec<String>,
    pub id: String,
    pub title: String,
    pub description: String,
    pub license: String,
    pub extent: Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    pub links: Vec<Link>,
}

/// Collection `id` with its extent (`None`: no item yet, so the whole
/// world and an open interval).
pub fn collection(
    id: &str,
    title: String,
    description: String,
    extent: Option<Extent>,
    hrefs: &dyn Hrefs,
) -> Collection {
    let (bbox, interval) = match extent {
        Some(e) => (
            e.bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]),
            serde_json::json!([rfc3339(e.first), rfc3339(e.last)]),
        ),
        None => (
            [-180.0, -90.0, 180.0, 90.0],
            serde_json::json!([null, null]),
        ),
    };
    Collection {
        kind: "Collection".into(),
        stac_version: STAC_VERSION.into(),
        stac_extensions: Vec::new(),
        id: id.into(),
        description,
        license: "proprietary".into(),
        extent: serde_json::json!({
            "spatial": { "bbox": [bbox] },
            "temporal": { "interval": [interval] },
        }),
        keywords: Vec::new(),
        links: vec![
            Link::new("self", hrefs.collection(id), JSON).titled(title.clone()),
            Link::new("root", hrefs.root(), JSON).titled("The campaign"),
            Link::new("parent", hrefs.root(), JSON).titled("The campaign"),
        ],
        title,
    }
}

#[cfg(test)]
mod tests;
