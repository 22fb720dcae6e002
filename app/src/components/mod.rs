//! The pieces of the dashboard, one per file.

pub mod arrivals;
pub mod connection;
pub mod dashboard;
pub mod rejections;
pub mod timeline;
pub mod upload;
pub mod viewer;
