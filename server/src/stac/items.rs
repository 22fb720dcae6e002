//! Items: a collection's (`/collections/{id}/items`, one by id) and the
//! item search (`GET` and `POST /search`), a page at a time, with a `next`
//! link carrying a keyset token: stable while products arrive, since each
//! page resumes after the last item seen rather than at an offset.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use catalogue::stac::search::{ItemSearch, PageToken, SearchBody, SearchError, SearchQuery};
use catalogue::stac::{
    item, parse_item_id, CollectionId, Hrefs, Item, Link, Renditions, GEOJSON, JSON,
};
use catalogue::StoredProduct;
use model::Visibility;
use serde_json::{json, Value};

use super::{collections, typed, RequestRoot};
use crate::api::input::JsonBody;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/collections/{id}/items", get(items))
        .route("/collections/{id}/items/{item}", get(one))
        .route("/search", get(search_get).post(search_post))
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        ApiError::BadRequest(error.0)
    }
}

/// The media type of a rendition stored at `path`.
fn rendition_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "image/jpeg",
    }
}

fn renditions(stored: &StoredProduct) -> Renditions<'static> {
    Renditions {
        thumbnail: stored.thumbnail_path.as_deref().map(rendition_type),
        overview: stored.preview_path.as_deref().map(rendition_type),
    }
}

/// The collection an item is shown in: its lane unless the search named
/// other collections only, then the campaign or the case it was found by.
fn shown_in(stored: &StoredProduct, asked: &[CollectionId]) -> String {
    let lane = CollectionId::lane_of(&stored.product);
    if asked.is_empty() || asked.contains(&lane) {
        return lane.to_string();
    }
    let by = asked
        .iter()
        .find(|c| **c == CollectionId::Campaign)
        .or_else(|| asked.first())
        .unwrap_or(&lane);
    by.to_string()
}

/// Where the next page is asked for: the same GET with a token, or the
/// same POST body with one.
enum Next {
    Get {
        base: String,
        query: Vec<(String, String)>,
    },
    Post {
        href: String,
        body: Value,
    },
}

impl Next {
    /// The page itself, as it was asked for.
    fn this(&self) -> Link {
        match self {
            Next::Get { base, query } if query.is_empty() => {
                Link::new("self", base.clone(), GEOJSON)
            }
            Next::Get { base, query } => {
                let query = serde_urlencoded::to_string(query).unwrap_or_default();
                Link::new("self", format!("{base}?{query}"), GEOJSON)
            }
            Next::Post { href, .. } => Link::new("self", href.clone(), GEOJSON),
        }
    }

    fn link(self, token: String) -> Link {
        match self {
            Next::Get { base, mut query } => {
                query.retain(|(k, _)| k != "token");
                query.push(("token".into(), token));
                let query = serde_urlencoded::to_string(&query).unwrap_or_default();
                Link::new("next", format!("{base}?{query}"), GEOJSON)
            }
            Next::Post { href, mut body } => {
                body["token"] = json!(token);
                let mut link = Link::new("next", href, GEOJSON);
                link.method = Some("POST".into());
                link.body = Some(body);
                link
            }
        }
    }
}

/// One page of `search` as a GeoJSON FeatureCollection.
async fn page(
    state: &AppState,
    visibility: Visibility,
    root: &RequestRoot,
    search: &ItemSearch,
    next: Next,
) -> Result<Response, ApiError> {
    let mut rows = state.catalogue.stac_items(search, visibility).await?;
    let more = rows.len() > search.limit;
    rows.truncate(search.limit);
    let features: Vec<Item> = rows
        .iter()
        .map(|s| {
            let collection = shown_in(s, &search.collections);
            item(&s.product, renditions(s), &collection, root)
        })
        .collect();
    let mut links = vec![next.this(), Link::new("root", root.root(), JSON)];
    if let (true, Some(last)) = (more, rows.last()) {
        let token = PageToken {
            valid_ms: last.product.valid_time.timestamp_millis(),
            key: last.product.key().to_owned(),
        };
        links.push(next.link(token.to_text()));
    }
    let collection = FeatureCollection {
        kind: "FeatureCollection",
        number_returned: features.len(),
        features,
        links,
    };
    Ok(typed(collection, "application/geo+json"))
}

/// A page of items, written straight to the answer (not through a
/// `serde_json::Value`: a page of 1 000 items is serialised once).
#[derive(serde::Serialize)]
struct FeatureCollection {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    features: Vec<Item>,
    links: Vec<Link>,
}

/// The pairs of a query string, refused when it is not one.
fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|_| ApiError::BadRequest("the query string cannot be read".into()))
}

fn query_of(raw: Option<&str>) -> Result<SearchQuery, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::BadRequest(format!("the query string cannot be read: {e}")))
}

async fn items(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (collection, _) = collections::find(&state, &id, access.visibility(), &root).await?;
    let mut search = query_of(raw.as_deref())?.search()?;
    search.collections = vec![collection];
    let next = Next::Get {
        base: root.at(&format!("/collections/{id}/items")),
        query: pairs(raw.as_deref())?,
    };
    page(&state, access.visibility(), &root, &search, next).await
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    Path((id, item_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (collection, _) = collections::find(&state, &id, access.visibility(), &root).await?;
    let key = parse_item_id(&item_id).ok_or(ApiError::NotFound("item"))?;
    let search = ItemSearch {
        collections: vec![collection],
        ids: Some(vec![key]),
        limit: 1,
        ..ItemSearch::default()
    };
    let found = state
        .catalogue
        .stac_items(&search, access.visibility())
        .await?;
    let stored = found.first().ok_or(ApiError::NotFound("item"))?;
    let shown = item(&stored.product, renditions(stored), &id, &root);
    Ok(typed(shown, "application/geo+json"))
}

async fn search_get(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let search = query_of(raw.as_deref())?.search()?;
    let next = Next::Get {
        base: root.at("/search"),
        query: pairs(raw.as_deref())?,
    };
    page(&state, access.visibility(), &root, &search, next).await
}

async fn search_post(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let parsed: SearchBody = serde_json::from_value(body.clone())
        .map_err(|e| ApiError::BadRequest(format!("invalid search: {e}")))?;
    let search = parsed.search()?;
    let next = Next::Post {
        href: root.at("/search"),
        body,
    };
    page(&state, access.visibility(), &root, &search, next).await
}
