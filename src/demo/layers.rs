//! Keeps the layer comment in `mod.rs` true: every demo module imports only modules listed
//! before it there, so no two demo modules can import each other.

use std::collections::HashMap;
use std::path::Path;

const MOD_RS: &str = include_str!("mod.rs");

/// The module names of the layer comment, lowest first.
fn layer_order() -> Vec<&'static str> {
    MOD_RS
        .lines()
        .skip_while(|l| !l.starts_with("// Layers, lowest first"))
        .skip(2)
        .take_while(|l| l.starts_with("//  "))
        .filter_map(|l| l.split_once(':'))
        .flat_map(|(_, names)| names.split_whitespace())
        .collect()
}

/// The sibling modules a source file names as `super::<module>` outside its tests.
fn sibling_imports(source: &str) -> Vec<String> {
    let product = source.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
    let mut found = Vec::new();
    for (at, _) in product.match_indices("super::") {
        let rest = &product[at + "super::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_lower_layers() {
    let order = layer_order();
    let rank: HashMap<&str, usize> = order.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo");
    let mut listed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if module == "mod" || module == "layers" || module.ends_with("tests") {
            continue;
        }
        let own = *rank
            .get(module.as_str())
            .unwrap_or_else(|| panic!("{module} is missing from the layer comment in mod.rs"));
        listed += 1;
        let source = std::fs::read_to_string(&path).unwrap();
        for import in sibling_imports(&source) {
            let theirs = *rank
                .get(import.as_str())
                .unwrap_or_else(|| panic!("{module} imports {import}, which the layers omit"));
            assert!(
                theirs < own,
                "{module} imports {import}, which is not below it in the layers of mod.rs"
            );
        }
    }
    assert_eq!(
        listed,
        order.len(),
        "the layer comment lists a module that does not exist"
    );
}

#[test]
fn the_import_scan_sees_every_form() {
    let source = "use super::a::X;\nuse super::{b, c::Y};\nlet x = super::d::f();\n\
                  //! [`super::ORG_TOKEN`]\n#[cfg(test)]\nmod tests {\nuse super::e;";
    assert_eq!(sibling_imports(source), ["a", "b", "c", "d"]);
}
