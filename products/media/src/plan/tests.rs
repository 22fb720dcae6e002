use super::*;

const KML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <name>ATR42 squall line</name>
  <Placemark><name>Francazal</name><Point><coordinates>1.3675,43.5450,165</coordinates></Point></Placemark>
  <Placemark><name>A</name><Point><coordinates>-0.5,44.0,3000</coordinates></Point></Placemark>
  <Placemark><name>B</name><Point><coordinates>-1.2,45.1,3000</coordinates></Point></Placemark>
  <Placemark><name>Francazal</name><Point><coordinates>1.3675,43.5450,165</coordinates></Point></Placemark>
  <Placemark><name>track</name><LineString><coordinates>1.3675,43.545 -0.5,44 -1.2,45.1 1.3675,43.545</coordinates></LineString></Placemark>
</Document></kml>"#;

const GPX: &str = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="10" lon="10"><name>ignored: the route comes first</name></wpt>
  <rte><name>Dropsonde curtain</name>
    <rtept lat="13.16" lon="-59.43"><ele>10</ele><name>BGI</name></rtept>
    <rtept lat="14.5" lon="-55.0"><ele>10000</ele><name>C1</name></rtept>
    <rtept lat="12.0" lon="-52.5"><ele>10000</ele><name>C2</name></rtept>
  </rte>
</gpx>"#;

const FTML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<FlightTrack version="9.1.0">
  <ListOfWaypoints>
    <Waypoint flightlevel="0" lat="67.821" location="Kiruna" lon="20.336"><Comments></Comments></Waypoint>
    <Waypoint flightlevel="250" lat="72.5" location="" lon="15.0"><Comments>turn</Comments></Waypoint>
    <Waypoint flightlevel="0" lat="78.928" location="Ny-Alesund" lon="11.986"><Comments></Comments></Waypoint>
  </ListOfWaypoints>
</FlightTrack>"#;

/// As flight-planning tools export them in France: `;`, decimal commas, DMS.
const CSV_DMS: &str = "Name;Latitude;Longitude;FL\n\
    LFBF;43°32'42\"N;001°22'03\"E;0\n\
    P1;N 44 00,5;W 000 30,25;95\n\
    P2;45°06'00,0\"N;001°12'00,0\"W;95\n";

#[test]
fn each_format_is_read_with_its_waypoints_labels_and_altitudes() {
    let kml = parse(PlanFormat::Kml, KML).unwrap();
    assert_eq!(kml.name, "ATR42 squall line");
    assert_eq!(kml.waypoints.len(), 4);
    assert_eq!(kml.waypoints[1].label, "A");
    assert_eq!(kml.waypoints[1].alt, Some(3000.0));
    assert_eq!(kml.bounds(), Some([-1.2, 43.545, 1.3675, 45.1]));

    let gpx = parse(PlanFormat::Gpx, GPX).unwrap();
    assert_eq!(gpx.name, "Dropsonde curtain");
    let labels: Vec<&str> = gpx.waypoints.iter().map(|w| w.label.as_str()).collect();
    assert_eq!(labels, ["BGI", "C1", "C2"]);
    assert_eq!(gpx.bounds(), Some([-59.43, 12.0, -52.5, 14.5]));

    let ftml = parse(PlanFormat::Ftml, FTML).unwrap();
    assert_eq!(ftml.waypoints.len(), 3);
    assert_eq!(ftml.waypoints[0].label, "Kiruna");
    assert_eq!(
        ftml.waypoints[1].alt,
        Some(250.0 * 30.48),
        "FL250 in metres"
    );

    let csv = parse(PlanFormat::Csv, CSV_DMS).unwrap();
    assert_eq!(csv.waypoints.len(), 3);
    let p1 = &csv.waypoints[1];
    assert_eq!(p1.label, "P1");
    assert!((p1.lat - (44.0 + 0.5 / 60.0)).abs() < 1e-9, "{}", p1.lat);
    assert!((p1.lon + 30.25 / 60.0).abs() < 1e-9, "{}", p1.lon);
    assert!((csv.waypoints[0].lat - (43.0 + 32.0 / 60.0 + 42.0 / 3600.0)).abs() < 1e-9);
    assert!((csv.waypoints[2].lon + 1.2).abs() < 1e-9);
    assert_eq!(p1.alt, Some(95.0 * 30.48));
    let decimal = parse(PlanFormat::Csv, "lat,lon,alt\n43.5,-1.25,3000\n44,-1,\n").unwrap();
    assert_eq!(decimal.waypoints[0].lon, -1.25);
    assert_eq!(decimal.waypoints[1].alt, None);
    let line_only = KML
        .replace("<Point>", "<Nothing>")
        .replace("</Point>", "</Nothing>");
    assert_eq!(
        parse(PlanFormat::Kml, &line_only).unwrap().waypoints.len(),
        4
    );
    let track_only = r#"<gpx><trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="3" lon="4"/></trkseg></trk></gpx>"#;
    assert_eq!(
        parse(PlanFormat::Gpx, track_only).unwrap().waypoints.len(),
        2
    );
}

#[test]
fn gpx_and_kml_exports_read_back_equal_with_their_labels() {
    let mut plan = parse(PlanFormat::Csv, CSV_DMS).unwrap();
    plan.name = "Curtain <A & B> \"east\"".into();
    plan.waypoints[1].label = "P1 & <turn>".into();
    for (format, text) in [
        (PlanFormat::Gpx, plan.to_gpx()),
        (PlanFormat::Kml, plan.to_kml()),
    ] {
        let back = parse(format, &text).unwrap();
        assert_eq!(back.waypoints, plan.waypoints, "{format:?}:\n{text}");
        assert_eq!(back.name, plan.name, "{format:?}");
    }
}

#[test]
fn length_and_duration_follow_the_great_circle() {
    let plan = parse(PlanFormat::Csv, "lat,lon\n0,0\n0,1\n1,1\n").unwrap();
    // A degree of arc on a sphere of 6 371.0088 km: 111.195 km.
    assert!(
        (plan.length_km() - 2.0 * 111.195).abs() < 0.01,
        "{}",
        plan.length_km()
    );
    let duration = plan.duration_at(400.0).unwrap();
    assert_eq!(
        duration.num_seconds(),
        (2.0 * 111.195 / 400.0 * 3600.0) as i64
    );
    assert_eq!(plan.duration_at(0.0), None);
    assert_eq!(plan.duration_at(f64::NAN), None);
}

#[test]
fn hostile_and_useless_files_get_a_reason() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><kml>&lol2;</kml>"#;
    let cases: Vec<(PlanFormat, String, &str)> = vec![
        (PlanFormat::Kml, bomb.into(), "not readable XML"),
        (PlanFormat::Kml, "not xml at all".into(), "not readable XML"),
        (
            PlanFormat::Kml,
            "<kml><Document/></kml>".into(),
            "no waypoints",
        ),
        (PlanFormat::Gpx, "<gpx/>".into(), "no rtept"),
        (PlanFormat::Ftml, "<FlightTrack/>".into(), "no Waypoint"),
        (
            PlanFormat::Gpx,
            r#"<gpx><wpt lat="95" lon="0"/><wpt lat="0" lon="0"/></gpx>"#.into(),
            "waypoint 1: latitude 95",
        ),
        (
            PlanFormat::Gpx,
            r#"<gpx><wpt lat="NaN" lon="0"/></gpx>"#.into(),
            "not a number",
        ),
        (
            PlanFormat::Gpx,
            r#"<gpx><wpt lon="0"/></gpx>"#.into(),
            "lat \"\" is not a number",
        ),
        (
            PlanFormat::Ftml,
            r#"<FlightTrack><Waypoint lat="1" lon="2" flightlevel="inf"/></FlightTrack>"#.into(),
            "flightlevel",
        ),
        (
            PlanFormat::Csv,
            "name,x,y\nA,1,2\n".into(),
            "no latitude column",
        ),
        (PlanFormat::Csv, "lat,lon\n".into(), "no rows"),
        (
            PlanFormat::Csv,
            "lat,lon\n43°75'N,1\n".into(),
            "neither decimal degrees",
        ),
        (
            PlanFormat::Csv,
            "lat,lon\n43.5E,1\n".into(),
            "neither decimal degrees",
        ),
        (
            PlanFormat::Csv,
            "lat,lon\n1 2 3 4,1\n".into(),
            "neither decimal degrees",
        ),
        (PlanFormat::Kml, "x".repeat(MAX_PLAN_BYTES + 1), "at most"),
    ];
    for (format, text, reason) in cases {
        let error = parse(format, &text).unwrap_err().to_string();
        assert!(
            error.contains(reason),
            "{format:?} {:?}: {error}",
            &text[..text.len().min(80)]
        );
    }
    let many = format!("lat,lon\n{}", "1,2\n".repeat(MAX_WAYPOINTS + 1));
    assert!(matches!(
        parse(PlanFormat::Csv, &many),
        Err(PlanError::TooMany(_))
    ));
    let points = "<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>"
        .repeat(MAX_WAYPOINTS + 1);
    let kml = format!("<kml>{points}</kml>");
    assert!(matches!(
        parse(PlanFormat::Kml, &kml),
        Err(PlanError::TooMany(_))
    ));
}

/// As DLR's HALO planning exports it: the flight path as one long
/// LineString, wind barbs as point placemarks beside it, two named turning
/// points on it, and the FIR's boundary as a polygon.
fn halo_like_kml() -> String {
    let path: Vec<String> = (0..241)
        .map(|i| {
            let f = f64::from(i) / 240.0;
            format!(
                "{:.5},{:.5},{:.0}",
                11.28 - 20.0 * f,
                48.08 + 8.0 * (f * 3.0).sin(),
                12_000.0
            )
        })
        .collect();
    let barbs: String = (0..5)
        .map(|i| {
            format!(
                "<Placemark><name>{} kt</name><Point><coordinates>{},{}</coordinates></Point></Placemark>",
                20 + i * 5,
                5 + i,
                60 + i
            )
        })
        .collect();
    let turn = |i: usize, name: &str| {
        let (lon, lat) = path[i].split_once(',').unwrap();
        let lat = lat.split(',').next().unwrap();
        format!("<Placemark><name>{name}</name><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>")
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>HALO RF07</name>
<Folder><name>wind</name>{barbs}</Folder>
{}{}
<Placemark><name>FIR</name><Polygon><outerBoundaryIs><LinearRing><coordinates>0,40 20,40 20,60 0,60 0,40</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>leg</name><LineString><coordinates>1,50 2,51</coordinates></LineString></Placemark>
<Placemark><name>flight path</name><LineString><coordinates>{}</coordinates></LineString></Placemark>
</Document></kml>"#,
        turn(80, "IP1"),
        turn(160, "IP2"),
        path.join(" ")
    )
}

#[test]
fn a_kml_route_is_its_longest_line_not_its_stray_points_or_areas() {
    let plan = parse(PlanFormat::Kml, &halo_like_kml()).unwrap();
    assert_eq!(plan.name, "HALO RF07");
    assert_eq!(plan.waypoints.len(), 241);
    assert_eq!(plan.waypoints[80].label, "IP1");
    assert_eq!(plan.waypoints[160].label, "IP2");
    assert!(plan.length_km() > 1_400.0, "{} km", plan.length_km());
    let skipped = plan.skipped.join("; ");
    for said in [
        "1 polygon",
        "1 shorter line",
        "5 point placemark(s) off the route",
    ] {
        assert!(skipped.contains(said), "{skipped}");
    }
    // An airspace alone is no route.
    let fir = r#"<kml><Document><Placemark><Polygon><outerBoundaryIs><LinearRing>
        <coordinates>0,40 20,40 20,60 0,40</coordinates></LinearRing></outerBoundaryIs></Polygon>
        </Placemark></Document></kml>"#;
    let refused = parse(PlanFormat::Kml, fir).unwrap_err().to_string();
    assert!(refused.contains("polygons"), "{refused}");
}

#[test]
fn a_flitestar_route_is_read_from_its_fwp_lines() {
    let route = "# FliteStar/FliteMap generated flight plan.\n\
        ROUTE EDMO-EDMO\n\
        FWP 1 A EDMO N 48 4.9 E 11 16.9 1900\n\
        FWP 2 W WP1 N 50 30.0 E 10 0.0 41000\n\
        FWP 3 W WP2 S 1 15.5 W 2 45.0 41000\n";
    let format = PlanFormat::Csv.sniffed(route);
    assert_eq!(format, PlanFormat::FliteStar);
    let plan = parse(format, route).unwrap();
    let labels: Vec<_> = plan.waypoints.iter().map(|w| w.label.as_str()).collect();
    assert_eq!(labels, ["EDMO", "WP1", "WP2"]);
    let wp2 = &plan.waypoints[2];
    assert!((wp2.lat + 1.258_333).abs() < 1e-5 && (wp2.lon + 2.75).abs() < 1e-9);
    assert!((plan.waypoints[1].alt.unwrap() - 12_496.8).abs() < 1e-6);
    assert_eq!(plan.skipped, ["1 lines that are not waypoints"]);
    // A table is still a table.
    assert_eq!(PlanFormat::Csv.sniffed("lat,lon\n1,2\n"), PlanFormat::Csv);
    for (bad, reason) in [
        ("FWP 1 A X N 1 2 E 3 4 5\n", "marker"),
        (
            "# FliteStar/FliteMap generated flight plan.\nnothing\n",
            "no FWP",
        ),
        (
            "# FliteStar/FliteMap generated flight plan.\nFWP 1 A X N 1 2\n",
            "fields",
        ),
        (
            "# FliteStar/FliteMap generated flight plan.\nFWP 1 A X Q 1 2 E 3 4 5\n",
            "hemisphere",
        ),
        (
            "# FliteStar/FliteMap generated flight plan.\nFWP 1 A X N 1 75 E 3 4 5\n",
            "minutes",
        ),
        (
            "# FliteStar/FliteMap generated flight plan.\nFWP 1 A X N 95 0 E 3 4 5\n",
            "latitude",
        ),
        (
            "# FliteStar/FliteMap generated flight plan.\nFWP 1 A X N 1 0 E 3 4 NaN\n",
            "altitude",
        ),
    ] {
        let error = parse(PlanFormat::FliteStar, bad).unwrap_err().to_string();
        assert!(error.contains(reason), "{bad:?}: {error}");
    }
}
