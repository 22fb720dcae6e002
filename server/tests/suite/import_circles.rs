//! No import circle between the files of `app/` or of the domain crates:
//! a newcomer reads a file after the files it names, which a circle makes
//! impossible, and a circle is how a crate's pieces stop being separable.
//!
//! Each `crate::`, `super::` and `self::` path of a file (in `use` trees
//! too) is resolved to the file of the deepest module it names; a module
//! naming its own ancestors or descendants is the module tree, not an
//! import, and is left out. A circle is then a strongly connected group of
//! two files or more (Tarjan's algorithm).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates checked, by their `src` folder under the repository.
const CRATES: [&str; 5] = [
    "app/src",
    "products/model/src",
    "products/catalogue/src",
    "products/media/src",
    "products/sources/src",
];

type Module = Vec<String>;
/// What each module names: the named module, and one path that names it.
type Graph = BTreeMap<Module, BTreeMap<Module, String>>;

/// Every module file of a crate, by its module path (`lib.rs` is `[]`).
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            found.insert(module, path);
        }
    }
    found
}

/// The text without comments, so that doc examples name nothing.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths of a `use` tree or expression path starting at `rest` (just
/// after `crate::`/`super::`/`self::`), each as its segments.
fn paths_after(rest: &str) -> Vec<Vec<String>> {
    fn group(chars: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        *at += 1;
        loop {
            while chars
                .get(*at)
                .is_some_and(|c| c.is_whitespace() || *c == ',')
            {
                *at += 1;
            }
            match chars.get(*at) {
                None => return,
                Some('}') => {
                    *at += 1;
                    return;
                }
                _ => tree(chars, at, prefix, out),
            }
        }
    }
    fn tree(chars: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        loop {
            if chars.get(*at) == Some(&'{') {
                return group(chars, at, &path, out);
            }
            let start = *at;
            while chars
                .get(*at)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                *at += 1;
            }
            if *at > start {
                path.push(chars[start..*at].iter().collect());
            }
            if chars[*at..].starts_with(&[':', ':']) {
                *at += 2;
                continue;
            }
            // `a as b`, `*`, the end of a path: the path is whole.
            while chars
                .get(*at)
                .is_some_and(|c| !matches!(c, ',' | '}' | ';' | '\n'))
            {
                *at += 1;
            }
            out.push(path);
            return;
        }
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, &[], &mut out);
    out
}

/// The modules `file` (module `at`) names, resolved to known modules.
fn named(at: &Module, text: &str, known: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, String> {
    let text = code(text);
    let mut out = BTreeMap::new();
    for anchor in ["crate::", "super::", "self::"] {
        for (i, _) in text.match_indices(anchor) {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            // `self` is the file's own module, `super` its parent.
            let mut base: Module = match anchor {
                "crate::" => Vec::new(),
                "self::" => at.clone(),
                _ => at[..at.len().saturating_sub(1)].to_vec(),
            };
            let mut rest = &text[i + anchor.len()..];
            while anchor == "super::" && rest.starts_with("super::") {
                base.pop();
                rest = &rest["super::".len()..];
            }
            for path in paths_after(rest) {
                let mut full = base.clone();
                full.extend(path);
                let said = full.join("::");
                while !full.is_empty() && !known.contains_key(&full) {
                    full.pop();
                }
                let related = full.starts_with(at) || at.starts_with(&full);
                if !related {
                    out.entry(full).or_insert(said);
                }
            }
        }
    }
    out
}

/// Groups of two files or more that reach each other.
fn circles(graph: &Graph) -> Vec<Vec<Module>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        groups: Vec<Vec<Module>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flat_map(|m| m.keys()) {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut group = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    group.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.groups.push(group);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.groups
}

fn graph_of(src: &Path) -> Graph {
    let known = modules(src);
    known
        .iter()
        .map(|(module, path)| {
            let text = std::fs::read_to_string(path).unwrap();
            (module.clone(), named(module, &text, &known))
        })
        .collect()
}

#[test]
fn use_trees_are_read_to_every_path_they_name() {
    let paths = paths_after("{components::{map::Map, header}, links::use_links as l, *};");
    assert_eq!(
        paths,
        [
            vec!["components", "map", "Map"],
            vec!["components", "header"],
            vec!["links", "use_links"],
            vec![],
        ]
    );
    let known: BTreeMap<Module, PathBuf> = [vec![], vec!["a".to_string()], vec!["b".to_string()]]
        .into_iter()
        .map(|m| (m, PathBuf::new()))
        .collect();
    let a = vec!["a".to_string()];
    let named_by_a = named(&a, "use super::b::X; // crate::a::y", &known);
    let b = vec!["b".to_string()];
    assert_eq!(
        named_by_a,
        BTreeMap::from([(b.clone(), "b::X".to_string())])
    );
    let graph = BTreeMap::from([
        (a.clone(), named_by_a),
        (b, BTreeMap::from([(a.clone(), "a".to_string())])),
    ]);
    assert_eq!(circles(&graph).len(), 1, "a ↔ b is a circle");
}

#[test]
fn no_file_of_the_app_or_the_domain_crates_imports_itself_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for krate in CRATES {
        let graph = graph_of(&root.join(krate));
        assert!(graph.len() > 5, "{krate} has its files");
        for group in circles(&graph) {
            found.push(format!("{krate}:"));
            for from in &group {
                for (to, said) in &graph[from] {
                    if group.contains(to) {
                        found.push(format!("  {} names {said}", from.join("::")));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}
