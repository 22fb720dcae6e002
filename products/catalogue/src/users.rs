//! The users table: participants' accounts. Written by `opsboard user` and
//! (later) the admin page; a password is only ever stored as its hash.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_ms, now_ms, Catalogue, CatalogueError, Result};
use crate::user::{Role, User};

pub(super) const USER_COLUMNS: &str =
    "id, name, role, password_hash IS NOT NULL AS has_password, disabled, \
     created_ms, last_login_ms, session_epoch";

impl Catalogue {
    /// Adds a user; `password_hash` may wait for an invitation to be used.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<User> {
        let inserted = sqlx::query(
            "INSERT INTO users (name, role, password_hash, created_ms) VALUES (?, ?, ?, ?)",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(CatalogueError::UserExists(name.to_string()))
            }
            other => {
                other?;
                self.user(name)
                    .await?
                    .ok_or_else(|| CatalogueError::UserExists(name.to_string()))
            }
        }
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The user called `name` (names compare without case).
    pub async fn user(&self, name: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Whether any user exists (none: the first start offers to create an admin).
    /// Adds the first admin, unless an admin exists already (made by
    /// `opsboard user add` beside the running server, or by another use of
    /// the same link): checked and written in one transaction.
    pub async fn add_first_admin(&self, name: &str, password_hash: &str) -> Result<Option<User>> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let admin_exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin')")
                .fetch_one(&mut *tx)
                .await?;
        if admin_exists {
            return Ok(None);
        }
        let inserted = sqlx::query(&format!(
            "INSERT INTO users (name, role, password_hash, created_ms) VALUES (?, 'admin', ?, ?)
             RETURNING {USER_COLUMNS}"
        ))
        .bind(name)
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await;
        let row = match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(CatalogueError::UserExists(name.to_string()))
            }
            other => other?,
        };
        let user = user_from_row(&row)?;
        tx.commit().await?;
        Ok(Some(user))
    }

    pub async fn has_users(&self) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Notes a successful login.
    pub async fn record_login(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET last_login_ms = ? WHERE id = ?")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A number that changes whenever any user's sessions or tokens, or a
    /// provider, are revoked, for a server to notice changes another process
    /// (`opsboard user`, `opsboard provider`) made.
    pub async fn revocations(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(SUM(session_epoch), 0) + COUNT(*)
                   + (SELECT COUNT(*) FROM api_tokens WHERE revoked_ms IS NOT NULL)
                   + (SELECT COUNT(*) FROM providers WHERE revoked_ms IS NOT NULL)
                 FROM users",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// The stored password hash of an enabled user, for a login.
    pub async fn password_hash(&self, name: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE name = ? AND disabled = 0")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// Replaces a user's password hash, revoking the user's sessions;
    /// whether the user exists.
    pub async fn set_password_hash(&self, name: &str, hash: &str) -> Result<bool> {
        self.update_user(
            "password_hash = ?, session_epoch = session_epoch + 1",
            hash,
            name,
        )
        .await
    }

    /// Changes a user's role; whether the user exists.
    pub async fn set_role(&self, name: &str, role: Role) -> Result<bool> {
        self.update_user("role = ?", role.as_str(), name).await
    }

    /// Disables (or enables again) a user, revoking the user's sessions;
    /// whether the user exists.
    pub async fn set_disabled(&self, name: &str, disabled: bool) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET disabled = ?, session_epoch = session_epoch + 1 WHERE name = ?",
        )
        .bind(disabled)
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn update_user(&self, set: &str, value: &str, name: &str) -> Result<bool> {
        let done = sqlx::query(&format!("UPDATE users SET {set} WHERE name = ?"))
            .bind(value)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

pub(super) fn user_from_row(row: &SqliteRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        has_password: row.try_get::<i64, _>("has_password")? != 0,
        created_at: from_ms(row.try_get("created_ms")?),
        last_login_at: row.try_get::<Option<i64>, _>("last_login_ms")?.map(from_ms),
        session_epoch: row.try_get("session_epoch")?,
    })
}
