use chrono::{TimeZone, Utc};

use super::*;

fn plan() -> Plan {
    serde_json::from_value(serde_json::json!({
        "platform": "ATR42",
        "kind": "flight",
        "title": "Squall line ahead of the front",
        "planned_start": "2026-11-29T14:00:00Z",
        "planned_end": "2026-11-29T17:30:00Z",
        "bbox": [-5.0, 42.0, 3.5, 47.0]
    }))
    .unwrap()
}

fn patch(json: serde_json::Value) -> PlanPatch {
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_plausible_plan_passes_and_names_its_code() {
    let plan = plan();
    assert_eq!(plan.check(), Ok(()));
    assert_eq!(plan.code_prefix(), "ATR42-20261129");
    assert_eq!(code_letter(0), Some('a'));
    assert_eq!(code_letter(25), Some('z'));
    assert_eq!(code_letter(26), None);
}

#[test]
fn hostile_plans_are_refused_by_field() {
    let refused = |json: serde_json::Value| {
        let mut value = serde_json::to_value(plan()).unwrap();
        for (k, v) in json.as_object().unwrap() {
            value[k] = v.clone();
        }
        let plan: Plan = serde_json::from_value(value).unwrap();
        plan.check().unwrap_err().field
    };
    assert_eq!(refused(serde_json::json!({"title": ""})), "title");
    assert_eq!(
        refused(serde_json::json!({"title": "x".repeat(201)})),
        "title"
    );
    assert_eq!(
        refused(serde_json::json!({"notes": "x".repeat(MAX_TEXT + 1)})),
        "notes"
    );
    assert_eq!(refused(serde_json::json!({"notes": "bell\u{7}"})), "notes");
    assert_eq!(
        refused(serde_json::json!({"platform": "ATR 42"})),
        "platform"
    );
    assert_eq!(refused(serde_json::json!({"platform": ""})), "platform");
    assert_eq!(
        refused(serde_json::json!({"bbox": [-500.0, 0.0, 1.0, 1.0]})),
        "bbox"
    );
    assert_eq!(
        refused(serde_json::json!({"bbox": [0.0, 10.0, 1.0, 5.0]})),
        "bbox"
    );
    assert_eq!(
        refused(serde_json::json!({"planned_end": "2026-11-29T13:00:00Z"})),
        "planned_end"
    );
    assert_eq!(
        refused(serde_json::json!({"planned_end": "2027-11-29T13:00:00Z"})),
        "planned_end"
    );
    // Shapes serde itself refuses: a bbox of three numbers, a huge number.
    let mut value = serde_json::to_value(plan()).unwrap();
    value["bbox"] = serde_json::json!([1.0, 2.0, 3.0]);
    assert!(serde_json::from_value::<Plan>(value).is_err());
    let text = serde_json::to_string(&plan()).unwrap();
    let huge = text.replace("[-5.0,42.0,3.5,47.0]", "[1e400,42.0,3.5,47.0]");
    assert_ne!(huge, text);
    assert!(serde_json::from_str::<Plan>(&huge).is_err());
}

#[test]
fn patches_change_what_they_name_clear_with_null_and_never_the_status() {
    let plan = plan();
    let patched = plan
        .patched(patch(
            serde_json::json!({"title": "New title", "bbox": null}),
        ))
        .unwrap();
    assert_eq!(patched.title, "New title");
    assert_eq!(patched.bbox, None);
    assert_eq!(patched.planned_end, plan.planned_end, "absent fields stay");
    let refused = plan
        .patched(patch(serde_json::json!({"status": "go"})))
        .unwrap_err();
    assert_eq!(refused.field, "status");
    let refused = plan
        .patched(patch(
            serde_json::json!({"planned_start": "2026-11-30T00:00:00Z"}),
        ))
        .unwrap_err();
    assert_eq!(
        refused.field, "planned_end",
        "a start after the end is refused"
    );
}

#[test]
fn decisions_are_bounded_and_postponements_need_new_times() {
    // Each with a rationale unless it says otherwise: one is required.
    let decision = |mut json: serde_json::Value| -> NewDecision {
        if json.get("rationale").is_none() {
            json["rationale"] = "D-1".into();
        }
        serde_json::from_value(json).unwrap()
    };
    assert_eq!(
        decision(serde_json::json!({"to": "warning"})).check(),
        Ok(())
    );
    for empty in ["", "  \n "] {
        let refused = decision(serde_json::json!({"to": "go", "rationale": empty}));
        assert_eq!(refused.check().unwrap_err().field, "rationale");
    }
    let many: Vec<_> = (1..=65)
        .map(|i| serde_json::json!({"product_id": i, "version": 1}))
        .collect();
    let field = |json| decision(json).check().unwrap_err().field;
    assert_eq!(
        field(serde_json::json!({"to": "go", "evidence": many})),
        "evidence"
    );
    assert_eq!(
        field(serde_json::json!({"to": "go", "evidence": [{"product_id": 0, "version": 1}]})),
        "evidence"
    );
    for view in [
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "/\\evil",
        // Browsers strip tabs and newlines from URLs: these are //evil.example.
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
    ] {
        assert_eq!(
            field(serde_json::json!({"to": "go", "view": view})),
            "view",
            "{view}"
        );
    }
    let times = |json| decision(json).check_times().unwrap_err().field;
    assert_eq!(
        times(serde_json::json!({"to": "postponed"})),
        "planned_start"
    );
    assert_eq!(
        times(serde_json::json!({"to": "go", "planned_start": "2026-11-30T14:00:00Z"})),
        "planned_start"
    );
    assert_eq!(
        times(serde_json::json!({"to": "go", "planned_end": "2026-11-30T14:00:00Z"})),
        "planned_end"
    );
    let postponed = decision(serde_json::json!({
        "to": "postponed",
        "planned_start": "2026-11-30T14:00:00Z",
        "planned_end": "2026-11-30T18:00:00Z",
        "view": "/?t=2026-11-30T14:00Z"
    }));
    assert_eq!(postponed.check(), Ok(()));
    assert_eq!(postponed.check_times(), Ok(()));
    assert!(serde_json::from_value::<NewDecision>(serde_json::json!({"to": "maybe"})).is_err());
}

#[test]
fn platforms_and_iops_are_checked() {
    let platform = Platform {
        name: "ATR42".into(),
        kind: PlatformKind::Aircraft,
        base: "Toulouse-Francazal".into(),
        colour: Some("#1f77b4".into()),
        contact: String::new(),
        base_position: Some([1.37, 43.63]),
        rings_km: vec![250.0, 500.0],
    };
    assert_eq!(platform.check(), Ok(()));
    assert_eq!(platform.rings(), vec![250.0, 500.0]);
    let default_rings = Platform {
        rings_km: Vec::new(),
        ..platform.clone()
    };
    assert_eq!(default_rings.rings(), vec![100.0, 200.0, 300.0]);
    for (base, rings) in [
        (Some([1.0, 95.0]), vec![]),
        (Some([181.0, 43.0]), vec![]),
        (Some([f64::NAN, 43.0]), vec![]),
        (None, vec![0.0]),
        (None, vec![-5.0]),
        (None, vec![f64::INFINITY]),
        (None, vec![20_001.0]),
        (None, vec![10.0; 9]),
    ] {
        let bad = Platform {
            base_position: base,
            rings_km: rings.clone(),
            ..platform.clone()
        };
        let field = bad.check().unwrap_err().field;
        assert!(
            ["base_position", "rings_km"].contains(&field),
            "{base:?} {rings:?}: {field}"
        );
    }
    for colour in ["1f77b4", "#1f77b", "#zzzzzz", "#1f77b4ff"] {
        let bad = Platform {
            colour: Some(colour.into()),
            ..platform.clone()
        };
        assert_eq!(bad.check().unwrap_err().field, "colour", "{colour}");
    }
    let iop = Iop {
        name: "IOP3".into(),
        start: Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap(),
        objectives: String::new(),
    };
    assert_eq!(iop.check(), Ok(()));
    assert!(iop.covers(Utc.with_ymd_and_hms(2026, 11, 29, 14, 0, 0).unwrap()));
    let backwards = Iop {
        end: iop.start - chrono::Duration::hours(1),
        ..iop.clone()
    };
    assert_eq!(backwards.check().unwrap_err().field, "end");
}
