//! What a dashboard page starts from, and the server functions that load it.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use products::{Product, Rejection};
use serde::{Deserialize, Serialize};

/// Loaded around the window of a page, beyond what is drawn: the week before
/// and the forecasts ahead, so that panning and the situation grid rarely
/// need more. Farther pans load their stretch with [`load_products`].
pub const LOAD_BEFORE: Duration = Duration::days(7);
pub const LOAD_AFTER: Duration = Duration::days(10);
/// Most products sent with a page or one extra stretch.
pub const MAX_PRODUCTS: usize = 20_000;
/// Rejections shown on the board.
pub const RECENT_REJECTIONS: usize = 20;

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
    pub products: Vec<Product>,
    pub rejections: Vec<Rejection>,
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
    let catalogue = catalogue()?;
    let now = Utc::now();
    let start = from.unwrap_or(now - Duration::hours(span_hours));
    let loaded = (
        start - LOAD_BEFORE,
        start + Duration::hours(span_hours.clamp(1, 24 * 31)) + LOAD_AFTER,
    );
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
    Ok(Board {
        now,
        last_seq,
        loaded,
        products,
        rejections,
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
