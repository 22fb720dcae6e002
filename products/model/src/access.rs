//! Who may see which products.
//!
//! A product is *restricted* (for participants only) by its sidecar
//! (`"restricted": true`), by its provider's default, or by a `--restrict`
//! rule on its category or platform; a sidecar's `restricted_until` ends the
//! restriction at a date (an embargo). [`Policy::apply`] folds all of that
//! into the product's metadata when it is catalogued, so the one question
//! every reader asks later is [`Product::is_restricted_at`], and the
//! catalogue can answer it in SQL.
//!
//! [`Visibility`] is what a reader may see; every catalogue read of products
//! takes one, so that no listing can forget to filter.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::record::Product;
use crate::sidecar::ProductMeta;

/// What a reader may see of the catalogue. The default is the public's, so
/// that what forgets to ask shows less, never more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Visibility {
    /// Participants (any role): every product, restricted ones included.
    Everything,
    /// The public (anonymous visitors in public mode, provider tokens):
    /// products that are not restricted now.
    #[default]
    OpenOnly,
}

impl Visibility {
    /// Whether a reader with this visibility may see `product` at `now`.
    pub fn may_see(self, product: &Product, now: DateTime<Utc>) -> bool {
        match self {
            Visibility::Everything => true,
            Visibility::OpenOnly => !product.is_restricted_at(now),
        }
    }
}

impl Product {
    /// Whether only participants may see this product at `now`.
    pub fn is_restricted_at(&self, now: DateTime<Utc>) -> bool {
        self.meta.restricted == Some(true) && self.meta.restricted_until.is_none_or(|end| now < end)
    }
}

/// What a participant may do, each role including the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, restricted products included.
    Viewer,
    /// A viewer who plans and decides operations, writes briefings and reports.
    Scientist,
    /// Manages users, providers, platforms and campaign settings.
    Admin,
}

impl Role {
    /// Every role, least rights first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Scientist, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Scientist => "scientist",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = RoleError;

    fn from_str(s: &str) -> Result<Self, RoleError> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "scientist" => Ok(Role::Scientist),
            "admin" => Ok(Role::Admin),
            other => Err(RoleError(other.chars().take(40).collect())),
        }
    }
}

/// A word that is not a role.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a role: viewer, scientist or admin")]
pub struct RoleError(pub String);

/// Who reads a page or calls an endpoint, as pages and queries need it: a
/// participant (by name and role), or the public.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    /// The participant; `None` for the public.
    pub participant: Option<(String, Role)>,
}

impl Reader {
    pub fn visibility(&self) -> Visibility {
        match self.participant {
            Some(_) => Visibility::Everything,
            None => Visibility::OpenOnly,
        }
    }

    /// Whether the reader holds at least `role`.
    pub fn is_at_least(&self, role: Role) -> bool {
        self.participant.as_ref().is_some_and(|(_, r)| *r >= role)
    }
}

/// `--restrict CATEGORY[.PLATFORM]`: every product of a category (of one
/// platform of it, or `*.PLATFORM` for a platform in every category) is
/// restricted, whatever its sidecar says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestrictRule {
    /// `None`: any category.
    pub category: Option<String>,
    /// `None`: any platform.
    pub platform: Option<String>,
}

impl RestrictRule {
    pub fn matches(&self, category: &str, platform: &str) -> bool {
        self.category.as_deref().is_none_or(|c| c == category)
            && self.platform.as_deref().is_none_or(|p| p == platform)
    }
}

impl FromStr for RestrictRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let token = |t: &str| -> Result<Option<String>, String> {
            if t == "*" {
                return Ok(None);
            }
            let ok = !t.is_empty()
                && t.len() <= 64
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| Some(t.to_string())).ok_or_else(|| {
                format!("{text:?}: expected CATEGORY, CATEGORY.PLATFORM or *.PLATFORM")
            })
        };
        let (category, platform) = match text.split_once('.') {
            Some((c, p)) => (token(c)?, token(p)?),
            None => (token(text)?, None),
        };
        if category.is_none() && platform.is_none() {
            return Err(format!(
                "{text:?} would restrict everything: use --access participants"
            ));
        }
        Ok(Self { category, platform })
    }
}

impl fmt::Display for RestrictRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let category = self.category.as_deref().unwrap_or("*");
        match &self.platform {
            Some(platform) => write!(f, "{category}.{platform}"),
            None => f.write_str(category),
        }
    }
}

/// The campaign's restriction rules, applied to each product as it is catalogued.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub rules: Vec<RestrictRule>,
}

impl Policy {
    /// `meta` with its restriction decided: a rule restricts whatever the
    /// sidecar says (a rule is the campaign's policy, a sidecar the
    /// provider's wish), for good: a sidecar's embargo end
    /// (`restricted_until`) would otherwise open what the rule closes.
    /// Without a rule the sidecar decides, and without one the provider's
    /// default does.
    pub fn apply(
        &self,
        category: &str,
        platform: &str,
        provider_restricts: bool,
        mut meta: ProductMeta,
    ) -> ProductMeta {
        let ruled = self.rules.iter().any(|r| r.matches(category, platform));
        if ruled {
            meta.restricted = Some(true);
            meta.restricted_until = None;
        } else if meta.restricted.is_none() && provider_restricts {
            meta.restricted = Some(true);
        }
        meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rules_parse_and_match() {
        let rule: RestrictRule = "radar.BOLLENE".parse().unwrap();
        assert!(rule.matches("radar", "BOLLENE") && !rule.matches("radar", "NIMES"));
        let any_platform: RestrictRule = "model".parse().unwrap();
        assert!(any_platform.matches("model", "AROME"));
        let any_category: RestrictRule = "*.ATR42".parse().unwrap();
        assert!(any_category.matches("aircraft", "ATR42") && !any_category.matches("x", "F20"));
        assert_eq!(any_category.to_string(), "*.ATR42");
        for bad in ["", "*", "*.*", "a.b.c", "ra dar", "x.", &"m".repeat(65)] {
            assert!(bad.parse::<RestrictRule>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rules_override_sidecars_and_sidecars_override_the_provider() {
        let policy = Policy {
            rules: vec!["radar".parse().unwrap()],
        };
        let open = ProductMeta {
            restricted: Some(false),
            ..Default::default()
        };
        assert_eq!(
            policy.apply("radar", "X", false, open.clone()).restricted,
            Some(true)
        );
        assert_eq!(
            policy.apply("model", "X", true, open).restricted,
            Some(false)
        );
        assert_eq!(
            policy
                .apply("model", "X", true, ProductMeta::default())
                .restricted,
            Some(true)
        );
        assert_eq!(
            policy
                .apply("model", "X", false, ProductMeta::default())
                .restricted,
            None
        );
    }

    #[test]
    fn a_rule_ignores_a_sidecars_embargo_end() {
        let policy = Policy {
            rules: vec!["radar".parse().unwrap()],
        };
        let ended = ProductMeta {
            restricted_until: Some(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap()),
            ..Default::default()
        };
        let ruled = policy.apply("radar", "X", false, ended.clone());
        assert_eq!(
            (ruled.restricted, ruled.restricted_until),
            (Some(true), None)
        );
        // Without a rule the sidecar's embargo stands.
        let own = policy.apply("model", "X", true, ended);
        assert!(own.restricted_until.is_some());
    }

    #[test]
    fn an_embargo_ends() {
        let end = Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap();
        let mut product: Product = serde_json::from_value(serde_json::json!({
            "id": 1, "category": "radar", "platform": "X", "product": "ppi",
            "time": "2026-11-29T12:00:00Z", "valid_time": "2026-11-29T12:00:00Z",
            "version": 1, "file_name": "radar.X.202611291200.ppi.png",
            "media_type": "image/png", "size": 1, "sha256": "x",
            "ingested_at": "2026-11-29T12:00:00Z", "file_url": "/f",
            "restricted": true, "restricted_until": "2027-06-01T00:00:00Z"
        }))
        .unwrap();
        let before = end - chrono::Duration::seconds(1);
        assert!(product.is_restricted_at(before));
        assert!(!Visibility::OpenOnly.may_see(&product, before));
        assert!(Visibility::Everything.may_see(&product, before));
        assert!(!product.is_restricted_at(end));
        assert!(Visibility::OpenOnly.may_see(&product, end));
        product.meta.restricted_until = None;
        assert!(product.is_restricted_at(end + chrono::Duration::days(3650)));
    }
}
