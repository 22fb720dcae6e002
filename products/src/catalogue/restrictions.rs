//! Which catalogued products a restriction rule reaches but which are not
//! restricted yet: those catalogued before the rule was given.

use super::{Catalogue, Result};
use crate::access::RestrictRule;

impl Catalogue {
    /// Ids of the products (every version) `rule` covers that are open.
    pub async fn open_under(&self, rule: &RestrictRule) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM products WHERE restricted = 0
               AND (?1 IS NULL OR category = ?1) AND (?2 IS NULL OR platform = ?2)
             ORDER BY id",
        )
        .bind(rule.category.as_deref())
        .bind(rule.platform.as_deref())
        .fetch_all(&self.pool)
        .await?)
    }
}
