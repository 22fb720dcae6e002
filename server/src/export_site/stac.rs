//! The exported site's static STAC catalog: `stac/catalog.json`, a
//! collection per lane (`stac/<lane>/collection.json`) and an item per
//! product (`stac/<lane>/<item>/<item>.json`), every link relative, the
//! assets the site's copies of the files and renditions.

use std::collections::BTreeMap;

use catalogue::stac::{self, CollectionId, Extent, Hrefs, Link, Renditions, StaticHrefs, JSON};
use model::Product;
use serde_json::json;

use super::Export;

/// An asset's copy as seen from the catalog's folder (`stac/`): the
/// site's copy the product's URL names.
fn asset_from_catalog(product: &Product, asset: &str) -> String {
    let url = match asset {
        "thumbnail" => product.thumbnail_url.as_deref(),
        "overview" => product.preview_url.as_deref(),
        _ => Some(product.file_url.as_str()),
    };
    format!("../{}", url.unwrap_or_default().trim_start_matches('/'))
}

const FROM_ITEM: StaticHrefs = StaticHrefs::from_item(&asset_from_catalog);
const FROM_COLLECTION: StaticHrefs = StaticHrefs::from_collection(&asset_from_catalog);

/// The media type of a copy named `url`.
fn rendition_type(url: &str) -> &'static str {
    match url.rsplit('.').next() {
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "image/jpeg",
    }
}

/// The lanes seen so far: their extents and their items' ids.
#[derive(Default)]
pub(super) struct Lanes {
    lanes: BTreeMap<String, (Extent, Vec<String>)>,
}

impl Lanes {
    /// Writes `product`'s item and counts it in its lane.
    pub fn add(&mut self, export: &Export, product: &Product) -> anyhow::Result<()> {
        let collection = CollectionId::lane_of(product).to_string();
        let renditions = Renditions {
            thumbnail: product.thumbnail_url.as_deref().map(rendition_type),
            overview: product.preview_url.as_deref().map(rendition_type),
        };
        let item = stac::item(product, renditions, &collection, &FROM_ITEM);
        export.write(
            &format!("stac/{collection}/{0}/{0}.json", item.id),
            &serde_json::to_vec_pretty(&item)?,
        )?;
        let extent = Extent {
            items: 1,
            first: product.valid_time,
            last: product.valid_time,
            bbox: product.meta.bbox,
        };
        match self.lanes.get_mut(&collection) {
            Some((lane, items)) => {
                *lane = lane.union(extent);
                items.push(item.id);
            }
            None => {
                self.lanes.insert(collection, (extent, vec![item.id]));
            }
        }
        Ok(())
    }
}

/// Writes the lanes' collections and the catalog.
pub(super) fn write_catalog(export: &Export, lanes: Lanes) -> anyhow::Result<()> {
    let mut children = Vec::with_capacity(lanes.lanes.len());
    for (id, (extent, items)) in lanes.lanes {
        let mut collection = stac::collection(
            &id,
            id.clone(),
            format!("The {id} products of {}.", export.campaign),
            Some(extent),
            &FROM_COLLECTION,
        );
        collection.links.extend(
            items
                .iter()
                .map(|item| Link::new("item", FROM_COLLECTION.item(&id, item), stac::GEOJSON)),
        );
        export.write(
            &format!("stac/{id}/collection.json"),
            &serde_json::to_vec_pretty(&collection)?,
        )?;
        children.push(Link::new("child", format!("./{id}/collection.json"), JSON).titled(id));
    }
    let mut links = vec![
        Link::new("self", "./catalog.json".into(), JSON),
        Link::new("root", "./catalog.json".into(), JSON),
    ];
    links.extend(children);
    let catalog = json!({
        "type": "Catalog",
        "stac_version": stac::STAC_VERSION,
        "id": "campaign",
        "title": export.campaign,
        "description": format!("{}: the campaign's products as a static catalog.", export.campaign),
        "links": links,
    });
    export.write("stac/catalog.json", &serde_json::to_vec_pretty(&catalog)?)
}
