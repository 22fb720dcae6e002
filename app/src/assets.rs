//! The names of the files a build wrote under `/pkg` (server side).
//!
//! A release build names its JS, wasm and CSS after their content
//! (`opsboard.<hash>.css`, cargo-leptos' `hash-files`) and lists the hashes in
//! a hash file, so that browsers may keep them for good (`immutable`): a
//! returning visit over a satellite link then fetches the page alone, and a
//! new deployment's files have new names, which no cache can confuse with the
//! old. Leptos' hydration scripts read the same file for the JS and wasm; the
//! stylesheet, which the shell links itself, is named here.

use leptos::config::LeptosOptions;

/// The name of the built file of `kind` (`css`, `js`, `wasm`) with the
/// extension `ext`, as the build wrote it: hashed when the options say the
/// build hashed its files and the hash file names one for `kind`, the plain
/// output name otherwise.
pub fn built_name(options: &LeptosOptions, kind: &str, ext: &str) -> String {
    let name = options.output_name.as_ref();
    match options.hash_files.then(|| hash_of(options, kind)).flatten() {
        Some(hash) => format!("{name}.{hash}.{ext}"),
        None => format!("{name}.{ext}"),
    }
}

/// The stylesheet's address, under the site's package directory.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    format!(
        "/{}/{}",
        options.site_pkg_dir,
        built_name(options, "css", "css")
    )
}

/// The service worker's address for this build (`public/sw.js`): a new
/// build is a new address, whose worker replaces the old one and its caches.
pub fn service_worker_url(options: &LeptosOptions) -> String {
    let build = options
        .hash_files
        .then(|| hash_of(options, "wasm"))
        .flatten()
        .unwrap_or_else(|| "plain".into());
    format!("/sw.js?build={build}")
}

/// Whether a hash file's text is one a build wrote: every `kind: hash` line
/// with a hash that is a file-name fragment, and the js, wasm and css named.
/// Leptos puts the js and wasm hashes into the page's script addresses
/// unchecked: a file that is not one is not used at all.
pub fn is_hash_file(text: &str) -> bool {
    let mut named = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((kind, hash)) = line.split_once(':') else {
            return false;
        };
        if !plausible(hash.trim()) {
            return false;
        }
        named += usize::from(matches!(kind.trim(), "js" | "wasm" | "css"));
    }
    named == 3
}

fn plausible(hash: &str) -> bool {
    (1..=64).contains(&hash.len())
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The hash the hash file lists for `kind` (lines `kind: hash`). The path is
/// resolved as Leptos resolves it: beside the running binary, unless it is
/// absolute.
fn hash_of(options: &LeptosOptions, kind: &str) -> Option<String> {
    let beside = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let text = std::fs::read_to_string(beside.join(options.hash_file.as_ref())).ok()?;
    text.lines().find_map(|line| {
        let (name, hash) = line.split_once(':')?;
        let hash = hash.trim();
        // A hash is a file-name fragment: anything else is not one of ours.
        (name.trim() == kind && plausible(hash)).then(|| hash.to_string())
    })
}
