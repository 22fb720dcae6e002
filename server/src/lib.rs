//! opsboard's server: the path of a product from the drop folder to every open
//! dashboard, one module per step.
//!
//! [`watcher`] (a file is complete) → [`ingest`] (parse, archive, catalogue, or
//! reject; [`reconcile`] repairs an interrupted one at start) → [`hub`] (store
//! the event, broadcast it) → [`api`] (websocket and REST) and [`site`] (the
//! server-rendered dashboard). [`startup`] starts all of it and drains it at
//! a stop, [`supervisor`] keeps the tasks alive and reports them to health,
//! [`config`] holds the command line, [`demo`] the demo feeder.
//! [`export_site`] writes the campaign as a static site for the archive.

// The exported site renders the app's pages, whose view types are deep.
#![recursion_limit = "256"]

pub mod admin;
pub mod api;
pub mod auth;
pub mod campaign;
pub mod config;
pub mod connections;
pub mod demo;
pub mod error;
pub mod export_site;
pub mod faults;
pub mod fetch;
pub mod field_cache;
pub mod field_section;
pub mod hub;
pub mod import;
pub mod ingest;
pub mod lateness;
pub mod limits;
pub mod map;
pub mod positions;
pub mod previews;
pub mod providers;
pub mod reconcile;
pub mod security_headers;
pub mod site;
pub mod source_file;
pub mod stac;
pub mod startup;
pub mod state;
pub mod supervisor;
pub mod users;
pub mod watcher;
pub mod wms;

pub use startup::{serve, start, Server};
