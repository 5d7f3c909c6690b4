//! Example conformance: a harness program, compiled against an emitted crate, that
//! deserializes every typed JSON example of the docs into its generated type and
//! serializes it back.
//!
//! docbind writes the harness source; the caller builds it next to the emitted
//! crate and runs it with the examples file (`examples.json`, the model's
//! `examples` array) as its argument. It prints one JSON object per example:
//! `{"index": N, "deserialized": bool, "lossless": bool, "error": "..."}`, where
//! `lossless` means the re-serialized value equals the original JSON. (Whether an
//! example stays within the documented properties is a property of the docs, and
//! is checked on the model, without compiling anything.)

use crate::emit;
use crate::model::Model;
use std::collections::BTreeSet;

/// The Cargo.toml of a program `package` (such as the harness) depending on the
/// emitted crate `crate_name` at `crate_path` as `generated`. It has no
/// `[workspace]`: it is a member of the caller's workspace, which can then build
/// several crates and their harnesses in one cargo invocation.
pub fn cargo_toml(package: &str, crate_name: &str, crate_path: &str) -> String {
    format!(
        "[package]\nname = {package:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngenerated = {{ package = {crate_name:?}, path = {crate_path:?} }}\nserde = \"1\"\nserde_json = \"1\"\n"
    )
}

/// The harness's `src/main.rs`: one check (and one for collections) per type that
/// has examples, in a static table.
pub fn main_rs(model: &Model) -> String {
    let types: BTreeSet<&str> = model.examples.iter().map(|e| e.ty.as_str()).collect();
    let mut rows = String::new();
    for (ty, path) in emit::rust_types(model, types) {
        let path = path.replace("crate::", "generated::");
        rows.push_str(&format!(
            "    ({ty:?}, check::<{path}>, check_collection::<{path}>),\n"
        ));
    }
    HARNESS.replace("    // CHECKS\n", &rows)
}

const HARNESS: &str = r#"// Written by docbind's conformance module: checks JSON examples against the
// generated types.
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

struct Outcome {
    deserialized: bool,
    lossless: bool,
    error: Option<String>,
}

fn check<T: DeserializeOwned + Serialize>(json: &Value) -> Outcome {
    match serde_json::from_value::<T>(json.clone()) {
        Err(e) => Outcome { deserialized: false, lossless: false, error: Some(e.to_string()) },
        Ok(typed) => {
            let back = serde_json::to_value(&typed).unwrap_or(Value::Null);
            let lossless = &back == json;
            let error = (!lossless).then(|| format!("round trip differs: {back}"));
            Outcome { deserialized: true, lossless, error }
        }
    }
}

fn check_collection<T: DeserializeOwned + Serialize>(json: &Value) -> Outcome {
    match json {
        Value::Array(_) => check::<Vec<T>>(json),
        _ => check::<generated::runtime::Collection<T>>(json),
    }
}

type Check = fn(&Value) -> Outcome;

// A table rather than one big `match`: thousands of arms in one function are
// slow for rustc; function pointers in a static are not.
static CHECKS: &[(&str, Check, Check)] = &[
    // CHECKS
];

fn run(ty: &str, collection: bool, json: &Value) -> Option<Outcome> {
    let (_, single, many) = CHECKS.iter().find(|(name, _, _)| *name == ty)?;
    Some(if collection { many(json) } else { single(json) })
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: harness EXAMPLES.json");
    let text = std::fs::read_to_string(&path).expect("read examples");
    let examples: Vec<Value> = serde_json::from_str(&text).expect("examples are JSON");
    for (index, ex) in examples.iter().enumerate() {
        let ty = ex["type"].as_str().unwrap_or("");
        let collection = ex["collection"].as_bool().unwrap_or(false);
        let Some(o) = run(ty, collection, &ex["json"]) else { continue };
        let line = serde_json::json!({
            "index": index,
            "deserialized": o.deserialized,
            "lossless": o.lossless,
            "error": o.error,
        });
        println!("{line}");
    }
}
"#;
