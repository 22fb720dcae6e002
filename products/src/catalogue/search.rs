//! The one search, answered from the index the triggers of migration 0018
//! keep (`search_docs`, `search_text`): the hits of a page, their total
//! and the facets, each with what the reader may see only.

use sqlx::{QueryBuilder, Row, Sqlite};

use super::{from_ms, now_ms, Catalogue, Result};
use crate::access::Visibility;
use crate::search::{Facets, Hit, SearchAnswer, SearchRequest, MAX_FACET_VALUES};

/// Pushes a query over the documents `request` matches, as `visibility`
/// may see them, selecting `select`. The text index is joined only when the
/// search has words: reading it for every document of a filter alone would
/// cost more than the filter.
fn push_matched<'a>(
    sql: &mut QueryBuilder<'a, Sqlite>,
    select: &str,
    request: &'a SearchRequest,
    visibility: Visibility,
) {
    let join = if request.match_expression().is_some() {
        "JOIN search_text ON search_text.rowid = d.id"
    } else {
        ""
    };
    sql.push(format!(
        "SELECT {select} FROM search_docs d {join} WHERE 1 = 1"
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
}

/// A page's hits as found, before their text is read.
struct Found {
    id: i64,
    hit: Hit,
}

impl Catalogue {
    /// One page of what `request` finds, its total and its facets, as
    /// `visibility` may see them.
    ///
    /// Three statements, each reading what it needs only: the page's
    /// documents in order (no text read), then the title and snippet of
    /// those twenty or so (a snippet costs a read and a tokenising of the
    /// document: never for every match), then every facet aggregated over
    /// the matches taken once.
    pub async fn search_all(
        &self,
        request: &SearchRequest,
        visibility: Visibility,
    ) -> Result<SearchAnswer> {
        let words = request.match_expression();
        let order = if words.is_some() {
            " ORDER BY bm25(search_text, 10.0, 1.0, 5.0), d.time_ms DESC"
        } else {
            " ORDER BY d.time_ms DESC, d.id DESC"
        };
        let select = "d.id, d.kind, d.ref, d.time_ms, d.category, d.platform, \
             CASE d.kind WHEN 'case_study' THEN (SELECT slug FROM case_studies WHERE id = d.ref) \
                         WHEN 'decision' THEN (SELECT CAST(operation_id AS TEXT) FROM decisions WHERE id = d.ref) END AS parent";
        let mut page = QueryBuilder::new("");
        push_matched(&mut page, select, request, visibility);
        page.push(order)
            .push(" LIMIT ")
            .push_bind(request.limit())
            .push(" OFFSET ")
            .push_bind(request.offset());
        let mut found = page
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(Found {
                    id: row.try_get("id")?,
                    hit: Hit {
                        kind: row.try_get("kind")?,
                        id: row.try_get("ref")?,
                        title: String::new(),
                        snippet: String::new(),
                        time: from_ms(row.try_get("time_ms")?),
                        category: row.try_get("category")?,
                        platform: row.try_get("platform")?,
                        parent: row.try_get("parent")?,
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        self.read_text(&mut found, words).await?;
        let (total, facets) = self.facets(request, visibility).await?;
        Ok(SearchAnswer {
            total,
            hits: found.into_iter().map(|f| f.hit).collect(),
            facets,
        })
    }

    /// Fills in the titles and snippets of `found` (the words marked when
    /// there are words).
    async fn read_text(&self, found: &mut [Found], words: Option<String>) -> Result<()> {
        if found.is_empty() {
            return Ok(());
        }
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(match words {
            Some(_) => {
                "SELECT rowid, title, snippet(search_text, 1, '[', ']', '…', 12) AS snippet \
                        FROM search_text WHERE search_text MATCH "
            }
            None => {
                "SELECT rowid, title, substr(body, 1, 160) AS snippet FROM search_text WHERE 1 = 1"
            }
        });
        if let Some(words) = words {
            sql.push_bind(words);
        }
        sql.push(" AND rowid IN (");
        let mut ids = sql.separated(", ");
        for f in found.iter() {
            ids.push_bind(f.id);
        }
        sql.push(")");
        for row in sql.build().fetch_all(&self.pool).await? {
            let id: i64 = row.try_get("rowid")?;
            if let Some(f) = found.iter_mut().find(|f| f.id == id) {
                f.hit.title = row.try_get("title")?;
                f.hit.snippet = row.try_get("snippet")?;
            }
        }
        Ok(())
    }

    /// How many documents match, and the facets: the matches are taken once
    /// (a materialised table), then counted by each facet.
    async fn facets(
        &self,
        request: &SearchRequest,
        visibility: Visibility,
    ) -> Result<(i64, Facets)> {
        let mut sql = QueryBuilder::new("WITH m AS MATERIALIZED (");
        let columns = "d.id, d.kind, d.category, d.platform, d.time_ms";
        push_matched(&mut sql, columns, request, visibility);
        sql.push(
            ") SELECT 'kind' AS facet, kind AS value, COUNT(*) AS n FROM m GROUP BY kind
             UNION ALL SELECT 'category', category, COUNT(*) FROM m
                WHERE category IS NOT NULL GROUP BY category
             UNION ALL SELECT 'platform', platform, COUNT(*) FROM m
                WHERE platform IS NOT NULL GROUP BY platform
             UNION ALL SELECT 'tag', t.tag, COUNT(*) FROM m
                JOIN search_tags t ON t.doc_id = m.id GROUP BY t.tag
             UNION ALL SELECT 'iop', i.name, COUNT(*) FROM m
                JOIN iops i ON m.time_ms BETWEEN i.start_ms AND i.end_ms GROUP BY i.name
             UNION ALL SELECT 'day', date(m.time_ms / 1000, 'unixepoch'), COUNT(*) FROM m GROUP BY 2",
        );
        let mut facets: [Vec<(String, i64)>; 6] = Default::default();
        for row in sql.build().fetch_all(&self.pool).await? {
            let facet: String = row.try_get("facet")?;
            let index = ["kind", "category", "platform", "tag", "iop", "day"]
                .iter()
                .position(|f| *f == facet)
                .unwrap_or(5);
            facets[index].push((row.try_get("value")?, row.try_get("n")?));
        }
        // Each document has one kind: the kind facet counts them all.
        let total = facets[0].iter().map(|(_, n)| n).sum();
        let [kind, category, platform, tag, iop, day] = facets.map(top);
        Ok((
            total,
            Facets {
                kind,
                category,
                platform,
                tag,
                iop,
                day,
            },
        ))
    }
}

/// A facet's values, the most frequent first (then by value), at most
/// [`MAX_FACET_VALUES`].
fn top(mut values: Vec<(String, i64)>) -> Vec<(String, i64)> {
    values.sort_by(|(a, m), (b, n)| n.cmp(m).then_with(|| a.cmp(b)));
    values.truncate(usize::try_from(MAX_FACET_VALUES).unwrap_or(usize::MAX));
    values
}
