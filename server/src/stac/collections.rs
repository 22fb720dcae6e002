//! The collections: the campaign as a whole, one per lane
//! (`category.platform`) and one per published case study, each with the
//! extent of the items its reader may see.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use catalogue::stac::filter::queryables_schema;
use catalogue::stac::{collection, Collection, CollectionId, Extent, Hrefs, Link, JSON};
use catalogue::CaseStudyQuery;
use model::case_studies::CaseStudy;
use model::Visibility;
use serde_json::json;

use super::{typed, RequestRoot};
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/collections", get(list))
        .route("/collections/{id}", get(one))
        .route("/collections/{id}/queryables", get(queryables))
}

/// Where a collection's items are, and what they can be filtered by.
fn add_items_link(collection: &mut Collection, root: &RequestRoot) {
    let items = root.at(&format!("/collections/{}/items", collection.id));
    let link = Link::new("items", items, catalogue::stac::GEOJSON).titled("Items");
    collection.links.push(link);
    let queryables = root.at(&format!("/collections/{}/queryables", collection.id));
    collection.links.push(super::queryables_link(queryables));
}

fn lane_text(category: &str, platform: &str) -> (String, String) {
    (
        format!("{platform} ({category})"),
        format!(
            "The {category} products of {platform}, one item per product (its newest version)."
        ),
    )
}

fn campaign_collection(extent: Option<Extent>, root: &RequestRoot) -> Collection {
    collection(
        catalogue::stac::CAMPAIGN_COLLECTION,
        "The campaign".into(),
        "Every product of the campaign, one item per product (its newest version).".into(),
        extent,
        root,
    )
}

fn case_collection(case: &CaseStudy, extent: Option<Extent>, root: &RequestRoot) -> Collection {
    let id = CollectionId::Case {
        slug: case.slug.clone(),
    }
    .to_string();
    let description = if case.description.trim().is_empty() {
        format!("Case study: {}", case.title)
    } else {
        case.description.clone()
    };
    let own = Extent::of_case(case);
    let extent = Some(extent.map_or(own, |items| items.union(own)));
    let mut collection = collection(&id, case.title.clone(), description, extent, root);
    collection.keywords = case.tags.clone();
    collection.license.clone_from(&case.licence);
    collection
}

/// Every collection `visibility` may see: the campaign, the lanes, the
/// published case studies.
pub async fn all(
    state: &AppState,
    visibility: Visibility,
    root: &RequestRoot,
) -> Result<Vec<Collection>, ApiError> {
    let lanes = state.catalogue.stac_lanes(visibility).await?;
    let campaign = lanes.iter().map(|(_, _, e)| *e).reduce(Extent::union);
    let mut all = vec![campaign_collection(campaign, root)];
    for (category, platform, extent) in lanes {
        let id = CollectionId::Lane {
            category: category.clone(),
            platform: platform.clone(),
        };
        let (title, description) = lane_text(&category, &platform);
        all.push(collection(
            &id.to_string(),
            title,
            description,
            Some(extent),
            root,
        ));
    }
    let cases = state
        .catalogue
        .case_studies(&CaseStudyQuery::default(), Visibility::OpenOnly)
        .await?;
    for case in cases {
        let id = CollectionId::Case {
            slug: case.slug.clone(),
        };
        let extent = state.catalogue.stac_extent(&id, visibility).await?;
        all.push(case_collection(&case, extent, root));
    }
    for collection in &mut all {
        add_items_link(collection, root);
    }
    Ok(all)
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
) -> Result<Response, ApiError> {
    let collections = all(&state, access.visibility(), &root).await?;
    let links = [
        Link::new("self", root.at("/collections"), JSON),
        Link::new("root", root.root(), JSON),
        Link::new("parent", root.root(), JSON),
    ];
    Ok(typed(
        json!({ "collections": collections, "links": links }),
        "application/json",
    ))
}

/// Collection `id` if it exists for this reader (a lane with no item the
/// reader may see does not).
pub async fn find(
    state: &AppState,
    id: &str,
    visibility: Visibility,
    root: &RequestRoot,
) -> Result<(CollectionId, Collection), ApiError> {
    let missing = || ApiError::NotFound("collection");
    let parsed = CollectionId::parse(id).ok_or_else(missing)?;
    let extent = state.catalogue.stac_extent(&parsed, visibility).await?;
    let mut found = match &parsed {
        CollectionId::Campaign => campaign_collection(extent, root),
        CollectionId::Lane { category, platform } => {
            let extent = extent.ok_or_else(missing)?;
            let (title, description) = lane_text(category, platform);
            collection(id, title, description, Some(extent), root)
        }
        CollectionId::Case { slug } => {
            let case = state
                .catalogue
                .case_study(slug, Visibility::OpenOnly)
                .await?
                .ok_or_else(missing)?;
            case_collection(&case, extent, root)
        }
    };
    add_items_link(&mut found, root);
    Ok((parsed, found))
}

/// A collection's queryables: those of every item (the lanes differ in
/// which they fill, not in what may be asked).
async fn queryables(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    find(&state, &id, access.visibility(), &root).await?;
    let url = root.at(&format!("/collections/{id}/queryables"));
    Ok(typed(queryables_schema(&url), super::SCHEMA))
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    root: RequestRoot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, found) = find(&state, &id, access.visibility(), &root).await?;
    Ok(typed(found, "application/json"))
}
