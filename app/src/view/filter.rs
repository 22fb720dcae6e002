//! The view's filters (`fam`, `cat`, `plat`, `q`, `new`): what of the
//! loaded products, and of the expected ones, the board draws.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use model::record::{family, Family};
use model::Product;

/// Which products a view shows.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Filter {
    /// Families shown (`fam`); empty means all.
    pub families: BTreeSet<Family>,
    pub category: Option<String>,
    pub platform: Option<String>,
    /// Words that must all appear in the file name or title (`q`).
    pub text: String,
    /// Only products that arrived after this page was opened (`new=1`).
    pub new_only: bool,
}

impl Filter {
    /// Whether `product` passes; `opened` is when the page was loaded.
    pub fn matches(&self, product: &Product, opened: DateTime<Utc>) -> bool {
        self.lets_lane(&product.category, &product.platform)
            && (!self.new_only || product.ingested_at > opened)
            && self.text.split_whitespace().all(|word| {
                let word = word.to_lowercase();
                product.file_name.to_lowercase().contains(&word)
                    || product
                        .meta
                        .title
                        .as_ref()
                        .is_some_and(|t| t.to_lowercase().contains(&word))
            })
    }

    /// Whether an expected product's hollow mark passes: by family,
    /// category and platform; not when only new arrivals or words are asked
    /// for (nothing has arrived, no name to search).
    pub fn lets_expected(&self, expected: &model::expected::Expected) -> bool {
        self.lets_lane(&expected.category, &expected.platform)
            && !self.new_only
            && self.text.trim().is_empty()
    }

    /// Whether the family, category and platform filters let a lane of
    /// `category` and `platform` through.
    fn lets_lane(&self, category: &str, platform: &str) -> bool {
        (self.families.is_empty() || self.families.contains(&family(category)))
            && self.category.as_deref().is_none_or(|c| c == category)
            && self.platform.as_deref().is_none_or(|p| p == platform)
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}
