//! Briefings in the catalogue: read them, and (as the event log, so only
//! the hub does) plan, change and move them, each with its
//! `briefing.updated` event in one transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::event_row::insert_event;
use super::planning::{exact_version, PlanningError};
use super::{from_ms, now_ms, Catalogue, EventLog, Result};
use model::event::{Event, EventKind};
use model::operations::{Briefing, BriefingDetail, BriefingDraft, BriefingItem, Evidence, Slide};

/// What is kept of a briefing besides its columns.
#[derive(Serialize, Deserialize)]
struct Body {
    items: Vec<BriefingItem>,
    operations: Vec<i64>,
}

fn briefing_of(row: &SqliteRow) -> Result<Briefing> {
    let body: Body = serde_json::from_str(row.try_get("body")?)?;
    let position: i64 = row.try_get("position")?;
    Ok(Briefing {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        at: from_ms(row.try_get("at_ms")?),
        presenter: row.try_get("presenter")?,
        items: body.items,
        operations: body.operations,
        position: usize::try_from(position).unwrap_or(0),
        created_by: row.try_get("created_by")?,
        updated_at: from_ms(row.try_get("updated_ms")?),
    })
}

/// The most briefings one listing returns: one a day for a long campaign.
pub const MAX_BRIEFINGS: i64 = 1_000;

impl Catalogue {
    /// Briefings from `from` on (all when `None`), by time.
    pub async fn briefings(&self, from: Option<DateTime<Utc>>) -> Result<Vec<Briefing>> {
        let rows =
            sqlx::query("SELECT * FROM briefings WHERE at_ms >= ? ORDER BY at_ms, id LIMIT ?")
                .bind(from.map_or(i64::MIN, |t| t.timestamp_millis()))
                .bind(MAX_BRIEFINGS)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(briefing_of).collect()
    }

    pub async fn briefing(&self, id: i64) -> Result<Option<Briefing>> {
        let row = sqlx::query("SELECT * FROM briefings WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(briefing_of).transpose()
    }
}

impl Catalogue {
    /// Briefing `id` as `visibility` may see it: each item's product if
    /// visible (an item showing a hidden product keeps only its comment),
    /// the operations discussed and their decisions of the day.
    pub async fn briefing_detail(
        &self,
        id: i64,
        visibility: model::access::Visibility,
    ) -> Result<Option<BriefingDetail>> {
        let Some(briefing) = self.briefing(id).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        let mut slides = Vec::with_capacity(briefing.items.len());
        for item in &briefing.items {
            let product = match item.product {
                Some(cited) => self.visible_version(cited, visibility, now).await?,
                None => None,
            };
            let mut shown = Vec::with_capacity(item.shows.len());
            for &cited in &item.shows {
                shown.extend(self.visible_version(cited, visibility, now).await?);
            }
            slides.push(Slide {
                product,
                view: item.view.clone(),
                shown,
                area: item.area,
                comment: item.comment.clone(),
            });
        }
        let mut operations = Vec::new();
        for &operation in &briefing.operations {
            operations.extend(self.operation(operation).await?);
        }
        let day_end = briefing
            .at
            .date_naive()
            .and_hms_opt(23, 59, 59)
            .map_or(briefing.at, |t| t.and_utc());
        let decisions = self
            .decision_ticks(briefing.at, day_end)
            .await?
            .into_iter()
            .filter(|d| briefing.operations.contains(&d.operation_id))
            .collect();
        Ok(Some(BriefingDetail {
            briefing,
            slides,
            operations,
            decisions,
        }))
    }
}

impl Catalogue {
    /// The version an item cites (already resolved to its own id), if
    /// `visibility` may see it now.
    async fn visible_version(
        &self,
        cited: Evidence,
        visibility: model::access::Visibility,
        now: DateTime<Utc>,
    ) -> Result<Option<model::record::Product>> {
        Ok(self
            .product(cited.product_id, visibility)
            .await?
            .map(|stored| stored.product)
            .filter(|p| visibility.may_see(p, now)))
    }
}

type Planned<T> = std::result::Result<T, PlanningError>;

impl EventLog {
    /// Plans a briefing by `author` (`briefing.updated`).
    pub async fn create_briefing(&self, draft: &BriefingDraft, author: &str) -> Planned<Event> {
        draft.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let body = resolved(&mut tx, draft).await?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO briefings (title, at_ms, presenter, body, created_by, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&draft.title)
        .bind(draft.at.timestamp_millis())
        .bind(draft.presenter.as_deref().unwrap_or(author))
        .bind(serde_json::to_string(&body)?)
        .bind(author)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        announce(tx, id).await
    }

    /// Replaces briefing `id`'s title, time, presenter, items and
    /// operations; the presenter's position stays within the items.
    pub async fn update_briefing(&self, id: i64, draft: &BriefingDraft) -> Planned<Event> {
        draft.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let body = resolved(&mut tx, draft).await?;
        let last = draft.items.len().saturating_sub(1) as i64;
        let changed = sqlx::query(
            "UPDATE briefings SET title = ?, at_ms = ?, presenter = COALESCE(?, presenter),
                 body = ?, position = MIN(position, ?), updated_ms = ? WHERE id = ?",
        )
        .bind(&draft.title)
        .bind(draft.at.timestamp_millis())
        .bind(&draft.presenter)
        .bind(serde_json::to_string(&body)?)
        .bind(last)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(PlanningError::UnknownBriefing);
        }
        announce(tx, id).await
    }

    /// Adds `item` at the end of briefing `id`: what "Add to briefing"
    /// does from the board, in one transaction so that two scientists
    /// adding at once both land.
    pub async fn add_briefing_item(&self, id: i64, item: &BriefingItem) -> Planned<Event> {
        item.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let briefing = stored(&mut tx, id).await?;
        if briefing.items.len() >= model::operations::briefing::MAX_ITEMS {
            return Err(model::operations::Invalid {
                field: "items",
                problem: format!("the briefing holds {} items already", briefing.items.len()),
            }
            .into());
        }
        let mut body = Body {
            items: briefing.items,
            operations: briefing.operations,
        };
        body.items.push(resolved_item(&mut tx, item).await?);
        sqlx::query("UPDATE briefings SET body = ?, updated_ms = ? WHERE id = ?")
            .bind(serde_json::to_string(&body)?)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        announce(tx, id).await
    }

    /// Moves the presenter of briefing `id` to item `position`.
    pub async fn move_briefing(&self, id: i64, position: usize) -> Planned<Event> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let briefing = stored(&mut tx, id).await?;
        if position >= briefing.items.len().max(1) {
            return Err(model::operations::Invalid {
                field: "position",
                problem: format!("the briefing has {} items", briefing.items.len()),
            }
            .into());
        }
        sqlx::query("UPDATE briefings SET position = ?, updated_ms = ? WHERE id = ?")
            .bind(position as i64)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        announce(tx, id).await
    }
}

/// Briefing `id` as stored, read inside the writing transaction.
async fn stored(tx: &mut SqliteConnection, id: i64) -> Planned<Briefing> {
    let row = sqlx::query("SELECT * FROM briefings WHERE id = ?")
        .bind(id)
        .fetch_optional(tx)
        .await?
        .ok_or(PlanningError::UnknownBriefing)?;
    Ok(briefing_of(&row)?)
}

/// Reads briefing `id` back, records its event, commits.
async fn announce(mut tx: sqlx::Transaction<'_, sqlx::Sqlite>, id: i64) -> Planned<Event> {
    let row = sqlx::query("SELECT * FROM briefings WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let briefing = briefing_of(&row)?;
    let event = insert_event(&mut tx, EventKind::BriefingUpdated { briefing }).await?;
    tx.commit().await?;
    Ok(event)
}

/// The draft's items with each product resolved to the exact version
/// cited, and its operations checked to exist.
async fn resolved(tx: &mut SqliteConnection, draft: &BriefingDraft) -> Planned<Body> {
    let mut items = Vec::with_capacity(draft.items.len());
    for item in &draft.items {
        items.push(resolved_item(tx, item).await?);
    }
    for &operation in &draft.operations {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM operations WHERE id = ?")
            .bind(operation)
            .fetch_optional(&mut *tx)
            .await?;
        known.ok_or_else(|| model::operations::Invalid {
            field: "operations",
            problem: format!("no operation {operation}"),
        })?;
    }
    Ok(Body {
        items,
        operations: draft.operations.clone(),
    })
}

/// `item` with each version it cites resolved to that version's own id.
async fn resolved_item(tx: &mut SqliteConnection, item: &BriefingItem) -> Planned<BriefingItem> {
    let mut item = item.clone();
    for cited in item.product.iter_mut().chain(item.shows.iter_mut()) {
        *cited = Evidence {
            product_id: exact_version(tx, cited).await?,
            version: cited.version,
        };
    }
    Ok(item)
}
