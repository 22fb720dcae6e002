//! The pages, one module per route, each with the server function that
//! loads it: what a newcomer looks for first when a page is wrong.
//! Widgets shared by several pages live in `components`.

pub mod admin;
pub mod admin_sources;
pub mod board;
pub mod briefing;
pub mod briefings;
pub mod calendar;
pub mod case_new;
pub mod case_study;
pub mod day;
pub mod login;
pub mod operation;
pub mod operations;
pub mod search;
pub mod upload;
