//! The products' bytes in the exported site: each file under
//! `files/<id>/<name>`, its thumbnail and preview under
//! `renditions/<id>/`, and the products' URLs pointed at those copies
//! (site-absolute, which the pages' links make relative).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use catalogue::StoredProduct;
use model::Product;

use super::Export;

/// Where a product's copies are, once made.
#[derive(Clone, Debug, Default)]
struct Urls {
    file: String,
    thumbnail: Option<String>,
    preview: Option<String>,
}

/// The products copied so far, by id.
#[derive(Default)]
pub(super) struct Copies {
    urls: HashMap<i64, Urls>,
}

/// A copied product, its URLs those of the copies, and whether its file was
/// there to copy.
pub(super) struct Copied {
    pub product: Product,
    pub file: bool,
}

impl Copies {
    pub fn has(&self, id: i64) -> bool {
        self.urls.contains_key(&id)
    }

    /// Copies `stored`'s file and renditions into the site.
    pub fn copy(&mut self, export: &Export, stored: StoredProduct) -> anyhow::Result<Copied> {
        let product = &stored.product;
        let id = product.id;
        // Names were checked at ingest; a stored one that could leave its
        // folder is not copied under it.
        let name = Path::new(&product.file_name)
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| *n == product.file_name && !n.starts_with('.'))
            .unwrap_or("file");
        let file = format!("files/{id}/{name}");
        let copied = copy_from(export, &stored.stored_path, &file)?;
        let rendition = |which: &str, from: &Option<String>| -> anyhow::Result<Option<String>> {
            let Some(from) = from else { return Ok(None) };
            let ext = Path::new(from)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("jpg");
            let to = format!("renditions/{id}/{which}.{ext}");
            Ok(copy_from(export, from, &to)?.then(|| format!("/{to}")))
        };
        let urls = Urls {
            file: format!("/{file}"),
            thumbnail: rendition("thumbnail", &stored.thumbnail_path)?,
            preview: rendition("preview", &stored.preview_path)?,
        };
        self.urls.insert(id, urls);
        let mut product = stored.product;
        self.relink(&mut product);
        Ok(Copied {
            product,
            file: copied,
        })
    }

    /// Points `product`'s URLs at its copies (none when it was not copied:
    /// a page links nothing it does not hold).
    pub fn relink(&self, product: &mut Product) {
        let urls = self.urls.get(&product.id).cloned().unwrap_or_default();
        product.file_url = urls.file;
        product.thumbnail_url = urls.thumbnail;
        product.preview_url = urls.preview;
    }
}

/// Copies the archive's `relative` file to the site's `to`; false when it
/// is gone from the archive.
fn copy_from(export: &Export, relative: &str, to: &str) -> anyhow::Result<bool> {
    let Some(from) = export.archive(relative).filter(|p| p.is_file()) else {
        return Ok(false);
    };
    let to = export.path(to)?;
    std::fs::copy(&from, &to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(true)
}
