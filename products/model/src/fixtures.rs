//! Products and operations for unit tests, described as the catalogue would
//! describe them: one copy for every crate's tests (the `fixtures` feature).

use crate::operations::{Operation, OperationKind, Plan, Status};
use crate::record::Product;
use chrono::{DateTime, TimeZone, Utc};

pub fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

/// A product as the catalogue would describe it for `name`.
pub fn product(id: i64, name: &str) -> Product {
    let parsed = crate::NameRules::default().parse(name).unwrap();
    Product {
        run_time: parsed.run_time(),
        lead_hours: parsed.lead_hours,
        valid_time: parsed.valid_time(),
        file_name: name.into(),
        ..described(
            id,
            &parsed.category,
            &parsed.platform,
            &parsed.product,
            parsed.time,
        )
    }
}

/// An operation of `platform` planned from `hour` on 29 Nov 2026 for three
/// hours, with `status`.
pub fn operation(id: i64, platform: &str, hour: u32, status: Status) -> Operation {
    let start = at(29, hour, 0);
    let mut plan = Plan::new(platform, OperationKind::Flight, "t", start);
    plan.planned_end = Some(start + chrono::Duration::hours(3));
    Operation {
        id,
        code: format!("{platform}-{id}"),
        status,
        plan,
        created_by: "marie".into(),
        created_at: start,
        updated_at: start,
        report_at: None,
    }
}

/// Version 1 of `category.platform.<time>.name.png`, catalogued as `id`.
pub fn described(
    id: i64,
    category: &str,
    platform: &str,
    name: &str,
    time: DateTime<Utc>,
) -> Product {
    Product {
        id,
        category: category.into(),
        platform: platform.into(),
        product: name.into(),
        time,
        run_time: None,
        lead_hours: None,
        valid_time: time,
        version: 1,
        file_name: format!(
            "{category}.{platform}.{}.{name}.png",
            time.format("%Y%m%d%H%M")
        ),
        media_type: "image/png".into(),
        size: 1,
        sha256: "x".into(),
        ingested_at: time,
        file_url: Product::file_url_for(id),
        missing: false,
        thumbnail_url: None,
        preview_url: None,
        preview_error: None,
        meta: Default::default(),
    }
}
