//! The model runs' files (GRIB2, NetCDF) the map server draws from: every current
//! version still in the archive, as a reader may see them. The WMS builds
//! its layers from this list; a restricted run is left out at the query,
//! not by the caller.

use sqlx::{QueryBuilder, Sqlite};

use super::{push_visible, stored_product, Catalogue, Result, StoredProduct, PRODUCT_COLUMNS};
use model::media::{ext_of, is_model_file};
use model::Visibility;

/// The media types of model files: GRIB, NetCDF, and either compressed
/// (told apart by their names' extension, [`is_model_file`]).
const MODEL_TYPES: [&str; 3] = [
    "application/x-grib",
    "application/x-netcdf",
    "application/x-bzip2",
];
/// Most files listed (a campaign's runs × leads, with room).
const MAX_FILES: i64 = 20_000;

impl Catalogue {
    /// The current model files `visibility` may see, oldest first.
    pub async fn model_files(&self, visibility: Visibility) -> Result<Vec<StoredProduct>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1 AND missing = 0 AND media_type IN ("
        ));
        let mut types = sql.separated(", ");
        for media_type in MODEL_TYPES {
            types.push_bind(media_type);
        }
        sql.push(")");
        push_visible(&mut sql, visibility);
        sql.push(" ORDER BY time_ms, id LIMIT ")
            .push_bind(MAX_FILES);
        let rows = sql.build().fetch_all(&self.pool).await?;
        let stored: Vec<StoredProduct> = rows
            .iter()
            .map(|r| stored_product(r).map_err(Into::into))
            .collect::<Result<_>>()?;
        Ok(stored
            .into_iter()
            .filter(|s| is_model_file(ext_of(&s.product.file_name)))
            .collect())
    }
}
