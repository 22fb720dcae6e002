use super::search::*;
use super::*;

fn key(id: &str) -> ProductKey {
    parse_item_id(id).unwrap()
}

#[test]
fn item_ids_are_product_identities_both_ways() {
    for id in [
        "satellite.MSG.202611291500.ir108",
        "model.AROME.202611281200.024h_precip",
        "insitu.SITE-1.20261129150030.t2m.v2",
    ] {
        assert_eq!(item_id(key(id).borrowed()), id);
    }
    for bad in [
        "",
        "a.b.c",
        "a.b.2026112915.x",
        "a.b.202613291500.x",
        ".b.202611291500.x",
    ] {
        assert_eq!(parse_item_id(bad), None, "{bad}");
    }
}

#[test]
fn collection_ids_read_back() {
    for id in ["campaign", "model.AROME", "case-squall-1129"] {
        assert_eq!(CollectionId::parse(id).unwrap().to_string(), id);
    }
    for bad in ["", "model", "model.", "case-", "a.b c", "../x.y"] {
        assert_eq!(CollectionId::parse(bad), None, "{bad}");
    }
}

#[test]
fn datetimes_are_instants_or_intervals_open_at_one_end() {
    let t = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
    let a = "2026-11-29T00:00:00Z";
    let b = "2026-11-30T00:00:00+01:00";
    assert_eq!(
        parse_datetime(a).unwrap(),
        Interval {
            from: t(a),
            to: t(a)
        }
    );
    assert_eq!(
        parse_datetime(&format!("{a}/{b}")).unwrap(),
        Interval {
            from: t(a),
            to: t(b)
        }
    );
    assert_eq!(
        parse_datetime(&format!("../{b}")).unwrap(),
        Interval {
            from: None,
            to: t(b)
        }
    );
    assert_eq!(
        parse_datetime(&format!("{a}/..")).unwrap(),
        Interval {
            from: t(a),
            to: None
        }
    );
    assert_eq!(
        parse_datetime(&format!("{a}/")).unwrap(),
        Interval {
            from: t(a),
            to: None
        }
    );
    for bad in [
        "",
        "../..",
        "/",
        "yesterday",
        &format!("{b}/{a}"),
        &format!("{a}/{a}/{a}"),
    ] {
        assert!(parse_datetime(bad).is_err(), "{bad}");
    }
}

#[test]
fn searches_are_bounded_and_refuse_bbox_with_intersects() {
    let get = |pairs: &[(&str, &str)]| {
        let text = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str::<SearchQuery>(&text)
            .unwrap()
            .search()
    };
    let s = get(&[]).unwrap();
    assert_eq!(
        (s.limit, s.ids.clone(), s.sort),
        (DEFAULT_LIMIT, None, Sort::default())
    );
    assert_eq!(get(&[("limit", "100000")]).unwrap().limit, MAX_LIMIT);
    assert!(get(&[("limit", "0")]).is_err());
    assert!(get(&[("limit", "ten")]).is_err());
    assert!(get(&[("bbox", "1,2,3")]).is_err());
    assert!(get(&[("bbox", "1,2,3,NaN")]).is_err());
    assert!(get(&[("bbox", "1,50,3,40")]).is_err());
    assert_eq!(
        get(&[("bbox", "1,2,0,3,4,100")]).unwrap().bbox,
        Some([1.0, 2.0, 3.0, 4.0])
    );
    let point = r#"{"type":"Point","coordinates":[1.5,43.6]}"#;
    assert_eq!(
        get(&[("intersects", point)]).unwrap().bbox,
        Some([1.5, 43.6, 1.5, 43.6])
    );
    assert!(get(&[("intersects", point), ("bbox", "0,0,1,1")]).is_err());
    assert!(get(&[("intersects", r#"{"type":"Circle"}"#)]).is_err());
    assert!(get(&[("collections", "model.AROME,nowhere")]).is_err());
    let many = vec!["x.y"; MAX_NAMED + 1].join(",");
    assert!(get(&[("collections", &many)]).is_err());
    assert_eq!(get(&[("ids", "not-an-id")]).unwrap().ids, Some(vec![]));
    assert_eq!(
        get(&[("sortby", "-datetime")]).unwrap().sort,
        Sort {
            field: SortField::Datetime,
            descending: true
        }
    );
    assert!(get(&[("sortby", "eo:cloud_cover")]).is_err());
    assert!(get(&[("token", "garbage")]).is_err());
    let token = PageToken {
        valid_ms: 42,
        key: key("model.AROME.202611281200.024h_precip"),
    };
    assert_eq!(
        get(&[("token", &token.to_text())]).unwrap().after,
        Some(token)
    );

    let post = |body: Value| serde_json::from_value::<SearchBody>(body).unwrap().search();
    let s = post(serde_json::json!({"collections": ["campaign"], "limit": 5,
        "sortby": [{"field": "id", "direction": "desc"}]}))
    .unwrap();
    assert_eq!((s.collections, s.limit), (vec![CollectionId::Campaign], 5));
    assert_eq!(
        s.sort,
        Sort {
            field: SortField::Id,
            descending: true
        }
    );
    assert!(post(serde_json::json!({"bbox": [0, 0, 1, 1],
        "intersects": {"type": "Point", "coordinates": [0, 0]}}))
    .is_err());
    let deep = (0..20).fold(serde_json::json!([0, 0]), |v, _| serde_json::json!([v]));
    assert!(
        post(serde_json::json!({"intersects": {"type": "MultiPolygon", "coordinates": deep}}))
            .is_err()
    );
}
