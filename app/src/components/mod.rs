//! The pieces of the dashboard, one per file.

pub mod admin;
pub mod arrivals;
pub mod briefing;
pub mod case_study;
pub mod connection;
pub mod controls;
pub mod dashboard;
pub mod filters;
pub mod header;
pub mod help;
pub mod login;
pub mod map;
pub mod map_layers;
pub mod map_trajectories;
pub mod missions;
pub mod operation;
pub mod operation_lanes;
pub mod pair;
pub mod rejections;
pub mod report;
pub mod runs;
pub mod search;
pub mod situation;
pub mod timeline;
pub mod upload;
pub mod viewer;
