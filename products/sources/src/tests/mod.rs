use super::*;
use chrono::{TimeZone, Utc};

const GOOD: &str = r#"
[[source]]
name = "gfs"
kind = "http"
category = "model"
platform = "GFS"
url = "http://centre.example/gfs.{run:%Y%m%d}/{run:%H}/atmos/gfs.t{run:%H}z.pgrb2.0p25.f{lead:03}"
product = "{lead:03}h_pgrb"
ext = "grib2"
runs = ["00", "06", "12", "18"]
leads = "0..=48/3"
available_after = "3h30m"
deadline = "5h"
poll = "2m"
keep_runs = 4

[[source]]
name = "msg-ir"
kind = "wms"
category = "satellite"
platform = "MSG"
url = "http://centre.example/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=ir108&CRS=EPSG:4326&BBOX=35,-10,50,10&WIDTH=1200&HEIGHT=900&FORMAT=image/png&TIME={valid:%Y-%m-%dT%H:%M:%SZ}"
product = "ir108"
ext = "png"
every = "15m"
deadline = "25m"
bbox = [-10, 35, 10, 50]
auth = { header = "Authorization", env = "CENTRE_TOKEN" }

[[expect]]
category = "model"
platform = "AROME"
runs = ["00", "12"]
leads = "0..=48/1"
deadline = "4h"
"#;

#[test]
fn the_issues_example_is_read_as_written() {
    let set = SourceSet::parse(GOOD).unwrap();
    assert_eq!(set.sources.len(), 2);
    let gfs = set.source("gfs").unwrap();
    assert_eq!(gfs.kind, Kind::Http);
    assert_eq!(gfs.line, 2);
    assert_eq!(gfs.poll, Duration::minutes(2));
    assert_eq!(
        gfs.schedule.as_ref().unwrap().available_after,
        Duration::minutes(210)
    );
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 16, 0, 0).unwrap();
    let slots = gfs.schedule.as_ref().unwrap().slots(now);
    assert_eq!(slots.len(), 4 * 17);
    let last = slots.last().unwrap();
    assert_eq!(
        gfs.url_of(last),
        "http://centre.example/gfs.20261207/12/atmos/gfs.t12z.pgrb2.0p25.f048"
    );
    assert_eq!(
        gfs.file_name(last, "bin"),
        "model.GFS.202612071200.048h_pgrb.grib2"
    );
    // The name parses as the ingest will parse it, run and lead included.
    let name = model::name::NameRules::default()
        .parse(&gfs.file_name(last, "bin"))
        .unwrap();
    assert_eq!(name.run_time(), last.moment.run);

    let msg = set.source("msg-ir").unwrap();
    let slot = msg.schedule.as_ref().unwrap().slots(now)[3];
    assert!(msg.url_of(&slot).ends_with("&TIME=2026-12-07T16:00:00Z"));
    assert_eq!(
        msg.file_name(&slot, "png"),
        "satellite.MSG.202612071600.ir108.png"
    );
    assert_eq!(msg.bbox, Some([-10.0, 35.0, 10.0, 50.0]));
    assert_eq!(
        msg.auth,
        Some(Auth::Env {
            header: "Authorization".into(),
            var: "CENTRE_TOKEN".into()
        })
    );
    assert_eq!(set.expects.len(), 1);
    assert_eq!(set.expects[0].schedule.slots(now).len(), 4 * 49);
}

#[test]
fn the_extension_comes_from_the_url_unless_said() {
    let set = SourceSet::parse(
        r#"
[[source]]
name = "ecmwf"
kind = "http"
category = "model"
platform = "IFS"
url = "https://data.example/{run:%Y%m%d}/{run:%H}z/ifs/0p25/oper/{run:%Y%m%d%H}0000-{lead}h-oper-fc.GRIB2"
product = "{lead:03}h_fc"
runs = ["00"]
leads = [0, 6, 12]
deadline = "8h"
"#,
    )
    .unwrap();
    assert_eq!(set.sources[0].ext.as_deref(), Some("grib2"));
}

/// The line of the good file where `key` is first set.
fn line_of(key: &str) -> usize {
    GOOD.lines()
        .position(|l| l.starts_with(&format!("{key} =")))
        .unwrap()
        + 1
}

/// The line and reason a hostile file is refused with.
fn refused(text: &str) -> ConfigError {
    SourceSet::parse(text).unwrap_err()
}

/// The good file with one line of its first source replaced.
fn with(key: &str, line: &str) -> String {
    GOOD.lines()
        .map(|l| {
            if l.starts_with(&format!("{key} =")) {
                line
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn hostile_files_are_refused_with_their_line_and_reason() {
    let e = refused(&with("poll", "pol = \"2m\""));
    assert_eq!(e.line, line_of("poll"));
    assert!(e.reason.contains("unknown field `pol`"), "{e}");

    let e = refused(&with("product", "product = \"{member}_{lead:03}\""));
    assert_eq!(e.line, line_of("product"));
    assert!(e.reason.contains("`{member}` is not a field"), "{e}");

    let e = refused(&with("leads", "leads = \"0..=1000000/0\""));
    assert_eq!(e.line, line_of("leads"));
    assert!(e.reason.contains("the step is 0"), "{e}");

    let e = refused(&with("url", "url = \"file:///etc/passwd?{run:%H}{lead}\""));
    assert_eq!(e.line, line_of("url"));
    assert!(e.reason.contains("only http and https"), "{e}");

    let e = refused(&with("runs", "runs = [\"00\", \"25\"]"));
    assert_eq!(e.line, line_of("runs"));
    assert!(e.reason.contains("\"25\""), "{e}");

    let twice = format!("{GOOD}\n[[source]]\nname = \"gfs\"\nkind = \"http\"\ncategory = \"model\"\nplatform = \"X\"\nurl = \"http://a.example/{{run}}\"\nproduct = \"p\"\nruns = [\"00\"]\ndeadline = \"1h\"\n");
    let e = refused(&twice);
    assert_eq!(e.line, GOOD.lines().count() + 2);
    assert!(
        e.reason
            .contains("a second source named \"gfs\" (the first is on line 2)"),
        "{e}"
    );

    let huge = format!("{GOOD}\n# {}\n", "x".repeat(10 << 20));
    let e = refused(&huge);
    assert!(e.reason.contains("at most 1048576"), "{e}");
}

#[test]
fn values_out_of_bounds_are_refused() {
    let cases = [
        ("name", "name = \"GFS big\"", "name"),
        ("kind", "kind = \"ftp\"", "http, wms, listing or index"),
        ("kind", "kind = \"listing\"", "needs match"),
        ("kind", "kind = \"index\"", "needs fields"),
        ("deadline", "deadline = \"forever\"", "deadline \"forever\""),
        ("deadline", "deadline = \"30d\"", "out of range"),
        (
            "deadline",
            "deadline = \"3h\"",
            "available_after is after the deadline",
        ),
        ("poll", "poll = \"0s\"", "out of range"),
        ("keep_runs", "keep_runs = 0", "keep_runs is 1 to 60"),
        (
            "url",
            "url = \"http://user:pw@centre.example/{run}{lead}\"",
            "no credentials",
        ),
        ("url", "url = \"not a url {run}{lead}\"", "is not a URL"),
        ("product", "product = \"pgrb\"", "name the lead"),
        ("product", "product = \"a.b{lead}\"", "product token"),
        ("ext", "ext = \"../x\"", "ext"),
    ];
    for (key, line, reason) in cases {
        let e = refused(&with(key, line));
        assert!(e.reason.contains(reason), "{line}: {e}");
        assert!(e.line > 1, "{line}: {e}");
    }
}

#[test]
fn a_source_expecting_too_much_at_once_is_refused() {
    let e = refused(
        &GOOD
            .replace("keep_runs = 4", "keep_runs = 60")
            .replace("leads = \"0..=48/3\"", "leads = \"0..=999/1\""),
    );
    assert_eq!(e.line, 2);
    assert!(e.reason.contains("60000 products expected at once"), "{e}");
}

#[test]
fn a_credential_is_only_ever_a_reference() {
    let e = refused(&GOOD.replace("env = \"CENTRE_TOKEN\"", "value = \"s3cret\""));
    assert!(e.reason.contains("unknown field `value`"), "{e}");
    assert!(!e.to_string().contains("s3cret"));
    let e = refused(&GOOD.replace("env = \"CENTRE_TOKEN\"", "env = \"A\", file = \"/b\""));
    assert!(e.reason.contains("one of them"), "{e}");
}

#[test]
fn too_many_sources_are_refused_before_they_are_checked() {
    let one =
        "[[expect]]\ncategory = \"model\"\nplatform = \"A\"\nruns = [\"00\"]\ndeadline = \"1h\"\n";
    let e = refused(&one.repeat(MAX_SOURCES + 1));
    assert!(e.reason.contains("at most 200"), "{e}");
}

#[test]
fn each_expected_product_is_due_late_or_arrived_with_its_delay() {
    use model::fixtures::product;
    let set = SourceSet::parse(GOOD).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 16, 0, 0).unwrap();
    let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap();
    let arrived = |id, name: &str, at| model::Product {
        ingested_at: at,
        ..product(id, name)
    };
    let products = vec![
        arrived(1, "model.GFS.202612071200.000h_pgrb.grib2", at(15, 45)),
        // A later version of the same file: the first arrival counts.
        arrived(2, "model.GFS.202612071200.000h_pgrb.grib2", at(15, 50)),
        arrived(3, "model.AROME.202612071200.000h_t2m.png", at(15, 10)),
        // Another platform's file at the same time is no arrival of GFS's.
        arrived(4, "model.ICON.202612071200.003h_pgrb.grib2", at(15, 0)),
    ];
    let expected = set.expected(now, &products);
    let find = |source: &str, run: u32, lead: u32| {
        expected
            .iter()
            .find(|e| e.source == source && e.run == Some(at(run, 0)) && e.lead == Some(lead))
            .unwrap()
    };
    let first = find("gfs", 12, 0);
    assert_eq!(first.product_id, Some(1));
    assert_eq!(
        first.status,
        Status::Arrived {
            delay_s: 3 * 3600 + 45 * 60,
            on_time: true
        }
    );
    assert_eq!(find("gfs", 12, 3).status, Status::Due);
    assert_eq!(find("gfs", 6, 48).status, Status::Late { late_s: 5 * 3600 });
    assert_eq!(find("model.AROME", 12, 0).product_id, Some(3));
    // Its deadline (12 + 4 h) is now: late from this very second.
    assert_eq!(
        find("model.AROME", 12, 1).status,
        Status::Late { late_s: 0 }
    );
    assert_eq!(
        find("model.AROME", 0, 1).status,
        Status::Late { late_s: 12 * 3600 }
    );
    let json = serde_json::to_value(first).unwrap();
    assert_eq!(json["status"], "arrived");
    assert_eq!(json["delay_s"], 13_500);
    assert_eq!(json["product"], "000h_pgrb");
    let (from, to) = set.span(now).unwrap();
    assert_eq!(to, now);
    assert!(from < at(0, 0));
}

#[test]
fn a_pushed_product_named_by_its_token_is_met_by_that_product_only() {
    use model::fixtures::product;
    let set = SourceSet::parse(
        "[[expect]]\ncategory = \"model\"\nplatform = \"AROME\"\nproduct = \"{lead:03}h_t2m\"\nruns = [\"12\"]\nleads = [0, 1]\ndeadline = \"4h\"\nkeep_runs = 1\n",
    )
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 15, 0, 0).unwrap();
    let products = vec![
        product(1, "model.AROME.202612071200.000h_precip.png"),
        product(2, "model.AROME.202612071200.001h_t2m.png"),
    ];
    let expected = set.expected(now, &products);
    assert_eq!(expected.len(), 2);
    assert_eq!(expected[0].product.as_deref(), Some("000h_t2m"));
    assert_eq!(
        expected[0].status,
        Status::Due,
        "another product of the run is not it"
    );
    assert_eq!(expected[1].product_id, Some(2));
    let e = refused("[[expect]]\ncategory = \"model\"\nplatform = \"A\"\nproduct = \"t2m\"\nruns = [\"12\"]\nleads = [0, 1]\ndeadline = \"4h\"\n");
    assert_eq!(e.line, 4);
    assert!(e.reason.contains("name the lead"), "{e}");
}

#[test]
fn punctuality_counts_what_came_in_time_and_the_runs_that_never_did() {
    use model::fixtures::product;
    let set = SourceSet::parse(
        "[[expect]]\ncategory = \"model\"\nplatform = \"AROME\"\nproduct = \"{lead:03}h_t2m\"\nruns = [\"00\", \"12\"]\nleads = [0, 1]\ndeadline = \"2h\"\n",
    )
    .unwrap();
    let at = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    let came = |id, name: &str, at| model::Product {
        ingested_at: at,
        ..product(id, name)
    };
    let products = vec![
        // The 6th 00z: +0 on time (1 h 30), +1 late (2 h 30).
        came(1, "model.AROME.202612060000.000h_t2m.png", at(6, 1, 30)),
        came(2, "model.AROME.202612060000.001h_t2m.png", at(6, 2, 30)),
        // The 6th 12z: +0 only, on time (45 min); +1 never.
        came(3, "model.AROME.202612061200.000h_t2m.png", at(6, 12, 45)),
        // The 7th 00z: nothing at all. The 7th 12z: not yet judged.
    ];
    let table = set.punctuality(at(6, 0, 0), at(7, 23, 0), at(7, 13, 0), &products);
    let p = &table[0];
    assert_eq!(p.source, "model.AROME");
    assert_eq!((p.expected, p.arrived, p.on_time, p.absent), (6, 3, 2, 3));
    assert_eq!(p.on_time_share, Some(2.0 / 6.0));
    assert_eq!(p.median_delay_s, Some(5_400));
    assert_eq!(p.worst_delay_s, Some(9_000));
    assert_eq!(p.runs_missed, vec![at(7, 0, 0)]);
}

#[test]
fn a_stretch_is_laid_out_run_by_run_and_bounded() {
    let set = SourceSet::parse(GOOD).unwrap();
    let gfs = set.source("gfs").unwrap();
    let from = Utc.with_ymd_and_hms(2026, 12, 6, 5, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
    let slots = gfs.schedule.as_ref().unwrap().slots_between(from, to, 100);
    let runs: Vec<_> = slots
        .iter()
        .filter(|s| s.moment.lead == Some(0))
        .map(|s| s.reference())
        .collect();
    assert_eq!(runs.len(), 4, "06, 12, 18 and the 7th's 00");
    assert_eq!(runs[0], from + Duration::hours(1));
    assert_eq!(
        gfs.schedule
            .as_ref()
            .unwrap()
            .slots_between(from, to, 2)
            .len(),
        2 * 17
    );
    let msg = set.source("msg-ir").unwrap();
    assert_eq!(
        msg.schedule
            .as_ref()
            .unwrap()
            .slots_between(from, from + Duration::hours(1), 100)
            .len(),
        5
    );
}

#[test]
fn an_empty_file_is_no_source_and_a_cut_one_says_where_it_stops() {
    assert_eq!(SourceSet::parse("").unwrap(), SourceSet::default());
    assert_eq!(
        SourceSet::parse("# nothing yet\n").unwrap(),
        SourceSet::default()
    );
    let cut = &GOOD[..GOOD.find("platform = \"GFS\"").unwrap() + 14];
    let e = refused(cut);
    assert_eq!(e.line, line_of("platform"), "{e}");
    let e = refused("[[source]]\nname = \"a\"\nkind = \"http\"\n");
    assert!(e.reason.contains("missing field"), "{e}");
    // The good file still reads after them.
    assert_eq!(SourceSet::parse(GOOD).unwrap().sources.len(), 2);
}

mod kinds;
