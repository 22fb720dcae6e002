//! Personal API tokens and invitation links: secrets given out once, of
//! which only a SHA-256 is kept (they are random, not passwords, so a fast
//! hash is enough), and the audit trail of who did what to whose access.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::users::{user_from_row, USER_COLUMNS};
use super::{from_ms, now_ms, Catalogue, Result};
use crate::user::User;
pub use model::accounts::{ApiToken, AuditEntry};

/// How stale a token's `last_used_at` may get before it is written again.
pub const USE_NOTED_EVERY_MS: i64 = 60_000;

/// Why an invitation could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationRefused {
    /// Unknown, already used, or its user disabled.
    Invalid,
    Expired,
}

/// Marks every unused invitation of `user_id` used at `now`.
async fn close_invitations(tx: &mut sqlx::SqliteConnection, user_id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE invitations SET used_ms = ? WHERE user_id = ? AND used_ms IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(tx)
        .await?;
    Ok(())
}

impl Catalogue {
    /// Records a personal token of `user_id`.
    pub async fn add_api_token(&self, user_id: i64, label: &str, token_hash: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, label, token_hash, created_ms) VALUES (?, ?, ?, ?)
             RETURNING id",
        )
        .bind(user_id)
        .bind(label)
        .bind(token_hash)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    /// The enabled user holding the active token with this hash; notes its
    /// use at most every [`USE_NOTED_EVERY_MS`] (a script polling every
    /// second must not cost a commit per request).
    pub async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, user_id, last_used_ms FROM api_tokens
             WHERE token_hash = ? AND revoked_ms IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let now = now_ms();
        let last_used: Option<i64> = row.try_get("last_used_ms")?;
        if last_used.is_none_or(|t| now - t > USE_NOTED_EVERY_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_ms = ? WHERE id = ?")
                .bind(now)
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&self.pool)
                .await?;
        }
        let user_id: i64 = row.try_get("user_id")?;
        Ok(self.user_by_id(user_id).await?.filter(|u| !u.disabled))
    }

    /// Every token of every user, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT t.id, u.name, t.label, t.created_ms, t.last_used_ms, t.revoked_ms
             FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    user: r.try_get("name")?,
                    label: r.try_get("label")?,
                    created_at: from_ms(r.try_get("created_ms")?),
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_ms")?.map(from_ms),
                    revoked_at: r.try_get::<Option<i64>, _>("revoked_ms")?.map(from_ms),
                })
            })
            .collect()
    }

    /// Revokes token `id`; its owner's name when it was active.
    pub async fn revoke_api_token(&self, id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL
             RETURNING (SELECT name FROM users WHERE users.id = api_tokens.user_id)",
        )
        .bind(now_ms())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Records an invitation for `user_id`, usable once until `expires`.
    /// It replaces the user's earlier unused ones: the newest link handed
    /// out is the only one that works (an admin makes a new one because the
    /// old went astray).
    pub async fn add_invitation(
        &self,
        user_id: i64,
        token_hash: &str,
        created_by: Option<&str>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        close_invitations(&mut tx, user_id, now).await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, user_id, created_by, created_ms, expires_ms)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(created_by)
        .bind(now)
        .bind(expires.timestamp_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user an unused, unexpired invitation is for.
    pub async fn invited_user(
        &self,
        token_hash: &str,
    ) -> Result<std::result::Result<User, InvitationRefused>> {
        let row = sqlx::query(
            "SELECT user_id, expires_ms FROM invitations WHERE token_hash = ? AND used_ms IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(Err(InvitationRefused::Invalid));
        };
        if row.try_get::<i64, _>("expires_ms")? <= now_ms() {
            return Ok(Err(InvitationRefused::Expired));
        }
        let user = self.user_by_id(row.try_get("user_id")?).await?;
        Ok(user
            .filter(|u| !u.disabled)
            .ok_or(InvitationRefused::Invalid))
    }

    /// Uses an invitation: sets the password hash of its user (revoking the
    /// user's sessions) and marks it used, in one transaction, so two
    /// browsers racing with one link cannot both succeed.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<std::result::Result<User, InvitationRefused>> {
        let now = now_ms();
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let row = sqlx::query(
            "UPDATE invitations SET used_ms = ? WHERE token_hash = ? AND used_ms IS NULL
             RETURNING user_id, expires_ms",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(Err(InvitationRefused::Invalid));
        };
        if row.try_get::<i64, _>("expires_ms")? <= now {
            return Ok(Err(InvitationRefused::Expired));
        }
        let user_id: i64 = row.try_get("user_id")?;
        let updated = sqlx::query(&format!(
            "UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1
             WHERE id = ? AND disabled = 0 RETURNING {USER_COLUMNS}"
        ))
        .bind(password_hash)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = updated.as_ref().map(user_from_row).transpose()? else {
            return Ok(Err(InvitationRefused::Invalid));
        };
        // The password is set: no other link of the user's may set it again.
        close_invitations(&mut tx, user_id, now).await?;
        tx.commit().await?;
        Ok(Ok(user))
    }

    /// Adds a line to the audit trail.
    pub async fn audit(
        &self,
        actor: Option<&str>,
        action: &str,
        subject: Option<&str>,
        address: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit (at_ms, actor, action, subject, address) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(now_ms())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` lines of the audit trail, newest first.
    pub async fn audit_trail(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT at_ms, actor, action, subject, address FROM audit ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: from_ms(r.try_get("at_ms")?),
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    address: r.try_get("address")?,
                })
            })
            .collect()
    }
}
