//! Providers: who may upload what, and their tokens.
//!
//! A token is 32 random bytes, shown once; the catalogue keeps only its
//! SHA-256. Tokens are random, not passwords, so a fast hash is enough: there
//! is nothing to brute-force.

use sha2::{Digest, Sha256};

/// Prefix of every token, so that a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "obp_";

pub use model::accounts::{LastUpload, Provider};

/// A new random token.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

/// What the catalogue stores for a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use model::NameRules;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn rights_restrict_categories_and_platforms() {
        let rules = NameRules::default();
        let provider = Provider {
            name: "meteo".into(),
            categories: vec!["model".into()],
            platforms: vec![],
            restricted: false,
            created_at: Utc::now(),
            revoked_at: None,
            last_upload: None,
        };
        assert!(provider.may_send(&rules.parse("model.AROME.202611281200.precip.png").unwrap()));
        assert!(!provider.may_send(&rules.parse("satellite.MSG.202611281200.ir.png").unwrap()));
        let one_platform = Provider {
            platforms: vec!["ATR42".into()],
            categories: vec![],
            ..provider
        };
        assert!(
            one_platform.may_send(&rules.parse("aircraft.ATR42.202611281200.iwg1.csv").unwrap())
        );
        assert!(!one_platform.may_send(
            &rules
                .parse("aircraft.FALCON.202611281200.iwg1.csv")
                .unwrap()
        ));
    }
}
