//! Series files read under caps: hostile headers refused with a reason at
//! once, malformed files explained, the next good file still plotted.

use std::path::{Path, PathBuf};

use media::preview::series::{read, Abscissa, Series, SeriesFormat};
use media::preview::{render, PreviewLimits};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn hostile_series_headers_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = PreviewLimits::default();
    for (name, bytes, reason) in [
        (
            "n.ict",
            &b"18446744073709551615, 1001\nx\n"[..],
            "NLHEAD is 18446744073709551615",
        ),
        ("s.ict", b"50, 1001\nPI\n", "ends inside its 50-line header"),
        (
            "nv.ict",
            b"20, 1001\n2\n3\n4\n5\n6\n7\n8\nStart_UTC, s\n99999999\n",
            "declares 99999999 variables",
        ),
        (
            "nv-long.ict",
            b"12, 1001\n2\n3\n4\n5\n6\n7\n8\nStart_UTC, s\n50\n",
            "declares 50 variables",
        ),
    ] {
        let path = write(tmp.path(), name, bytes);
        let err = render(&path, "ict", &limits).unwrap_err().to_string();
        assert!(err.contains(reason), "{name}: {err}");
    }
    let mut commas = vec![b','; 64 * 1024 + 10];
    commas.extend_from_slice(b"\n1,2\n3,4\n");
    let wide = write(tmp.path(), "c.csv", &commas);
    let err = render(&wide, "csv", &limits).unwrap_err().to_string();
    assert!(err.contains("longer than 64 KiB"), "{err}");
    // Many columns within the line limit: only the plotted ones are kept.
    let mut many = (0..5000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    many.push('\n');
    for row in 0..3 {
        many.push_str(&format!("{row},{}\n", row * 2));
    }
    let csv = write(tmp.path(), "m.csv", many.as_bytes());
    assert!(render(&csv, "csv", &limits).is_ok());
}

#[test]
fn a_profile_record_announcing_a_billion_levels_is_skipped() {
    // A 20-line header: one variable (T), one auxiliary (the level count).
    let text = "20, 2110\n2\n3\n4\n5\n6\n7\n0, 0\nAlt, km\nUTC, s\n\
                1\n1\n-9999\nT, K\n1\n1\n-9999\nN, none\n0\n0\n\
                61200, 4000000000\n61300, 2\n1, 280\n2, 274\n";
    let series = read(text.as_bytes(), SeriesFormat::Icartt, &[]).unwrap();
    let Series::Profiles { profiles, .. } = series else {
        panic!("profiles expected")
    };
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].points, vec![(280.0, 1.0), (274.0, 2.0)]);
}

#[test]
fn empty_truncated_and_malformed_series_get_a_reason_and_the_next_one_a_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = PreviewLimits::default();
    for (name, bytes, reason) in [
        ("empty.csv", &b""[..], "the file is empty"),
        ("empty.ict", b"", "the first line must be `NLHEAD, 1001`"),
        ("zero.ict", b"0, 1001\nx\n", "NLHEAD is 0"),
        ("one.ict", b"1, 1001\n", "NLHEAD is 1"),
        ("words.ict", b"many, 1001\n", "the first line must be"),
        (
            "other.ict",
            b"4, 2310\n",
            "1001 and 2110 are plotted, not 2310",
        ),
        ("negative.ict", b"-3, 1001\n", "the first line must be"),
        (
            "header-only.csv",
            b"time,t2m\n",
            "no column after the first",
        ),
        (
            "cut.ict",
            b"3, 1001\nPI\nStart_UTC, O3\n36000, 4",
            "the header says it has 3 lines but its variables need more",
        ),
        ("binary.csv", b"a,b\n\xff\xfe,\x00\n", "1 line(s) skipped"),
        (
            "flat.csv",
            b"t,flight\n1,7\n2,7\n3,7\n",
            "two different numbers",
        ),
    ] {
        let path = write(tmp.path(), name, bytes);
        let ext = name.rsplit('.').next().unwrap();
        let err = render(&path, ext, &limits).unwrap_err().to_string();
        assert!(err.contains(reason), "{name}: {err}");
    }
    let good = write(tmp.path(), "good.csv", b"t,v\n1,2\n2,3\n");
    assert!(render(&good, "csv", &limits).is_ok());
}

#[test]
fn csv_headers_carry_units_and_bookkeeping_columns_are_passed_over() {
    let text = "time,FLIGHT,T (C),RH [%],lon\n\
                2026-11-28T10:00:00Z,7,10.5,70,359.5\n\
                2026-11-28T10:10:00Z,7,11.0,-9999,0.5\n\
                2026-11-28T10:20:00Z,7,11.8,65,1.5\n";
    let Series::Time { abscissa, ys, .. } = read(text.as_bytes(), SeriesFormat::Csv, &[]).unwrap()
    else {
        panic!("a time series")
    };
    assert_eq!(abscissa, Abscissa::Epoch);
    let labels: Vec<String> = ys.iter().map(|y| y.column.label()).collect();
    assert_eq!(labels, ["T (C)", "RH (%)", "lon"]);
    assert!(ys[1].values[1].is_nan(), "−9999 is missing");
    assert_eq!(ys[2].values, [-0.5, 0.5, 1.5], "0–360° longitudes");
}

#[test]
fn truncated_and_incomplete_profile_files_get_a_reason_or_what_they_hold() {
    // 20-line 2110 header, one variable (T), one auxiliary (the level count).
    let header = "20, 2110\n2\n3\n4\n5\n6\n7\n0, 0\nAlt, km\nUTC, s\n\
                  1\n1\n-9999\nT, K\n1\n1\n-9999\nN, none\n0\n0\n";
    // A record announcing 15 levels whose file ends after 3: the 3 are drawn.
    let cut = format!("{header}61200, 15\n1, 280\n2, 274\n3, 268");
    let Series::Profiles { profiles, .. } =
        read(cut.as_bytes(), SeriesFormat::Icartt, &[]).unwrap()
    else {
        panic!("profiles expected")
    };
    assert_eq!(profiles[0].points.len(), 3);
    for (text, reason) in [
        (header.to_string(), "no record has two levels of T"),
        (
            format!("{header}61200, 0\n61300, -4\nnot a record\n"),
            "no record has two levels",
        ),
        (
            header.replace("\n1\n1\n-9999\nN, none\n", "\n0\n0\n0\nN, none\n"),
            "needs an auxiliary variable",
        ),
        (
            header.replace("\nT, K\n", "\n"),
            "the file ends inside its 20-line header",
        ),
    ] {
        let err = read(text.as_bytes(), SeriesFormat::Icartt, &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains(reason), "{err}");
    }
    let good = format!("{header}61200, 2\n1, 280\n2, 274\n");
    assert!(read(good.as_bytes(), SeriesFormat::Icartt, &[]).is_ok());
}

#[test]
fn quoted_csv_headers_keep_their_commas_and_lose_their_quotes() {
    let csv = "\"time\",\"temperature, air (°C)\",\"speed, ground (m/s)\"\n\
               2026-11-29T12:00:00Z,12.5,3\n2026-11-29T12:10:00Z,13.0,4\n2026-11-29T12:20:00Z,13.5,5\n";
    let series = read(std::io::Cursor::new(csv), SeriesFormat::Csv, &[]).unwrap();
    let Series::Time { ys, .. } = series else {
        panic!("a time series: {series:?}");
    };
    let names: Vec<(&str, Option<&str>)> = ys
        .iter()
        .map(|y| (y.column.name.as_str(), y.column.units.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("temperature, air", Some("°C")),
            ("speed, ground", Some("m/s"))
        ]
    );
    assert_eq!(ys[0].values, [12.5, 13.0, 13.5]);
}

#[test]
fn a_broken_quote_an_empty_line_and_a_huge_number_are_skipped_and_good_rows_plotted() {
    let csv = "time,\"t (°C)\"\n\
               2026-11-29T12:00:00Z,12.5\n\
               \n\
               \"2026-11-29T12:05:00Z,13\n\
               2026-11-29T12:07:00Z,1e99999\n\
               2026-11-29T12:10:00Z,13.0\n2026-11-29T12:20:00Z,13.5\n";
    let series = read(std::io::Cursor::new(csv), SeriesFormat::Csv, &[]).unwrap();
    let Series::Time { x, ys, .. } = series else {
        panic!("a time series: {series:?}");
    };
    let finite: Vec<f64> = ys[0]
        .values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    assert_eq!(finite, [12.5, 13.0, 13.5], "{ys:?}");
    assert_eq!(x.values.len(), ys[0].values.len());
}
