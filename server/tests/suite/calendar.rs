//! The operations as others read them: the iCalendar feed, read back by a
//! real RFC 5545 parser, and the campaign's set-up exported and imported by
//! the real command line.

use icalendar::{Calendar, CalendarComponent, Component};
use reqwest::StatusCode;
use serde_json::json;

use crate::common;
use common::{add_user_with_token, client_with, opsboard_cli, TestServer};
use model::Role;

#[tokio::test]
async fn the_ics_feed_parses_with_utc_times_and_one_event_per_operation() {
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), |args| {
        args.access.access = opsboard::auth::Access::Participants
    })
    .await;
    let scientist = client_with(&add_user_with_token(t.data(), "marie", Role::Scientist).await);
    let post = |path: &str, body: serde_json::Value| {
        let request = scientist.post(t.url(path)).json(&body);
        async move { request.send().await.expect("request") }
    };
    for platform in [
        json!({"name": "ATR42", "kind": "aircraft"}),
        json!({"name": "RS1", "kind": "sonde"}),
    ] {
        let status = t
            .http
            .post(t.url("/api/v1/platforms"))
            .json(&platform)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK);
    }
    // A title with the characters iCalendar escapes, and a line break.
    let title = "Squall line; convection, \"anvil\" \\ edge\nsecond line";
    let flight = post(
        "/api/v1/operations",
        json!({"platform": "ATR42", "kind": "flight", "title": title,
            "planned_start": "2026-11-29T14:00:00+02:00", "planned_end": "2026-11-29T17:30:00Z"}),
    )
    .await
    .json::<serde_json::Value>()
    .await
    .unwrap();
    let id = flight["id"].as_i64().unwrap();
    let decided = post(
        &format!("/api/v1/operations/{id}/decisions"),
        json!({"to": "warning", "rationale": "D-1"}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::CREATED);
    let launch = post(
        "/api/v1/operations",
        json!({"platform": "RS1", "kind": "launch", "title": "Sounding", "planned_start": "2026-11-30T11:00:00Z"}),
    )
    .await;
    assert_eq!(launch.status(), StatusCode::CREATED);

    let response = t
        .http
        .get(t.url("/api/v1/operations.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = response.text().await.unwrap();
    assert!(
        text.contains("Squall line\\; convection\\,"),
        "escaped as RFC 5545 says: {text}"
    );
    let calendar: Calendar = text.parse().expect("a calendar RFC 5545 parsers read");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2, "{text}");
    let flight_event = events
        .iter()
        .find(|e| e.get_uid() == Some("ATR42-20261129a@opsboard"))
        .expect("the flight, by its stable UID");
    assert_eq!(
        flight_event.property_value("DTSTART"),
        Some("20261129T120000Z"),
        "14:00+02:00 is 12:00 UTC"
    );
    assert_eq!(
        flight_event.property_value("DTEND"),
        Some("20261129T173000Z")
    );
    let summary = flight_event.get_summary().expect("a summary");
    assert!(
        summary.starts_with("ATR42-20261129a: D-1 warning"),
        "{summary}"
    );
    assert!(
        summary.contains("Squall line; convection, \"anvil\""),
        "{summary}"
    );
    assert_eq!(flight_event.property_value("STATUS"), Some("TENTATIVE"));
    let launch_event = events
        .iter()
        .find(|e| e.get_uid() == Some("RS1-20261130a@opsboard"))
        .expect("the launch");
    assert_eq!(
        launch_event.property_value("DTSTART"),
        Some("20261130T110000Z")
    );
    assert_eq!(
        launch_event.property_value("DTEND"),
        None,
        "a launch is an instant"
    );

    let anonymous = t
        .anonymous()
        .get(t.url("/api/v1/operations.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.status(),
        StatusCode::UNAUTHORIZED,
        "participants only"
    );
    t.server.shutdown().await.unwrap();
}

const SETUP: &str = r##"
[[platforms]]
name = "ATR42"
kind = "aircraft"
base = "Toulouse-Francazal"
colour = "#1f77b4"
contact = "+33 5 00 00 00 00"
base_position = [1.3675, 43.5456]
rings_km = [250.0, 500.0]

[[platforms]]
name = "RS-TLS"
kind = "sonde"

[[iops]]
name = "IOP1"
start = "2026-11-28T00:00:00Z"
end = "2026-11-30T23:59:59Z"
objectives = "Squall lines crossing the network"
"##;

#[test]
fn campaign_export_then_import_round_trips_and_bad_files_change_nothing() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let dir = |d: &tempfile::TempDir| d.path().to_string_lossy().into_owned();
    let file = |name: &str, text: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let run = |args: &[&str]| opsboard_cli(args);

    let setup = file("setup.toml", SETUP);
    let (ok, out) = run(&["campaign", "import", &setup, "--data-dir", &dir(&first)]);
    assert!(ok, "{out}");
    assert!(out.contains("2 platforms and 1 IOPs"), "{out}");
    let exported = files.path().join("exported.toml");
    let exported_path = exported.to_string_lossy().into_owned();
    let (ok, out) = run(&[
        "campaign",
        "export",
        &exported_path,
        "--data-dir",
        &dir(&first),
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&[
        "campaign",
        "import",
        &exported_path,
        "--data-dir",
        &dir(&second),
    ]);
    assert!(ok, "{out}");
    let (ok, again) = run(&["campaign", "export", "-", "--data-dir", &dir(&second)]);
    assert!(ok, "{again}");
    let exported_text = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(
        again, exported_text,
        "export → import → export gives the same file"
    );
    let parsed: model::operations::CampaignSetup =
        toml::from_str(&exported_text).expect("the export is TOML");
    let original: model::operations::CampaignSetup = toml::from_str(SETUP).unwrap();
    let mut expected = original.platforms.clone();
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(parsed.platforms, expected);
    assert_eq!(parsed.iops, original.iops);

    // Hostile files: each refused with a reason, and nothing written.
    let many: String = (0..1001)
        .map(|i| format!("[[platforms]]\nname = \"P{i}\"\nkind = \"ground\"\n"))
        .collect();
    let cases = [
        ("truncated.toml", SETUP[..SETUP.len() / 2].to_string(), ""),
        ("colour.toml", SETUP.replace("#1f77b4", "blue"), "colour"),
        (
            "backwards.toml",
            SETUP.replace("2026-11-28", "2026-12-28"),
            "end",
        ),
        ("year.toml", SETUP.replace("2026-11-28", "99999-11-28"), ""),
        ("kind.toml", SETUP.replace("\"sonde\"", "\"rocket\""), ""),
        (
            "base.toml",
            SETUP.replace("[1.3675, 43.5456]", "[1.3675, 93.5]"),
            "base_position",
        ),
        (
            "rings.toml",
            SETUP.replace("[250.0, 500.0]", "[250.0, -1.0]"),
            "rings_km",
        ),
        ("many.toml", many, "at most 1000"),
        (
            "huge.toml",
            format!("# {}\n", "x".repeat(1024 * 1024 + 1)),
            "bytes",
        ),
        ("binary.toml", "\u{0}\u{1}\u{2}".to_string(), ""),
    ];
    for (name, text, says) in cases {
        let path = file(name, &text);
        let fresh = tempfile::tempdir().unwrap();
        let (ok, out) = run(&["campaign", "import", &path, "--data-dir", &dir(&fresh)]);
        assert!(!ok, "{name} was accepted");
        assert!(out.contains(says), "{name}: {out}");
        let (_, empty) = run(&["campaign", "export", "-", "--data-dir", &dir(&fresh)]);
        assert!(
            !empty.contains("[[platforms]]"),
            "{name} left platforms behind: {empty}"
        );
    }
    let (ok, out) = run(&[
        "campaign",
        "import",
        "/nonexistent/setup.toml",
        "--data-dir",
        &dir(&second),
    ]);
    assert!(!ok && out.contains("/nonexistent/setup.toml"), "{out}");
    // An empty file is an empty set-up; the good file still imports after all that.
    let (ok, out) = run(&[
        "campaign",
        "import",
        &file("empty.toml", ""),
        "--data-dir",
        &dir(&second),
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["campaign", "import", &setup, "--data-dir", &dir(&second)]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn the_mission_table_is_csv_a_spreadsheet_cannot_run() {
    let t = TestServer::start().await;
    let platform = json!({"name": "RS1", "kind": "sonde"});
    t.http
        .post(t.url("/api/v1/platforms"))
        .json(&platform)
        .send()
        .await
        .unwrap();
    for (start, title) in [
        (
            "2026-11-30T11:00:00Z",
            "=HYPERLINK(\"http://evil.example\")",
        ),
        (
            "2026-11-29T11:00:00Z",
            "Morning sounding, \"special\"\nwith a second line",
        ),
    ] {
        let body =
            json!({"platform": "RS1", "kind": "launch", "title": title, "planned_start": start});
        let response = t
            .http
            .post(t.url("/api/v1/operations"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let response = t
        .http
        .get(t.url("/api/v1/operations.csv"))
        .send()
        .await
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(&header[..4], ["code", "platform", "kind", "status"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "RS1-20261129a", "by planned start");
    assert_eq!(&rows[0][4], "2026-11-29T11:00:00Z");
    assert_eq!(
        &rows[0][7],
        "Morning sounding, \"special\"\nwith a second line"
    );
    assert_eq!(
        &rows[1][7], "'=HYPERLINK(\"http://evil.example\")",
        "a formula is quoted"
    );
    assert_eq!(&rows[1][3], "proposed");
    t.server.shutdown().await.unwrap();
}
