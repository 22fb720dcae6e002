//! The Filter extension of the STAC API (basic CQL2, text and JSON) through
//! the real server: what filters find, alone and with the other search
//! parameters, page after page; what the public never finds through one;
//! and the filters an attacker writes, each refused with its reason while
//! the server goes on answering.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestServer;
use crate::stac::{image_name, stac_campaign};

/// The ids of a search's features, following its `next` links (GET or
/// POST, as each link says).
async fn all_ids(client: &reqwest::Client, first: reqwest::RequestBuilder) -> Vec<String> {
    let mut ids = Vec::new();
    let mut request = Some(first);
    while let Some(r) = request.take() {
        let response = r.send().await.expect("request");
        let status = response.status();
        let page: Value = response.json().await.expect("JSON");
        assert_eq!(status, StatusCode::OK, "{page}");
        ids.extend(
            page["features"]
                .as_array()
                .expect("features")
                .iter()
                .map(|f| f["id"].as_str().unwrap_or_default().to_string()),
        );
        let next = page["links"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["rel"] == "next"))
            .cloned();
        request = next.map(|link| {
            let href = link["href"].as_str().unwrap_or_default();
            match link["method"].as_str() {
                Some("POST") => client.post(href).json(&link["body"]),
                _ => client.get(href),
            }
        });
        assert!(ids.len() <= 2_000, "paging never ends");
    }
    ids
}

fn text_search(
    t: &TestServer,
    client: &reqwest::Client,
    filter: &str,
    limit: usize,
) -> reqwest::RequestBuilder {
    client.get(t.url("/stac/v1/search")).query(&[
        ("filter", filter),
        ("filter-lang", "cql2-text"),
        ("limit", &limit.to_string()),
    ])
}

fn json_search(
    t: &TestServer,
    client: &reqwest::Client,
    filter: Value,
    limit: usize,
) -> reqwest::RequestBuilder {
    client
        .post(t.url("/stac/v1/search"))
        .json(&json!({"filter": filter, "filter-lang": "cql2-json", "limit": limit}))
}

fn image_id(i: usize) -> String {
    image_name(i).trim_end_matches(".png").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cql2_filters_find_what_they_say_in_text_and_json_page_after_page() {
    let t = stac_campaign().await;
    let public = t.anonymous();
    let forecast = |lead: u32| format!("model.AROME.202606010000.{lead:03}h_precip");

    // The forecasts of 12 hours and more: a duration compared as hours.
    let text = all_ids(
        &public,
        text_search(
            &t,
            &public,
            "platform = 'AROME' AND \"forecast:horizon\" >= 'PT12H'",
            10,
        ),
    )
    .await;
    assert_eq!(text, [forecast(12), forecast(24)]);
    let as_json = json!({"op": "and", "args": [
        {"op": "=", "args": [{"property": "platform"}, "AROME"]},
        {"op": ">=", "args": [{"property": "forecast:horizon"}, "PT12H"]}]});
    assert_eq!(
        all_ids(&public, json_search(&t, &public, as_json, 10)).await,
        text
    );
    // A literal on the left reads the same.
    let swapped = all_ids(
        &public,
        text_search(&t, &public, "'PT12H' <= \"forecast:horizon\"", 10),
    )
    .await;
    assert_eq!(swapped, text);

    // An hour of images, by TIMESTAMP, within one collection: six, in order,
    // two pages of four then two.
    let hour = "collection = 'satellite.MSG' AND datetime >= TIMESTAMP('2026-06-01T01:00:00Z') \
                AND datetime < TIMESTAMP('2026-06-01T02:00:00Z')";
    let six: Vec<String> = (6..12).map(image_id).collect();
    assert_eq!(
        all_ids(&public, text_search(&t, &public, hour, 4)).await,
        six
    );
    // With the other parameters: the western box keeps every other one.
    let west = public.get(t.url("/stac/v1/search")).query(&[
        ("filter", hour),
        ("bbox", "-1,42.5,1,43.5"),
        ("limit", "2"),
    ]);
    let even: Vec<String> = (6..12).filter(|i| i % 2 == 0).map(image_id).collect();
    assert_eq!(all_ids(&public, west).await, even);

    // A day on, by DATE, paged through in JSON: 136 images, each once.
    let later = json!({"op": "and", "args": [
        {"op": "=", "args": [{"property": "collection"}, "satellite.MSG"]},
        {"op": ">=", "args": [{"property": "datetime"}, {"date": "2026-06-07"}]}]});
    let ids = all_ids(&public, json_search(&t, &public, later, 50)).await;
    let expected: Vec<String> = (864..1_000).map(image_id).collect();
    assert_eq!(ids, expected);

    // OR, NOT, ids and titles.
    let either = format!("id = '{}' OR title = 'IR 10.8 µm, image 7'", image_id(3));
    assert_eq!(
        all_ids(&public, text_search(&t, &public, &either, 10)).await,
        [image_id(3), image_id(7)]
    );
    let not_images = all_ids(
        &public,
        text_search(&t, &public, "NOT collection = 'satellite.MSG'", 10),
    )
    .await;
    assert_eq!(not_images, [forecast(6), forecast(12), forecast(24)]);
    let not_one = format!(
        "id <> '{}' AND datetime < TIMESTAMP('2026-06-01T00:30:00Z')",
        image_id(1)
    );
    assert_eq!(
        all_ids(&public, text_search(&t, &public, &not_one, 10)).await,
        [image_id(0), image_id(2)]
    );

    // A property no item has is null: compared, nothing; IS NULL, all.
    let none = all_ids(
        &public,
        text_search(&t, &public, "eo:cloud_cover > 5 OR eo:cloud_cover <= 5", 10),
    )
    .await;
    assert!(none.is_empty(), "{none:?}");
    let (_, page) = get(
        &public,
        &t.url("/stac/v1/search?filter=eo:cloud_cover%20IS%20NULL&limit=5"),
    )
    .await;
    assert_eq!(page["features"].as_array().map(Vec::len), Some(5), "{page}");

    // The restricted lidar image: never through a filter for the public,
    // found by the participant who may see it.
    let lidar = "platform = 'ATR42' OR id = 'lidar.ATR42.202606011200.backscatter'";
    assert!(all_ids(&public, text_search(&t, &public, lidar, 10))
        .await
        .is_empty());
    assert_eq!(
        all_ids(&t.http, text_search(&t, &t.http, lidar, 10)).await,
        ["lidar.ATR42.202606011200.backscatter"]
    );

    // A collection's items take the same filter.
    let (status, items) = get(
        &public,
        &t.url("/stac/v1/collections/model.AROME/items?filter=%22forecast:horizon%22%20%3D%20%27PT6H%27"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{items}");
    assert_eq!(items["features"][0]["id"], forecast(6));
    assert_eq!(items["features"].as_array().map(Vec::len), Some(1));

    // The queryables, as a JSON Schema at its own URL, linked from the
    // landing page and each collection.
    let (status, queryables) = get(&public, &t.url("/stac/v1/queryables")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queryables["$id"], t.url("/stac/v1/queryables"));
    assert_eq!(
        queryables["properties"]["forecast:horizon"]["format"],
        "duration"
    );
    let (_, landing) = get(&public, &t.url("/stac/v1")).await;
    let rel = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
    let linked = |doc: &Value| {
        doc["links"]
            .as_array()
            .and_then(|l| l.iter().find(|l| l["rel"] == rel))
            .map(|l| l["href"].clone())
    };
    assert_eq!(linked(&landing), Some(json!(t.url("/stac/v1/queryables"))));
    let (_, collection) = get(&public, &t.url("/stac/v1/collections/model.AROME")).await;
    let href = linked(&collection).expect("the collection's queryables");
    let (status, _) = get(&public, href.as_str().unwrap_or_default()).await;
    assert_eq!(status, StatusCode::OK);
}

async fn get(client: &reqwest::Client, url: &str) -> (StatusCode, Value) {
    let response = client.get(url).send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_filters_are_refused_with_their_reason_and_the_server_goes_on() {
    let t = stac_campaign().await;
    let public = t.anonymous();
    let deep = format!("{}platform = 'AROME'{}", "(".repeat(100), ")".repeat(100));
    let many = vec!["platform = 'AROME'"; 70].join(" OR ");
    let long = format!("title = '{}'", "x".repeat(5_000));
    let texts: Vec<(String, &str)> = vec![
        // Empty, truncated, malformed, huge numbers.
        ("".into(), "not CQL2"),
        ("platform = ".into(), "not CQL2"),
        ("eo:cloud_cover > 1e400".into(), "compare a property"),
        (
            "datetime > TIMESTAMP('99999-01-01T00:00:00Z')".into(),
            "RFC 3339",
        ),
        ("datetime > DATE('2026-02-30')".into(), "not a date"),
        ("platform = 'AROME' AND".into(), "not CQL2"),
        ("'unclosed".into(), "not CQL2"),
        (deep, "nested deeper"),
        (long, "bytes"),
        (many, "comparisons"),
        ("platform = title".into(), "two properties"),
        ("datetime > 5".into(), "TIMESTAMP"),
        ("datetime > TIMESTAMP('yesterday')".into(), "RFC 3339"),
        ("platform > 3".into(), "string"),
        (format!("id < '{}'", image_id(1)), "= or <>"),
        ("\"forecast:horizon\" = 'PT99999999999H'".into(), "duration"),
        ("\"forecast:horizon\" = 'tomorrow'".into(), "duration"),
        ("S_INTERSECTS(geometry, POINT(0 43))".into(), "basic CQL2"),
        ("title LIKE 'IR%'".into(), "basic CQL2"),
        ("platform IN ('AROME', 'MSG')".into(), "basic CQL2"),
        ("platform".into(), "condition"),
        ("'AROME' IS NULL".into(), "literal"),
    ];
    for (filter, reason) in &texts {
        let response = public
            .get(t.url("/stac/v1/search"))
            .query(&[("filter", filter.as_str())])
            .send()
            .await
            .expect("request");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{filter:.80}: {body}");
        assert!(body.contains(reason), "{filter:.80}: {body}");
    }
    let mut deep_json = json!({"op": "=", "args": [{"property": "platform"}, "AROME"]});
    for _ in 0..30 {
        deep_json = json!({"op": "not", "args": [deep_json]});
    }
    let bodies = [
        (json!({"filter": deep_json}), "nested deeper"),
        (
            json!({"filter": {"op": "=", "args": [{"property": "platform"}]}}),
            "two arguments",
        ),
        (
            json!({"filter": {"op": "drop table", "args": []}}),
            "basic CQL2",
        ),
        (
            json!({"filter": "platform = 'AROME'"}),
            "cql2-json is an object",
        ),
        (
            json!({"filter": {"op": "=", "args": ["a", "a"]}, "filter-lang": "cql2-text"}),
            "a string",
        ),
        (
            json!({"filter": "platform = 'AROME'", "filter-lang": "cql3"}),
            "filter-lang",
        ),
        (json!({"filter": {}}), "not CQL2"),
        (
            // 65 comparisons declared within 4 KiB.
            json!({"filter": {"op": "and", "args": vec![json!({"op": "=", "args": [{"property": "p"}, 1]}); 65]}}),
            "comparisons",
        ),
        (
            json!({"filter": "platform = 'AROME'", "filter-lang": ""}),
            "filter-lang",
        ),
        (
            json!({"filter": "platform = 'AROME'", "filter-lang": "cql2-text",
                "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}),
            "filter-crs",
        ),
    ];
    for (body, reason) in &bodies {
        let response = public
            .post(t.url("/stac/v1/search"))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:.80}: {text}");
        assert!(text.contains(reason), "{body:.80}: {text}");
    }
    // Literals alone are decided as read; the server still answers.
    let ids = all_ids(
        &public,
        text_search(&t, &public, "1 = 1 AND platform = 'AROME'", 10),
    )
    .await;
    assert_eq!(ids.len(), 3);
    let none = all_ids(&public, text_search(&t, &public, "'a' = 'b' OR false", 10)).await;
    assert!(none.is_empty());
    let text_post = public
        .post(t.url("/stac/v1/search"))
        .json(&json!({"filter": "platform = 'AROME'", "filter-lang": "cql2-text"}));
    assert_eq!(all_ids(&public, text_post).await.len(), 3);
    let unique: BTreeSet<String> = all_ids(
        &public,
        text_search(&t, &public, "collection = 'satellite.MSG'", 500),
    )
    .await
    .into_iter()
    .collect();
    assert_eq!(unique.len(), 1_000);
}
