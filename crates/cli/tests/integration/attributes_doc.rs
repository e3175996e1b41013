//! docs/attributes.md stays true: every attribute it says mqtls acts on is an attribute of
//! that object type in the model, and the runtime crates read it by name.

use std::collections::BTreeSet;
use std::path::Path;

use mqtls_model::schema::{attributes, chlauth_attributes, AttrDef};
use mqtls_model::ObjectType;

use crate::root;

/// Every `"KEYWORD"` string literal in the `.rs` files under `dir` (tests left out).
fn literals(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            literals(&path, out);
        } else if name.ends_with(".rs") && !name.contains("test") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                if !piece.is_empty() && piece.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                    out.insert(piece.to_owned());
                }
            }
        }
    }
}

fn table(object: &str) -> &'static [AttrDef] {
    let otype = match object.split(' ').next().unwrap() {
        "QMGR" => ObjectType::Qmgr,
        "CHANNEL" => ObjectType::Channel,
        "QLOCAL" => ObjectType::Qlocal,
        "QALIAS" => ObjectType::Qalias,
        "QREMOTE" => ObjectType::Qremote,
        "LISTENER" => ObjectType::Listener,
        "AUTHINFO" => ObjectType::Authinfo,
        "NAMELIST" => ObjectType::Namelist,
        "CHLAUTH" => return chlauth_attributes(),
        other => panic!("docs/attributes.md names an object type the test does not know: {other}"),
    };
    attributes(otype)
}

#[test]
fn the_attributes_page_lists_only_attributes_the_runtime_reads() {
    let page = std::fs::read_to_string(root().join("docs/attributes.md")).unwrap();
    let mut read = BTreeSet::new();
    for krate in ["qmgr", "channel", "client", "ccdt", "dn"] {
        literals(&root().join("crates").join(krate).join("src"), &mut read);
    }
    for file in ["channel.rs", "chlauth.rs", "store.rs"] {
        let text = std::fs::read_to_string(root().join("crates/model/src").join(file)).unwrap();
        read.extend(text.split('"').skip(1).step_by(2).map(str::to_owned));
    }
    let section =
        page.split("## Acted on").nth(1).expect("an Acted on section").split("\n## ").next().unwrap();
    let mut rows = 0;
    for row in section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Object") && !l.starts_with("|---"))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (object, keywords) = (cells[1], cells[2]);
        let defs = table(object);
        for kw in keywords.split('`').skip(1).step_by(2) {
            assert!(defs.iter().any(|d| d.keyword == kw), "{object}: {kw} is not one of its attributes");
            assert!(read.contains(kw), "{object}: {kw} is listed as acted on, but no runtime code reads it");
        }
        rows += 1;
    }
    assert_eq!(rows, 10, "every row of the table was read");
}
