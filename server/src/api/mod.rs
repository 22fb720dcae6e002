//! The HTTP API under `/api/v1`, one router per resource.

mod basemap;
mod briefings;
mod bundles;
mod calendar;
mod campaign;
mod case_studies;
mod days;
mod decisions;
mod drops;
mod events;
pub(crate) mod expected;
mod field_maps;
mod fields;
mod health;
pub(crate) mod input;
mod operations;
mod plans;
mod products;
mod rejections;
mod reports;
mod search;
mod sections;
mod tracks;

use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .merge(health::router())
        .merge(products::router())
        .merge(fields::router())
        .merge(field_maps::router())
        .merge(sections::router())
        .merge(drops::router())
        .merge(events::router())
        .merge(expected::router())
        .merge(rejections::router())
        .merge(campaign::router())
        .merge(operations::router())
        .merge(decisions::router())
        .merge(calendar::router())
        .merge(days::router())
        .merge(briefings::router())
        .merge(case_studies::router())
        .merge(bundles::router())
        .merge(reports::router())
        .merge(search::router())
        .merge(plans::router())
        .merge(tracks::router())
        .merge(basemap::router())
        .merge(crate::auth::session::router())
        .merge(crate::auth::first_admin::router())
        .fallback(|| async { ApiError::NotFound("API route") });
    Router::new().nest("/api/v1", v1)
}
