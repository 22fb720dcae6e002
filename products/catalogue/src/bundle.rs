//! What a case study's bundle holds, so that a researcher takes a case away
//! and it outlives the server: the files at their pinned versions, a
//! static STAC catalog of them (relative links: it works unpacked
//! anywhere), `datacite.json` (DataCite 4.5 metadata, ready for a DOI
//! request), `SHA256SUMS` and a README of the case.
//!
//! Only the list of entries is made here; writing them into a zip, as a
//! stream, is the server's.

use std::path::PathBuf;

use chrono::Datelike;
use serde_json::{json, Value};

use crate::stac::{self, CollectionId, Extent, Hrefs, Link, Renditions, StaticHrefs, JSON};
use model::case_studies::CaseStudy;
use model::operations::Operation;
use model::record::Product;

/// Where an entry's bytes come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A product's file in the archive (its size, for the zip's headers).
    File { path: PathBuf, size: u64 },
    /// A document made for the bundle.
    Made(Vec<u8>),
}

/// One file of the bundle, at `path` inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub path: String,
    pub source: Source,
}

/// A pinned version as the bundle takes it: the product and its file.
pub struct Pinned {
    pub product: Product,
    pub file: PathBuf,
}

/// Where a pinned file goes inside the bundle (from its top folder).
fn file_path(product: &Product) -> String {
    format!("files/v{}/{}", product.version, product.file_name)
}

/// Where a pinned file is from the bundle's catalog (`stac/catalog.json`).
fn asset_from_catalog(product: &Product, _: &str) -> String {
    format!("../{}", file_path(product))
}

/// Links as seen from an item's file and from a collection's.
const FROM_ITEM: StaticHrefs = StaticHrefs::from_item(&asset_from_catalog);
const FROM_COLLECTION: StaticHrefs = StaticHrefs::from_collection(&asset_from_catalog);

/// What the bundle says of where it came from.
pub struct Origin<'a> {
    /// Who publishes the data (the data centre), for DataCite.
    pub publisher: &'a str,
    /// The case's page on the server: the DOI's landing page.
    pub landing_page: String,
}

/// The entries of `case`'s bundle, its top folder named by its slug.
pub fn entries(
    case: &CaseStudy,
    pinned: &[Pinned],
    operations: &[Operation],
    origin: &Origin,
) -> serde_json::Result<Vec<Entry>> {
    let top = &case.slug;
    let made = |path: String, bytes: Vec<u8>| Entry {
        path: format!("{top}/{path}"),
        source: Source::Made(bytes),
    };
    let mut entries = Vec::with_capacity(pinned.len() * 2 + 6);
    entries.push(made(
        "README.md".into(),
        readme(case, pinned, operations).into_bytes(),
    ));
    entries.push(made(
        "datacite.json".into(),
        serde_json::to_vec_pretty(&datacite(case, pinned, origin))?,
    ));
    let sums: String = pinned
        .iter()
        .map(|p| format!("{}  {}\n", p.product.sha256, file_path(&p.product)))
        .collect();
    entries.push(made("SHA256SUMS".into(), sums.into_bytes()));
    for pin in pinned {
        entries.push(Entry {
            path: format!("{top}/{}", file_path(&pin.product)),
            source: Source::File {
                path: pin.file.clone(),
                size: pin.product.size,
            },
        });
    }
    let collection_id = CollectionId::Case {
        slug: case.slug.clone(),
    }
    .to_string();
    let mut item_links = Vec::with_capacity(pinned.len());
    let mut taken: Vec<String> = Vec::with_capacity(pinned.len());
    for pin in pinned {
        let mut item = stac::item(
            &pin.product,
            Renditions::default(),
            &collection_id,
            &FROM_ITEM,
        );
        // Two versions of one product pinned: the later ones get their own ids.
        if taken.contains(&item.id) {
            item.id = format!("{}.v{}", item.id, pin.product.version);
            item.links[0].href = FROM_ITEM.item(&collection_id, &item.id);
        }
        taken.push(item.id.clone());
        let path = format!("stac/{collection_id}/{0}/{0}.json", item.id);
        item_links.push(Link::new(
            "item",
            FROM_COLLECTION.item(&collection_id, &item.id),
            stac::GEOJSON,
        ));
        entries.push(made(path, serde_json::to_vec_pretty(&item)?));
    }
    let extent = pinned
        .iter()
        .map(|p| Extent {
            items: 1,
            first: p.product.valid_time,
            last: p.product.valid_time,
            bbox: p.product.meta.bbox,
        })
        .fold(Extent::of_case(case), Extent::union);
    let mut collection = stac::collection(
        &collection_id,
        case.title.clone(),
        description(case),
        Some(extent),
        &FROM_COLLECTION,
    );
    collection.keywords = case.tags.clone();
    collection.license.clone_from(&case.licence);
    collection.links.extend(item_links);
    entries.push(made(
        format!("stac/{collection_id}/collection.json"),
        serde_json::to_vec_pretty(&collection)?,
    ));
    let catalog = json!({
        "type": "Catalog",
        "stac_version": stac::STAC_VERSION,
        "id": format!("{}-bundle", case.slug),
        "title": case.title,
        "description": format!("The case study {} as a static catalog.", case.title),
        "links": [
            Link::new("self", "./catalog.json".into(), JSON),
            Link::new("root", "./catalog.json".into(), JSON),
            Link::new("child", format!("./{collection_id}/collection.json"), JSON).titled(case.title.clone()),
        ],
    });
    entries.push(made(
        "stac/catalog.json".into(),
        serde_json::to_vec_pretty(&catalog)?,
    ));
    Ok(entries)
}

fn description(case: &CaseStudy) -> String {
    if case.description.trim().is_empty() {
        format!("Case study: {}", case.title)
    } else {
        case.description.clone()
    }
}

/// DataCite 4.5 metadata in the form of the DataCite REST API's `dois`
/// resource: a DOI request adds the prefix (and the DOI is minted).
pub fn datacite(case: &CaseStudy, pinned: &[Pinned], origin: &Origin) -> Value {
    let mut formats: Vec<&str> = pinned
        .iter()
        .map(|p| p.product.media_type.as_str())
        .collect();
    formats.sort_unstable();
    formats.dedup();
    let mut attributes = json!({
        "creators": [{ "name": case.author, "nameType": "Personal" }],
        "titles": [{ "title": case.title }],
        "publisher": { "name": origin.publisher },
        "publicationYear": case.updated_at.year(),
        "types": { "resourceTypeGeneral": "Collection", "resourceType": "Case study" },
        "subjects": case.tags.iter().map(|t| json!({ "subject": t })).collect::<Vec<_>>(),
        "dates": [
            { "date": format!("{}/{}", stac::rfc3339(case.start), stac::rfc3339(case.end)), "dateType": "Collected" },
            { "date": case.updated_at.date_naive().to_string(), "dateType": "Updated" },
        ],
        "language": "en",
        "sizes": [format!("{} files", pinned.len())],
        "formats": formats,
        "descriptions": [{ "description": description(case), "descriptionType": "Abstract" }],
        "url": origin.landing_page,
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    });
    if case.licence != model::case_studies::DEFAULT_LICENCE {
        attributes["rightsList"] = json!([{
            "rightsIdentifier": case.licence,
            "rightsIdentifierScheme": "SPDX",
            "schemeUri": "https://spdx.org/licenses/",
        }]);
    }
    if let Some([w, s, e, n]) = case.bbox {
        attributes["geoLocations"] = json!([{ "geoLocationBox": {
            "westBoundLongitude": w, "eastBoundLongitude": e,
            "southBoundLatitude": s, "northBoundLatitude": n,
        }}]);
    }
    json!({ "data": { "type": "dois", "attributes": attributes } })
}

/// The case told for a person who unpacks it.
fn readme(case: &CaseStudy, pinned: &[Pinned], operations: &[Operation]) -> String {
    let mut text = format!("# {}\n\n", case.title);
    text += &format!(
        "- From {} to {}\n",
        stac::rfc3339(case.start),
        stac::rfc3339(case.end)
    );
    if let Some([w, s, e, n]) = case.bbox {
        text += &format!("- Area: {w}° to {e}° E, {s}° to {n}° N\n");
    }
    if !case.tags.is_empty() {
        text += &format!("- Tags: {}\n", case.tags.join(", "));
    }
    text += &format!("- Licence: {}\n", case.licence);
    text += &format!(
        "- By {}, last changed {}\n\n",
        case.author,
        stac::rfc3339(case.updated_at)
    );
    if !case.description.trim().is_empty() {
        text += &format!("{}\n\n", case.description.trim());
    }
    if !operations.is_empty() {
        text += "## Operations\n\n";
        for operation in operations {
            text += &format!("- {}: {}\n", operation.code, operation.plan.title);
        }
        text += "\n";
    }
    if !case.segments.is_empty() {
        text += "## Segments\n\n| id | name | start | end | kinds | remarks |\n| --- | --- | --- | --- | --- | --- |\n";
        for s in &case.segments {
            text += &format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                s.segment_id,
                s.name.replace('|', "/"),
                stac::rfc3339(s.start),
                stac::rfc3339(s.end),
                s.kinds.join(", "),
                s.remarks.replace(['|', '\n'], " ")
            );
        }
        text += "\n";
    }
    text += "## Files\n\nEach at the version the case pins (`SHA256SUMS` checks them:\n`sha256sum -c SHA256SUMS`). `stac/catalog.json` is a static STAC catalog of\nthem; `datacite.json` is DataCite 4.5 metadata for a DOI request.\n\n";
    for pin in pinned {
        let p = &pin.product;
        text += &format!(
            "- `{}` (version {}, valid {}{})\n",
            file_path(p),
            p.version,
            stac::rfc3339(p.valid_time),
            p.meta
                .title
                .as_ref()
                .map(|t| format!(": {t}"))
                .unwrap_or_default()
        );
    }
    text
}
