//! Case studies: written by scientists (changed or deleted by their author
//! or an admin), read by whoever may read — drafts by participants only —
//! and the tag vocabulary they draw on, kept by admins.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use catalogue::CaseStudyQuery;
use model::case_studies::{CaseStudy, CaseStudyDetail, CaseStudyDraft, CaseTag};
use model::{Event, Role, Visibility};
use serde::Deserialize;

use super::input::{parse_bound, JsonBody};
use crate::auth::{AdminOnly, Participant, ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/case-studies", get(list).post(create))
        .route("/case-studies/{slug}", get(one).put(replace).delete(remove))
        .route("/case-tags", get(tags))
        .route("/case-tags/{tag}", put(save_tag))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    from: Option<String>,
    to: Option<String>,
    tag: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<CaseStudy>>, ApiError> {
    let query = CaseStudyQuery {
        from: parse_bound("from", params.from.as_deref())?,
        to: parse_bound("to", params.to.as_deref())?,
        tag: params.tag,
    };
    let cases = state
        .catalogue
        .case_studies(&query, access.visibility())
        .await?;
    Ok(Json(cases))
}

async fn create(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    JsonBody(draft): JsonBody<CaseStudyDraft>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    let event = state
        .hub
        .create_case_study(&draft, &author.user.name)
        .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(slug): Path<String>,
) -> Result<Json<CaseStudyDetail>, ApiError> {
    state
        .catalogue
        .case_study_detail(&slug, access.visibility())
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("case study"))
}

/// The author of case `slug`, or an admin, may change or delete it.
async fn check_author(state: &AppState, caller: &Participant, slug: &str) -> Result<(), ApiError> {
    let case = state
        .catalogue
        .case_study(slug, Visibility::Everything)
        .await?
        .ok_or(ApiError::NotFound("case study"))?;
    if case.author != caller.user.name && caller.user.role != Role::Admin {
        return Err(ApiError::Forbidden(format!(
            "{} wrote this case study: only they or an admin may change it",
            case.author
        )));
    }
    Ok(())
}

async fn replace(
    State(state): State<AppState>,
    Scientist(caller): Scientist,
    Path(slug): Path<String>,
    JsonBody(draft): JsonBody<CaseStudyDraft>,
) -> Result<Json<Event>, ApiError> {
    check_author(&state, &caller, &slug).await?;
    Ok(Json(state.hub.update_case_study(&slug, &draft).await?))
}

async fn remove(
    State(state): State<AppState>,
    Scientist(caller): Scientist,
    Path(slug): Path<String>,
) -> Result<Json<Event>, ApiError> {
    check_author(&state, &caller, &slug).await?;
    Ok(Json(state.hub.delete_case_study(&slug).await?))
}

async fn tags(
    State(state): State<AppState>,
    _: ReadAccess,
) -> Result<Json<Vec<CaseTag>>, ApiError> {
    Ok(Json(state.catalogue.case_tags().await?))
}

/// A tag's long name and tier; the tag is the path's.
#[derive(Debug, Deserialize)]
struct TagBody {
    long_name: String,
    tier: u8,
}

async fn save_tag(
    State(state): State<AppState>,
    AdminOnly(_): AdminOnly,
    Path(tag): Path<String>,
    JsonBody(body): JsonBody<TagBody>,
) -> Result<Json<Event>, ApiError> {
    let tag = CaseTag {
        tag,
        long_name: body.long_name,
        tier: body.tier,
    };
    Ok(Json(state.hub.save_case_tag(&tag).await?))
}
