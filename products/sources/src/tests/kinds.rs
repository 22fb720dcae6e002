//! The listing and index kinds: their keys, pages and indexes.

use chrono::{Duration, TimeZone, Utc};
use url::Url;

use crate::index::Part;
use crate::listing::{entries, parse_time, Found};
use crate::{ConfigError, Kind, SourceSet};

/// The issue's listing, as written.
const LISTING: &str = r#"
[[source]]
name = "radar-listing"
kind = "listing"
url = "http://centre.example/radar/"
match = '^(?P<platform>[A-Z]+)_(?P<time>\d{12})_(?P<product>\w+)\.png$'
category = "radar"
poll = "1m"
"#;

const INDEX: &str = r#"
[[source]]
name = "ifs"
kind = "index"
category = "model"
platform = "IFS"
url = "https://data.example/{run:%Y%m%d}/{run:%H}z/ifs/0p25/oper/{run:%Y%m%d%H}0000-{lead}h-oper-fc.grib2"
product = "{lead:03}h_sfc"
fields = ["2t", "msl", "t@500"]
runs = ["00", "12"]
leads = "0..=24/6"
deadline = "9h"
"#;

fn refused(text: &str) -> ConfigError {
    SourceSet::parse(text).unwrap_err()
}

#[test]
fn a_listing_names_its_files_from_the_patterns_groups() {
    let set = SourceSet::parse(LISTING).unwrap();
    let source = &set.sources[0];
    let Kind::Listing(listing) = &source.kind else {
        panic!("{:?}", source.kind)
    };
    assert_eq!(listing.max_age, Duration::days(2));
    assert!(source.schedule.is_none());
    assert!(set.expected(Utc::now(), &[]).is_empty());
    assert_eq!(
        source.found(listing, "BOM_202612070610_dbz.png"),
        Some(Found {
            file_name: "radar.BOM.202612070610.dbz.png".into(),
            time: Utc.with_ymd_and_hms(2026, 12, 7, 6, 10, 0).unwrap(),
        })
    );
    // Not matching, an impossible time, a token the name cannot carry.
    assert_eq!(source.found(listing, "BOM_202612070610_dbz.gif"), None);
    assert_eq!(source.found(listing, "BOM_202613070610_dbz.png"), None);
    assert_eq!(source.found(listing, "index.html"), None);

    // A fixed platform and product with a pattern naming only the time.
    let fixed = SourceSet::parse(
        r#"
[[source]]
name = "lidar"
kind = "listing"
url = "http://centre.example/lidar/"
match = 'lidar-(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\dZ)\.nc'
category = "lidar"
platform = "SIRTA"
product = "backscatter"
every = "10m"
deadline = "30m"
"#,
    )
    .unwrap();
    let source = &fixed.sources[0];
    let Kind::Listing(listing) = &source.kind else {
        panic!()
    };
    assert_eq!(
        source
            .found(listing, "lidar-2026-12-07T06:10Z.nc")
            .unwrap()
            .file_name,
        "lidar.SIRTA.202612070610.backscatter.nc"
    );
    // It expects what its cadence says.
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 6, 15, 0).unwrap();
    assert_eq!(fixed.expected(now, &[]).len(), 4);
}

#[test]
fn a_listing_page_gives_its_files_whatever_server_wrote_it() {
    let base = Url::parse("http://centre.example/radar/").unwrap();
    let apache = r#"<html><body><h1>Index of /radar</h1><table>
<tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th></tr>
<tr><td><a href="/">Parent Directory</a></td></tr>
<tr><td><a href="2026/">2026/</a></td></tr>
<tr><td><a href="BOM_202612070600_dbz.png">BOM_202612070600_dbz.png</a></td><td>07-Dec-2026 06:03</td></tr>
<tr><td><A HREF='BOM_202612070610_dbz.png'>BOM_202612070610_dbz.png</A></td></tr>
<tr><td><a href="http://elsewhere.example/BOM_202612070620_dbz.png">x</a></td></tr>
<tr><td><a href="file:///etc/passwd">x</a></td></tr>
</table></body></html>"#;
    let found = entries(apache, &base);
    let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["BOM_202612070600_dbz.png", "BOM_202612070610_dbz.png"]
    );
    assert_eq!(
        found[0].url,
        "http://centre.example/radar/BOM_202612070600_dbz.png"
    );
    // What the index says of each file besides its name: a replaced file
    // changes it.
    assert!(
        found[0].stamp.ends_with("07-Dec-2026 06:03"),
        "{:?}",
        found[0].stamp
    );

    let s3 = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Name>radar</Name><Prefix>bom/</Prefix>
<Contents><Key>bom/BOM_202612070600_dbz.png</Key><ETag>"a"</ETag><Size>1200</Size></Contents>
<Contents><Key>bom/BOM_202612070610_dbz.png</Key></Contents>
</ListBucketResult>"#;
    let bucket = Url::parse("https://radar.s3.example/?list-type=2&prefix=bom/").unwrap();
    let found = entries(s3, &bucket);
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[1].url,
        "https://radar.s3.example/bom/BOM_202612070610_dbz.png"
    );
    assert_eq!(found[1].name, "BOM_202612070610_dbz.png");
    assert_eq!(found[0].stamp, "\"a\"");
}

#[test]
fn a_listing_or_index_key_on_the_wrong_kind_or_a_bad_pattern_is_refused() {
    let listing = |line: &str| LISTING.replace("poll = \"1m\"", line);
    let cases = [
        (LISTING.replace("(?P<time>\\d{12})", "\\d{12}"), "(?P<time>"),
        (
            LISTING.replace("(?P<platform>", "(?P<station>"),
            "a group named \"station\"",
        ),
        (
            LISTING.replace("(?P<product>\\w+)", "(?P<product>\\w+"),
            "match:",
        ),
        // A pattern whose automaton is too large.
        (LISTING.replace("\\d{12}", "\\w{1000}{1000}"), "match:"),
        (
            listing("deadline = \"1h\""),
            "deadline goes with every or runs",
        ),
        (
            listing("fields = [\"2t\"]"),
            "fields goes with kind = \"index\"",
        ),
        (
            listing("every = \"5m\"\ndeadline = \"20m\""),
            "platform is missing",
        ),
        (listing("max_age = \"90d\""), "out of range"),
        (
            INDEX.replace("fields = [\"2t\", \"msl\", \"t@500\"]", "fields = []"),
            "fields: 1 to 200",
        ),
        (
            INDEX.replace("\"t@500\"", "\"t@500 hPa\""),
            "is not a field",
        ),
        (
            INDEX.replace("kind = \"index\"", "kind = \"http\""),
            "fields goes with kind = \"index\"",
        ),
        (
            INDEX.replace("kind = \"index\"", "kind = \"http\"\nmatch = 'x'"),
            "match goes with kind = \"listing\"",
        ),
        (
            format!("{INDEX}index = \"file:///{{run:%H}}/{{lead}}.index\"\n"),
            "only http and https",
        ),
        (
            format!("{INDEX}index = \"https://data.example/{{member}}.index\"\n"),
            "index:",
        ),
    ];
    for (text, reason) in cases {
        let e = refused(&text);
        assert!(e.reason.contains(reason), "{reason}: {e}\n{text}");
        assert!(e.line > 1, "{e}");
    }
    // The hosts' limit, at the top of the file.
    assert_eq!(SourceSet::parse(INDEX).unwrap().per_host, 2);
    assert_eq!(
        SourceSet::parse(&format!("per_host = 4\n{INDEX}"))
            .unwrap()
            .per_host,
        4
    );
    for bad in ["per_host = 0", "per_host = 17"] {
        let e = refused(&format!("{bad}\n{INDEX}"));
        assert_eq!((e.line, e.reason.as_str()), (1, "per_host is 1 to 16"));
    }
}

#[test]
fn an_index_gives_the_ranges_of_the_fields_asked_merged_where_they_touch() {
    let set = SourceSet::parse(INDEX).unwrap();
    let source = &set.sources[0];
    let Kind::Index(index) = &source.kind else {
        panic!()
    };
    let slot = source.schedule.as_ref().unwrap().slots(Utc::now())[1];
    assert!(index.url.expand(&slot.moment).ends_with("h-oper-fc.index"));
    let lines = [
        r#"{"domain": "g", "param": "msl", "levtype": "sfc", "_offset": 0, "_length": 100}"#,
        r#"{"domain": "g", "param": "2t", "levtype": "sfc", "_offset": 100, "_length": 50}"#,
        r#"{"domain": "g", "param": "t", "levtype": "pl", "levelist": "850", "_offset": 150, "_length": 70}"#,
        "",
        r#"{"domain": "g", "param": "t", "levtype": "pl", "levelist": "500", "_offset": 220, "_length": 70}"#,
        r#"{"domain": "g", "param": "2t", "levtype": "sfc", "_offset": 290, "_length": 50}"#,
    ]
    .join("\n");
    assert_eq!(
        index.parts(&lines).unwrap(),
        [
            Part {
                start: 0,
                length: 150
            },
            Part {
                start: 220,
                length: 70
            }
        ]
    );
    assert_eq!(index.parts(&lines).unwrap()[1].range(), "bytes=220-289");
    let without = lines.replace("\"500\"", "\"300\"");
    assert_eq!(index.parts(&without).unwrap_err(), "the index lacks t@500");
    let broken = format!("{lines}\n{{\"param\": \"u\", \"_offset\": -1}}");
    assert!(index
        .parts(&broken)
        .unwrap_err()
        .starts_with("index line 7"));
    let overflow = format!(
        "{lines}\n{{\"param\": \"u\", \"_offset\": {}, \"_length\": 2}}",
        u64::MAX
    );
    assert!(index.parts(&overflow).unwrap_err().contains("impossible"));
}

#[test]
fn times_in_names_are_read_at_four_precisions() {
    let at = |h, m, s| Utc.with_ymd_and_hms(2026, 12, 7, h, m, s).unwrap();
    assert_eq!(parse_time("20261207"), Some(at(0, 0, 0)));
    assert_eq!(parse_time("2026120706"), Some(at(6, 0, 0)));
    assert_eq!(parse_time("2026-12-07T06:10Z"), Some(at(6, 10, 0)));
    assert_eq!(parse_time("20261207061030"), Some(at(6, 10, 30)));
    assert_eq!(parse_time("202612070"), None);
    assert_eq!(parse_time("20261207256"), None);
    assert_eq!(parse_time("2026120725"), None);
}
