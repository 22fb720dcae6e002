//! What opsboard reads out of files, beside their names: thumbnails and
//! previews of images, plots of in situ series ([`preview`]), flight plans
//! from the planning tools ([`plan`]) and trajectories from sondes and
//! balloons ([`trajectory`]), model fields from GRIB2 ([`grib`]) and
//! CF-NetCDF ([`netcdf`]) files, read alike through [`model_file`].
//!
//! Readers take bytes from outside: every size, count and number they read
//! is bounded, and a file they cannot read gets a reason, never a panic.
//! What they produce is a `model` type; nothing here touches the catalogue,
//! so an edit to a plot rebuilds this crate and the server, not the pages.

pub mod field_map;
pub mod fields;
pub mod grib;
pub mod model_file;
pub mod netcdf;
pub mod plan;
pub mod preview;
pub mod trajectory;

/// A table of points as planning tools and sondes export it: separated by
/// `;` when the header has one (decimal commas then read as points), else
/// by `,` or tab; rows of any length, cells trimmed.
pub(crate) fn table_reader(text: &str) -> csv::Reader<&[u8]> {
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') {
        b';'
    } else if header.contains('\t') {
        b'\t'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}
