//! The one search, answered from the index the triggers of migration 0018
//! keep (`search_docs`, `search_text`, `search_boxes`): the hits of a page,
//! their total and the facets, each with what the reader may see only.

use sqlx::{QueryBuilder, Row, Sqlite};

use super::{from_ms, now_ms, Catalogue, Result};
use model::access::Visibility;
use model::search::{page_of, Facets, Hit, Match, SearchAnswer, SearchRequest};

/// Pushes a query over the documents `request` matches, as `visibility`
/// may see them, selecting `select`.
///
/// What drives the query is chosen here, not left to the planner: the
/// words' index when there are words (a filter alone does not read it), the
/// R*Tree when an area is the main filter (read the other way round, every
/// document of the kind is read to test its box: five times slower at
/// 100 000 products), else the documents.
fn push_matched<'a>(
    sql: &mut QueryBuilder<'a, Sqlite>,
    select: &str,
    request: &'a SearchRequest,
    visibility: Visibility,
) {
    let words = request.match_expression();
    let from = match (&words, request.bbox) {
        (Some(_), _) => "search_docs d JOIN search_text ON search_text.rowid = d.id",
        (None, Some(_)) => "search_boxes b CROSS JOIN search_docs d ON d.id = b.id",
        (None, None) => "search_docs d",
    };
    sql.push(format!("SELECT {select} FROM {from} WHERE 1 = 1"));
    if let Some([w, s, e, n]) = request.bbox {
        let close = if words.is_some() {
            sql.push(" AND d.id IN (SELECT id FROM search_boxes b WHERE 1 = 1");
            ")"
        } else {
            ""
        };
        sql.push(" AND b.south <= ")
            .push_bind(n)
            .push(" AND b.north >= ")
            .push_bind(s)
            .push(" AND b.west <= ")
            .push_bind(e)
            .push(" AND b.east >= ")
            .push_bind(w)
            .push(close);
    }
    if let Some(words) = words {
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
        // As a time range (each end one lookup, then constant): the time
        // index finds the IOP's documents instead of testing each.
        sql.push(" AND d.time_ms >= (SELECT start_ms FROM iops WHERE name = ")
            .push_bind(iop)
            .push(") AND d.time_ms <= (SELECT end_ms FROM iops WHERE name = ")
            .push_bind(iop)
            .push(")");
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
}

impl Catalogue {
    /// One page of what `request` finds, its total and its facets, as
    /// `visibility` may see them.
    ///
    /// Two statements. The first goes once through the matches and hands
    /// them all over in one row (a JSON array: at 100 000 products a
    /// quarter of the time of a `GROUP BY` a facet, half of one `GROUP BY`
    /// on all of them; BENCHMARKS.md): each match's facet values, time and
    /// rank, from which the facets are counted and the page chosen here. The second reads the
    /// page's twenty or so hits in full, titles and snippets included (a
    /// snippet costs a read and a tokenising of the document: never for
    /// every match). PostgreSQL's `json_agg` and `ts_rank` do the same.
    pub async fn search_all(
        &self,
        request: &SearchRequest,
        visibility: Visibility,
    ) -> Result<SearchAnswer> {
        // Never closed: an error would only mean searching without a turn.
        let _turn = self.searches.acquire().await;
        let words = request.match_expression();
        // The rank as a column (an FTS5 ranking function cannot be called
        // inside an aggregate), with the title counting ten times and the
        // tags five times as much as the rest.
        let rank = match words {
            Some(_) => "search_text.rank",
            None => "NULL",
        };
        let mut sql = QueryBuilder::new("");
        push_matched(
            &mut sql,
            &format!(
                "json_group_array(json_array(d.id, d.kind, d.category, d.platform, d.time_ms, \
                 json(d.tags), {rank}))"
            ),
            request,
            visibility,
        );
        if words.is_some() {
            sql.push(" AND search_text.rank MATCH 'bm25(10.0, 1.0, 5.0)'");
        }
        let found: String = sql.build().fetch_one(&self.pool).await?.try_get(0)?;
        let mut matches: Vec<Match> = serde_json::from_str(&found)?;
        drop(found);
        let (total, facets) = Facets::count(&matches, &self.iops().await?);
        let page = page_of(&mut matches, request.offset(), request.limit());
        Ok(SearchAnswer {
            total,
            hits: self.hits(&page, words).await?,
            facets,
        })
    }

    /// The hits of the documents `page` names, in its order: what they
    /// are, their titles and snippets (the words marked when there are
    /// words). A case study's title is its own (its slug is indexed with
    /// it, to be found by it, but not shown).
    ///
    /// With words, the ids are tested after the match (`+rowid`): handed
    /// to the text index, each id would run the words' prefix expansion
    /// again, twenty times the work of one match.
    async fn hits(&self, page: &[i64], words: Option<String>) -> Result<Vec<Hit>> {
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let (snippet, ids) = match words {
            Some(_) => (
                "snippet(search_text, 1, '[', ']', '…', 12)",
                "+search_text.rowid",
            ),
            None => ("substr(search_text.body, 1, 160)", "d.id"),
        };
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT d.id, d.kind, d.ref, d.time_ms, d.category, d.platform, \
                    CASE d.kind WHEN 'case_study' THEN (SELECT slug FROM case_studies WHERE id = d.ref) \
                         WHEN 'decision' THEN (SELECT CAST(operation_id AS TEXT) FROM decisions WHERE id = d.ref) \
                    END AS parent, \
                    CASE d.kind WHEN 'case_study' THEN (SELECT title FROM case_studies WHERE id = d.ref) \
                         ELSE search_text.title END AS title, {snippet} AS snippet \
               FROM search_text JOIN search_docs d ON d.id = search_text.rowid \
              WHERE {ids} IN ("
        ));
        let mut listed = sql.separated(", ");
        for id in page {
            listed.push_bind(*id);
        }
        sql.push(")");
        if let Some(words) = words {
            sql.push(" AND search_text MATCH ").push_bind(words);
        }
        let mut hits: Vec<(i64, Hit)> = sql
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    Hit {
                        kind: row.try_get("kind")?,
                        id: row.try_get("ref")?,
                        title: row.try_get("title")?,
                        snippet: row.try_get("snippet")?,
                        time: from_ms(row.try_get("time_ms")?),
                        category: row.try_get("category")?,
                        platform: row.try_get("platform")?,
                        parent: row.try_get("parent")?,
                    },
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        hits.sort_by_key(|(id, _)| page.iter().position(|p| p == id));
        Ok(hits.into_iter().map(|(_, hit)| hit).collect())
    }
}
