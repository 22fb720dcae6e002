//! NetCDF and compressed files made to hurt a reader: a dimension declared
//! 2⁴⁰ long (in a CDF-5 header written here byte by byte, no data behind
//! it), an HDF5 file whose groups hold themselves (made with h5py, kept in
//! tests/hostile), a bzip2 bomb, a file cut in half. Each ends in a reason,
//! quickly and without a large allocation, and a good file read after it
//! goes through.

mod samples;

use std::io::Write;

use media::grib::Limits;
use media::model_file::{ModelFile, ModelFileError};
use samples::sample;

/// A CDF-5 (64-bit) header: dimensions, and variables with a `units`
/// attribute each, laid out as the classic format's grammar says. Nothing
/// follows it: the data a header declares is never there.
struct Cdf5 {
    bytes: Vec<u8>,
}

impl Cdf5 {
    fn new() -> Self {
        let mut bytes = b"CDF\x05".to_vec();
        bytes.extend(0u64.to_be_bytes()); // records
        Self { bytes }
    }

    fn name(&mut self, name: &str) {
        self.bytes.extend((name.len() as u64).to_be_bytes());
        self.bytes.extend(name.as_bytes());
        self.bytes.extend(vec![0; (4 - name.len() % 4) % 4]);
    }

    fn dims(mut self, dims: &[(&str, u64)]) -> Self {
        self.bytes.extend(0x0Au32.to_be_bytes());
        self.bytes.extend((dims.len() as u64).to_be_bytes());
        for (name, len) in dims {
            self.name(name);
            self.bytes.extend(len.to_be_bytes());
        }
        // No global attributes.
        self.bytes.extend(0u32.to_be_bytes());
        self.bytes.extend(0u64.to_be_bytes());
        self
    }

    /// Variables: name, dimension ids, units, type (5 float, 6 double).
    fn vars(mut self, vars: &[(&str, &[u64], &str, u32)]) -> Vec<u8> {
        self.bytes.extend(0x0Bu32.to_be_bytes());
        self.bytes.extend((vars.len() as u64).to_be_bytes());
        for (name, dims, units, kind) in vars {
            self.name(name);
            self.bytes.extend((dims.len() as u64).to_be_bytes());
            for d in *dims {
                self.bytes.extend(d.to_be_bytes());
            }
            self.bytes.extend(0x0Cu32.to_be_bytes());
            self.bytes.extend(1u64.to_be_bytes());
            self.name("units");
            self.bytes.extend(2u32.to_be_bytes()); // NC_CHAR
            self.name(units);
            self.bytes.extend(kind.to_be_bytes());
            self.bytes.extend(u64::MAX.to_be_bytes()); // vsize: a lie
            self.bytes.extend(4096u64.to_be_bytes()); // begin
        }
        self.bytes
    }
}

fn good_file_reads() {
    let (path, _) = sample("met-era5-cocip1.nc");
    let mut file = ModelFile::open(&path, Limits::default()).expect("the good file");
    assert!(file.gridded(0).is_ok());
}

fn refused(result: Result<ModelFile, ModelFileError>) -> String {
    let reason = match result {
        Err(e) => e.to_string(),
        Ok(mut file) => {
            let index = file.messages().first().map(|m| m.index).unwrap_or(0);
            match file.gridded(index) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("a hostile file was read"),
            }
        }
    };
    good_file_reads();
    reason
}

#[test]
fn a_dimension_declared_two_to_the_fortieth_long_is_a_reason() {
    let huge = 1u64 << 40;
    let grid = Cdf5::new().dims(&[("lat", huge), ("lon", 4)]).vars(&[
        ("lat", &[0], "degrees_north", 6),
        ("lon", &[1], "degrees_east", 6),
        ("t", &[0, 1], "K", 5),
    ]);
    let reason = refused(ModelFile::from_bytes(grid, Limits::default()));
    assert!(
        reason.contains("t declares 4398046511104 points"),
        "{reason}"
    );
    let times = Cdf5::new()
        .dims(&[("time", huge), ("lat", 2), ("lon", 2)])
        .vars(&[
            ("time", &[0], "hours since 2000-01-01", 6),
            ("lat", &[1], "degrees_north", 6),
            ("lon", &[2], "degrees_east", 6),
            ("t", &[0, 1, 2], "K", 5),
        ]);
    let reason = refused(ModelFile::from_bytes(times, Limits::default()));
    assert!(reason.contains("over 20000 fields"), "{reason}");
}

#[test]
fn an_hdf5_file_whose_groups_hold_themselves_is_refused() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/hdf5_cycle.nc");
    // netcdf-reader alone follows the cycle until the stack overflows,
    // which aborts this test process.
    let reason = refused(ModelFile::open(&path, Limits::default()));
    assert!(reason.contains("its groups form a cycle"), "{reason}");
    let bytes = std::fs::read(&path).unwrap();
    let reason = refused(ModelFile::from_bytes(bytes, Limits::default()));
    assert!(reason.contains("its groups form a cycle"), "{reason}");
}

#[test]
fn a_bzip2_bomb_is_refused_past_the_byte_budget() {
    // 16 MiB of zeros compress to a few dozen bytes; concatenated streams
    // are read as one file (as DWD's tools write them), so 64 of them
    // declare 1 GiB in about 3 kB.
    let mut one = Vec::new();
    let mut encoder = bzip2::write::BzEncoder::new(&mut one, bzip2::Compression::best());
    encoder.write_all(&vec![0u8; 16 << 20]).unwrap();
    encoder.finish().unwrap();
    let bomb: Vec<u8> = one.repeat(64);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let limits = Limits {
        max_bytes: 64 << 20,
        ..Limits::default()
    };
    let reason = refused(ModelFile::from_bytes(bomb.clone(), limits));
    assert!(
        reason.contains("decompresses to over 67108864 bytes"),
        "{reason}"
    );
    // The same from a file on disk.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.ICON.202612071200.t2m.grib2.bz2");
    std::fs::write(&path, &bomb).unwrap();
    let reason = refused(ModelFile::open(&path, limits));
    assert!(reason.contains("decompresses to over"), "{reason}");
    // A bzip2 stream that is not one.
    let reason = refused(ModelFile::from_bytes(b"BZh9 not really".to_vec(), limits));
    assert!(reason.contains("bzip2"), "{reason}");
}

#[test]
fn a_netcdf_file_cut_in_half_is_a_reason() {
    for name in ["met-era5-cocip1.nc", "era5-eu-classic.nc"] {
        let (_, bytes) = sample(name);
        for cut in [bytes.len() / 2, 2000, 300, 8] {
            match ModelFile::from_bytes(bytes[..cut].to_vec(), Limits::default()) {
                Err(e) => assert!(e.to_string().contains("NetCDF"), "{name} at {cut}: {e}"),
                // The header is whole: the fields whose data is missing
                // are reasons, the others are read.
                Ok(mut file) => {
                    let count = file.messages().len();
                    let failed = (0..count).filter(|&k| file.gridded(k).is_err()).count();
                    assert!(
                        failed > 0,
                        "{name} at {cut}: half the data, every field read"
                    );
                }
            }
            good_file_reads();
        }
    }
    // Nothing at all: read as GRIB2 (the first bytes say nothing else), refused.
    let reason = refused(ModelFile::from_bytes(Vec::new(), Limits::default()));
    assert!(reason.contains("GRIB2"), "{reason}");
}
