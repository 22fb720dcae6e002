//! The campaign day by day: the calendar's cells and a day's page, read
//! for a reader's visibility (restricted products are neither counted nor
//! shown to the public; draft case studies are for participants).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::PRODUCT_COLUMNS;
use super::{push_visible, stored_product, CaseStudyQuery, Catalogue, OperationQuery, Result};
use model::access::Visibility;
use model::days::{
    calendar_span, day_end, day_start, family_counts, key_products, Calendar, CalendarDay,
    DayOperation, DayPage, MAX_DAY_PRODUCTS,
};
use model::operations::Iop;

const DAY_MS: i64 = 86_400_000;

impl Catalogue {
    /// The first and last day anything of the campaign falls on (a product
    /// `visibility` may see, an operation, an IOP), or None when there is
    /// nothing yet.
    pub async fn campaign_days(
        &self,
        visibility: Visibility,
    ) -> Result<Option<(NaiveDate, NaiveDate)>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT MIN(valid_ms), MAX(valid_ms) FROM products WHERE is_current = 1",
        );
        push_visible(&mut sql, visibility);
        let row = sql.build().fetch_one(&self.pool).await?;
        let products = (
            row.try_get::<Option<i64>, _>(0)?,
            row.try_get::<Option<i64>, _>(1)?,
        );
        let row = sqlx::query(
            "SELECT MIN(planned_start_ms), MAX(COALESCE(planned_end_ms, planned_start_ms)) FROM operations",
        )
        .fetch_one(&self.pool)
        .await?;
        let operations = (
            row.try_get::<Option<i64>, _>(0)?,
            row.try_get::<Option<i64>, _>(1)?,
        );
        let row = sqlx::query("SELECT MIN(start_ms), MAX(end_ms) FROM iops")
            .fetch_one(&self.pool)
            .await?;
        let iops = (
            row.try_get::<Option<i64>, _>(0)?,
            row.try_get::<Option<i64>, _>(1)?,
        );
        let spans = [products, operations, iops];
        let first = spans.iter().filter_map(|s| s.0).min();
        let last = spans.iter().filter_map(|s| s.1).max();
        Ok(first
            .zip(last)
            .and_then(|(a, b)| Some((day_of(a)?, day_of(b)?))))
    }

    /// The calendar from `from` to `to` (bounded by
    /// [`calendar_span`](model::days::calendar_span)), one cell per day.
    pub async fn calendar(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        visibility: Visibility,
    ) -> Result<Calendar> {
        let (from, to) = calendar_span(from, to);
        let (start, end) = (day_start(from), day_end(to));
        let mut days: Vec<CalendarDay> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(CalendarDay::empty)
            .collect();
        let len = days.len();
        let index = |at: DateTime<Utc>| -> Option<usize> {
            let offset = (at.date_naive() - from).num_days();
            usize::try_from(offset).ok().filter(|i| *i < len)
        };

        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT valid_ms / {DAY_MS} AS day, category, COUNT(*) AS n FROM products
              WHERE is_current = 1 AND valid_ms >= "
        ));
        sql.push_bind(start.timestamp_millis())
            .push(" AND valid_ms <= ")
            .push_bind(end.timestamp_millis());
        push_visible(&mut sql, visibility);
        sql.push(" GROUP BY day, category");
        let mut counts: Vec<Vec<(String, i64)>> = vec![Vec::new(); days.len()];
        for row in sql.build().fetch_all(&self.pool).await? {
            let day: i64 = row.try_get("day")?;
            if let Some(i) = index(from_day_number(day)) {
                counts[i].push((row.try_get("category")?, row.try_get("n")?));
            }
        }
        for (day, counts) in days.iter_mut().zip(&counts) {
            day.families = family_counts(counts.iter().map(|(c, n)| (c.as_str(), *n)));
        }

        let query = OperationQuery {
            from: Some(start),
            to: Some(end),
            ..Default::default()
        };
        for operation in self.operations(&query).await? {
            if let Some(i) = index(operation.plan.planned_start) {
                days[i].operations.push(DayOperation {
                    id: operation.id,
                    code: operation.code,
                    platform: operation.plan.platform,
                    kind: operation.plan.kind,
                    status: operation.status,
                });
            }
        }

        let iops = self.iops().await?;
        for iop in &iops {
            for day in days
                .iter_mut()
                .filter(|d| touches(d.day, iop.start, iop.end))
            {
                day.iops.push(iop.name.clone());
            }
        }

        let query = CaseStudyQuery {
            from: Some(start),
            to: Some(end),
            tag: None,
        };
        for case in self.case_studies(&query, visibility).await? {
            for day in days
                .iter_mut()
                .filter(|d| touches(d.day, case.start, case.end))
            {
                day.case_studies += 1;
                for tag in &case.tags {
                    if !day.tags.contains(tag) {
                        day.tags.push(tag.clone());
                    }
                }
            }
        }
        Ok(Calendar {
            from,
            to,
            days,
            iops: iops
                .into_iter()
                .filter(|i| i.end >= start && i.start <= end)
                .collect(),
            campaign: None,
        })
    }

    /// Day `day`'s page, with each lane's key products at `hours`.
    pub async fn day_page(
        &self,
        day: NaiveDate,
        hours: &[u32],
        visibility: Visibility,
    ) -> Result<DayPage> {
        let (start, end) = (day_start(day), day_end(day));
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1 AND valid_ms >= "
        ));
        sql.push_bind(start.timestamp_millis())
            .push(" AND valid_ms <= ")
            .push_bind(end.timestamp_millis());
        push_visible(&mut sql, visibility);
        sql.push(" ORDER BY valid_ms, id LIMIT ")
            .push_bind(MAX_DAY_PRODUCTS);
        let products = sql
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| Ok(stored_product(row)?.product))
            .collect::<Result<Vec<_>>>()?;

        let query = OperationQuery {
            from: Some(start),
            to: Some(end),
            ..Default::default()
        };
        let mut operations = Vec::new();
        for operation in self.operations(&query).await? {
            if let Some(detail) = self.operation_detail(operation.id, visibility).await? {
                operations.push(detail);
            }
        }
        let briefings = self
            .briefings(Some(start))
            .await?
            .into_iter()
            .filter(|b| b.at <= end)
            .collect();
        let iops: Vec<Iop> = self
            .iops()
            .await?
            .into_iter()
            .filter(|i| touches(day, i.start, i.end))
            .collect();
        let query = CaseStudyQuery {
            from: Some(start),
            to: Some(end),
            tag: None,
        };
        Ok(DayPage {
            day,
            hours: hours.to_vec(),
            iops,
            operations,
            briefings,
            lanes: key_products(day, hours, &products),
            case_studies: self.case_studies(&query, visibility).await?,
            punctuality: Vec::new(),
        })
    }
}

/// Whether `start`..=`end` meets `day`.
fn touches(day: NaiveDate, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    start <= day_end(day) && end >= day_start(day)
}

fn from_day_number(day: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(day.saturating_mul(DAY_MS)).unwrap_or_default()
}

fn day_of(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}
