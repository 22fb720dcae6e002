//! Reports in the catalogue: read them as a reader may see them, and (as the
//! event log, so only the hub does) write one or attach a report file, each
//! with its `report.updated` event in one transaction. Attaching moves a
//! completed or aborted operation to `reported` in that same transaction.

use chrono::{Duration, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::event_row::insert_event;
use super::operations::{operation_of, OPERATION_COLUMNS};
use super::planning::{exact_version, fetch_operation, mark_reported, PlanningError};
use super::{from_ms, now_ms, Catalogue, EventLog, Result};
use model::access::Visibility;
use model::event::{Event, EventKind};
use model::operations::report::REPORT_CATEGORY;
use model::operations::{
    report_target, Attached, Attachment, AttachmentSeen, Report, ReportDraft, ReportSections,
    ReportSeen,
};
use model::Product;

type Planned<T> = std::result::Result<T, PlanningError>;

impl Catalogue {
    /// Operation `operation_id`'s report, if it has one.
    pub async fn report(&self, operation_id: i64) -> Result<Option<Report>> {
        let mut conn = self.pool.acquire().await?;
        fetch_report(&mut conn, operation_id).await
    }

    /// The report as `visibility` may see it: attachments it may not see are
    /// left out, and of a report file sent in several versions only the
    /// newest attached one is listed.
    pub async fn report_seen(
        &self,
        operation_id: i64,
        visibility: Visibility,
    ) -> Result<Option<ReportSeen>> {
        let Some(report) = self.report(operation_id).await? else {
            return Ok(None);
        };
        let mut attachments: Vec<AttachmentSeen> = Vec::with_capacity(report.attachments.len());
        for attachment in &report.attachments {
            let Some(stored) = self.product(attachment.product_id, visibility).await? else {
                continue;
            };
            let product = stored.product;
            if !visibility.may_see(&product, Utc::now()) {
                continue;
            }
            let same = |seen: &AttachmentSeen| seen.product.key() == product.key();
            match attachments.iter_mut().find(|seen| same(seen)) {
                Some(seen) if seen.product.version < product.version => seen.product = product,
                Some(_) => {}
                None => attachments.push(AttachmentSeen {
                    product,
                    how: attachment.how,
                }),
            }
        }
        Ok(Some(ReportSeen {
            report,
            attachments,
        }))
    }
}

impl EventLog {
    /// Writes (or amends) operation `operation_id`'s report by `author`,
    /// with the product versions it pins (`report.updated`).
    pub async fn save_report(
        &self,
        operation_id: i64,
        draft: &ReportDraft,
        author: &str,
    ) -> Planned<Event> {
        draft.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        fetch_operation(&mut tx, operation_id).await?;
        let mut pinned: Vec<i64> = Vec::with_capacity(draft.pinned.len());
        for cited in &draft.pinned {
            let version = exact_version(&mut tx, cited).await?;
            if !pinned.contains(&version) {
                pinned.push(version);
            }
        }
        let now = now_ms();
        sqlx::query(
            "INSERT INTO reports (operation_id, sections, author, updated_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (operation_id) DO UPDATE
                 SET sections = excluded.sections, author = excluded.author,
                     updated_ms = excluded.updated_ms",
        )
        .bind(operation_id)
        .bind(serde_json::to_string(&draft.sections)?)
        .bind(author)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM report_attachments WHERE operation_id = ? AND how = ?")
            .bind(operation_id)
            .bind(Attached::Pinned.as_str())
            .execute(&mut *tx)
            .await?;
        for product_id in pinned {
            attach(&mut tx, operation_id, product_id, Attached::Pinned, now).await?;
        }
        announce(tx, operation_id).await
    }

    /// Attaches `product`, if it is a report file, to the operation of its
    /// platform covering its time (see [`report_target`]); None when it is
    /// not a report or no operation is found (it stays a product).
    pub async fn attach_report_file(&self, product: &Product) -> Planned<Option<Event>> {
        if product.category != REPORT_CATEGORY {
            return Ok(None);
        }
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let time = product.time;
        let sql = format!(
            "SELECT {OPERATION_COLUMNS} FROM operations
             WHERE platform = ? AND planned_start_ms BETWEEN ? AND ?"
        );
        let rows = sqlx::query(&sql)
            .bind(&product.platform)
            .bind((time - Duration::days(2)).timestamp_millis())
            .bind((time + Duration::days(1)).timestamp_millis())
            .fetch_all(&mut *tx)
            .await?;
        let candidates = rows.iter().map(operation_of).collect::<Result<Vec<_>>>()?;
        let Some(target) = report_target(&candidates, time) else {
            return Ok(None);
        };
        let now = now_ms();
        sqlx::query(
            "INSERT INTO reports (operation_id, sections, updated_ms) VALUES (?, '{}', ?)
             ON CONFLICT (operation_id) DO UPDATE SET updated_ms = excluded.updated_ms",
        )
        .bind(target.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        attach(&mut tx, target.id, product.id, Attached::Dropped, now).await?;
        announce(tx, target.id).await.map(Some)
    }
}

async fn attach(
    tx: &mut SqliteConnection,
    operation_id: i64,
    product_id: i64,
    how: Attached,
    now: i64,
) -> Planned<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO report_attachments (operation_id, product_id, how, attached_ms)
         VALUES (?, ?, ?, ?)",
    )
    .bind(operation_id)
    .bind(product_id)
    .bind(how.as_str())
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// Marks the operation reported where due, records the report's event with
/// the operation as it now is, commits.
async fn announce(mut tx: sqlx::Transaction<'_, sqlx::Sqlite>, id: i64) -> Planned<Event> {
    sqlx::query("UPDATE operations SET report_ms = ? WHERE id = ?")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    mark_reported(&mut tx, id).await?;
    let report = fetch_report(&mut tx, id)
        .await?
        .ok_or(PlanningError::UnknownOperation)?;
    let operation = fetch_operation(&mut tx, id).await?;
    let event = insert_event(&mut tx, EventKind::ReportUpdated { report, operation }).await?;
    tx.commit().await?;
    Ok(event)
}

async fn fetch_report(conn: &mut SqliteConnection, operation_id: i64) -> Result<Option<Report>> {
    let Some(row) = sqlx::query("SELECT * FROM reports WHERE operation_id = ?")
        .bind(operation_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let attachments = sqlx::query(
        "SELECT product_id, how FROM report_attachments WHERE operation_id = ?
         ORDER BY attached_ms, product_id",
    )
    .bind(operation_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(attachment_of)
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(report_of(&row, attachments)?))
}

fn report_of(row: &SqliteRow, attachments: Vec<Attachment>) -> Result<Report> {
    let sections: ReportSections = serde_json::from_str(row.try_get("sections")?)?;
    Ok(Report {
        operation_id: row.try_get("operation_id")?,
        sections,
        attachments,
        author: row.try_get("author")?,
        updated_at: from_ms(row.try_get("updated_ms")?),
    })
}

fn attachment_of(row: &SqliteRow) -> Result<Attachment> {
    let how: String = row.try_get("how")?;
    Ok(Attachment {
        product_id: row.try_get("product_id")?,
        how: serde_json::from_value(serde_json::Value::String(how))?,
    })
}
