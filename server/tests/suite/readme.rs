//! The README's code map is true: every path its table names exists. A
//! cell's bare file names (`record.rs`) are in the folder of the path before
//! them in that cell (`products/src/name.rs`).

use std::path::{Path, PathBuf};

/// The repository's root, above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The paths of the code map's cells, as the repository would hold them.
fn mapped_paths(readme: &str) -> Vec<String> {
    let start = readme
        .find("The path of a product is the layout of the code")
        .expect("the README has its code map");
    let table = readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2);
    let mut paths = Vec::new();
    for row in table {
        let place = row
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or_default();
        let mut folder = String::new();
        for (i, quoted) in place.split('`').enumerate() {
            if i % 2 == 0 || quoted.contains(' ') {
                continue;
            }
            let path = if quoted.contains('/') {
                quoted.trim_end_matches('/').to_string()
            } else {
                format!("{folder}/{quoted}")
            };
            if let Some((parent, _)) = path.rsplit_once('/') {
                folder = parent.to_string();
            }
            paths.push(path);
        }
    }
    paths
}

#[test]
fn every_path_of_the_readmes_code_map_exists() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let paths = mapped_paths(&readme);
    assert!(paths.len() > 30, "{paths:?}");
    let missing: Vec<&String> = paths.iter().filter(|p| !root().join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "the README's code map names {missing:?}"
    );
}

#[test]
fn bare_names_are_read_in_the_folder_before_them() {
    let readme =
        "The path of a product is the layout of the code:\n\n| step | where |\n| --- | --- |\n\
                  | x | `products/src/name.rs`, `record.rs`, `app/src/view/` |\n";
    assert_eq!(
        mapped_paths(readme),
        [
            "products/src/name.rs",
            "products/src/record.rs",
            "app/src/view"
        ]
    );
}
