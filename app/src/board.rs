//! What a dashboard page starts from, and the server function that loads it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use products::{Product, Rejection};
use serde::{Deserialize, Serialize};

/// How far back and ahead of now the first page load reaches, in hours.
pub const HOURS_BACK: i64 = 7 * 24;
pub const HOURS_AHEAD: i64 = 10 * 24;
/// Most products sent with a page.
pub const MAX_PRODUCTS: i64 = 20_000;
/// Rejections shown on the board.
pub const RECENT_REJECTIONS: usize = 20;

/// The state of the catalogue at page load. `last_seq` is read before the
/// products, so the live stream resumes after it without a gap (a product both
/// listed and replayed is simply applied twice, by id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub now: DateTime<Utc>,
    pub last_seq: i64,
    pub products: Vec<Product>,
    pub rejections: Vec<Rejection>,
}

#[server]
pub async fn load_board() -> Result<Board, ServerFnError> {
    use products::catalogue::{Catalogue, ProductQuery};
    let catalogue = use_context::<Catalogue>()
        .ok_or_else(|| ServerFnError::new("the catalogue is not available"))?;
    let now = Utc::now();
    let last_seq = catalogue.last_seq().await.map_err(ServerFnError::new)?;
    let products = catalogue
        .products(&ProductQuery {
            from: Some(now - chrono::Duration::hours(HOURS_BACK)),
            to: Some(now + chrono::Duration::hours(HOURS_AHEAD)),
            limit: Some(MAX_PRODUCTS),
            ..Default::default()
        })
        .await
        .map_err(ServerFnError::new)?;
    let rejections = catalogue
        .recent_rejections(RECENT_REJECTIONS as i64)
        .await
        .map_err(ServerFnError::new)?;
    Ok(Board {
        now,
        last_seq,
        products,
        rejections,
    })
}
