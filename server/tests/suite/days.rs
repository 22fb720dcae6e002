//! The campaign day by day through the real server: the calendar's cells
//! (IOP, operations, products per family, case-study tags) and a day's page
//! (operations, key products at the hours asked, case studies), each as
//! the caller may see it — the public neither counts nor sees restricted
//! products or draft case studies — and hostile requests refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{next_event, png, TestServer};
use crate::operations::{campaign, planned_flight, send};
use model::EventKind;

const QUICKLOOK: &str = "satellite.MSG.202611291500.ir108.png";
const SECRET: &str = "lidar.ATR42.202611291600.backscatter.png";
const SURFACE: &str = "surface.SITE-1.202611300600.t2m.png";

async fn get(client: &reqwest::Client, t: &TestServer, path: &str) -> (StatusCode, Value) {
    send(client, Method::GET, t.url(path), None).await
}

fn day<'a>(calendar: &'a Value, date: &str) -> &'a Value {
    calendar["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["day"] == date)
        .unwrap_or_else(|| panic!("{date} in {calendar}"))
}

fn families(day: &Value) -> Vec<(String, i64)> {
    day["families"]
        .as_array()
        .expect("families")
        .iter()
        .map(|f| {
            (
                f["family"].as_str().unwrap().to_string(),
                f["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn case(slug: &str, start: &str, end: &str, tag: &str, published: bool) -> Value {
    json!({"slug": slug, "title": format!("Case {slug}"), "start": start, "end": end,
           "tags": [tag], "published": published})
}

#[tokio::test]
async fn the_calendar_and_a_day_show_what_the_reader_may_see() {
    let (t, scientist, _viewer) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    t.drop_file(&format!("{SECRET}.json"), br#"{"restricted": true}"#);
    t.drop_file(SECRET, &png(9));
    t.drop_file(QUICKLOOK, &png(1));
    t.drop_file(SURFACE, &png(2));
    let mut added = 0;
    while added < 3 {
        if let EventKind::ProductAdded { .. } = next_event(&mut ws).await.kind {
            added += 1;
        }
    }
    for tag in ["squall_line", "sea_breeze"] {
        let url = t.url(&format!("/api/v1/case-tags/{tag}"));
        let body = json!({"long_name": tag, "tier": 1});
        assert_eq!(
            send(&t.http, Method::PUT, url, Some(body)).await.0,
            StatusCode::OK
        );
    }
    for body in [
        case(
            "squall",
            "2026-11-29T12:00:00Z",
            "2026-11-29T23:00:00Z",
            "squall_line",
            true,
        ),
        case(
            "breeze",
            "2026-11-30T09:00:00Z",
            "2026-11-30T18:00:00Z",
            "sea_breeze",
            false,
        ),
    ] {
        let (status, answer) = send(
            &scientist,
            Method::POST,
            t.url("/api/v1/case-studies"),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }

    // The public.
    let public = t.anonymous();
    let (status, calendar) = get(&public, &t, "/api/v1/days?from=2026-11-27&to=2026-12-01").await;
    assert_eq!(status, StatusCode::OK, "{calendar}");
    assert_eq!(calendar["days"].as_array().unwrap().len(), 5);
    assert_eq!(calendar["iops"][0]["name"], "IOP1");
    let quiet = day(&calendar, "2026-11-27");
    assert_eq!(
        (quiet["iops"].clone(), families(quiet)),
        (json!([]), vec![])
    );
    let flight_day = day(&calendar, "2026-11-29");
    assert_eq!(flight_day["iops"], json!(["IOP1"]));
    assert_eq!(flight_day["operations"][0]["id"], operation);
    assert_eq!(flight_day["operations"][0]["status"], "proposed");
    assert_eq!(families(flight_day), vec![("remote".to_string(), 1)]);
    assert_eq!(flight_day["tags"], json!(["squall_line"]));
    let next_day = day(&calendar, "2026-11-30");
    assert_eq!(families(next_day), vec![("insitu".to_string(), 1)]);
    assert_eq!(
        (next_day["tags"].clone(), next_day["case_studies"].clone()),
        (json!([]), json!(0))
    );

    // A participant counts the restricted product and sees the draft's tag.
    let (_, calendar) = get(&scientist, &t, "/api/v1/days?from=2026-11-27&to=2026-12-01").await;
    let campaign = calendar["campaign"]
        .as_array()
        .expect("the campaign's span");
    assert!(campaign[0].as_str() <= campaign[1].as_str(), "{campaign:?}");
    assert_eq!(
        families(day(&calendar, "2026-11-29")),
        vec![("remote".to_string(), 2)]
    );
    assert_eq!(day(&calendar, "2026-11-30")["tags"], json!(["sea_breeze"]));

    // Without bounds: the campaign's span (the IOP, 28 Nov to 1 Dec).
    let (_, whole) = get(&public, &t, "/api/v1/days").await;
    assert_eq!(
        (whole["from"].clone(), whole["to"].clone()),
        (json!("2026-11-28"), json!("2026-12-01"))
    );

    // A day: its operation, key products at the hours asked, its case.
    let (status, page) = get(&public, &t, "/api/v1/days/2026-11-29?hours=12,18").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["hours"], json!([12, 18]));
    assert_eq!(page["operations"][0]["operation"]["id"], operation);
    let lanes = page["lanes"].as_array().unwrap();
    assert_eq!(
        lanes.len(),
        1,
        "the restricted lane is not the public's: {page}"
    );
    assert_eq!(
        (lanes[0]["category"].clone(), lanes[0]["count"].clone()),
        (json!("satellite"), json!(1))
    );
    assert_eq!(lanes[0]["slots"][0]["product"]["file_name"], QUICKLOOK);
    assert_eq!(page["case_studies"][0]["slug"], "squall");
    assert_eq!(page["iops"][0]["name"], "IOP1");
    let (_, page) = get(&scientist, &t, "/api/v1/days/2026-11-29").await;
    assert_eq!(page["hours"], json!([0, 6, 12, 18]));
    let lanes: Vec<&str> = page["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["category"].as_str().unwrap())
        .collect();
    assert_eq!(lanes, ["lidar", "satellite"]);
    let (_, page) = get(&public, &t, "/api/v1/days/2026-11-30").await;
    assert_eq!(
        page["case_studies"],
        json!([]),
        "the draft is not the public's"
    );
}

#[tokio::test]
async fn hostile_day_requests_are_refused_or_bounded() {
    let t = TestServer::start().await;
    for path in [
        "/api/v1/days/2026-13-01",
        "/api/v1/days/yesterday",
        "/api/v1/days?from=2026-11-31",
        "/api/v1/days?to=..",
        "/api/v1/days?from=2026-11",
        "/api/v1/days?from=99999999999-01-01",
        "/api/v1/days/2026-11-29T00:00",
        "/api/v1/days/%00",
    ] {
        let (status, answer) = get(&t.http, &t, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert!(
            answer["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("date"),
            "{answer}"
        );
    }
    for hours in ["99,-1,x", "", ",,,", "99999999999999999999999"] {
        let (status, page) = get(
            &t.http,
            &t,
            &format!("/api/v1/days/2026-11-29?hours={hours}"),
        )
        .await;
        assert_eq!(
            (status, page["hours"].clone()),
            (StatusCode::OK, json!([0, 6, 12, 18])),
            "{hours}"
        );
    }
    // An empty bound is no bound.
    let (status, calendar) = get(&t.http, &t, "/api/v1/days?from=&to=2026-12-01").await;
    assert_eq!(
        (status, calendar["to"].clone()),
        (StatusCode::OK, json!("2026-12-01"))
    );
    let many = (0..2000)
        .map(|h| (h % 24).to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (_, page) = get(
        &t.http,
        &t,
        &format!("/api/v1/days/2026-11-29?hours={many}"),
    )
    .await;
    assert_eq!(
        page["hours"].as_array().unwrap().len(),
        model::days::MAX_HOURS
    );
    // A span too long for one calendar is refused with the reason, not cut.
    let (status, refusal) = get(&t.http, &t, "/api/v1/days?from=0001-01-01&to=2026-12-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refusal["reason"]
            .as_str()
            .unwrap()
            .contains("at most 400 days"),
        "{refusal}"
    );
    let (status, calendar) = get(&t.http, &t, "/api/v1/days?from=2025-10-28&to=2026-12-01").await;
    assert_eq!(status, StatusCode::OK);
    let days = calendar["days"].as_array().unwrap();
    assert_eq!(days.len() as i64, model::days::MAX_CALENDAR_DAYS);
    assert_eq!(days.last().unwrap()["day"], "2026-12-01");
    assert!(
        calendar["campaign"].is_null(),
        "nothing catalogued: no span"
    );
    let (status, calendar) = get(&t.http, &t, "/api/v1/days?from=2026-12-05&to=2026-12-01").await;
    assert_eq!(
        (status, calendar["days"].as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
}
