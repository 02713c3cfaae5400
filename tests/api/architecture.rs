//! The shape of the code that `src/lib.rs` states: which layer may import which, and no two
//! files that import each other, directly or around a circle. It reads the sources: every
//! `crate::`, `super::` and `self::` path outside the test modules, resolved to the file that
//! defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the top-level modules it may import (besides itself).
/// `error` is the one error type, which every layer may return.
const LAYERS: &[(&str, &[&str])] = &[
    ("xapi", &[]),
    ("analytics", &["xapi"]),
    ("store", &["xapi", "analytics"]),
    ("error", &["auth", "store"]),
    ("auth", &["store"]),
    ("service", &["xapi", "analytics", "store", "auth"]),
    ("jobs", &["analytics", "store", "service", "config"]),
    (
        "http",
        &["xapi", "analytics", "store", "auth", "service", "config"],
    ),
    // The dashboard's pages: they share the services with `http`, and its state and
    // parameter types; of the store, types only (`http_calls_no_store_function`).
    ("web", &["xapi", "auth", "store", "service", "http"]),
    ("embedded", &[]),
    ("config", &["analytics", "embedded", "service"]),
    ("database", &["config", "embedded", "store"]),
    ("telemetry", &["config"]),
    (
        "cli",
        &[
            "xapi",
            "analytics",
            "store",
            "auth",
            "service",
            "config",
            "database",
            "embedded",
            "http",
            "startup",
            "telemetry",
        ],
    ),
    (
        "startup",
        &[
            "xapi",
            "analytics",
            "store",
            "auth",
            "service",
            "jobs",
            "http",
            "config",
            "database",
            "embedded",
            "web",
        ],
    ),
];

/// A source file: its module path (`["service", "learners"]`) and its code without tests.
struct Source {
    module: Vec<String>,
    /// Whether it is a `mod.rs` or `lib.rs` (its `super` is one level further up).
    is_dir_module: bool,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).ok()?.with_extension("");
            let mut module: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module == ["main"] {
                return None;
            }
            let is_dir_module = matches!(module.last().map(String::as_str), Some("mod" | "lib"));
            if is_dir_module {
                module.pop();
            }
            // Test-only modules (`#[cfg(test)] mod tests;`) import what they test.
            if module.iter().any(|m| m == "tests") {
                return None;
            }
            let text = std::fs::read_to_string(&path).ok()?;
            // Unit tests sit at the end of a file, after `#[cfg(test)]`; comments name
            // modules without importing them.
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            Some(Source {
                module,
                is_dir_module,
                code,
            })
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The paths a file names: `use` trees expanded, and inline `crate::a::b` paths.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        expand("", &rest[..end], &mut found);
    }
    for prefix in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let start = at;
            let end = rest[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| start + e);
            found.push(rest[start..end].trim_end_matches(':').to_owned());
            rest = &rest[end..];
        }
    }
    found
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into whole paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => {
            let path = tree.split(" as ").next().unwrap_or(tree).trim();
            out.push(format!("{prefix}{path}"));
        }
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if !inner[start..].trim().is_empty() {
                expand(&format!("{prefix}{head}"), &inner[start..], out);
            }
        }
    }
}

/// The module a path names, resolved against the file's module: its longest prefix that is a
/// file of the crate. None for paths outside the crate.
fn resolve(path: &str, from: &Source, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = match segments.first().copied() {
        Some("crate") => {
            segments.remove(0);
            Vec::new()
        }
        Some("super" | "self") => {
            let mut base = from.module.clone();
            if !from.is_dir_module {
                // `super` of `a/b.rs` is `a`; `self` is `a::b`.
                if segments[0] == "super" {
                    base.pop();
                    segments.remove(0);
                }
            }
            while segments.first() == Some(&"super") {
                base.pop();
                segments.remove(0);
            }
            if segments.first() == Some(&"self") {
                segments.remove(0);
            }
            base
        }
        _ => return None,
    };
    let mut best = base.clone();
    for segment in segments {
        base.push(segment.to_owned());
        if modules.contains(&base) {
            best = base.clone();
        } else {
            break;
        }
    }
    Some(best)
}

/// Whether one module is the other or contains it (a file and its parent `mod.rs`).
fn related(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// file -> the files it imports, outside its own ancestors and descendants.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    sources
        .iter()
        .map(|source| {
            let targets = paths(&source.code)
                .iter()
                .filter_map(|p| resolve(p, source, &modules))
                .filter(|t| !t.is_empty() && !related(t, &source.module))
                .collect();
            (source.module.clone(), targets)
        })
        .collect()
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let graph = graph();
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut violations = Vec::new();
    for (module, targets) in &graph {
        let Some(layer) = module.first() else {
            continue;
        };
        let Some(may) = allowed.get(layer.as_str()) else {
            violations.push(format!("{} is not a layer of LAYERS", module.join("::")));
            continue;
        };
        for target in targets {
            let to = target[0].as_str();
            if to != layer && to != "error" && !may.contains(&to) {
                violations.push(format!(
                    "{} imports {}",
                    module.join("::"),
                    target.join("::")
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    // The check sees imports at all: the service layer uses the store.
    assert!(
        graph[&vec!["service".to_owned(), "learners".to_owned()]]
            .iter()
            .any(|t| t[0] == "store")
    );
}

#[test]
fn http_holds_no_sql() {
    let with_sql: Vec<String> = sources()
        .iter()
        .filter(|s| s.module.first().is_some_and(|m| m == "http"))
        .filter(|s| {
            // `sqlx::query…`, or a `query!` / `query_as!` / `query_scalar!` imported alone
            // (not a longer macro name that ends so).
            s.code.contains("sqlx::query")
                || ["query!(", "query_as!(", "query_scalar!("].iter().any(|m| {
                    s.code.match_indices(m).any(|(at, _)| {
                        !s.code[..at]
                            .ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                    })
                })
        })
        .map(|s| s.module.join("::"))
        .collect();
    assert!(with_sql.is_empty(), "SQL in {with_sql:?}");
}

#[test]
fn no_files_import_each_other() {
    let graph = graph();
    // Tarjan's strongly connected components: any with more than one file is a circle.
    struct State<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        circles: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a Vec<String>) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        for target in state.graph.get(node).into_iter().flatten() {
            let Some((target, _)) = state.graph.get_key_value(target) else {
                continue;
            };
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[node].min(state.low[target]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[node].min(state.index[target]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.join("::"));
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.circles.push(component);
            }
        }
    }
    let mut state = State {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        circles: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    let circles: Vec<String> = state
        .circles
        .iter()
        .map(|c| format!("{{{}}}", c.join(", ")))
        .collect();
    assert!(
        circles.is_empty(),
        "files in a circle: {}",
        circles.join("; ")
    );
}

#[test]
fn the_reader_of_imports_resolves_use_trees() {
    let mut out = Vec::new();
    expand(
        "",
        "crate::store::{self, analytics::{metrics, models as m}}",
        &mut out,
    );
    assert_eq!(
        out,
        [
            "crate::store::self",
            "crate::store::analytics::metrics",
            "crate::store::analytics::models"
        ]
    );
}

/// The simulator is a client of the HTTP API in a crate of its own: the library names it
/// nowhere (only `src/main.rs`, the binary, adds its command), and it names the library nowhere.
#[test]
fn the_library_and_the_simulator_do_not_depend_on_each_other() {
    let library = sources();
    assert!(library.len() > 100, "the library's sources were found");
    for source in &library {
        assert!(
            !source.code.contains("lrs_simulator"),
            "src/{} uses the simulator",
            source.module.join("/")
        );
    }
    let simulator = Path::new(env!("CARGO_MANIFEST_DIR")).join("simulator");
    let manifest = std::fs::read_to_string(simulator.join("Cargo.toml")).expect("its manifest");
    assert!(
        !manifest
            .lines()
            .any(|l| l.trim_start().starts_with("lrs ") || l.trim_start().starts_with("lrs=")),
        "simulator/Cargo.toml depends on the lrs library"
    );
    let mut files = Vec::new();
    collect(&simulator.join("src"), &mut files);
    assert!(files.len() > 10, "the simulator's sources were found");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        assert!(
            !text.contains("lrs::"),
            "{} uses the library",
            file.display()
        );
    }
}

/// Handlers and pages call services, not the store: what `http` and `web` take from `store`
/// is types only (a path ending in a type's name), besides the health probe's ping of the
/// database.
#[test]
fn http_calls_no_store_function() {
    let mut calls = Vec::new();
    for source in sources()
        .iter()
        .filter(|s| s.module.first().is_some_and(|m| m == "http" || m == "web"))
    {
        let found = paths(&source.code);
        // `use a::{B, C}` is also read inline as `a`: a path that others extend is a prefix.
        for path in found
            .iter()
            .filter(|p| !found.iter().any(|q| q.starts_with(&format!("{p}::"))))
        {
            let Some(rest) = path.strip_prefix("crate::store") else {
                continue;
            };
            let last = rest.rsplit("::").next().unwrap_or_default();
            let is_type = last.starts_with(|c: char| c.is_ascii_uppercase());
            let is_probe = source.module == ["http", "health"] && rest == "::ping";
            if !(is_type || is_probe) {
                calls.push(format!("{}: {path}", source.module.join("::")));
            }
        }
    }
    assert!(calls.is_empty(), "http reaches into the store: {calls:#?}");
}
