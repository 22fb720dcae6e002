//! The catalogue as STAC answers it: current products matching an item
//! search, a page at a time in a total order (valid time, then identity)
//! so a keyset token resumes exactly where the last page stopped, and the
//! extents of collections.

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{
    from_ms, push_visible, stored_product, Catalogue, Result, StoredProduct, PRODUCT_COLUMNS,
};
use crate::stac::filter::{Comparison, Filter, Literal, Queryable};
use crate::stac::search::{ItemSearch, SortField};
use crate::stac::{parse_item_id, CollectionId, Extent};
use model::access::Visibility;

/// The identity columns, in the order of an identity sort.
const IDENTITY: &str = "category, platform, time_ms, product";

/// Adds `AND (…)` keeping the products of any of `collections`.
fn push_collections(sql: &mut QueryBuilder<Sqlite>, collections: &[CollectionId]) {
    if collections.is_empty() || collections.contains(&CollectionId::Campaign) {
        return;
    }
    sql.push(" AND (0");
    for collection in collections {
        match collection {
            CollectionId::Campaign => {}
            CollectionId::Lane { category, platform } => {
                sql.push(" OR (category = ")
                    .push_bind(category.clone())
                    .push(" AND platform = ")
                    .push_bind(platform.clone())
                    .push(")");
            }
            CollectionId::Case { slug } => {
                sql.push(
                    " OR EXISTS (SELECT 1 FROM case_study_pins cp
                        JOIN case_studies c ON c.id = cp.case_id
                        JOIN products pv ON pv.id = cp.product_id
                       WHERE c.published = 1 AND c.slug = ",
                )
                .push_bind(slug.clone())
                .push(
                    " AND pv.category = products.category AND pv.platform = products.platform
                       AND pv.time_ms = products.time_ms AND pv.product = products.product)",
                );
            }
        }
    }
    sql.push(")");
}

/// Adds the box condition: the product's sidecar box meets `bbox` (one
/// crossing the antimeridian, west > east, meets either side).
fn push_bbox(sql: &mut QueryBuilder<Sqlite>, [w, s, e, n]: [f64; 4]) {
    let (west, south, east, north) = (
        "json_extract(meta, '$.bbox[0]')",
        "json_extract(meta, '$.bbox[1]')",
        "json_extract(meta, '$.bbox[2]')",
        "json_extract(meta, '$.bbox[3]')",
    );
    sql.push(format!(" AND {south} <= "))
        .push_bind(n)
        .push(format!(" AND {north} >= "))
        .push_bind(s);
    let joiner = if w <= e { " AND " } else { " OR " };
    sql.push(format!(" AND ({west} <= "))
        .push_bind(e)
        .push(format!("{joiner}{east} >= "))
        .push_bind(w)
        .push(")");
}

/// The SQL of an item property (null for one the items do not have).
fn column(property: Queryable) -> &'static str {
    match property {
        Queryable::Id => "NULL",
        Queryable::Collection => "(category || '.' || platform)",
        Queryable::Datetime => "valid_ms",
        Queryable::Created => "ingested_ms",
        Queryable::Platform => "platform",
        Queryable::Title => "json_extract(meta, '$.title')",
        Queryable::Description => "json_extract(meta, '$.description')",
        Queryable::ForecastReference => "(CASE WHEN category = 'model' THEN run_ms END)",
        Queryable::ForecastHorizon => {
            "(CASE WHEN category = 'model' AND run_ms IS NOT NULL THEN lead_hours END)"
        }
        Queryable::Absent => "NULL",
    }
}

/// Adds `filter` as one parenthesised condition, every literal bound.
fn push_filter(sql: &mut QueryBuilder<Sqlite>, filter: &Filter) {
    match filter {
        Filter::All(all) | Filter::Any(all) => {
            let (empty, joiner) = match filter {
                Filter::All(_) => ("1", " AND "),
                _ => ("0", " OR "),
            };
            sql.push("(").push(empty);
            for f in all {
                sql.push(joiner);
                push_filter(sql, f);
            }
            sql.push(")");
        }
        Filter::Not(f) => {
            sql.push("(NOT ");
            push_filter(sql, f);
            sql.push(")");
        }
        Filter::Constant(true) => {
            sql.push("1");
        }
        Filter::Constant(false) => {
            sql.push("0");
        }
        Filter::IsNull(Queryable::Id) => {
            sql.push("0");
        }
        Filter::IsNull(property) => {
            sql.push(format!("({} IS NULL)", column(*property)));
        }
        Filter::Compare {
            property: Queryable::Id,
            op,
            value,
        } => {
            // An id is a product's identity: compared column by column.
            let key = match value {
                Literal::Text(text) => parse_item_id(text),
                _ => None,
            };
            let negate = if *op == Comparison::Ne { "NOT " } else { "" };
            match key {
                None => {
                    sql.push(if *op == Comparison::Ne { "1" } else { "0" });
                }
                Some(key) => {
                    sql.push(format!("({negate}(category = "))
                        .push_bind(key.category)
                        .push(" AND platform = ")
                        .push_bind(key.platform)
                        .push(" AND time_ms = ")
                        .push_bind(key.time.timestamp_millis())
                        .push(" AND product = ")
                        .push_bind(key.product)
                        .push("))");
                }
            }
        }
        Filter::Compare {
            property,
            op,
            value,
        } => {
            sql.push(format!("({} {} ", column(*property), op.sql()));
            match value {
                Literal::Text(text) => sql.push_bind(text.clone()),
                Literal::Number(n) => sql.push_bind(*n),
                Literal::Bool(b) => sql.push_bind(*b),
                Literal::Time(t) => sql.push_bind(t.timestamp_millis()),
            };
            sql.push(")");
        }
    }
}

impl Catalogue {
    /// One page of `search` as `visibility` may see it: at most
    /// `search.limit + 1` current products (one more than asked says
    /// another page follows).
    pub async fn stac_items(
        &self,
        search: &ItemSearch,
        visibility: Visibility,
    ) -> Result<Vec<StoredProduct>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1"
        ));
        push_visible(&mut sql, visibility);
        push_collections(&mut sql, &search.collections);
        if let Some(ids) = &search.ids {
            sql.push(" AND (0");
            for key in ids {
                sql.push(" OR (category = ")
                    .push_bind(key.category.clone())
                    .push(" AND platform = ")
                    .push_bind(key.platform.clone())
                    .push(" AND time_ms = ")
                    .push_bind(key.time.timestamp_millis())
                    .push(" AND product = ")
                    .push_bind(key.product.clone())
                    .push(")");
            }
            sql.push(")");
        }
        if let Some(bbox) = search.bbox {
            push_bbox(&mut sql, bbox);
        }
        if let Some(interval) = search.interval {
            if let Some(from) = interval.from {
                sql.push(" AND valid_ms >= ")
                    .push_bind(from.timestamp_millis());
            }
            if let Some(to) = interval.to {
                sql.push(" AND valid_ms <= ")
                    .push_bind(to.timestamp_millis());
            }
        }
        if let Some(filter) = &search.filter {
            sql.push(" AND ");
            push_filter(&mut sql, filter);
        }
        let order = match search.sort.field {
            SortField::Datetime => format!("valid_ms, {IDENTITY}"),
            SortField::Id => IDENTITY.to_string(),
        };
        let (beyond, direction) = match search.sort.descending {
            false => (">", "ASC"),
            true => ("<", "DESC"),
        };
        if let Some(after) = &search.after {
            sql.push(format!(" AND ({order}) {beyond} ("));
            if search.sort.field == SortField::Datetime {
                sql.push_bind(after.valid_ms).push(", ");
            }
            sql.push_bind(after.key.category.clone())
                .push(", ")
                .push_bind(after.key.platform.clone())
                .push(", ")
                .push_bind(after.key.time.timestamp_millis())
                .push(", ")
                .push_bind(after.key.product.clone())
                .push(")");
        }
        let ordered: Vec<String> = order
            .split(", ")
            .map(|column| format!("{column} {direction}"))
            .collect();
        sql.push(format!(" ORDER BY {} LIMIT ", ordered.join(", ")))
            .push_bind(search.limit as i64 + 1);
        let rows = sql.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(stored_product).collect::<Result<_, _>>()?)
    }

    /// Each lane's (category, platform) extent of what `visibility` sees.
    pub async fn stac_lanes(
        &self,
        visibility: Visibility,
    ) -> Result<Vec<(String, String, Extent)>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT category, platform, {EXTENT} FROM products WHERE is_current = 1"
        ));
        push_visible(&mut sql, visibility);
        sql.push(" GROUP BY category, platform ORDER BY category, platform");
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("category")?,
                    row.try_get("platform")?,
                    extent_of(row)?,
                ))
            })
            .collect()
    }

    /// The extent of `collection` as `visibility` sees it; `None` when it
    /// holds no item.
    pub async fn stac_extent(
        &self,
        collection: &CollectionId,
        visibility: Visibility,
    ) -> Result<Option<Extent>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {EXTENT} FROM products WHERE is_current = 1"
        ));
        push_visible(&mut sql, visibility);
        push_collections(&mut sql, std::slice::from_ref(collection));
        let row = sql.build().fetch_one(&self.pool).await?;
        let items: i64 = row.try_get("items")?;
        Ok(if items == 0 {
            None
        } else {
            Some(extent_of(&row)?)
        })
    }
}

/// The aggregate columns an [`Extent`] is read from.
const EXTENT: &str = "COUNT(*) AS items, MIN(valid_ms) AS first_ms, MAX(valid_ms) AS last_ms,
    MIN(json_extract(meta, '$.bbox[0]')) AS west, MIN(json_extract(meta, '$.bbox[1]')) AS south,
    MAX(json_extract(meta, '$.bbox[2]')) AS east, MAX(json_extract(meta, '$.bbox[3]')) AS north";

fn extent_of(row: &SqliteRow) -> Result<Extent> {
    let side = |name: &str| row.try_get::<Option<f64>, _>(name);
    let bbox = match (side("west")?, side("south")?, side("east")?, side("north")?) {
        (Some(w), Some(s), Some(e), Some(n)) => Some([w, s, e, n]),
        _ => None,
    };
    Ok(Extent {
        items: row.try_get("items")?,
        first: from_ms(row.try_get::<Option<i64>, _>("first_ms")?.unwrap_or(0)),
        last: from_ms(row.try_get::<Option<i64>, _>("last_ms")?.unwrap_or(0)),
        bbox,
    })
}
