use chrono::TimeZone;

use super::*;

fn text(filter: &str) -> Result<Filter, SearchError> {
    Filter::parse(filter, FilterLang::Text)
}

fn compare(property: Queryable, op: Comparison, value: Literal) -> Filter {
    Filter::Compare {
        property,
        op,
        value,
    }
}

#[test]
fn text_and_json_read_the_same_filter() {
    let from_text = text(
        "platform = 'AROME' AND (forecast:horizon >= 'P1DT6H' OR NOT datetime < TIMESTAMP('2026-06-01T06:00:00Z'))",
    );
    let from_json = Filter::from_json(&json!({"op": "and", "args": [
        {"op": "=", "args": [{"property": "platform"}, "AROME"]},
        {"op": "or", "args": [
            {"op": ">=", "args": [{"property": "forecast:horizon"}, "P1DT6H"]},
            {"op": "not", "args": [{"op": "<", "args": [
                {"property": "datetime"}, {"timestamp": "2026-06-01T06:00:00Z"}]}]}]}]}));
    let six = Utc.with_ymd_and_hms(2026, 6, 1, 6, 0, 0).unwrap();
    let expected = Filter::All(vec![
        compare(
            Queryable::Platform,
            Comparison::Eq,
            Literal::Text("AROME".into()),
        ),
        Filter::Any(vec![
            compare(
                Queryable::ForecastHorizon,
                Comparison::Ge,
                Literal::Number(30.0),
            ),
            Filter::Not(Box::new(compare(
                Queryable::Datetime,
                Comparison::Lt,
                Literal::Time(six),
            ))),
        ]),
    ]);
    assert_eq!(from_text, Ok(expected.clone()));
    assert_eq!(from_json, Ok(expected));
}

#[test]
fn a_literal_on_the_left_is_swapped_and_literals_alone_are_decided() {
    assert_eq!(
        text("5 < eo:cloud_cover"),
        Ok(compare(
            Queryable::Absent,
            Comparison::Gt,
            Literal::Number(5.0)
        ))
    );
    assert_eq!(
        text("DATE('2026-06-02') >= created"),
        Ok(compare(
            Queryable::Created,
            Comparison::Le,
            Literal::Time(Utc.with_ymd_and_hms(2026, 6, 2, 0, 0, 0).unwrap())
        ))
    );
    assert_eq!(text("1 = 1"), Ok(Filter::Constant(true)));
    assert_eq!(text("'a' <> 'a'"), Ok(Filter::Constant(false)));
    assert_eq!(text("1 = 'a'"), Ok(Filter::Constant(false)));
    assert_eq!(text("true"), Ok(Filter::Constant(true)));
    assert_eq!(
        text("eo:cloud_cover IS NOT NULL"),
        Ok(Filter::Not(Box::new(Filter::IsNull(Queryable::Absent))))
    );
}

#[test]
fn durations_are_whole_hours_or_days_and_bounded() {
    assert_eq!(hours("PT24H"), Ok(24.0));
    assert_eq!(hours("P2D"), Ok(48.0));
    assert_eq!(hours("P1DT6H"), Ok(30.0));
    for bad in [
        "",
        "P",
        "PT",
        "24H",
        "PT24",
        "PT-1H",
        "PT1.5H",
        "PT9999999H",
        "P1W",
        "PTH",
    ] {
        assert!(hours(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn what_is_not_basic_cql2_or_too_big_is_refused_with_its_reason() {
    let refused_for = |filter: &str, reason: &str| match text(filter) {
        Err(SearchError(why)) => assert!(why.contains(reason), "{filter:.60}: {why}"),
        Ok(f) => panic!("{filter:.60} read as {f:?}"),
    };
    refused_for("platform = ", "not CQL2");
    refused_for("platform = title", "two properties");
    refused_for("datetime = '2026-06-01T00:00:00Z'", "TIMESTAMP");
    refused_for("platform = 3", "string");
    refused_for("id > 'x'", "= or <>");
    refused_for("title LIKE 'a%'", "basic CQL2");
    refused_for("S_INTERSECTS(geometry, POINT(0 0))", "basic CQL2");
    refused_for("datetime = TIMESTAMP('June')", "RFC 3339");
    refused_for(
        &format!(
            "{}1 = 1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        ),
        "nested",
    );
    refused_for(&"x".repeat(MAX_FILTER_BYTES + 1), "bytes");
    refused_for(
        &vec!["a = 1"; MAX_COMPARISONS + 1].join(" OR "),
        "comparisons",
    );
    assert!(text(&vec!["a = 1"; MAX_COMPARISONS].join(" OR ")).is_ok());
    assert!(text(&format!(
        "{}1 = 1{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    ))
    .is_ok());
    let mut deep = json!({"op": "isNull", "args": [{"property": "a"}]});
    for _ in 0..MAX_DEPTH {
        deep = json!({"op": "not", "args": [deep]});
    }
    assert!(Filter::from_json(&deep).is_err());
    assert!(FilterLang::parse(Some("cql2-json"), FilterLang::Text) == Ok(FilterLang::Json));
    assert!(FilterLang::parse(Some("ecql"), FilterLang::Text).is_err());
    assert!(check_crs(Some("EPSG:4326")).is_err());
}

#[test]
fn the_queryables_are_a_json_schema_at_their_own_url() {
    let schema = queryables_schema("http://x/stac/v1/queryables");
    assert_eq!(schema["$id"], "http://x/stac/v1/queryables");
    assert_eq!(schema["type"], "object");
    for (name, ..) in QUERYABLES {
        assert!(schema["properties"].get(name).is_some(), "{name}");
    }
}
