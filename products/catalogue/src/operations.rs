//! Reading the operations side of the catalogue: platforms, IOPs,
//! operations, their decisions, and a decision's evidence as a reader sees
//! it now. The writes are the event log's (`planning.rs`).

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{from_ms, stored_product, Catalogue, Result, PRODUCT_COLUMNS};
use model::access::Visibility;
use model::name::strip_lead;
use model::operations::{
    CampaignSetup, Decision, DecisionSeen, DecisionTick, Evidence, EvidenceSeen, Iop, Newer,
    Operation, OperationDetail, Platform, Status,
};
use model::record::Product;

/// Filters of an operations listing; `None` means no bound. An operation
/// is in a window when its planned window overlaps it.
#[derive(Clone, Debug, Default)]
pub struct OperationQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub platform: Option<String>,
    pub status: Option<Status>,
    pub limit: Option<i64>,
}

/// The most operations one listing returns: a campaign has hundreds.
pub const MAX_OPERATIONS: i64 = 5_000;

pub(super) const OPERATION_COLUMNS: &str =
    "id, code, status, plan, created_by, created_ms, updated_ms, report_ms";

pub(super) fn operation_of(row: &SqliteRow) -> Result<Operation> {
    let status: String = row.try_get("status")?;
    Ok(Operation {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        status: status
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        plan: serde_json::from_str(row.try_get("plan")?)?,
        created_by: row.try_get("created_by")?,
        created_at: from_ms(row.try_get("created_ms")?),
        updated_at: from_ms(row.try_get("updated_ms")?),
        report_at: row.try_get::<Option<i64>, _>("report_ms")?.map(from_ms),
    })
}

fn platform_of(row: &SqliteRow) -> Result<Platform> {
    let kind: String = row.try_get("kind")?;
    Ok(Platform {
        name: row.try_get("name")?,
        kind: serde_json::from_value(serde_json::Value::String(kind))?,
        base: row.try_get("base")?,
        colour: row.try_get("colour")?,
        contact: row.try_get("contact")?,
        base_position: row
            .try_get::<Option<f64>, _>("base_lon")?
            .zip(row.try_get::<Option<f64>, _>("base_lat")?)
            .map(|(lon, lat)| [lon, lat]),
        rings_km: serde_json::from_str(row.try_get("rings_km")?)?,
    })
}

fn iop_of(row: &SqliteRow) -> Result<Iop> {
    Ok(Iop {
        name: row.try_get("name")?,
        start: from_ms(row.try_get("start_ms")?),
        end: from_ms(row.try_get("end_ms")?),
        objectives: row.try_get("objectives")?,
    })
}

pub(super) fn status_of(text: &str) -> Result<Status> {
    Ok(text.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?)
}

impl Catalogue {
    pub async fn platforms(&self) -> Result<Vec<Platform>> {
        let rows = sqlx::query("SELECT * FROM platforms ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(platform_of).collect()
    }

    pub async fn iops(&self) -> Result<Vec<Iop>> {
        let rows = sqlx::query("SELECT * FROM iops ORDER BY start_ms, name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(iop_of).collect()
    }

    /// Platforms and IOPs, as `opsboard campaign export` writes them.
    pub async fn campaign_setup(&self) -> Result<CampaignSetup> {
        Ok(CampaignSetup {
            platforms: self.platforms().await?,
            iops: self.iops().await?,
        })
    }

    /// Operations by planned start, then id.
    pub async fn operations(&self, query: &OperationQuery) -> Result<Vec<Operation>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {OPERATION_COLUMNS} FROM operations WHERE 1 = 1"
        ));
        if let Some(from) = query.from {
            sql.push(" AND COALESCE(planned_end_ms, planned_start_ms) >= ")
                .push_bind(from.timestamp_millis());
        }
        if let Some(to) = query.to {
            sql.push(" AND planned_start_ms <= ")
                .push_bind(to.timestamp_millis());
        }
        if let Some(platform) = &query.platform {
            sql.push(" AND platform = ").push_bind(platform.clone());
        }
        if let Some(status) = query.status {
            sql.push(" AND status = ").push_bind(status.as_str());
        }
        sql.push(" ORDER BY planned_start_ms, id LIMIT ").push_bind(
            query
                .limit
                .unwrap_or(MAX_OPERATIONS)
                .clamp(1, MAX_OPERATIONS),
        );
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter().map(operation_of).collect()
    }

    pub async fn operation(&self, id: i64) -> Result<Option<Operation>> {
        let sql = format!("SELECT {OPERATION_COLUMNS} FROM operations WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(operation_of).transpose()
    }

    /// Operation `id` with its decisions, each with its evidence as
    /// `visibility` may see it: the operation's page.
    pub async fn operation_detail(
        &self,
        id: i64,
        visibility: Visibility,
    ) -> Result<Option<OperationDetail>> {
        let Some(operation) = self.operation(id).await? else {
            return Ok(None);
        };
        let mut decisions = Vec::new();
        for decision in self.decisions(id).await? {
            let evidence_seen = self.evidence_seen(&decision.evidence, visibility).await?;
            decisions.push(DecisionSeen {
                decision,
                evidence_seen,
            });
        }
        let report = self.report_seen(id, visibility).await?;
        Ok(Some(OperationDetail {
            operation,
            decisions,
            report,
        }))
    }

    /// The decisions taken between `from` and `to` on operations planned
    /// then or not, oldest first, at most [`MAX_OPERATIONS`] of them: the
    /// ticks of the board's operations lanes.
    pub async fn decision_ticks(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DecisionTick>> {
        let rows = sqlx::query(
            "SELECT id, operation_id, at_ms, to_status, author FROM decisions
             WHERE at_ms BETWEEN ? AND ? ORDER BY id LIMIT ?",
        )
        .bind(from.timestamp_millis())
        .bind(to.timestamp_millis())
        .bind(MAX_OPERATIONS)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DecisionTick {
                    id: r.try_get("id")?,
                    operation_id: r.try_get("operation_id")?,
                    at: from_ms(r.try_get("at_ms")?),
                    to: status_of(r.try_get("to_status")?)?,
                    author: r.try_get("author")?,
                })
            })
            .collect()
    }

    /// An operation's decisions, oldest first.
    pub async fn decisions(&self, operation_id: i64) -> Result<Vec<Decision>> {
        let rows = sqlx::query("SELECT * FROM decisions WHERE operation_id = ? ORDER BY id")
            .bind(operation_id)
            .fetch_all(&self.pool)
            .await?;
        let mut decisions = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            decisions.push(decision_of(row, self.evidence_of(id).await?)?);
        }
        Ok(decisions)
    }

    /// The versions decision `id` cites, in order.
    async fn evidence_of(&self, decision_id: i64) -> Result<Vec<Evidence>> {
        let rows = sqlx::query(
            "SELECT e.product_id, p.version FROM decision_evidence e
             JOIN products p ON p.id = e.product_id
             WHERE e.decision_id = ? ORDER BY e.position",
        )
        .bind(decision_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    product_id: r.try_get("product_id")?,
                    version: r.try_get("version")?,
                })
            })
            .collect()
    }

    /// `evidence` as `visibility` may see it: each cited version that
    /// reader may see, with the newer version of it and, for a forecast,
    /// the newer run of it that have arrived since. Versions the reader
    /// may not see are left out, with no placeholder that would name them.
    pub async fn evidence_seen(
        &self,
        evidence: &[Evidence],
        visibility: Visibility,
    ) -> Result<Vec<EvidenceSeen>> {
        let now = Utc::now();
        let mut seen = Vec::with_capacity(evidence.len());
        for cited in evidence {
            let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?");
            let Some(row) = sqlx::query(&sql)
                .bind(cited.product_id)
                .fetch_optional(&self.pool)
                .await?
            else {
                continue;
            };
            let product = stored_product(&row)?.product;
            if !visibility.may_see(&product, now) {
                continue;
            }
            let newer_version = self.newer(&product, Since::Version, visibility).await?;
            let newer_run = match product.run_time {
                Some(_) => self.newer(&product, Since::Run, visibility).await?,
                None => None,
            };
            seen.push(EvidenceSeen {
                product,
                newer_version,
                newer_run,
            });
        }
        Ok(seen)
    }

    /// The newest product after `product` in the sense of `since` that
    /// `visibility` may see.
    async fn newer(
        &self,
        product: &Product,
        since: Since,
        visibility: Visibility,
    ) -> Result<Option<Newer>> {
        let sql = |condition| format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE {condition}");
        let (version_sql, run_sql) = (sql(NEWER_VERSION), sql(NEWER_RUN));
        let query = match since {
            Since::Version => sqlx::query(&version_sql)
                .bind(&product.category)
                .bind(&product.platform)
                .bind(&product.product)
                .bind(product.time.timestamp_millis())
                .bind(product.version),
            Since::Run => sqlx::query(&run_sql)
                .bind(&product.category)
                .bind(&product.platform)
                .bind(product.valid_time.timestamp_millis())
                .bind(product.run_time.map(|t| t.timestamp_millis())),
        };
        let rows = query.fetch_all(&self.pool).await?;
        let variable = strip_lead(&product.product);
        let now = Utc::now();
        for row in &rows {
            let newer = stored_product(row)?.product;
            let same_variable = strip_lead(&newer.product) == variable;
            if same_variable && visibility.may_see(&newer, now) {
                return Ok(Some(Newer {
                    product_id: newer.id,
                    version: newer.version,
                    file_name: newer.file_name,
                    ingested_at: newer.ingested_at,
                    run_time: newer.run_time,
                }));
            }
        }
        Ok(None)
    }
}

/// What "newer" means for a cited product.
#[derive(Clone, Copy)]
enum Since {
    /// A later version of the same product (same name, other bytes).
    Version,
    /// A later run of the same forecast valid at the same time (the lead
    /// differs: `012h_precip` of the 12 UTC run after `024h_precip` of 00 UTC).
    Run,
}

const NEWER_VERSION: &str =
    "category = ? AND platform = ? AND product = ? AND time_ms = ? AND version > ?
     ORDER BY version DESC LIMIT 1";

const NEWER_RUN: &str =
    "category = ? AND platform = ? AND valid_ms = ? AND run_ms > ? AND is_current = 1
     ORDER BY run_ms DESC LIMIT 64";

pub(super) fn decision_of(row: &SqliteRow, evidence: Vec<Evidence>) -> Result<Decision> {
    Ok(Decision {
        id: row.try_get("id")?,
        operation_id: row.try_get("operation_id")?,
        from: status_of(row.try_get("from_status")?)?,
        to: status_of(row.try_get("to_status")?)?,
        at: from_ms(row.try_get("at_ms")?),
        author: row.try_get("author")?,
        rationale: row.try_get("rationale")?,
        evidence,
        view: row.try_get("view")?,
        planned_start: row
            .try_get::<Option<i64>, _>("planned_start_ms")?
            .map(from_ms),
        planned_end: row
            .try_get::<Option<i64>, _>("planned_end_ms")?
            .map(from_ms),
    })
}
