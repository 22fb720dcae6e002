use super::*;

fn draft(json: serde_json::Value) -> CaseStudyDraft {
    serde_json::from_value(json).unwrap()
}

fn good() -> serde_json::Value {
    serde_json::json!({
        "slug": "squall-line-0612", "title": "The squall line of 12 June",
        "start": "2026-06-12T00:00:00Z", "end": "2026-06-13T00:00:00Z",
        "bbox": [-2.0, 12.0, 4.0, 16.0], "tags": ["squall_line", "mcs"],
        "description": "# A squall line\n\nIt crossed the **network** at 18 UTC.",
        "operations": [3], "pins": [{"product_id": 7, "version": 2}],
        "segments": [{"segment_id": "hal-1", "name": "first pass",
            "start": "2026-06-12T17:00:00Z", "end": "2026-06-12T18:30:00Z",
            "kinds": ["straight_leg", "cloud_overpass"], "remarks": ""}]
    })
}

/// The field a draft changed in one place is refused on.
fn refused_on(field: &str, value: serde_json::Value) -> &'static str {
    let mut json = good();
    json[field] = value;
    draft(json).check().unwrap_err().field
}

#[test]
fn a_good_draft_passes_and_each_bound_names_its_field() {
    assert_eq!(draft(good()).check(), Ok(()));
    assert_eq!(refused_on("slug", "Squall".into()), "slug");
    assert_eq!(refused_on("slug", "-squall".into()), "slug");
    assert_eq!(refused_on("slug", "squall line".into()), "slug");
    assert_eq!(refused_on("slug", "../etc".into()), "slug");
    assert_eq!(refused_on("slug", "a".repeat(65).into()), "slug");
    assert_eq!(refused_on("title", " ".into()), "title");
    assert_eq!(refused_on("end", "2026-06-11T00:00:00Z".into()), "end");
    assert_eq!(refused_on("end", "2027-06-14T00:00:00Z".into()), "end");
    assert_eq!(
        refused_on("bbox", serde_json::json!([4.0, 12.0, -2.0, 16.0])),
        "bbox"
    );
    assert_eq!(
        refused_on("bbox", serde_json::json!([-2.0, 12.0, 4.0, 91.0])),
        "bbox"
    );
    assert_eq!(
        refused_on("description", "x".repeat(MAX_DESCRIPTION + 1).into()),
        "description"
    );
    assert_eq!(
        refused_on("description", "nul \u{0} inside".into()),
        "description"
    );
    let tags: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
    assert_eq!(refused_on("tags", tags.into()), "tags");
    assert_eq!(
        refused_on("tags", serde_json::json!(["Sea Breeze"])),
        "tags"
    );
    let pins: Vec<_> = (1..=MAX_PINS as i64 + 1)
        .map(|i| serde_json::json!({"product_id": i, "version": 1}))
        .collect();
    assert_eq!(refused_on("pins", pins.into()), "pins");
    assert_eq!(
        refused_on("pins", serde_json::json!([{"product_id": 0, "version": 1}])),
        "pins"
    );
}

#[test]
fn segments_lie_within_the_case_with_unique_ids() {
    let segment = |id: &str, start: &str, end: &str| serde_json::json!({"segment_id": id, "start": start, "end": end});
    let within = segment("a", "2026-06-12T01:00:00Z", "2026-06-12T02:00:00Z");
    let outside = segment("b", "2026-06-11T23:00:00Z", "2026-06-12T02:00:00Z");
    let backwards = segment("c", "2026-06-12T03:00:00Z", "2026-06-12T02:00:00Z");
    assert_eq!(
        refused_on("segments", serde_json::json!([within, outside])),
        "segments"
    );
    assert_eq!(
        refused_on("segments", serde_json::json!([backwards])),
        "segments"
    );
    assert_eq!(
        refused_on("segments", serde_json::json!([within, within])),
        "segments.segment_id"
    );
    let mut kinds = within.clone();
    kinds["kinds"] = serde_json::json!(["Circle!"]);
    assert_eq!(
        refused_on("segments", serde_json::json!([kinds])),
        "segments.kinds"
    );
}

#[test]
fn tags_of_the_vocabulary_are_bounded() {
    let tag = |tag: &str, long_name: &str, tier: u8| CaseTag {
        tag: tag.into(),
        long_name: long_name.into(),
        tier,
    };
    assert_eq!(tag("sea_breeze", "Sea breeze", 2).check(), Ok(()));
    assert_eq!(
        tag("Sea", "Sea breeze", 2).check().unwrap_err().field,
        "tag"
    );
    assert_eq!(tag("sea", "", 2).check().unwrap_err().field, "long_name");
    assert_eq!(tag("sea", "Sea", 0).check().unwrap_err().field, "tier");
    assert_eq!(tag("sea", "Sea", 10).check().unwrap_err().field, "tier");
}
