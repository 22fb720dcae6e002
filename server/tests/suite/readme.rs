//! The README's code map is true: every path its table names exists. A
//! cell's bare file names (`record.rs`) are in the folder of the path before
//! them in that cell (`products/src/name.rs`).

use std::collections::{BTreeMap, BTreeSet};
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

/// The README's crate table: each crate with the workspace crates it names
/// in "depends on" (`—` for none), an optional one written with its
/// condition in brackets (`catalogue` (ssr only)).
fn crate_table(readme: &str) -> BTreeMap<String, BTreeSet<(String, bool)>> {
    let start = readme
        .find("The crates and what each depends on")
        .expect("the README has its crate table");
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let name = cells[1].split('`').nth(1).unwrap_or_default().to_string();
            let deps = cells[2]
                .split(',')
                .filter(|d| d.contains('`'))
                .map(|d| {
                    (
                        d.split('`').nth(1).unwrap_or_default().to_string(),
                        d.contains('('),
                    )
                })
                .collect();
            (name, deps)
        })
        .collect()
}

/// Each workspace crate with the workspace crates it depends on (normal
/// dependencies; `true` when optional), as `cargo metadata` says.
fn crate_graph() -> BTreeMap<String, BTreeSet<(String, bool)>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let members: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| {
                    let name = d["name"].as_str()?;
                    members
                        .contains(name)
                        .then(|| (name.to_string(), d["optional"] == true))
                })
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn the_readmes_crate_table_is_the_workspaces_graph() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = crate_table(&readme);
    let graph = crate_graph();
    assert!(graph.len() >= 5, "{graph:?}");
    assert_eq!(table, graph, "README (left) against cargo metadata (right)");
}

#[test]
fn the_crate_table_is_read_with_its_optional_dependencies() {
    let readme = "The crates and what each depends on:\n\n| crate | depends on | what |\n| --- | --- | --- |\n\
                  | `model` (`products/model`) | — | x |\n\
                  | `app` (`app`) | `model`, `catalogue` (ssr only) | y |\n";
    let table = crate_table(readme);
    assert_eq!(table["model"], BTreeSet::new());
    assert_eq!(
        table["app"],
        BTreeSet::from([("model".into(), false), ("catalogue".into(), true)])
    );
}

/// What the browser build compiles, as `cargo tree` resolves it: no SQL, no
/// image codec, no reader or preview, no catalogue.
#[test]
fn the_wasm_build_compiles_no_sql_codec_or_preview() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "app",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "hydrate",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.lines().any(|l| l.starts_with("model ")), "{tree}");
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for banned in [
        "sqlx",
        "libsqlite3-sys",
        "image",
        "png",
        "jpeg-decoder",
        "plotters",
        "catalogue",
        "media",
        "argon2",
    ] {
        assert!(
            !crates.contains(&banned),
            "the wasm build compiles {banned}"
        );
    }
}
