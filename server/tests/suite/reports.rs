//! Reports through the real server: written by scientists once flown (the
//! operation becomes `reported`), pinned products kept to the exact
//! version, report files attaching themselves to the operation covering
//! their time, on the event stream with everything else, hostile drafts
//! refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common;
use crate::operations::{campaign, decide, flight, plan, planned_flight, send};
use common::{next_event, png, product_of, TestServer, Ws};
use model::EventKind;

/// Moves operation `id` through D-1 and go to in-progress, then to `last`
/// (completed, aborted) unless that is where it is.
async fn fly(t: &TestServer, client: &reqwest::Client, id: i64, last: &str) {
    let mut steps = vec!["warning", "go", "in-progress"];
    if last != "in-progress" {
        steps.push(last);
    }
    for to in steps {
        let (status, answer) = decide(t, client, id, json!({"to": to})).await;
        assert_eq!(status, StatusCode::CREATED, "{to}: {answer}");
    }
}

async fn put_report(
    t: &TestServer,
    client: &reqwest::Client,
    id: i64,
    body: Value,
) -> (StatusCode, Value) {
    let url = t.url(&format!("/api/v1/operations/{id}/report"));
    send(client, Method::PUT, url, Some(body)).await
}

/// The next `report.updated` on `ws`, skipping other events.
async fn report_updated(ws: &mut Ws) -> (model::operations::Report, Value) {
    loop {
        let event = next_event(ws).await;
        if let EventKind::ReportUpdated { report, operation } = event.kind {
            return (report, serde_json::to_value(operation).unwrap());
        }
    }
}

async fn status_of(t: &TestServer, id: i64) -> String {
    let (_, detail) = t.get_json(&format!("/api/v1/operations/{id}")).await;
    detail["operation"]["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_report_written_after_the_flight_makes_it_reported_and_keeps_its_pins() {
    let (t, scientist, viewer) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let mut ws = t.events(None).await;
    t.drop_file("satellite.MSG.202611291500.ir108.png", &png(1));
    let quicklook = product_of(next_event(&mut ws).await);
    let sections = json!({
        "crew": "Pilots A and B; scientists C, D",
        "track_summary": "Two legs across the line at FL100 and FL180",
        "conditions": "Convection stronger than forecast",
        "execution": "Second leg shortened by 20 min (ATC)",
        "impressions": "Clear cold pool signature",
        "instrument_status": "Lidar degraded after 15:40",
    });
    let mut body = sections.clone();
    body["pinned"] = json!([{"product_id": quicklook.id, "version": 1}]);

    let (status, _) = put_report(&t, &viewer, id, body.clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "viewers do not write reports"
    );
    let (status, _) = put_report(&t, &scientist, 9_999, body.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        &scientist,
        Method::GET,
        t.url(&format!("/api/v1/operations/{id}/report")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no report yet");

    fly(&t, &scientist, id, "completed").await;
    let (status, saved) = put_report(&t, &scientist, id, body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["report"]["crew"], sections["crew"]);
    assert_eq!(saved["report"]["author"], "marie");
    assert_eq!(saved["attachments"][0]["product"]["id"], quicklook.id);
    assert_eq!(saved["attachments"][0]["how"], "pinned");
    let (report, operation) = report_updated(&mut ws).await;
    assert_eq!(operation["status"], "reported", "completed → reported");
    assert!(operation["report_at"].is_string(), "{operation}");
    assert_eq!(
        report.sections.execution,
        "Second leg shortened by 20 min (ATC)"
    );

    // A newer version of the pinned product: the report still names v1.
    t.drop_file("satellite.MSG.202611291500.ir108.png", &png(2));
    let newer = product_of(next_event(&mut ws).await);
    assert_eq!(newer.version, 2);
    let (_, detail) = t.get_json(&format!("/api/v1/operations/{id}")).await;
    let attached = &detail["report"]["attachments"][0]["product"];
    assert_eq!(
        (attached["id"].as_i64(), attached["version"].as_i64()),
        (Some(quicklook.id), Some(1))
    );
    assert_eq!(
        detail["report"]["report"]["instrument_status"],
        "Lidar degraded after 15:40"
    );

    // Amended: the sections are replaced, the pins too (here: none left).
    let (status, amended) = put_report(
        &t,
        &scientist,
        id,
        json!({"impressions": "Cold pool 2 K", "pinned": []}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["report"]["crew"], "", "replaced whole");
    assert_eq!(amended["attachments"], json!([]));
    assert_eq!(status_of(&t, id).await, "reported");

    // Reported is the end: no decision moves it, and the table says so.
    let (status, refused) = decide(&t, &scientist, id, json!({"to": "completed"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let response = t.http.get(t.url("/api/v1/operations.csv")).send().await;
    let table = response.unwrap().text().await.unwrap();
    let mut rows = csv::Reader::from_reader(table.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let at = headers
        .iter()
        .position(|h| h == "report_at")
        .expect("report_at column");
    let row = rows.records().next().unwrap().unwrap();
    assert!(row[at].starts_with("20"), "{row:?}");
}

#[tokio::test]
async fn a_report_before_landing_is_a_draft_and_landing_makes_it_reported() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    fly(&t, &scientist, id, "in-progress").await;
    let (status, _) = put_report(&t, &scientist, id, json!({"crew": "A, B"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&t, id).await, "in-progress", "still flying");
    let (status, landed) = decide(&t, &scientist, id, json!({"to": "aborted"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(landed["decision"]["to"], "aborted", "the decision as taken");
    assert_eq!(
        landed["operation"]["status"], "reported",
        "its report was written"
    );
}

#[tokio::test]
async fn report_files_attach_themselves_to_the_operation_covering_their_time() {
    let (t, scientist, _) = campaign().await;
    let first = planned_flight(&t, &scientist).await;
    let (second, _) = plan(
        &t,
        &scientist,
        flight("2026-11-30T10:00:00Z", "2026-11-30T13:00:00Z"),
    )
    .await;
    fly(&t, &scientist, first, "completed").await;
    let mut ws = t.events(None).await;

    // Within the first flight's window: attached, and it becomes reported.
    t.drop_file("report.ATR42.202611291600.flight_report.png", &png(1));
    let file = product_of(next_event(&mut ws).await);
    let (report, operation) = report_updated(&mut ws).await;
    assert_eq!(report.operation_id, first);
    assert_eq!(operation["status"], "reported");
    assert_eq!(report.attachments.len(), 1);
    assert_eq!(report.attachments[0].product_id, file.id);
    assert_eq!(report.author, "", "nobody wrote sections");

    // A time of day with no window, on the day of only one flight: that one
    // (not flown yet, so it stays planned).
    t.drop_file("report.ATR42.202611300000.preflight.png", &png(2));
    next_event(&mut ws).await;
    let (report, operation) = report_updated(&mut ws).await;
    assert_eq!(report.operation_id, second);
    assert_eq!(operation["status"], "proposed");

    // A second version of the first report: both versions stay attached,
    // the page lists the newest.
    t.drop_file("report.ATR42.202611291600.flight_report.png", &png(3));
    next_event(&mut ws).await;
    let (report, _) = report_updated(&mut ws).await;
    assert_eq!(report.attachments.len(), 2);
    let (_, detail) = t.get_json(&format!("/api/v1/operations/{first}")).await;
    let listed = detail["report"]["attachments"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["product"]["version"], 2);
    assert_eq!(listed[0]["how"], "dropped");

    // No flight of that platform, or of that day: a product, attached to nothing.
    t.drop_file("report.ATR42.202612050000.late.png", &png(4));
    t.drop_file("report.FALCON.202611291600.other.png", &png(5));
    t.drop_file("surface.SETE.202611291600.t2m.png", &png(6));
    for _ in 0..3 {
        let event = next_event(&mut ws).await;
        assert!(
            matches!(event.kind, EventKind::ProductAdded { .. }),
            "{}",
            event.kind.type_name()
        );
    }
    let (status, products) = t.get_json("/api/v1/products?category=report").await;
    assert_eq!(status, StatusCode::OK);
    assert!(products.as_array().unwrap().len() >= 3, "{products}");

    // The same stream resumed from the start replays the attachments in order.
    let mut replay = t.events(Some(0)).await;
    let mut kinds = Vec::new();
    while kinds.len() < 30 {
        let event = next_event(&mut replay).await;
        kinds.push(event.kind.type_name());
        if kinds.iter().filter(|k| **k == "report.updated").count() == 3 {
            break;
        }
    }
    let first_report = kinds.iter().position(|k| *k == "report.updated").unwrap();
    assert_eq!(kinds[first_report - 1], "product.added", "{kinds:?}");
}

#[tokio::test]
async fn hostile_reports_are_refused_with_the_field_and_nothing_is_kept() {
    let (t, scientist, _) = campaign().await;
    let id = planned_flight(&t, &scientist).await;
    let cases = [
        (json!({}), "empty"),
        (json!({"crew": "x".repeat(10_001)}), "crew"),
        (json!({"conditions": "a\u{0}b"}), "control"),
        (
            json!({"crew": "A", "pinned": [{"product_id": 1, "version": 1}]}),
            "no version",
        ),
        (
            json!({"crew": "A", "pinned": (0..33).map(|i| json!({"product_id": i, "version": 1})).collect::<Vec<_>>()}),
            "at most 32",
        ),
        (json!({"crew": 7}), "invalid JSON body"),
        (
            json!({"crew": "A", "pinned": [{"product_id": "1", "version": 1e300}]}),
            "invalid JSON body",
        ),
        (
            json!({"crew": "A", "pinned": [{"product_id": i64::MAX, "version": i64::MIN}]}),
            "no version",
        ),
        (json!([1, 2]), "invalid JSON body"),
    ];
    for (body, expected) in cases {
        let (status, refused) = put_report(&t, &scientist, id, body.clone()).await;
        assert!(status.is_client_error(), "{body}: {status}");
        let reason = refused["reason"].as_str().unwrap_or_default().to_string();
        assert!(reason.contains(expected), "{expected}: {reason}");
    }
    let (status, _) = send(
        &scientist,
        Method::PUT,
        t.url(&format!("/api/v1/operations/{id}/report")),
        None,
    )
    .await;
    assert!(status.is_client_error(), "no body: {status}");
    let (_, detail) = t.get_json(&format!("/api/v1/operations/{id}")).await;
    assert_eq!(detail["report"], Value::Null, "nothing kept");
    assert_eq!(detail["operation"]["report_at"], Value::Null);
}
