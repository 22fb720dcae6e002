//! What a dashboard page starts from, and the server functions that load it.

#[cfg(test)]
use chrono::TimeZone;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use products::record::ArrivalCursor;
use products::{Product, Rejection};
use serde::{Deserialize, Serialize};

/// Loaded around the window of a page (by product time, a forecast's being
/// its run): three days before, for the runs whose leads reach the window and
/// for the situation grid's nearest products, and two after, for plans.
/// Farther pans load their stretch with [`load_products`]. Every product
/// loaded is in the page, so this is kept to what a view needs.
pub const LOAD_BEFORE: Duration = Duration::days(3);
pub const LOAD_AFTER: Duration = Duration::days(2);
/// Most products sent with a page or one extra stretch.
pub const MAX_PRODUCTS: usize = 20_000;
/// Widest window a page loads, in hours: the widest zoom.
pub const MAX_SPAN_HOURS: i64 = 24 * 31;
/// Rejections shown on the board.
pub const RECENT_REJECTIONS: usize = 20;
/// Arrivals a page of the history shows.
pub const ARRIVALS_PAGE: i64 = 20;
/// Results a search shows.
pub const SEARCH_RESULTS: i64 = 30;

/// Settings of the server that pages need, provided as context by the server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// An IANA time zone (`Europe/Paris`) shown beside UTC in the header: the
    /// local time of the operations centre.
    pub local_tz: Option<String>,
}

/// The state of the catalogue at page load: the products as of event
/// `last_seq`, from which the live stream resumes without a gap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub now: DateTime<Utc>,
    pub last_seq: i64,
    /// The stretch of valid times `products` covers.
    pub loaded: (DateTime<Utc>, DateTime<Utc>),
    /// Sent as rows (see [`rows`]): the bulk of every page.
    #[serde(with = "rows")]
    pub products: Vec<Product>,
    pub rejections: Vec<Rejection>,
    /// The newest arrivals, wherever their times lie: the history's first page.
    #[serde(with = "rows")]
    pub arrivals: Vec<Product>,
    pub config: SiteConfig,
}

/// The board for a window starting at `from` (`None`: around now) and `span`
/// wide; `open` is added if it lies outside.
#[server]
pub async fn load_board(
    from: Option<DateTime<Utc>>,
    span_hours: i64,
    open: Option<i64>,
) -> Result<Board, ServerFnError> {
    // Server functions are endpoints anyone can call: every number is checked.
    if !(1..=MAX_SPAN_HOURS).contains(&span_hours) {
        return Err(refuse(format!(
            "span_hours is {span_hours}; windows of 1 to {MAX_SPAN_HOURS} hours are loaded"
        )));
    }
    let catalogue = catalogue()?;
    let now = Utc::now();
    let span = Duration::hours(span_hours);
    let start = from.unwrap_or(now - span);
    let loaded = start
        .checked_sub_signed(LOAD_BEFORE)
        .zip(start.checked_add_signed(span + LOAD_AFTER))
        .ok_or_else(|| refuse(format!("a window from {start} is beyond the calendar")))?;
    // The products and the last event they reflect, read together, so the
    // live stream resumes exactly after them.
    let current = current()?;
    catalogue.sync(&current).await.map_err(ServerFnError::new)?;
    let (last_seq, mut products) = current.window(loaded.0, loaded.1, MAX_PRODUCTS);
    if let Some(id) = open.filter(|id| !products.iter().any(|p| p.id == *id)) {
        if let Some(stored) = catalogue.product(id).await.map_err(ServerFnError::new)? {
            products.push(stored.product);
        }
    }
    let rejections = catalogue
        .recent_rejections(RECENT_REJECTIONS as i64)
        .await
        .map_err(ServerFnError::new)?;
    let arrivals = catalogue
        .arrivals(None, "", ARRIVALS_PAGE)
        .await
        .map_err(ServerFnError::new)?;
    Ok(Board {
        now,
        last_seq,
        loaded,
        products,
        rejections,
        arrivals,
        config: use_context::<SiteConfig>().unwrap_or_default(),
    })
}

/// The products valid between `from` and `to`: the page's first load, and the
/// stretches a pan reaches beyond it.
#[server]
pub async fn load_products(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Product>, ServerFnError> {
    let current = current()?;
    catalogue()?
        .sync(&current)
        .await
        .map_err(ServerFnError::new)?;
    Ok(current.window(from, to, MAX_PRODUCTS).1)
}

/// A page of the arrivals history: every version received before `before`,
/// newest first, whose name or title has every word of `text`.
#[server]
pub async fn load_arrivals(
    before: Option<ArrivalCursor>,
    text: String,
) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?
        .arrivals(before, &text, ARRIVALS_PAGE)
        .await
        .map_err(ServerFnError::new)
}

/// Current products anywhere in the catalogue whose name or title has every
/// word of `text`, newest valid time first: search beyond the loaded stretch.
#[server]
pub async fn search_products(text: String) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?
        .search(&text, SEARCH_RESULTS)
        .await
        .map_err(ServerFnError::new)
}

/// Every version of the product `id` is one of, oldest first.
#[server]
pub async fn load_versions(id: i64) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?.versions(id).await.map_err(ServerFnError::new)
}

/// An error for a request that asks for what cannot be: answered 400.
#[cfg(feature = "ssr")]
fn refuse(reason: String) -> ServerFnError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::BAD_REQUEST);
    }
    ServerFnError::new(reason)
}

#[cfg(feature = "ssr")]
fn catalogue() -> Result<products::catalogue::Catalogue, ServerFnError> {
    use_context::<products::catalogue::Catalogue>()
        .ok_or_else(|| ServerFnError::new("the catalogue is not available"))
}

/// The current products in memory, kept by the hub.
#[cfg(feature = "ssr")]
fn current() -> Result<products::catalogue::Current, ServerFnError> {
    use_context::<products::catalogue::Current>()
        .ok_or_else(|| ServerFnError::new("the product index is not available"))
}

/// The products of a page as rows: arrays in a fixed order, times in epoch
/// milliseconds, without the download URL (it follows from the id). Half the
/// bytes of the API's objects, so half the time to write, send and read them.
mod rows {
    use chrono::{DateTime, TimeZone, Utc};
    use products::sidecar::ProductMeta;
    use products::Product;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Ms = i64;

    #[derive(Serialize)]
    struct RowRef<'a>(
        i64,
        &'a str,
        &'a str,
        &'a str,
        Ms,
        Option<Ms>,
        Option<u32>,
        Ms,
        i64,
        &'a str,
        &'a str,
        u64,
        &'a str,
        Ms,
        bool,
        &'a Option<String>,
        &'a Option<String>,
        &'a Option<String>,
        &'a ProductMeta,
    );

    #[derive(Deserialize)]
    struct Row(
        i64,
        String,
        String,
        String,
        Ms,
        Option<Ms>,
        Option<u32>,
        Ms,
        i64,
        String,
        String,
        u64,
        String,
        Ms,
        bool,
        Option<String>,
        Option<String>,
        Option<String>,
        ProductMeta,
    );

    fn time(ms: Ms) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
    }

    pub fn serialize<S: Serializer>(products: &[Product], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(products.iter().map(|p| {
            RowRef(
                p.id,
                &p.category,
                &p.platform,
                &p.product,
                p.time.timestamp_millis(),
                p.run_time.map(|t| t.timestamp_millis()),
                p.lead_hours,
                p.valid_time.timestamp_millis(),
                p.version,
                &p.file_name,
                &p.media_type,
                p.size,
                &p.sha256,
                p.ingested_at.timestamp_millis(),
                p.missing,
                &p.thumbnail_url,
                &p.preview_url,
                &p.preview_error,
                &p.meta,
            )
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Product>, D::Error> {
        let rows = Vec::<Row>::deserialize(d)?;
        Ok(rows
            .into_iter()
            .map(|r| Product {
                id: r.0,
                category: r.1,
                platform: r.2,
                product: r.3,
                time: time(r.4),
                run_time: r.5.map(time),
                lead_hours: r.6,
                valid_time: time(r.7),
                version: r.8,
                file_name: r.9,
                media_type: r.10,
                size: r.11,
                sha256: r.12,
                ingested_at: time(r.13),
                file_url: Product::file_url_for(r.0),
                missing: r.14,
                thumbnail_url: r.15,
                preview_url: r.16,
                preview_error: r.17,
                meta: r.18,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_survives_its_wire_form() {
        let time = Utc::now();
        let mut product = crate::fixtures::product(42, "model.AROME.202611281200.024h_precip.png");
        product.version = 2;
        product.sha256 = "ab".repeat(32);
        product.ingested_at = Utc.timestamp_millis_opt(time.timestamp_millis()).unwrap();
        product.missing = true;
        product.thumbnail_url = Some("/t".into());
        product.preview_error = Some("too big".into());
        product.meta = products::sidecar::ProductMeta {
            title: Some("Precipitation".into()),
            bbox: Some([1.0, 42.0, 6.0, 45.0]),
            ..Default::default()
        };
        let board = Board {
            now: time,
            last_seq: 7,
            loaded: (time, time),
            products: vec![product],
            rejections: Vec::new(),
            arrivals: Vec::new(),
            config: SiteConfig::default(),
        };
        let json = serde_json::to_string(&board).unwrap();
        assert!(!json.contains("\"category\""), "rows, not objects: {json}");
        let back: Board = serde_json::from_str(&json).unwrap();
        assert_eq!(back, board);
    }
}
