//! Which catalogued products a restriction rule reaches but which are not
//! restricted for good yet: those catalogued before the rule was given, and
//! those whose embargo would end (a rule closes them for good); and which
//! products the public may not see now, whatever their old events said.

use std::collections::HashSet;

use sqlx::{QueryBuilder, Sqlite};

use super::{push_visible, Catalogue, Result};
use model::access::{RestrictRule, Visibility};

impl Catalogue {
    /// Ids of the current versions of the products `rule` covers of which
    /// any version is open or only embargoed: restricting the current one
    /// restricts them all (a restriction spreads to every version).
    pub async fn open_under(&self, rule: &RestrictRule) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM products p WHERE is_current = 1
               AND (?1 IS NULL OR category = ?1) AND (?2 IS NULL OR platform = ?2)
               AND EXISTS (SELECT 1 FROM products o
                   WHERE o.category = p.category AND o.platform = p.platform
                     AND o.time_ms = p.time_ms AND o.product = p.product
                     AND (o.restricted = 0 OR o.restricted_until_ms IS NOT NULL))
             ORDER BY id",
        )
        .bind(rule.category.as_deref())
        .bind(rule.platform.as_deref())
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Catalogue {
    /// Which of `ids` the public may not see now: a replay of stored events
    /// asks what each product *is*, not what it was when its event was
    /// written (a product restricted since must not come back through an
    /// old event's copy of it). Ids not in the catalogue count as hidden.
    pub async fn hidden_from_public(&self, ids: &[i64]) -> Result<HashSet<i64>> {
        let mut hidden: HashSet<i64> = ids.iter().copied().collect();
        for chunk in ids.chunks(500) {
            let mut sql = QueryBuilder::<Sqlite>::new("SELECT id FROM products WHERE id IN (");
            let mut list = sql.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            sql.push(")");
            push_visible(&mut sql, Visibility::OpenOnly);
            let open: Vec<i64> = sql.build_query_scalar().fetch_all(&self.pool).await?;
            for id in open {
                hidden.remove(&id);
            }
        }
        Ok(hidden)
    }
}
