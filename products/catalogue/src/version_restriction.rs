//! A restriction covers a product, not one of its versions.
//!
//! A provider that restricts version 2 (or whose product a rule reaches
//! later) means the product: leaving version 1's record and file open would
//! hand the public what was just withdrawn, through `/versions`, the
//! arrivals or a pinned link. So a restriction spreads to every version of
//! the identity, and never loosens one: an older version keeps the stricter
//! of its own restriction and the new one ([`stricter`]). A new version whose
//! sidecar says nothing of access inherits the restriction of the version it
//! replaces; only an explicit `"restricted": false` opens it (and only it).
//!
//! Both happen inside the writing transaction of the change that causes
//! them, and each older version that changes gets its own `product.updated`
//! (withdrawn from the public when it was open), numbered before the event
//! of the change itself, so a page that applies events in order ends on the
//! current version.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::event_row::insert_event;
use super::{bind_key, stored_product, Result, KEY_MATCHES, PRODUCT_COLUMNS};
use model::access::Visibility;
use model::event::{Event, EventKind};
use model::record::{Product, ProductKey};
use model::sidecar::ProductMeta;

/// A restriction: `None` when open, `Some(None)` for good, `Some(Some(end))`
/// until an embargo's end.
type Restriction = Option<Option<DateTime<Utc>>>;

fn restriction(meta: &ProductMeta) -> Restriction {
    (meta.restricted == Some(true)).then_some(meta.restricted_until)
}

/// The stricter of two restrictions: restricted beats open, for good beats
/// an embargo, a later end beats an earlier one.
fn stricter(a: Restriction, b: Restriction) -> Restriction {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(None), _) | (_, Some(None)) => Some(None),
        (Some(Some(x)), Some(Some(y))) => Some(Some(x.max(y))),
    }
}

/// `meta` of a new version of `key`: when its sidecar, rules and provider
/// left its access open to choice (`restricted` unset), it takes the
/// restriction of the current version it replaces.
pub(super) async fn inherit(
    tx: &mut SqliteConnection,
    key: ProductKey<&str>,
    mut meta: ProductMeta,
) -> Result<ProductMeta> {
    if meta.restricted.is_some() {
        return Ok(meta);
    }
    let sql =
        format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE {KEY_MATCHES} AND is_current = 1");
    if let Some(row) = bind_key(sqlx::query(&sql), key)
        .fetch_optional(&mut *tx)
        .await?
    {
        let replaced = stored_product(&row)?.product;
        if let Some(until) = restriction(&replaced.meta) {
            meta.restricted = Some(true);
            meta.restricted_until = until;
        }
    }
    Ok(meta)
}

/// Spreads `product`'s restriction to the other versions of its identity,
/// writing a `product.updated` for each one that becomes stricter.
pub(super) async fn spread(tx: &mut SqliteConnection, product: &Product) -> Result<Vec<Event>> {
    let Some(wanted) = restriction(&product.meta) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE {KEY_MATCHES} AND id != ? ORDER BY version"
    );
    let rows = bind_key(sqlx::query(&sql), product.key())
        .bind(product.id)
        .fetch_all(&mut *tx)
        .await?;
    let now = Utc::now();
    let mut events = Vec::new();
    for row in rows {
        let mut other = stored_product(&row)?.product;
        let had = restriction(&other.meta);
        let Some(until) = stricter(had, Some(wanted)) else {
            continue;
        };
        if had == Some(until) {
            continue;
        }
        let was_public = Visibility::OpenOnly.may_see(&other, now);
        other.meta.restricted = Some(true);
        other.meta.restricted_until = until;
        sqlx::query(
            "UPDATE products SET meta = ?, restricted = 1, restricted_until_ms = ? WHERE id = ?",
        )
        .bind(serde_json::to_string(&other.meta)?)
        .bind(until.map(|t| t.timestamp_millis()))
        .bind(other.id)
        .execute(&mut *tx)
        .await?;
        let withdrawn = was_public && !Visibility::OpenOnly.may_see(&other, now);
        let kind = EventKind::ProductUpdated {
            product: other,
            withdrawn,
        };
        events.push(insert_event(&mut *tx, kind).await?);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_stricter_restriction_wins() {
        let early = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let late = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(stricter(None, None), None);
        assert_eq!(stricter(None, Some(Some(early))), Some(Some(early)));
        assert_eq!(
            stricter(Some(Some(late)), Some(Some(early))),
            Some(Some(late))
        );
        assert_eq!(stricter(Some(Some(late)), Some(None)), Some(None));
        assert_eq!(stricter(Some(None), None), Some(None));
    }
}
