//! Any bytes as a sidecar: parsing never panics, and a sidecar that parses
//! resolves against any name (the latest product time the names allow
//! included) to a time or to a clear error, never an overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::sidecar::Timing;
use model::{NameRules, Sidecar};

fuzz_target!(|data: &[u8]| {
    let Ok(sidecar) = Sidecar::parse(data) else {
        return;
    };
    let rules = NameRules::default();
    for name in [
        "model.AROME.202611281200.024h_precip.png",
        "model.AROME.999912312359.9999h_precip.png",
        "surface.SETE.000001010000.t2m.csv",
    ] {
        let name = rules.parse(name).expect("a valid name");
        let _ = Timing::resolve(&name, Some(&sidecar));
    }
    let _ = sidecar.meta();
});
