//! Model fields drawn, side by side with their peers in one run:
//!
//! 1. GetMap, a 256 × 256 PNG of t at 850 hPa from pygrib's GFS sample
//!    (`scripts/grib-samples.sh`) over Europe (EPSG:4326), from opsboard's
//!    WMS and from MapServer 8 (Debian's `mapserv`, reading the same file
//!    through GDAL's GRIB driver, a bilinear colour ramp) run as CGI, one
//!    process a request, as `cgi-mapserver` serves it. opsboard cold: the
//!    first map of each of `COLD` fields after the start (decode, index,
//!    draw); warm: `REQUESTS` maps panning over the box. MapServer reads the
//!    file at every request: its figures are its warm ones (the file in the
//!    page cache). GDAL places the GFS grid from 0° to 360° E, so its maps
//!    leave the west of Greenwich empty: the work is the same.
//! 2. Decoding every message of the file (307): opsboard's reader laid out
//!    in rows against `grib_get_data` over the whole file (to /dev/null),
//!    and the memory opsboard's process holds while doing it.
//!
//! `cargo bench -p server --bench field_maps` (env `REQUESTS`, `COLD`;
//! `make bench` installs MapServer).

#[path = "../tests/suite/common/mod.rs"]
mod common;
#[path = "support/stats.rs"]
mod stats;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{next_event, product_of, TestServer};
use media::field_map::{render_png, Crs, Located, Scale, View};
use media::grib::{gridded, messages, Limits};
use stats::{env_or, summary};

/// Europe, as 1.3.0's EPSG:4326 orders it (latitude first).
const BOX: [f64; 4] = [30.0, -20.0, 70.0, 40.0];

fn gfs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2")
        .canonicalize()
        .expect("run scripts/grib-samples.sh first")
}

/// The resident memory high-water mark of this process, MiB.
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

/// The box moved by `step` tenths of a degree east and north.
fn panned(step: usize) -> String {
    let d = (step % 20) as f64 * 0.1;
    format!(
        "{},{},{},{}",
        BOX[0] + d,
        BOX[1] + d,
        BOX[2] + d,
        BOX[3] + d
    )
}

fn getmap_query(layer: &str, bbox: &str) -> String {
    format!(
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:4326\
         &BBOX={bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png&ELEVATION=850"
    )
}

/// A mapfile drawing band `band` of `file` as MapServer's colour ramp, and
/// the configuration MapServer 8 needs to read a mapfile by path.
fn mapfile(dir: &Path, file: &Path, band: usize) -> PathBuf {
    std::fs::write(
        dir.join("mapserver.conf"),
        "CONFIG\n  ENV\n    MS_MAP_PATTERN \"^/\"\n  END\nEND\n",
    )
    .expect("MapServer's configuration");
    let path = dir.join("bench.map");
    let text = format!(
        r#"MAP
  NAME "bench"
  EXTENT -180 -90 180 90
  SIZE 256 256
  IMAGETYPE png
  PROJECTION "init=epsg:4326" END
  WEB
    METADATA
      "wms_title" "bench"
      "wms_enable_request" "*"
      "wms_srs" "EPSG:4326 EPSG:3857"
      "wms_onlineresource" "http://localhost/cgi-bin/mapserv?"
    END
  END
  LAYER
    NAME "t850"
    TYPE RASTER
    STATUS ON
    DATA "{file}"
    PROCESSING "BANDS={band}"
    PROCESSING "RESAMPLE=BILINEAR"
    PROJECTION "init=epsg:4326" END
    METADATA "wms_title" "t850" END
    CLASS
      STYLE
        COLORRANGE 0 0 255 255 0 0
        DATARANGE 240 310
        RANGEITEM "pixel"
      END
    END
  END
END
"#,
        file = file.display()
    );
    std::fs::write(&path, text).expect("mapfile");
    path
}

/// One MapServer GetMap as CGI; its time, or None without MapServer.
fn mapserv(map: &Path, bbox: &str) -> Option<Duration> {
    let started = Instant::now();
    let config = map.with_file_name("mapserver.conf");
    let output = Command::new("mapserv")
        .env("MAPSERVER_CONFIG_FILE", config)
        .env("REQUEST_METHOD", "GET")
        .env(
            "QUERY_STRING",
            format!("map={}&{}", map.display(), getmap_query("t850", bbox)),
        )
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let took = started.elapsed();
    let body = output.stdout;
    // A CGI answer: headers, a blank line, the PNG.
    let png = body.windows(4).position(|w| w == b"\x89PNG");
    assert!(
        png.is_some(),
        "MapServer did not draw: {}",
        String::from_utf8_lossy(&body[..body.len().min(400)])
    );
    Some(took)
}

#[tokio::main]
async fn main() {
    let requests = env_or("REQUESTS", 200).clamp(10, 10_000);
    let cold_fields = env_or("COLD", 8).clamp(1, 30);
    let file = gfs();
    let bytes = std::fs::read(&file).expect("the GFS sample");

    println!("GetMap 256 × 256, t at 850 hPa over Europe, GFS 2.5° (pygrib's sample)");
    let server = TestServer::start().await;
    let mut ws = server.events(None).await;
    server.drop_file("model.GFS.201101101200.120h_pgrb.grib2", &bytes);
    product_of(next_event(&mut ws).await);
    let http = reqwest::Client::new();
    let get = |query: String| {
        let (http, url) = (http.clone(), server.url(&format!("/wms?{query}")));
        async move {
            let started = Instant::now();
            let response = http.get(url).send().await.expect("request");
            assert_eq!(response.status(), 200);
            response.bytes().await.expect("body");
            started.elapsed()
        }
    };
    // Cold: the first map of each of several fields (t, u, v, gh, r … at 850).
    let listed = messages(Cursor::new(&bytes), Limits::default()).expect("messages");
    let mut fields: Vec<String> = listed
        .iter()
        .filter(|m| m.level_type == 100 && (m.level - 850.0).abs() < 1e-6)
        .map(|m| format!("GFS.{}.isobaricInhPa", m.field()))
        .collect();
    fields.dedup();
    let mut cold = Vec::new();
    for layer in fields.iter().take(cold_fields) {
        cold.push(get(getmap_query(layer, &panned(0))).await);
    }
    summary(&format!("opsboard cold ({} fields)", cold.len()), cold);
    let mut warm = Vec::new();
    for step in 0..requests {
        warm.push(get(getmap_query("GFS.t.isobaricInhPa", &panned(step))).await);
    }
    summary(&format!("opsboard warm ({requests})"), warm);
    // The drawing alone, in this process: what a request adds is the rest.
    let index = listed
        .iter()
        .position(|m| m.field() == "t" && (m.level - 850.0).abs() < 1e-6)
        .expect("t at 850 hPa");
    let field = Located::new(gridded(Cursor::new(&bytes), index, Limits::default()).expect("t"))
        .expect("placed");
    let scale = Scale::for_field("t", Some("K"), field.range());
    let mut drawing = Vec::new();
    for step in 0..requests {
        let d = (step % 20) as f64 * 0.1;
        let view = View::new(
            Crs::LonLat,
            [BOX[1] + d, BOX[0] + d, BOX[3] + d, BOX[2] + d],
            256,
            256,
        )
        .expect("view");
        let started = Instant::now();
        std::hint::black_box(render_png(&field, &scale, &view).expect("PNG"));
        drawing.push(started.elapsed());
    }
    summary("  of which drawing and PNG", drawing);

    let band = listed
        .iter()
        .position(|m| m.field() == "t" && (m.level - 850.0).abs() < 1e-6)
        .expect("t at 850 hPa")
        + 1;
    let dir = tempfile::tempdir().expect("temp dir");
    let map = mapfile(dir.path(), &file, band);
    let mut theirs = Vec::new();
    for step in 0..requests.min(100) {
        match mapserv(&map, &panned(step)) {
            Some(took) => theirs.push(took),
            None => {
                println!("  MapServer: not installed (apt-get install cgi-mapserver)");
                break;
            }
        }
    }
    if !theirs.is_empty() {
        summary(&format!("MapServer CGI ({})", theirs.len()), theirs);
    }

    println!("Decoding all {} messages of the file", listed.len());
    let before = peak_mib();
    let (mut ours, mut refused) = (Vec::new(), 0);
    for _ in 0..3 {
        refused = 0;
        let started = Instant::now();
        for m in &listed {
            match gridded(Cursor::new(&bytes), m.index, Limits::default()) {
                Ok(grid) => {
                    std::hint::black_box(grid);
                }
                Err(_) => refused += 1,
            }
        }
        ours.push(started.elapsed());
    }
    if refused > 0 {
        println!("  ({refused} messages not decoded by opsboard: a bitmap defined by an earlier submessage)");
    }
    ours.sort();
    let mut eccodes = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let status = Command::new("grib_get_data")
            .arg(&file)
            .stdout(Stdio::null())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            break;
        }
        eccodes.push(started.elapsed());
    }
    eccodes.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  opsboard: median {:.0} ms; grib_get_data: median {:.0} ms ({:.2}×); peak resident {} → {} MiB",
        ms(ours[1]),
        eccodes.get(1).map_or(f64::NAN, |d| ms(*d)),
        eccodes.get(1).map_or(f64::NAN, |d| ms(ours[1]) / ms(*d)),
        before,
        peak_mib()
    );
}
