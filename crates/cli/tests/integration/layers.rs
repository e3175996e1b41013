//! The crates' module graphs, read from their sources: no circle of imports in qmgr, cli
//! or client, and in qmgr no import runs upward through the layers ARCHITECTURE.md
//! draws (state, channel services, channel kinds, serving, the composition root).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::root;

/// Module path (`qmgr::run`) → the modules of the same crate it names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let module = |path: &Path| -> String {
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let rel = rel.to_str().unwrap().trim_end_matches("/mod").replace('/', "::");
        rel
    };
    let known: BTreeSet<String> = files.iter().map(|f| module(f)).collect();
    let mut out = BTreeMap::new();
    for file in &files {
        let name = module(file);
        if name == "lib" || name == "main" || name.ends_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let parent = name.rsplit_once("::").map(|(p, _)| p.to_owned());
        let mut deps = BTreeSet::new();
        let ident =
            |s: &str| s.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>();
        for (prefix, base) in [("crate::", None), ("super::", parent.clone())] {
            for (at, _) in text.match_indices(prefix) {
                let first = ident(&text[at + prefix.len()..]);
                let candidate = match &base {
                    Some(p) => format!("{p}::{first}"),
                    None => first.clone(),
                };
                // `super::item` names the parent module itself.
                let dep =
                    if known.contains(&candidate) { candidate } else { base.clone().unwrap_or_default() };
                if known.contains(&dep) && dep != name {
                    deps.insert(dep);
                }
            }
        }
        out.insert(name, deps);
    }
    out
}

/// The modules on some circle of imports.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = graph[from].iter().map(String::as_str).collect();
        while let Some(m) = todo.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m) {
                todo.extend(graph.get(m).into_iter().flatten().map(String::as_str));
            }
        }
        false
    };
    graph.keys().filter(|m| reaches(m, m)).cloned().collect()
}

#[test]
fn no_crate_has_a_circle_of_imports() {
    for krate in ["qmgr", "cli", "client"] {
        let g = graph(&root().join("crates").join(krate).join("src"));
        assert!(g.len() > 5, "{krate}: the graph was read ({g:?})");
        assert_eq!(circles(&g), Vec::<String>::new(), "{krate}: modules on a circle; {g:#?}");
    }
    // The check sees a circle when there is one.
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(circles(&g), ["a", "b"]);
}

#[test]
fn qmgr_imports_run_down_its_layers() {
    let layers: [&[&str]; 5] = [
        &[
            "accounts",
            "authority",
            "connections",
            "home",
            "limits",
            "pending",
            "queues",
            "state",
            "status",
            "tls_configs",
            "transfer",
        ],
        &["admission", "definition", "link", "revocation"],
        &["conversation", "initiator", "mq_partner", "receiver", "resync", "running", "sender"],
        &["admin", "admin_socket", "listener", "tls_accept"],
        &["assemble"],
    ];
    let layer = |m: &str| layers.iter().position(|l| l.contains(&m));
    let g = graph(&root().join("crates/qmgr/src"));
    for (module, deps) in &g {
        let own = layer(module)
            .unwrap_or_else(|| panic!("qmgr::{module} is in no layer: add it here and to ARCHITECTURE.md"));
        for dep in deps {
            let theirs = layer(dep).unwrap_or_else(|| panic!("qmgr::{dep} is in no layer"));
            assert!(
                theirs <= own,
                "qmgr::{module} (layer {own}) imports qmgr::{dep} (layer {theirs}), above it"
            );
        }
    }
    assert!(
        g["state"].iter().all(|d| layer(d) == Some(0)),
        "the state imports no channel code: {:?}",
        g["state"]
    );
}
