//! The opsboard wire model: what the browser and the server share.
//!
//! Every type that crosses the wire has its one definition here: how a dropped
//! file's name is read ([`name`]), sidecars ([`sidecar`]), the record and event
//! types sent to dashboards ([`record`]), operations, briefings and reports
//! ([`operations`]), case studies, days, search answers, positions and flight
//! plans ([`tracks`]), and who may see what ([`access`]).
//!
//! It has no database, no image codec and no file reader: the wasm front end
//! depends on this crate only, so the compiler keeps SQL and previews out of
//! the browser. What is stored lives in the `catalogue` crate, what is read
//! out of files in the `media` crate.

pub mod access;
pub mod accounts;
pub mod case_studies;
pub mod days;
pub mod event;
pub mod expected;
pub mod fields;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod media;
pub mod name;
pub mod operations;
pub mod record;
pub mod search;
pub mod sidecar;
pub mod tracks;

pub use access::{Policy, Reader, RestrictRule, Role, Visibility};
pub use event::{Event, EventKind, Reset, Skip};
pub use name::{NameError, NameRules, ProductName};
pub use record::{Product, ProductKey, Rejection};
pub use sidecar::{ProductMeta, Sidecar};

/// What every surface (the REST API, pages, server functions) answers when
/// the server itself failed: the cause (a database's words, a path) is for
/// the log, never for the client.
pub const INTERNAL_ERROR: &str = "internal error; the server log has the details";
