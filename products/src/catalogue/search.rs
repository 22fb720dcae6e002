//! The one search, answered from the index the triggers of migration 0018
//! keep (`search_docs`, `search_text`): the hits of a page, their total
//! and the facets, each with what the reader may see only.

use sqlx::{QueryBuilder, Row, Sqlite};

use super::{from_ms, now_ms, Catalogue, Result};
use crate::access::Visibility;
use crate::search::{Facets, Hit, SearchAnswer, SearchRequest, MAX_FACET_VALUES};

/// A query over the documents `request` matches, as `visibility` may see
/// them: `select` and `join` before the filters, `after` them.
fn matched<'a>(
    select: &str,
    join: &str,
    request: &'a SearchRequest,
    visibility: Visibility,
    after: &str,
) -> QueryBuilder<'a, Sqlite> {
    let mut sql = QueryBuilder::new(format!(
        "SELECT {select} FROM search_docs d JOIN search_text ON search_text.rowid = d.id {join} WHERE 1 = 1"
    ));
    if let Some(words) = request.match_expression() {
        sql.push(" AND search_text MATCH ").push_bind(words);
    }
    if visibility != Visibility::Everything {
        sql.push(" AND d.published = 1 AND (d.restricted = 0 OR (d.restricted_until_ms IS NOT NULL AND d.restricted_until_ms <= ")
            .push_bind(now_ms())
            .push("))");
    }
    let mut equal = |column: &str, value: &'a Option<String>| {
        if let Some(value) = value {
            sql.push(format!(" AND {column} = ")).push_bind(value);
        }
    };
    equal("d.kind", &request.kind);
    equal("d.category", &request.category);
    equal("d.platform", &request.platform);
    if let Some(tag) = &request.tag {
        sql.push(" AND d.id IN (SELECT doc_id FROM search_tags WHERE tag = ")
            .push_bind(tag)
            .push(")");
    }
    if let Some(iop) = &request.iop {
        sql.push(" AND EXISTS (SELECT 1 FROM iops i WHERE i.name = ")
            .push_bind(iop)
            .push(" AND d.time_ms BETWEEN i.start_ms AND i.end_ms)");
    }
    let day = request
        .day
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    let from = request.from.into_iter().chain(day).max();
    let to = request
        .to
        .map(|t| t.timestamp_millis())
        .into_iter()
        .chain(day.map(|d| d.timestamp_millis() + 86_400_000 - 1))
        .min();
    if let Some(from) = from {
        sql.push(" AND d.time_ms >= ")
            .push_bind(from.timestamp_millis());
    }
    if let Some(to) = to {
        sql.push(" AND d.time_ms <= ").push_bind(to);
    }
    if let Some([w, s, e, n]) = request.bbox {
        sql.push(" AND d.id IN (SELECT id FROM search_boxes WHERE south <= ")
            .push_bind(n)
            .push(" AND north >= ")
            .push_bind(s)
            .push(" AND west <= ")
            .push_bind(e)
            .push(" AND east >= ")
            .push_bind(w)
            .push(")");
    }
    sql.push(after);
    sql
}

impl Catalogue {
    /// One page of what `request` finds, its total and its facets, as
    /// `visibility` may see them.
    pub async fn search_all(
        &self,
        request: &SearchRequest,
        visibility: Visibility,
    ) -> Result<SearchAnswer> {
        let words = request.match_expression().is_some();
        let (snippet, order) = if words {
            (
                "snippet(search_text, 1, '[', ']', '…', 12)",
                " ORDER BY bm25(search_text, 10.0, 1.0, 5.0), d.time_ms DESC",
            )
        } else {
            (
                "substr(search_text.body, 1, 160)",
                " ORDER BY d.time_ms DESC, d.id DESC",
            )
        };
        let select = format!(
            "d.kind, d.ref, d.time_ms, d.category, d.platform, search_text.title AS title, {snippet} AS snippet, \
             CASE d.kind WHEN 'case_study' THEN (SELECT slug FROM case_studies WHERE id = d.ref) \
                         WHEN 'decision' THEN (SELECT CAST(operation_id AS TEXT) FROM decisions WHERE id = d.ref) END AS parent"
        );
        let mut page = matched(&select, "", request, visibility, order);
        page.push(" LIMIT ")
            .push_bind(request.limit())
            .push(" OFFSET ")
            .push_bind(request.offset());
        let rows = page.build().fetch_all(&self.pool).await?;
        let hits = rows
            .iter()
            .map(|row| {
                Ok(Hit {
                    kind: row.try_get("kind")?,
                    id: row.try_get("ref")?,
                    title: row.try_get("title")?,
                    snippet: row.try_get("snippet")?,
                    time: from_ms(row.try_get("time_ms")?),
                    category: row.try_get("category")?,
                    platform: row.try_get("platform")?,
                    parent: row.try_get("parent")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let facet = |value: &str, join: &str| {
            let after = format!(
                " AND {value} IS NOT NULL GROUP BY {value} ORDER BY COUNT(*) DESC, {value} LIMIT {MAX_FACET_VALUES}"
            );
            let select = format!("{value} AS value, COUNT(*) AS n");
            let pool = self.pool.clone();
            let mut sql = matched(&select, join, request, visibility, &after);
            async move {
                let rows = sql.build().fetch_all(&pool).await?;
                rows.iter()
                    .map(|row| Ok((row.try_get("value")?, row.try_get("n")?)))
                    .collect::<Result<Vec<(String, i64)>, sqlx::Error>>()
            }
        };
        let facets = Facets {
            kind: facet("d.kind", "").await?,
            category: facet("d.category", "").await?,
            platform: facet("d.platform", "").await?,
            tag: facet("t.tag", "JOIN search_tags t ON t.doc_id = d.id").await?,
            iop: facet(
                "i.name",
                "JOIN iops i ON d.time_ms BETWEEN i.start_ms AND i.end_ms",
            )
            .await?,
            day: facet("date(d.time_ms / 1000, 'unixepoch')", "").await?,
        };
        // Each document has one kind: the kind facet counts them all (its
        // values are a handful, under the facet's limit).
        let total = facets.kind.iter().map(|(_, n)| n).sum();
        Ok(SearchAnswer {
            total,
            hits,
            facets,
        })
    }
}
