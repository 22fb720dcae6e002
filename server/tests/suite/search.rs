//! The one search through the real server: products (by name, title,
//! description, tags, a sidecar field), decisions' rationales, briefings,
//! reports and case studies found by their words, with facets and filters,
//! a product once whatever its versions, and what the public may not see
//! left out of hits, totals and facets alike.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{next_event, png, TestServer};
use crate::operations::{campaign, decide, planned_flight, send};
use model::EventKind;

async fn search(t: &TestServer, client: &reqwest::Client, query: &str) -> Value {
    let (status, answer) = send(
        client,
        Method::GET,
        t.url(&format!("/api/v1/search?{query}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{query}: {answer}");
    answer
}

fn facet(answer: &Value, name: &str, value: &str) -> i64 {
    answer["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0] == value)
        .map_or(0, |pair| pair[1].as_i64().unwrap())
}

fn kinds(answer: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn one_search_finds_every_kind_with_facets_and_respects_restrictions() {
    let (t, scientist, viewer) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    let files = [
        (
            "satellite.MSG.202611291500.ir108.png",
            json!({"title": "Squall line over the Pyrenees", "tags": ["convection"], "bbox": [-2, 42, 3, 44]}),
        ),
        (
            "radar.TLS.202611291600.dbz.png",
            json!({"description": "Bow echo ahead of the squall", "tags": ["convection", "radar"]}),
        ),
        (
            "model.AROME.202611290000.018h_cape.png",
            json!({"units": "J/kg", "provider": "Météo-France"}),
        ),
        (
            "lidar.ATR42.202611291700.backscatter.png",
            json!({"title": "Squall outflow seen by the lidar", "restricted": true}),
        ),
    ];
    for (name, sidecar) in &files {
        t.drop_file(&format!("{name}.json"), sidecar.to_string().as_bytes());
        t.drop_file(name, &png(1));
    }
    let mut added = 0;
    while added < files.len() {
        if let EventKind::ProductAdded { .. } = next_event(&mut ws).await.kind {
            added += 1;
        }
    }
    // A second version of the image: still one product.
    t.drop_file(files[0].0, &png(2));
    let newest = loop {
        if let EventKind::ProductUpdated { product, .. } | EventKind::ProductAdded { product } =
            next_event(&mut ws).await.kind
        {
            if product.version == 2 {
                break product;
            }
        }
    };

    let (status, _) = decide(
        &t,
        &scientist,
        operation,
        json!({"to": "warning", "rationale": "The squall line reaches the coast at 18 UTC"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let briefing = json!({"title": "Squall briefing", "at": "2026-11-29T08:00:00Z",
        "items": [{"view": "/", "comment": "the line at 06 UTC"}]});
    let (status, _) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/briefings"),
        Some(briefing),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let case = json!({"slug": "squall-draft", "title": "A squall line, in draft",
        "start": "2026-11-29T00:00:00Z", "end": "2026-11-30T00:00:00Z"});
    let (status, answer) = send(
        &scientist,
        Method::POST,
        t.url("/api/v1/case-studies"),
        Some(case),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    // Participants find every kind; the words are prefixes, in any case.
    let all = search(&t, &viewer, "q=SQUA").await;
    assert_eq!(
        kinds(&all),
        [
            "briefing",
            "case_study",
            "decision",
            "product",
            "product",
            "product"
        ],
        "{all}"
    );
    assert_eq!(all["total"], 6);
    assert_eq!(facet(&all, "kind", "product"), 3);
    assert_eq!(facet(&all, "tag", "convection"), 2);
    assert_eq!(facet(&all, "category", "lidar"), 1);
    // The decision was taken now, after the IOP and its day.
    assert_eq!(facet(&all, "iop", "IOP1"), 5);
    assert_eq!(facet(&all, "day", "2026-11-29"), 5);
    let snippet = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "decision")
        .unwrap()["snippet"]
        .clone();
    assert!(snippet.as_str().unwrap().contains("[squall]"), "{snippet}");
    // A case study is found by its slug too, and shown by its title.
    let by_slug = search(&t, &viewer, "q=squall-draft&kind=case_study").await;
    assert_eq!(
        by_slug["hits"][0]["title"], "A squall line, in draft",
        "{by_slug}"
    );
    assert_eq!(by_slug["hits"][0]["parent"], "squall-draft");

    // The public: neither the restricted product nor the draft, anywhere.
    let public = search(&t, &t.anonymous(), "q=squall").await;
    assert_eq!(
        kinds(&public),
        ["briefing", "decision", "product", "product"],
        "{public}"
    );
    assert_eq!(public["total"], 4);
    assert_eq!(facet(&public, "category", "lidar"), 0);
    assert_eq!(facet(&public, "kind", "case_study"), 0);

    // Filters and sidecar fields.
    let cape = search(&t, &viewer, "q=meteo%20france").await;
    assert_eq!(cape["hits"][0]["category"], "model", "{cape}");
    let tagged = search(&t, &viewer, "tag=radar").await;
    assert_eq!(tagged["total"], 1);
    // Ranked: the word in a title before the word in a description, the
    // newest first among equals (by time alone the radar would be second).
    let ranked = search(&t, &viewer, "q=squall&kind=product").await;
    let categories: Vec<&str> = ranked["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["category"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(categories.len(), 3, "{ranked}");
    assert_eq!(categories[2], "radar", "{ranked}");
    let decisions = search(&t, &viewer, "q=squall&kind=decision").await;
    assert_eq!(kinds(&decisions), ["decision"]);
    let boxed = search(&t, &viewer, "bbox=0,43,1,43.5").await;
    assert_eq!(boxed["total"], 1, "{boxed}");
    assert_eq!(
        boxed["hits"][0]["id"], newest.id,
        "the newest version, once"
    );
    assert_eq!(facet(&boxed, "tag", "convection"), 1, "{boxed}");
    // An area with words: the words drive, the area still filters.
    let boxed_words = search(&t, &viewer, "q=squall&bbox=0,43,1,43.5").await;
    assert_eq!(boxed_words["hits"][0]["id"], newest.id, "{boxed_words}");
    assert_eq!(boxed_words["total"], 1);
    let elsewhere = search(&t, &viewer, "q=squall&bbox=20,10,21,11").await;
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    let by_name = search(&t, &viewer, "q=ir108").await;
    assert_eq!(by_name["total"], 1);
    let other_day = search(&t, &viewer, "q=squall&day=2026-11-30").await;
    assert_eq!(other_day["total"], 0);
    let in_iop = search(&t, &viewer, "q=squall&iop=IOP1").await;
    assert_eq!(in_iop["total"], 5);
    // An IOP is a time range: one nobody declared finds nothing; an empty
    // one is no IOP (an empty field of the form); a huge one is refused.
    for iop in ["NOPE", "%00"] {
        let none = search(&t, &viewer, &format!("q=squall&iop={iop}")).await;
        assert_eq!(none["total"], 0, "{iop:.20}: {none}");
    }
    let unfiltered = search(&t, &viewer, "q=squall&iop=").await;
    assert_eq!(unfiltered["total"], 6, "{unfiltered}");
    let in_iop_case = search(&t, &viewer, "iop=iop1&kind=briefing").await;
    assert_eq!(
        in_iop_case["total"], 1,
        "IOP names ignore case: {in_iop_case}"
    );
    let paged = search(&t, &viewer, "q=squall&limit=2&offset=4").await;
    assert_eq!(paged["hits"].as_array().unwrap().len(), 2);
    assert_eq!(paged["total"], 6);

    // What a search box receives from an attacker is still just words.
    for q in [
        "squall%22%20OR%20*",
        "NEAR(a%20b)",
        "%5E%3A%22",
        "col:value",
    ] {
        search(&t, &viewer, &format!("q={q}")).await;
    }
    for bad in [
        format!("q={}", "a".repeat(1_001)),
        format!("q=squall&iop={}", "I".repeat(10_000)),
        format!("platform={}", "P".repeat(201)),
        "day=yesterday".into(),
        "bbox=1,2".into(),
    ] {
        let (status, _) = send(
            &viewer,
            Method::GET,
            t.url(&format!("/api/v1/search?{bad}")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:.40}");
    }
    let again = search(&t, &viewer, "q=squall").await;
    assert_eq!(again["total"], 6, "the next good search: {again}");
}

#[tokio::test]
async fn sidecars_read_as_words_and_an_iop_is_found_by_its_name() {
    let (t, scientist, viewer) = campaign().await;
    let operation = planned_flight(&t, &scientist).await;
    let mut ws = t.events(Some(0)).await;
    let name = "model.AROME.202611290000.018h_cape.png";
    let sidecar = json!({"units": "J/kg", "provider": "Météo-France forecasting desk",
        "lead_hours": 18});
    t.drop_file(&format!("{name}.json"), sidecar.to_string().as_bytes());
    t.drop_file(name, &png(1));
    while !matches!(
        next_event(&mut ws).await.kind,
        EventKind::ProductAdded { .. }
    ) {}
    let (status, _) = decide(
        &t,
        &scientist,
        operation,
        json!({"to": "warning", "rationale": "Cape rises by noon"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let iop = json!({"name": "IOP7", "start": "2026-12-02T00:00:00Z",
        "end": "2026-12-03T00:00:00Z", "objectives": "Sea-breeze convergence"});
    let (status, _) = send(&t.http, Method::POST, t.url("/api/v1/iops"), Some(iop)).await;
    assert_eq!(status, StatusCode::OK);

    // A sidecar's values are words; its keys and its JSON are not.
    let found = search(&t, &viewer, "q=forecasting").await;
    assert_eq!(kinds(&found), ["product"], "{found}");
    let snippet = found["hits"][0]["snippet"].as_str().unwrap().to_string();
    assert!(snippet.contains("[forecasting]"), "{snippet}");
    for raw in ['{', '"', ':'] {
        assert!(!snippet.contains(raw), "raw JSON in {snippet:?}");
    }
    assert_eq!(search(&t, &viewer, "q=provider").await["total"], 0);
    assert_eq!(search(&t, &viewer, "q=units").await["total"], 0);
    assert_eq!(search(&t, &viewer, "q=meteo").await["total"], 1);

    // An IOP by its name, linked to its first day; its operation's decision too.
    let iop1 = search(&t, &viewer, "q=IOP1").await;
    assert_eq!(kinds(&iop1), ["decision", "iop"], "{iop1}");
    let iop7 = search(&t, &viewer, "q=iop7").await;
    assert_eq!(kinds(&iop7), ["iop"], "{iop7}");
    assert_eq!(iop7["hits"][0]["title"], "IOP7");
    assert_eq!(iop7["hits"][0]["time"], "2026-12-02T00:00:00Z");
    // Its objectives changed: found by the new words, not the old.
    let changed = json!({"name": "IOP7", "start": "2026-12-02T00:00:00Z",
        "end": "2026-12-03T00:00:00Z", "objectives": "Orographic cirrus"});
    send(&t.http, Method::POST, t.url("/api/v1/iops"), Some(changed)).await;
    assert_eq!(search(&t, &viewer, "q=orographic").await["total"], 1);
    assert_eq!(search(&t, &viewer, "q=convergence").await["total"], 0);
}
