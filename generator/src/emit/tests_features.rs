//! Cargo features give complete items: a model of three workloads whose items
//! refer to each other's value types and entities, checked for its gates and
//! built with every feature set.

use super::gates;
use super::index::{Gating, Index};
use super::tests::{cargo, enumeration, file, has, op, prop, target_tmp, ty, write_workspace};
use super::*;
use crate::model::{EnumDef, Operation, Property, TypeDef, TypeKind};
use std::collections::BTreeSet;

const NS: &str = "microsoft.graph";

fn q(name: &str) -> String {
    format!("{NS}.{name}")
}

fn in_workload<T>(mut item: T, workload: &str, set: impl FnOnce(&mut T, String)) -> T {
    set(&mut item, workload.to_string());
    item
}

/// people: entity `person` with a shared value type, a shared enum and a
/// mailbox (an entity of mail); mail: entity `mailbox` that refers back to its
/// owner, and `postalAddress`, derived from the shared `address`; shared: the
/// value types and enums, and an operation that lists addresses.
fn model() -> Model {
    let set_type = |t: &mut TypeDef, w: String| t.workload = w;
    let person = ty(
        NS,
        "person",
        None,
        vec![
            prop("name", "Edm.String"),
            prop("home", &q("address")),
            prop("mood", &q("mood")),
            Property {
                navigation: true,
                ..prop("inbox", &q("mailbox"))
            },
        ],
    );
    let mailbox = ty(
        NS,
        "mailbox",
        None,
        vec![prop("owner", &q("person")), prop("address", &q("address"))],
    );
    let mut address = ty(NS, "address", None, vec![prop("kind", &q("addressKind"))]);
    address.kind = TypeKind::Complex;
    address.derived = vec![q("postalAddress")];
    let mut postal = ty(
        NS,
        "postalAddress",
        Some(&q("address")),
        vec![prop("zip", "Edm.String")],
    );
    postal.kind = TypeKind::Complex;
    let set_enum = |e: &mut EnumDef, w: String| e.workload = w;
    let set_op = |o: &mut Operation, w: String| o.workload = w;
    let mut inbox = op("person-get-inbox", "GET", "/people/{id}/inbox", 200);
    inbox.response = Some(q("mailbox"));
    let mut addresses = op("address-list", "GET", "/addresses", 200);
    addresses.response = Some(q("address"));
    addresses.response_collection = true;
    let mut types = vec![
        in_workload(person, "people", set_type),
        in_workload(mailbox, "mail", set_type),
        in_workload(address, "shared", set_type),
        in_workload(postal, "mail", set_type),
    ];
    types.sort_by_key(TypeDef::qualified);
    Model {
        types,
        enums: vec![
            in_workload(
                enumeration(NS, "addressKind", &["home", "work"], false),
                "shared",
                set_enum,
            ),
            in_workload(
                enumeration(NS, "mood", &["calm"], false),
                "shared",
                set_enum,
            ),
        ],
        operations: vec![
            in_workload(addresses, "shared", set_op),
            in_workload(inbox, "people", set_op),
        ],
        examples: Vec::new(),
        calls: Vec::new(),
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn value_types_exist_with_every_feature_that_uses_them_and_entities_pull_their_feature() {
    let model = model();
    let index = Index::new(&model, Gating::ByFeature);
    let gates = gates::compute(&index);
    let gate = |name: &str| gates.of(&q(name)).cloned().unwrap_or_default();
    assert_eq!(
        gate("person"),
        set(&["people"]),
        "an entity: its own workload"
    );
    assert_eq!(gate("mailbox"), set(&["mail"]));
    assert_eq!(gate("address"), set(&["mail", "people", "shared"]));
    assert_eq!(gate("addressKind"), set(&["mail", "people", "shared"]));
    assert_eq!(
        gate("mood"),
        set(&["people", "shared"]),
        "mail does not use it"
    );
    assert_eq!(
        gate("postalAddress"),
        set(&["mail"]),
        "not reached through its base"
    );
    let deps = |f: &str| gates.deps(f).map(str::to_string).collect::<BTreeSet<_>>();
    assert_eq!(
        deps("people"),
        set(&["mail"]),
        "person.inbox and the operation"
    );
    assert_eq!(deps("mail"), set(&["people"]), "mailbox.owner");
    assert!(deps("shared").is_empty(), "shared refers to no entity");
}

#[test]
fn the_crate_says_the_gates() {
    let output = emit(&model(), &options()).unwrap();
    let cargo = file(&output, "Cargo.toml");
    assert!(
        cargo.contains("\"mail\" = [\"people\"]\n\"people\" = [\"mail\"]\n\"shared\" = []\n"),
        "{cargo}"
    );
    let graph = file(&output, "src/graph/mod.rs");
    assert!(
        has(graph, "#[cfg(any(feature = \"mail\", feature = \"people\", feature = \"shared\"))] #[rustfmt::skip] mod address;"),
        "{graph}"
    );
    let address = file(&output, "src/graph/address.rs");
    assert!(
        has(
            address,
            "#[cfg(feature = \"mail\")] /// `microsoft.graph.postalAddress`.\n PostalAddress("
        ),
        "{address}"
    );
    let person = file(&output, "src/graph/person.rs");
    assert!(!person.contains("cfg("), "no field is gated: {person}");
}

fn options() -> EmitOptions {
    EmitOptions {
        crate_name: "feature-sets".into(),
        command: "docbind generate".into(),
    }
}

/// Every subset of the three features, warnings denied.
#[test]
fn every_feature_set_builds() {
    let work = target_tmp().join("docbind-tests").join("feature-sets");
    write_workspace(&work, &emit(&model(), &options()).unwrap());
    let features = ["mail", "people", "shared"];
    for mask in 0..(1 << features.len()) {
        let chosen: Vec<&str> = (0..features.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| features[i])
            .collect();
        let list = chosen.join(",");
        let args = [
            "check",
            "--quiet",
            "--no-default-features",
            "--features",
            &list,
        ];
        let out = cargo(&work, &args);
        assert!(
            out.status.success(),
            "cargo check --features {chosen:?}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
