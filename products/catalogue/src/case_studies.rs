//! Case studies and their tag vocabulary in the catalogue: read them as a
//! reader may see them (drafts are for participants), and (as the event
//! log, so only the hub does) create, change and delete them, each with its
//! event in one transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::event_row::insert_event;
use super::planning::{exact_version, PlanningError};
use super::{from_ms, now_ms, Catalogue, EventLog, Result};
use model::access::Visibility;
use model::case_studies::{CaseStudy, CaseStudyDetail, CaseStudyDraft, CaseTag, Segment};
use model::event::{Event, EventKind};
use model::operations::Invalid;

/// The most case studies one listing returns.
pub const MAX_CASE_STUDIES: i64 = 1_000;
/// The most tags the vocabulary holds.
pub const MAX_VOCABULARY: i64 = 500;

/// What is kept of a case study besides its columns.
#[derive(Serialize, Deserialize)]
struct Body {
    description: String,
    tags: Vec<String>,
    operations: Vec<i64>,
    pins: Vec<i64>,
    segments: Vec<Segment>,
    /// Cases saved before licences were asked have none: the default.
    #[serde(default)]
    licence: Option<String>,
}

fn case_study_of(row: &SqliteRow) -> Result<CaseStudy> {
    let body: Body = serde_json::from_str(row.try_get("body")?)?;
    let west: Option<f64> = row.try_get("west")?;
    let bbox = match (west, row.try_get("south")?, row.try_get("east")?) {
        (Some(w), Some(s), Some(e)) => row
            .try_get::<Option<f64>, _>("north")?
            .map(|n| [w, s, e, n]),
        _ => None,
    };
    Ok(CaseStudy {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        start: from_ms(row.try_get("start_ms")?),
        end: from_ms(row.try_get("end_ms")?),
        bbox,
        tags: body.tags,
        description: body.description,
        operations: body.operations,
        pins: body.pins,
        segments: body.segments,
        licence: body
            .licence
            .unwrap_or_else(|| model::case_studies::DEFAULT_LICENCE.into()),
        published: row.try_get("published")?,
        author: row.try_get("author")?,
        created_at: from_ms(row.try_get("created_ms")?),
        updated_at: from_ms(row.try_get("updated_ms")?),
    })
}

/// Which case studies a listing wants: those overlapping `from`..`to`
/// (either open), carrying `tag` when given.
#[derive(Clone, Debug, Default)]
pub struct CaseStudyQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub tag: Option<String>,
}

/// Drafts are for participants: what a public reader asks excludes them.
fn only_published(visibility: Visibility) -> bool {
    visibility != Visibility::Everything
}

impl Catalogue {
    /// The campaign's tags, broadest tier first.
    pub async fn case_tags(&self) -> Result<Vec<CaseTag>> {
        let rows = sqlx::query("SELECT * FROM case_tags ORDER BY tier, tag LIMIT ?")
            .bind(MAX_VOCABULARY)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let tier: i64 = row.try_get("tier")?;
                Ok(CaseTag {
                    tag: row.try_get("tag")?,
                    long_name: row.try_get("long_name")?,
                    tier: u8::try_from(tier).unwrap_or(u8::MAX),
                })
            })
            .collect()
    }

    /// The case studies `visibility` may see matching `query`, by start.
    pub async fn case_studies(
        &self,
        query: &CaseStudyQuery,
        visibility: Visibility,
    ) -> Result<Vec<CaseStudy>> {
        let rows = sqlx::query(
            "SELECT * FROM case_studies c
              WHERE c.end_ms > ? AND c.start_ms < ? AND (c.published OR NOT ?)
                AND (? IS NULL OR EXISTS (SELECT 1 FROM case_study_tags t
                                           WHERE t.case_id = c.id AND t.tag = ?))
              ORDER BY c.start_ms, c.id LIMIT ?",
        )
        .bind(query.from.map_or(i64::MIN, |t| t.timestamp_millis()))
        .bind(query.to.map_or(i64::MAX, |t| t.timestamp_millis()))
        .bind(only_published(visibility))
        .bind(&query.tag)
        .bind(&query.tag)
        .bind(MAX_CASE_STUDIES)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(case_study_of).collect()
    }

    /// Case study `slug`, if `visibility` may see it.
    pub async fn case_study(
        &self,
        slug: &str,
        visibility: Visibility,
    ) -> Result<Option<CaseStudy>> {
        let row = sqlx::query("SELECT * FROM case_studies WHERE slug = ? AND (published OR NOT ?)")
            .bind(slug)
            .bind(only_published(visibility))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(case_study_of).transpose()
    }

    /// Case study `slug`'s page as `visibility` may see it: the pinned
    /// versions it may see (the others counted), its operations.
    pub async fn case_study_detail(
        &self,
        slug: &str,
        visibility: Visibility,
    ) -> Result<Option<CaseStudyDetail>> {
        let Some(case_study) = self.case_study(slug, visibility).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        let mut products = Vec::with_capacity(case_study.pins.len());
        for &pin in &case_study.pins {
            let seen = self
                .product(pin, visibility)
                .await?
                .map(|stored| stored.product)
                .filter(|p| visibility.may_see(p, now));
            products.extend(seen);
        }
        let mut operations = Vec::with_capacity(case_study.operations.len());
        for &operation in &case_study.operations {
            operations.extend(self.operation(operation).await?);
        }
        Ok(Some(CaseStudyDetail {
            hidden_pins: case_study.pins.len() - products.len(),
            case_study,
            products,
            operations,
        }))
    }
}

type Planned<T> = std::result::Result<T, PlanningError>;

impl EventLog {
    /// Adds or changes a tag of the vocabulary (`case_tag.saved`).
    pub async fn save_case_tag(&self, tag: &CaseTag) -> Planned<Event> {
        tag.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_tags WHERE tag != ?")
            .bind(&tag.tag)
            .fetch_one(&mut *tx)
            .await?;
        if count >= MAX_VOCABULARY {
            return Err(Invalid {
                field: "tag",
                problem: format!("the vocabulary holds at most {MAX_VOCABULARY} tags"),
            }
            .into());
        }
        sqlx::query(
            "INSERT INTO case_tags (tag, long_name, tier) VALUES (?, ?, ?)
             ON CONFLICT (tag) DO UPDATE SET long_name = excluded.long_name, tier = excluded.tier",
        )
        .bind(&tag.tag)
        .bind(&tag.long_name)
        .bind(i64::from(tag.tier))
        .execute(&mut *tx)
        .await?;
        let event = insert_event(&mut tx, EventKind::CaseTagSaved { tag: tag.clone() }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Creates a case study by `author` (`case_study.saved`).
    pub async fn create_case_study(&self, draft: &CaseStudyDraft, author: &str) -> Planned<Event> {
        draft.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM case_studies WHERE slug = ?")
            .bind(&draft.slug)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(PlanningError::SlugTaken(draft.slug.clone()));
        }
        let body = resolved(&mut tx, draft).await?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO case_studies (slug, title, start_ms, end_ms, west, south, east, north,
                 body, published, author, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&draft.slug)
        .bind(&draft.title)
        .bind(draft.start.timestamp_millis())
        .bind(draft.end.timestamp_millis())
        .bind(draft.bbox.map(|b| b[0]))
        .bind(draft.bbox.map(|b| b[1]))
        .bind(draft.bbox.map(|b| b[2]))
        .bind(draft.bbox.map(|b| b[3]))
        .bind(serde_json::to_string(&body)?)
        .bind(draft.published)
        .bind(author)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        index(&mut tx, id, &body).await?;
        announce(tx, id).await
    }

    /// Replaces case study `slug` with `draft` (which keeps the slug; a
    /// published case stays published).
    pub async fn update_case_study(&self, slug: &str, draft: &CaseStudyDraft) -> Planned<Event> {
        draft.check()?;
        if draft.slug != slug {
            return Err(Invalid {
                field: "slug",
                problem: "a case study keeps its slug (links and citations use it)".into(),
            }
            .into());
        }
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let row = sqlx::query("SELECT id, published FROM case_studies WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(PlanningError::UnknownCaseStudy)?;
        let id: i64 = row.try_get("id")?;
        let was_published: bool = row.try_get("published")?;
        if was_published && !draft.published {
            return Err(PlanningError::StaysPublished);
        }
        let body = resolved(&mut tx, draft).await?;
        sqlx::query(
            "UPDATE case_studies SET title = ?, start_ms = ?, end_ms = ?, west = ?, south = ?,
                 east = ?, north = ?, body = ?, published = ?, updated_ms = ? WHERE id = ?",
        )
        .bind(&draft.title)
        .bind(draft.start.timestamp_millis())
        .bind(draft.end.timestamp_millis())
        .bind(draft.bbox.map(|b| b[0]))
        .bind(draft.bbox.map(|b| b[1]))
        .bind(draft.bbox.map(|b| b[2]))
        .bind(draft.bbox.map(|b| b[3]))
        .bind(serde_json::to_string(&body)?)
        .bind(draft.published)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        index(&mut tx, id, &body).await?;
        announce(tx, id).await
    }

    /// Deletes case study `slug` (`case_study.deleted`).
    pub async fn delete_case_study(&self, slug: &str) -> Planned<Event> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let row = sqlx::query("DELETE FROM case_studies WHERE slug = ? RETURNING id, published")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(PlanningError::UnknownCaseStudy)?;
        let kind = EventKind::CaseStudyDeleted {
            id: row.try_get("id")?,
            slug: slug.to_string(),
            published: row.try_get("published")?,
        };
        let event = insert_event(&mut tx, kind).await?;
        tx.commit().await?;
        Ok(event)
    }
}

/// Reads case study `id` back, records its event, commits.
async fn announce(mut tx: sqlx::Transaction<'_, sqlx::Sqlite>, id: i64) -> Planned<Event> {
    let row = sqlx::query("SELECT * FROM case_studies WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let case_study = case_study_of(&row)?;
    let event = insert_event(&mut tx, EventKind::CaseStudySaved { case_study }).await?;
    tx.commit().await?;
    Ok(event)
}

/// The draft's body, with each pin resolved to the exact version's row
/// (the same version pinned twice kept once), its tags checked against
/// the vocabulary and its operations checked to exist.
async fn resolved(tx: &mut SqliteConnection, draft: &CaseStudyDraft) -> Planned<Body> {
    for tag in &draft.tags {
        let known: Option<String> = sqlx::query_scalar("SELECT tag FROM case_tags WHERE tag = ?")
            .bind(tag)
            .fetch_optional(&mut *tx)
            .await?;
        known.ok_or_else(|| PlanningError::UnknownTag(tag.clone()))?;
    }
    for &operation in &draft.operations {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM operations WHERE id = ?")
            .bind(operation)
            .fetch_optional(&mut *tx)
            .await?;
        known.ok_or_else(|| Invalid {
            field: "operations",
            problem: format!("no operation {operation}"),
        })?;
    }
    let mut pins: Vec<i64> = Vec::with_capacity(draft.pins.len());
    for cited in &draft.pins {
        pins.push(exact_version(tx, cited).await?);
    }
    Ok(Body {
        description: draft.description.clone(),
        tags: unique(&draft.tags),
        operations: unique(&draft.operations),
        pins: unique(&pins),
        segments: draft.segments.clone(),
        licence: draft.licence.clone().filter(|l| !l.is_empty()),
    })
}

/// `items` without repeats, in their first order (the lists are bounded by
/// the draft's check, so the quadratic search stays small).
fn unique<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !kept.contains(item) {
            kept.push(item.clone());
        }
    }
    kept
}

/// Writes the tag and pin rows of case `id` from its body: what listings
/// and bundles query without reading bodies.
async fn index(tx: &mut SqliteConnection, id: i64, body: &Body) -> Planned<()> {
    sqlx::query("DELETE FROM case_study_tags WHERE case_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM case_study_pins WHERE case_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for tag in &body.tags {
        sqlx::query("INSERT OR IGNORE INTO case_study_tags (case_id, tag) VALUES (?, ?)")
            .bind(id)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    for (position, pin) in body.pins.iter().enumerate() {
        sqlx::query("INSERT INTO case_study_pins (case_id, product_id, position) VALUES (?, ?, ?)")
            .bind(id)
            .bind(pin)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
