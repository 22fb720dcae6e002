//! The opsboard product domain.
//!
//! Everything that knows what a *product* is lives here, with no web dependency:
//! how a dropped file's name is read ([`name`]), the record and event types sent
//! to dashboards ([`record`]), media types ([`media`]) and, behind the
//! `catalogue` feature, the SQLite catalogue ([`catalogue`]) and the on-disk
//! layout of accepted and rejected files ([`store`]).
//!
//! The wasm front end depends on this crate without the `catalogue` feature so
//! that the browser and the server share one definition of every wire type.

pub mod access;
pub mod accounts;
pub mod case_studies;
pub mod days;
pub mod media;
pub mod name;
pub mod operations;
#[cfg(feature = "previews")]
pub mod preview;
pub mod record;
pub mod search;
pub mod sidecar;
#[cfg(feature = "catalogue")]
pub mod stac;
pub mod tracks;

#[cfg(feature = "catalogue")]
pub mod catalogue;
#[cfg(feature = "catalogue")]
pub mod provider;
#[cfg(feature = "catalogue")]
pub mod store;
#[cfg(feature = "catalogue")]
pub mod user;

pub use access::{Policy, Reader, RestrictRule, Role, Visibility};
pub use name::{NameError, NameRules, ProductName};
pub use record::{Event, EventKind, Product, ProductKey, Rejection, Reset, Skip};
pub use sidecar::{ProductMeta, Sidecar};
