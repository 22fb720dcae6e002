//! The server's integration tests, in one test binary.
//!
//! One binary rather than one per file: each links the whole server (Leptos
//! pages included), some 100 MB apiece, and fifteen of them filled a CI disk
//! and spent minutes linking. The tests still run in parallel threads, as
//! they did inside each file; every test starts its own server on a free
//! loopback port with its own data directory, so they share nothing but the
//! process (and the route list of `site::ROUTES`, made once per process).
//! Run one area with `cargo test -p server --test suite access::`.

mod common;

mod access;
mod admin;
mod admin_sources;
mod auth_edges;
mod briefings;
mod built_files;
mod bundles;
mod calendar;
mod case_studies;
mod clients;
mod days;
mod decisions;
mod expected;
mod export_site;
mod fetch;
mod fetch_kinds;
mod field_maps;
mod fields;
mod flight_plans;
mod hostile_files;
mod import;
mod import_circles;
mod ingest;
mod ingest_together;
mod iwg1_udp;
mod login;
mod map;
mod model_netcdf;
mod operations;
mod page_errors;
mod previews;
mod readme;
mod reports;
mod restart;
mod restriction_changes;
mod restriction_matrix;
mod search;
mod sections;
mod setup_link;
mod site;
mod spine;
mod stac;
mod stac_filter;
mod stop;
mod tracks;
mod upload;
mod users;
mod wms;
mod wms_clients;
