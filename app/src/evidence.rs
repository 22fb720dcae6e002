//! Products pinned as evidence in this browser: the viewer's "Cite as
//! evidence" adds the exact version on screen (and the board's link at that
//! moment); an operation's decision form offers them and sends them with
//! the decision. Kept in `localStorage`, so pins survive going from the
//! board to the operation's page and back.

use serde::{Deserialize, Serialize};

/// The most products kept pinned (the server takes 64 per decision).
pub const MAX_PINS: usize = 64;

/// A product version on screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub product_id: i64,
    pub version: i64,
    /// What the form shows (the file name).
    pub label: String,
}

/// What is pinned, and the board's link when the last pin was made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    pub pins: Vec<Pin>,
    pub view: Option<String>,
}

impl Pins {
    /// Adds `pin` (once), keeping the newest [`MAX_PINS`].
    pub fn add(&mut self, pin: Pin, view: Option<String>) {
        self.pins
            .retain(|p| (p.product_id, p.version) != (pin.product_id, pin.version));
        self.pins.push(pin);
        let excess = self.pins.len().saturating_sub(MAX_PINS);
        self.pins.drain(..excess);
        self.view = view.or(self.view.take());
    }
}

#[cfg(feature = "hydrate")]
const PINS_KEY: &str = "opsboard.evidence";

/// The pins of this browser (none on the server, or when unreadable).
pub fn load() -> Pins {
    #[cfg(feature = "hydrate")]
    {
        let stored = leptos::prelude::window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(PINS_KEY).ok().flatten());
        if let Some(pins) = stored.and_then(|text| serde_json::from_str(&text).ok()) {
            return pins;
        }
    }
    Pins::default()
}

/// Keeps `pins` in this browser.
pub fn save(pins: &Pins) {
    #[cfg(feature = "hydrate")]
    if let (Some(storage), Ok(text)) = (
        leptos::prelude::window().local_storage().ok().flatten(),
        serde_json::to_string(pins),
    ) {
        let _ = storage.set_item(PINS_KEY, &text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = pins;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(id: i64) -> Pin {
        Pin {
            product_id: id,
            version: 1,
            label: format!("p{id}"),
        }
    }

    #[test]
    fn pins_are_kept_once_newest_last_and_bounded() {
        let mut pins = Pins::default();
        pins.add(pin(1), Some("/?t=1".into()));
        pins.add(pin(2), None);
        pins.add(pin(1), None);
        let ids: Vec<_> = pins.pins.iter().map(|p| p.product_id).collect();
        assert_eq!(ids, [2, 1]);
        assert_eq!(
            pins.view.as_deref(),
            Some("/?t=1"),
            "a pin without a link keeps the last"
        );
        for id in 10..200 {
            pins.add(pin(id), None);
        }
        assert_eq!(pins.pins.len(), MAX_PINS);
        assert_eq!(pins.pins.last().unwrap().product_id, 199);
    }
}
