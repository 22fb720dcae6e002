//! What a dashboard page starts from, and the server functions that load it.

#[cfg(test)]
use chrono::TimeZone;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use model::record::ArrivalCursor;
use model::{Product, Rejection};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::{catalogue, current, internal, reader, refuse};

/// What a page carries around its window (by product time, a forecast's
/// being its run): a quarter of the window's width either side, at least
/// [`MIN_MARGIN`]. Every product loaded is in the page and the page crosses
/// satcom links, so it holds what the first screen draws; the rest of what a
/// drag, a zoom or an older run reaches is loaded once the page is
/// interactive, with [`load_products`].
pub fn load_margin(span: Duration) -> Duration {
    (span / 4).max(MIN_MARGIN)
}
pub const MIN_MARGIN: Duration = Duration::hours(6);
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
    /// Who the page is for (the header's name and logout).
    pub reader: model::Reader,
    /// The operations planned in the loaded stretch, the decisions taken in
    /// it, and the platforms (their colours): the operations lanes.
    pub operations: Vec<model::operations::Operation>,
    pub decisions: Vec<model::operations::DecisionTick>,
    pub platforms: Vec<model::operations::Platform>,
    /// Lite mode, as the address or the reader's cookie chose ([`crate::lite`]).
    pub lite: bool,
    /// What the campaign expects in the loaded stretch and has not come:
    /// the timeline's hollow marks (filled as their products arrive).
    pub expected: Vec<model::expected::Expected>,
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
        .checked_sub_signed(load_margin(span))
        .zip(start.checked_add_signed(span + load_margin(span)))
        .ok_or_else(|| refuse(format!("a window from {start} is beyond the calendar")))?;
    // The products and the last event they reflect, read together, so the
    // live stream resumes exactly after them.
    let current = current()?;
    catalogue.sync(&current).await.map_err(internal)?;
    let reader = reader();
    let visibility = reader.visibility();
    let (last_seq, mut products) = current.window(loaded.0, loaded.1, MAX_PRODUCTS, visibility);
    if let Some(id) = open.filter(|id| !products.iter().any(|p| p.id == *id)) {
        if let Some(stored) = catalogue.product(id, visibility).await.map_err(internal)? {
            products.push(stored.product);
        }
    }
    // A refusal's reason can name a restricted product: admins only.
    let rejections = if reader.is_at_least(model::Role::Admin) {
        catalogue
            .recent_rejections(RECENT_REJECTIONS as i64, None)
            .await
            .map_err(internal)?
    } else {
        Vec::new()
    };
    let mut arrivals = catalogue
        .arrivals(None, "", ARRIVALS_PAGE, visibility)
        .await
        .map_err(internal)?;
    // The server renders the page from what the browser will read back, or
    // hydration would meet a different page.
    products
        .iter_mut()
        .chain(&mut arrivals)
        .for_each(rows::as_sent);
    let planned = catalogue::OperationQuery {
        from: Some(loaded.0),
        to: Some(loaded.1),
        ..Default::default()
    };
    let operations = catalogue.operations(&planned).await.map_err(internal)?;
    let decisions = catalogue
        .decision_ticks(loaded.0, loaded.1)
        .await
        .map_err(internal)?;
    let platforms = catalogue.platforms().await.map_err(internal)?;
    let expected = crate::ssr::expected_now(visibility)
        .into_iter()
        .filter(|e| {
            !matches!(e.status, model::expected::Status::Arrived { .. })
                && (loaded.0..=loaded.1).contains(&e.valid)
        })
        .collect();
    Ok(Board {
        now,
        last_seq,
        loaded,
        products,
        rejections,
        arrivals,
        config: use_context::<SiteConfig>().unwrap_or_default(),
        reader,
        operations,
        decisions,
        platforms,
        lite: crate::lite::on_server(),
        expected,
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
    catalogue()?.sync(&current).await.map_err(internal)?;
    Ok(current
        .window(from, to, MAX_PRODUCTS, reader().visibility())
        .1)
}

/// A page of the arrivals history: every version received before `before`,
/// newest first, whose name or title has every word of `text`.
#[server]
pub async fn load_arrivals(
    before: Option<ArrivalCursor>,
    text: String,
) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?
        .arrivals(before, &text, ARRIVALS_PAGE, reader().visibility())
        .await
        .map_err(internal)
}

/// Current products anywhere in the catalogue whose name or title has every
/// word of `text`, newest valid time first: search beyond the loaded stretch.
#[server]
pub async fn search_products(text: String) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?
        .search(&text, SEARCH_RESULTS, reader().visibility())
        .await
        .map_err(internal)
}

/// Every version of the product `id` is one of, oldest first.
#[server]
pub async fn load_versions(id: i64) -> Result<Vec<Product>, ServerFnError> {
    catalogue()?
        .versions(id, reader().visibility())
        .await
        .map_err(internal)
}

/// The products of a page as rows: arrays in a fixed order, times in epoch
/// milliseconds, and nothing the page can work out itself — no download or
/// rendition URLs (they follow from the id; flags say which renditions
/// exist), no valid time equal to the product time, no SHA-256 (the viewer
/// and the download's ETag have it), the file name as its extension when it
/// is the canonical one, `null` for empty metadata. The bulk of every page,
/// so every byte counted: a satcom link carries it.
mod rows {
    use chrono::{DateTime, TimeZone, Utc};
    use model::name::format_time;
    use model::sidecar::ProductMeta;
    use model::Product;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Ms = i64;

    /// Which renditions a product has, as bits.
    const THUMBNAIL: u8 = 1;
    const PREVIEW: u8 = 2;

    #[derive(Serialize)]
    struct RowRef<'a>(
        i64,
        &'a str,
        &'a str,
        &'a str,
        Ms,
        Option<Ms>,
        Option<u32>,
        Option<Ms>,
        i64,
        &'a str,
        &'a str,
        u64,
        Ms,
        u8,
        u8,
        &'a Option<String>,
        Option<&'a ProductMeta>,
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
        Option<Ms>,
        i64,
        String,
        String,
        u64,
        Ms,
        u8,
        u8,
        Option<String>,
        Option<ProductMeta>,
    );

    /// A product as a page carries it: what the rows leave out, left out.
    #[cfg(any(feature = "ssr", test))]
    pub fn as_sent(product: &mut Product) {
        product.sha256.clear();
    }

    fn time(ms: Ms) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
    }

    /// `category.platform.YYYYMMDDhhmm.product`: a file name up to its extension.
    fn canonical(category: &str, platform: &str, time: DateTime<Utc>, product: &str) -> String {
        format!("{category}.{platform}.{}.{product}.", format_time(time))
    }

    pub fn serialize<S: Serializer>(products: &[Product], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(products.iter().map(|p| {
            let prefix = canonical(&p.category, &p.platform, p.time, &p.product);
            // A leading dot marks a name written as its extension.
            let file_name = match p.file_name.strip_prefix(&prefix) {
                Some(_) => &p.file_name[prefix.len() - 1..],
                None => p.file_name.as_str(),
            };
            let renditions = u8::from(p.thumbnail_url.is_some()) * THUMBNAIL
                + u8::from(p.preview_url.is_some()) * PREVIEW;
            RowRef(
                p.id,
                &p.category,
                &p.platform,
                &p.product,
                p.time.timestamp_millis(),
                p.run_time.map(|t| t.timestamp_millis()),
                p.lead_hours,
                (p.valid_time != p.time).then(|| p.valid_time.timestamp_millis()),
                p.version,
                file_name,
                &p.media_type,
                p.size,
                p.ingested_at.timestamp_millis(),
                u8::from(p.missing),
                renditions,
                &p.preview_error,
                (p.meta != ProductMeta::default()).then_some(&p.meta),
            )
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Product>, D::Error> {
        let rows = Vec::<Row>::deserialize(d)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let product_time = time(r.4);
                let file_name = if r.9.starts_with('.') {
                    let prefix = canonical(&r.1, &r.2, product_time, &r.3);
                    format!("{}{}", &prefix[..prefix.len() - 1], r.9)
                } else {
                    r.9
                };
                Product {
                    id: r.0,
                    category: r.1,
                    platform: r.2,
                    product: r.3,
                    time: product_time,
                    run_time: r.5.map(time),
                    lead_hours: r.6,
                    valid_time: r.7.map(time).unwrap_or(product_time),
                    version: r.8,
                    file_name,
                    media_type: r.10,
                    size: r.11,
                    sha256: String::new(),
                    ingested_at: time(r.12),
                    file_url: Product::file_url_for(r.0),
                    missing: r.13 != 0,
                    thumbnail_url: (r.14 & THUMBNAIL != 0)
                        .then(|| Product::rendition_url_for(r.0, "thumbnail")),
                    preview_url: (r.14 & PREVIEW != 0)
                        .then(|| Product::rendition_url_for(r.0, "preview")),
                    preview_error: r.15,
                    meta: r.16.unwrap_or_default(),
                }
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
        let mut product = model::fixtures::product(42, "model.AROME.202611281200.024h_precip.png");
        product.version = 2;
        product.sha256 = String::new(); // not sent with pages
        product.ingested_at = Utc.timestamp_millis_opt(time.timestamp_millis()).unwrap();
        product.missing = true;
        product.thumbnail_url = Some(Product::rendition_url_for(42, "thumbnail"));
        product.preview_error = Some("too big".into());
        product.meta = model::sidecar::ProductMeta {
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
            reader: Default::default(),
            operations: Vec::new(),
            decisions: Vec::new(),
            platforms: Vec::new(),
            lite: true,
            expected: Vec::new(),
        };
        let json = serde_json::to_string(&board).unwrap();
        assert!(!json.contains("\"category\""), "rows, not objects: {json}");
        assert!(
            !json.contains("/api/v1/"),
            "addresses follow from ids: {json}"
        );
        assert!(
            !json.contains("model.AROME.202611281200"),
            "a canonical name is sent as its extension: {json}"
        );
        let back: Board = serde_json::from_str(&json).unwrap();
        assert_eq!(back, board);
    }

    #[test]
    fn a_product_as_sent_is_what_the_browser_reads_back() {
        let mut product = model::fixtures::product(3, "satellite.MSG.202611281200.ir108.png");
        product.sha256 = "ab".repeat(32);
        rows::as_sent(&mut product);
        let json = serde_json::to_string(&Wire(vec![product.clone()])).unwrap();
        let back: Wire = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.0,
            vec![product],
            "server and browser render the same page"
        );
    }

    #[derive(Serialize, Deserialize)]
    struct Wire(#[serde(with = "rows")] Vec<Product>);

    #[test]
    fn uncommon_names_times_and_empty_metadata_survive_too() {
        let time = Utc.timestamp_millis_opt(1_795_950_000_000).unwrap();
        let mut seconds = model::fixtures::product(7, "satellite.MSG.20261128120005.ir108.png");
        seconds.ingested_at = time;
        seconds.sha256 = String::new();
        seconds.preview_url = Some(Product::rendition_url_for(7, "preview"));
        let mut odd = model::fixtures::product(9, "surface.ST01.202611281200.t2m.csv");
        odd.file_name = "named-otherwise.csv".into();
        odd.ingested_at = time;
        odd.sha256 = String::new();
        let mut plain = model::fixtures::product(8, "surface.ST01.202611281200.t2m.csv");
        plain.ingested_at = time;
        plain.sha256 = String::new();
        plain.valid_time = plain.time;
        plain.meta = model::sidecar::ProductMeta::default();
        let board = Board {
            now: time,
            last_seq: 1,
            loaded: (time, time),
            products: vec![seconds, odd, plain.clone()],
            rejections: Vec::new(),
            arrivals: vec![plain],
            config: SiteConfig::default(),
            reader: Default::default(),
            operations: Vec::new(),
            decisions: Vec::new(),
            platforms: Vec::new(),
            lite: false,
            expected: Vec::new(),
        };
        let json = serde_json::to_string(&board).unwrap();
        assert!(json.contains("named-otherwise.csv"), "{json}");
        let back: Board = serde_json::from_str(&json).unwrap();
        assert_eq!(back, board);
    }
}
