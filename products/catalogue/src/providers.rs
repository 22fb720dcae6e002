//! The providers table: who may upload, and the hashes of their tokens.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_ms, now_ms, Catalogue, CatalogueError, Result};
use crate::provider::{LastUpload, Provider};

impl Catalogue {
    /// Adds a provider with the hash of its token.
    pub async fn add_provider(
        &self,
        name: &str,
        categories: &[String],
        platforms: &[String],
        restricted: bool,
        token_hash: &str,
    ) -> Result<Provider> {
        let created = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO providers (name, token_hash, categories, platforms, created_ms, restricted)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(token_hash)
        .bind(serde_json::to_string(categories)?)
        .bind(serde_json::to_string(platforms)?)
        .bind(created)
        .bind(restricted)
        .execute(&self.pool)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(CatalogueError::ProviderExists(name.to_string()))
            }
            other => {
                other?;
                Ok(Provider {
                    name: name.to_string(),
                    categories: categories.to_vec(),
                    platforms: platforms.to_vec(),
                    restricted,
                    created_at: from_ms(created),
                    revoked_at: None,
                    last_upload: None,
                })
            }
        }
    }

    /// Every provider, revoked ones included, by name.
    pub async fn providers(&self) -> Result<Vec<Provider>> {
        let rows = sqlx::query(&format!(
            "SELECT {PROVIDER_COLUMNS} FROM providers ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(provider_from_row).collect()
    }

    /// The active (not revoked) provider holding the token with this hash.
    pub async fn provider_by_token_hash(&self, token_hash: &str) -> Result<Option<Provider>> {
        let row = sqlx::query(&format!(
            "SELECT {PROVIDER_COLUMNS} FROM providers WHERE token_hash = ? AND revoked_ms IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(provider_from_row).transpose()
    }

    /// Whether the products of provider `name` are restricted by default.
    pub async fn provider_restricts(&self, name: &str) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT restricted FROM providers WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(false),
        )
    }

    /// Notes what provider `name` just sent and what became of it.
    pub async fn note_upload(&self, name: &str, file_name: &str, outcome: &str) -> Result<()> {
        sqlx::query(
            "UPDATE providers SET last_upload_ms = ?, last_upload_file = ?, last_upload_outcome = ?
             WHERE name = ?",
        )
        .bind(now_ms())
        .bind(file_name)
        .bind(outcome)
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Revokes a provider's token; false if there is no such active provider.
    pub async fn revoke_provider(&self, name: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE providers SET revoked_ms = ? WHERE name = ? AND revoked_ms IS NULL",
        )
        .bind(now_ms())
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

const PROVIDER_COLUMNS: &str = "name, categories, platforms, restricted, created_ms, revoked_ms, \
     last_upload_ms, last_upload_file, last_upload_outcome";

fn provider_from_row(row: &SqliteRow) -> Result<Provider> {
    Ok(Provider {
        name: row.try_get("name")?,
        categories: serde_json::from_str(row.try_get("categories")?)?,
        platforms: serde_json::from_str(row.try_get("platforms")?)?,
        restricted: row.try_get::<i64, _>("restricted")? != 0,
        created_at: from_ms(row.try_get("created_ms")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_ms")?.map(from_ms),
        last_upload: match row.try_get::<Option<i64>, _>("last_upload_ms")? {
            Some(at) => Some(LastUpload {
                at: from_ms(at),
                file_name: row
                    .try_get::<Option<String>, _>("last_upload_file")?
                    .unwrap_or_default(),
                outcome: row
                    .try_get::<Option<String>, _>("last_upload_outcome")?
                    .unwrap_or_default(),
            }),
            None => None,
        },
    })
}
