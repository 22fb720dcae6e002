//! Participants' accounts: names, roles and passwords, with no web in sight.
//!
//! Passwords are hashed with Argon2id at OWASP's recommended parameters
//! (19 MiB of memory, two passes, one lane) into a PHC string that carries
//! its own salt and parameters, so they can be raised later without breaking
//! stored hashes. A password is bounded before it is hashed: its length is
//! input, and so is the time a hash takes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use thiserror::Error;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted, in bytes: hashing cost grows with it.
pub const MAX_PASSWORD: usize = 1024;
/// Longest user name.
pub const MAX_NAME: usize = 64;

pub use model::access::Role;

pub use model::accounts::User;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum UserError {
    #[error("a user name has 1 to {MAX_NAME} letters, digits, '.', '_', '-' or '@'")]
    Name,
    #[error("a password has {MIN_PASSWORD} to {MAX_PASSWORD} bytes")]
    PasswordLength,
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// Checks a user name: what a login form, a log line and a URL can carry.
pub fn check_name(name: &str) -> Result<&str, UserError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    ok.then_some(name).ok_or(UserError::Name)
}

/// Argon2id with OWASP's parameters (m = 19 MiB, t = 2, p = 1).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&password.len()) {
        return Err(UserError::PasswordLength);
    }
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// Whether `password` is the one hashed in `phc` (false for a malformed hash
/// or an oversized password, never an error: a login fails the same way).
pub fn verify_password(phc: &str, password: &str) -> bool {
    if password.len() > MAX_PASSWORD {
        return false;
    }
    PasswordHash::new(phc)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_salted_and_verified() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify_password(&a, "correct horse battery"));
        assert!(!verify_password(&a, "correct horse battery!"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        assert!(!verify_password(&a, &"x".repeat(MAX_PASSWORD + 1)));
        assert_eq!(hash_password("short"), Err(UserError::PasswordLength));
        assert_eq!(
            hash_password(&"x".repeat(MAX_PASSWORD + 1)),
            Err(UserError::PasswordLength)
        );
    }

    #[test]
    fn names_and_roles_are_checked() {
        assert!(check_name("m.dupont@omp").is_ok());
        for bad in ["", "a b", "<script>", &"x".repeat(MAX_NAME + 1)] {
            assert_eq!(check_name(bad), Err(UserError::Name), "{bad:?}");
        }
        assert_eq!("scientist".parse::<Role>(), Ok(Role::Scientist));
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin > Role::Scientist && Role::Scientist > Role::Viewer);
    }
}
