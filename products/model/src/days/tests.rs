use chrono::TimeZone;

use super::*;

fn product(id: i64, category: &str, platform: &str, name: &str, hour: u32, minute: u32) -> Product {
    let time = Utc.with_ymd_and_hms(2026, 8, 15, hour, minute, 0).unwrap();
    crate::fixtures::described(id, category, platform, name, time)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 8, 15).unwrap()
}

#[test]
fn hours_are_bounded_sorted_and_default_when_none_is_valid() {
    assert_eq!(parse_hours("18,6,6,0"), vec![0, 6, 18]);
    assert_eq!(parse_hours("24,-1,x,"), DEFAULT_HOURS.to_vec());
    assert_eq!(parse_hours(""), DEFAULT_HOURS.to_vec());
    let many = (0..24).map(|h| h.to_string()).collect::<Vec<_>>().join(",");
    assert_eq!(parse_hours(&many).len(), MAX_HOURS);
    assert_eq!(parse_hours("99999999999999999999,3"), vec![3]);
}

#[test]
fn a_span_is_ordered_and_capped_keeping_its_end() {
    let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(calendar_span(d(8, 1), d(8, 31)), (d(8, 1), d(8, 31)));
    assert_eq!(calendar_span(d(8, 31), d(8, 1)), (d(8, 31), d(8, 31)));
    let (from, to) = calendar_span(NaiveDate::MIN, d(8, 31));
    assert_eq!(to, d(8, 31));
    assert_eq!((to - from).num_days() + 1, MAX_CALENDAR_DAYS);
}

#[test]
fn a_calendar_opens_on_the_campaign_or_its_latest_year_and_months_are_whole() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        opening_span(d(2026, 8, 1), d(2026, 9, 30)),
        (d(2026, 8, 1), d(2026, 9, 30))
    );
    // An old season and this one: this year only, not 13 empty months.
    assert_eq!(
        opening_span(d(2012, 9, 26), d(2026, 9, 30)),
        (d(2026, 1, 1), d(2026, 9, 30))
    );
    assert_eq!(month_span("2024-02"), Some((d(2024, 2, 1), d(2024, 2, 29))));
    assert_eq!(
        month_span("2024-12"),
        Some((d(2024, 12, 1), d(2024, 12, 31)))
    );
    for bad in ["", "2024", "2024-13", "x", "+999999-01"] {
        assert_eq!(month_span(bad), None, "{bad}");
    }
}

#[test]
fn a_day_spans_its_milliseconds() {
    assert_eq!(day_start(day()).to_rfc3339(), "2026-08-15T00:00:00+00:00");
    assert_eq!(
        (day_end(day()) - day_start(day())).num_milliseconds(),
        86_400_000 - 1
    );
}

#[test]
fn families_gather_categories_in_their_order() {
    let counts = family_counts([("satellite", 3), ("model", 2), ("radar", 4), ("xyz", 1)]);
    assert_eq!(
        counts,
        vec![
            FamilyCount {
                family: Family::Forecast,
                count: 2
            },
            FamilyCount {
                family: Family::RemoteSensing,
                count: 7
            },
            FamilyCount {
                family: Family::Other,
                count: 1
            },
        ]
    );
}

#[test]
fn key_products_are_the_nearest_within_half_the_gap() {
    let products = [
        product(1, "satellite", "MSG", "ir108", 0, 0),
        product(2, "satellite", "MSG", "ir108", 5, 45),
        product(3, "satellite", "MSG", "ir108", 6, 15),
        product(4, "satellite", "MSG", "ir108", 12, 0),
        product(5, "surface", "SITE", "t2m", 14, 0),
        product(6, "satellite", "MSG", "wv062", 12, 0),
    ];
    let lanes = key_products(day(), &[0, 6, 12, 18], &products);
    assert_eq!(lanes.len(), 2);
    let msg = &lanes[0];
    assert_eq!((msg.category.as_str(), msg.count), ("satellite", 5));
    let ids: Vec<Option<i64>> = msg
        .slots
        .iter()
        .map(|s| s.product.as_ref().map(|p| p.id))
        .collect();
    // 06: 05:45 and 06:15 are as near; the earlier wins. 12: same time, the
    // smaller token wins. 18: nothing within 3 h.
    assert_eq!(ids, vec![Some(1), Some(2), Some(4), None]);
    let site = &lanes[1];
    assert_eq!(site.platform, "SITE");
    let ids: Vec<Option<i64>> = site
        .slots
        .iter()
        .map(|s| s.product.as_ref().map(|p| p.id))
        .collect();
    assert_eq!(ids, vec![None, None, Some(5), None]);
}

#[test]
fn a_single_hour_reaches_half_a_day() {
    let products = [product(1, "model", "AROME", "precip", 1, 0)];
    let lanes = key_products(day(), &[12], &products);
    assert_eq!(lanes[0].slots[0].product.as_ref().map(|p| p.id), Some(1));
    let products = [product(1, "model", "AROME", "precip", 23, 59)];
    let lanes = key_products(day(), &[0], &products);
    assert_eq!(lanes[0].slots[0].product, None);
}
