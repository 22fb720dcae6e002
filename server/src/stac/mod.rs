//! The STAC API (STAC API 1.0.0) under `/stac/v1`, so that pystac-client,
//! QGIS's STAC plugin and STAC Browser can search a campaign: the landing
//! catalog, `/conformance`, the collections (see [`collections`]), their
//! items and item search (see [`items`]), and `/api`, the OpenAPI document.
//!
//! Who may read what is the rest of the site's rule ([`ReadAccess`]):
//! restricted products are filtered in the catalogue's queries, so an item,
//! a count or an extent never shows one to a reader who may not see it.

mod collections;
mod items;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use catalogue::stac::filter::queryables_schema;
use catalogue::stac::{Hrefs, Link, JSON, STAC_VERSION};
use model::Product;
use serde_json::json;

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .route("/", get(landing))
        .route("/conformance", get(conformance))
        .route("/queryables", get(queryables))
        .route("/api", get(service_desc))
        .merge(collections::router())
        .merge(items::router())
        .fallback(|| async { ApiError::NotFound("STAC route") });
    Router::new().nest("/stac/v1", v1)
}

/// What the API conforms to: core, collections, OGC API Features (with
/// GeoJSON and an OpenAPI 3.0 description), item search, sorting, and
/// filtering in basic CQL2, written as text or JSON.
const CONFORMS_TO: [&str; 16] = [
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    "https://api.stacspec.org/v1.0.0/ogcapi-features#sort",
    "https://api.stacspec.org/v1.0.0/item-search",
    "https://api.stacspec.org/v1.0.0/item-search#sort",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "https://api.stacspec.org/v1.0.0-rc.2/item-search#filter",
    "https://api.stacspec.org/v1.0.0-rc.2/ogcapi-features#filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
];

/// A JSON Schema's media type (the queryables).
const SCHEMA: &str = "application/schema+json";

/// The link to a set of queryables.
fn queryables_link(href: String) -> Link {
    Link::new(
        "http://www.opengis.net/def/rel/ogc/1.0/queryables",
        href,
        SCHEMA,
    )
    .titled("Queryables")
}

const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

/// The API's root URL as the client reached it (its `Host`, and behind
/// `--trust-proxy` the proxy's scheme): links are absolute, as STAC
/// clients expect, and right behind any name the server is given.
#[derive(Clone, Debug)]
pub struct RequestRoot {
    origin: String,
}

impl FromRequestParts<AppState> for RequestRoot {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.len() <= 255
                    && h.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            })
            .ok_or_else(|| ApiError::BadRequest("a Host header is required".into()))?;
        let https = state.auth.args.trust_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|p| p.as_bytes() == b"https");
        let scheme = if https { "https" } else { "http" };
        Ok(Self {
            origin: format!("{scheme}://{host}"),
        })
    }
}

impl RequestRoot {
    /// `path` on this server.
    pub fn origin_url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// `path` under `/stac/v1`.
    pub fn at(&self, path: &str) -> String {
        format!("{}/stac/v1{path}", self.origin)
    }
}

impl Hrefs for RequestRoot {
    fn root(&self) -> String {
        self.at("")
    }

    fn collection(&self, collection: &str) -> String {
        self.at(&format!("/collections/{collection}"))
    }

    fn item(&self, collection: &str, item: &str) -> String {
        self.at(&format!("/collections/{collection}/items/{item}"))
    }

    fn asset(&self, product: &Product, asset: &str) -> String {
        let path = match asset {
            "thumbnail" => Product::rendition_url_for(product.id, "thumbnail"),
            "overview" => Product::rendition_url_for(product.id, "preview"),
            _ => product.file_url.clone(),
        };
        format!("{}{path}", self.origin)
    }
}

/// A JSON answer with its media type (GeoJSON for features).
pub fn typed(value: impl serde::Serialize, media_type: &'static str) -> Response {
    let mut response = Json(value).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

async fn landing(
    state: axum::extract::State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
) -> Result<Response, ApiError> {
    let mut links = vec![
        Link::new("self", root.at(""), JSON),
        Link::new("root", root.at(""), JSON),
        Link::new("conformance", root.at("/conformance"), JSON),
        Link::new("data", root.at("/collections"), JSON),
        Link::new("service-desc", root.at("/api"), OPENAPI),
        queryables_link(root.at("/queryables")),
    ];
    for method in ["GET", "POST"] {
        let mut search = Link::new("search", root.at("/search"), catalogue::stac::GEOJSON);
        search.method = Some(method.into());
        links.push(search);
    }
    for collection in collections::all(&state, access.visibility(), &root).await? {
        links.push(
            Link::new("child", root.collection(&collection.id), JSON).titled(collection.title),
        );
    }
    let catalog = json!({
        "type": "Catalog",
        "stac_version": STAC_VERSION,
        "id": "opsboard",
        "title": "The campaign",
        "description": "Model forecasts, satellite images and in situ observations of the campaign, one item per product (its newest version).",
        "conformsTo": CONFORMS_TO,
        "links": links,
    });
    Ok(typed(catalog, "application/json"))
}

async fn conformance(_: ReadAccess) -> Json<serde_json::Value> {
    Json(json!({ "conformsTo": CONFORMS_TO }))
}

/// What item search's `filter` may name, as a JSON Schema.
async fn queryables(_: ReadAccess, root: RequestRoot) -> Response {
    typed(queryables_schema(&root.at("/queryables")), SCHEMA)
}

/// The OpenAPI 3.0 description of this API (`service-desc`).
async fn service_desc(_: ReadAccess, root: RequestRoot) -> Response {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("openapi.json")).unwrap_or_default();
    document["servers"] = json!([{ "url": root.at("") }]);
    typed(document, OPENAPI)
}
