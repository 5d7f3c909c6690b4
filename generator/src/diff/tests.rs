use super::*;
use crate::model::{
    path::parse_template, EnumDef, EnumMember, Operation, Origin, Property, TypeDef, TypeKind,
};

fn src(file: &str, line: u32) -> Source {
    Source {
        file: file.to_string(),
        line,
    }
}

fn prop(name: &str, ty: &str) -> Property {
    Property {
        name: name.into(),
        ty: ty.into(),
        collection: false,
        navigation: false,
        description: None,
        source: src("resources/t.md", 10),
    }
}

fn ty(name: &str, base: Option<&str>, props: &[(&str, &str)]) -> TypeDef {
    TypeDef {
        name: name.into(),
        namespace: "ns".into(),
        kind: TypeKind::Complex,
        base: base.map(str::to_string),
        is_abstract: false,
        open: false,
        origin: Origin::Resource,
        derived: Vec::new(),
        workload: "w".into(),
        description: None,
        properties: props.iter().map(|(n, t)| prop(n, t)).collect(),
        source: src(&format!("resources/{name}.md"), 1),
    }
}

fn op(name: &str, method: &str, path: &str, response: Option<&str>) -> Operation {
    Operation {
        name: name.into(),
        method: method.into(),
        path: path.into(),
        template: parse_template(path).expect("template"),
        body: None,
        body_collection: false,
        response: response.map(str::to_string),
        response_collection: false,
        status: 200,
        workload: "w".into(),
        title: None,
        description: None,
        permissions: Vec::new(),
        headers: Vec::new(),
        source: src(&format!("api/{name}.md"), 5),
        query_options: Vec::new(),
        optional_headers: Vec::new(),
        sources: Vec::new(),
    }
}

fn enumeration(name: &str, members: &[&str]) -> EnumDef {
    EnumDef {
        name: name.into(),
        namespace: "ns".into(),
        members: members
            .iter()
            .map(|m| EnumMember {
                name: m.to_string(),
                value: None,
                description: None,
            })
            .collect(),
        flags: false,
        workload: "w".into(),
        description: None,
        source: src(&format!("resources/{name}.md"), 1),
    }
}

/// Sets `derived` from the base links, as the model builder does.
fn model(mut types: Vec<TypeDef>, enums: Vec<EnumDef>, operations: Vec<Operation>) -> Model {
    let links: Vec<(String, String)> = types
        .iter()
        .filter_map(|t| Some((t.base.clone()?, t.qualified())))
        .collect();
    for t in &mut types {
        t.derived = links
            .iter()
            .filter(|(b, _)| *b == t.qualified())
            .map(|(_, d)| d.clone())
            .collect();
    }
    types.sort_by_key(TypeDef::qualified);
    Model {
        types,
        enums,
        operations,
        examples: Vec::new(),
        calls: Vec::new(),
    }
}

fn kinds(diff: &Diff) -> Vec<(Kind, String, Option<String>)> {
    diff.changes
        .iter()
        .map(|c| (c.kind, c.item.clone(), c.member.clone()))
        .collect()
}

fn sample() -> Model {
    model(
        vec![
            ty("base", None, &[("id", "Edm.String")]),
            ty(
                "user",
                Some("ns.base"),
                &[("name", "Edm.String"), ("age", "Edm.Int32")],
            ),
        ],
        vec![enumeration("color", &["red", "green"])],
        vec![op("user-get", "GET", "/users/{id}", Some("ns.user"))],
    )
}

#[test]
fn identical_models_have_no_changes() {
    let d = diff(&sample(), &sample());
    assert!(d.changes.is_empty() && d.docs.is_empty());
    assert_eq!(d.semver, Semver::None);
    assert!(!d.has_breaking());
}

#[test]
fn path_case_parameter_names_and_row_order_are_no_change() {
    let mut new = sample();
    new.operations[0] = op("user-get", "get", "/Users/{user-id}", Some("ns.user"));
    new.types[1].properties.reverse();
    new.types[1].description = Some("Edited.".into());
    let d = diff(&sample(), &new);
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    let docs: Vec<DocKind> = d.docs.iter().map(|x| x.kind).collect();
    assert_eq!(docs, [DocKind::Description, DocKind::PathSpelling]);
}

#[test]
fn operations_added_removed_renamed() {
    let mut new = sample();
    new.operations = vec![
        op("user-read", "GET", "/users/{id}", Some("ns.user")),
        op("user-list", "GET", "/users", Some("ns.user")),
    ];
    let mut old = sample();
    old.operations
        .push(op("user-delete", "DELETE", "/users/{id}", None));
    let d = diff(&old, &new);
    assert_eq!(
        kinds(&d),
        [
            (Kind::OperationAdded, "GET /users".into(), None),
            (Kind::OperationRemoved, "DELETE /users/{id}".into(), None),
            (Kind::OperationRenamed, "GET /users/{id}".into(), None),
        ]
    );
    assert_eq!(d.semver, Semver::Major);
    let renamed = &d.changes[2];
    assert_eq!(
        renamed.old.as_ref().unwrap().value.as_deref(),
        Some("user-get")
    );
    assert_eq!(
        renamed.new.as_ref().unwrap().source,
        src("api/user-read.md", 5)
    );
}

#[test]
fn moved_requests_pair_by_query_name_or_path() {
    let mut old = sample();
    old.operations = vec![
        op("a", "GET", "/a?$filter=x eq '{v}'", None),
        op("b", "GET", "/old/b", None),
        op("c", "PATCH", "/c", None),
    ];
    let mut new = sample();
    new.operations = vec![
        op("a", "GET", "/a", None),
        op("b", "GET", "/new/{id}/b", None),
        op("c", "PUT", "/c", None),
    ];
    let d = diff(&old, &new);
    let got: Vec<(Kind, Impact)> = d.changes.iter().map(|c| (c.kind, c.impact)).collect();
    assert_eq!(
        got,
        [
            (Kind::OperationMethodChanged, Impact::Breaking),
            (Kind::OperationPathChanged, Impact::Breaking),
            (Kind::OperationQueryChanged, Impact::Breaking),
        ]
    );
}

#[test]
fn body_response_status_and_feature_changes() {
    let mut new = sample();
    let o = &mut new.operations[0];
    o.response_collection = true;
    o.body = Some("ns.base".into());
    o.status = 201;
    o.workload = "other".into();
    let d = diff(&sample(), &new);
    let got: Vec<(Kind, Impact)> = d.changes.iter().map(|c| (c.kind, c.impact)).collect();
    assert_eq!(
        got,
        [
            (Kind::OperationBodyChanged, Impact::Breaking),
            (Kind::OperationResponseChanged, Impact::Breaking),
            (Kind::OperationStatusChanged, Impact::Compatible),
            (Kind::OperationFeatureChanged, Impact::Breaking),
            (Kind::FeatureAdded, Impact::Additive),
        ]
    );
    assert_eq!(
        d.changes[1].new.as_ref().unwrap().value.as_deref(),
        Some("[ns.user]")
    );
}

#[test]
fn a_property_of_a_base_is_reported_once() {
    let mut new = sample();
    new.types[0]
        .properties
        .push(prop("created", "Edm.DateTimeOffset"));
    new.types[1].properties.retain(|p| p.name != "age");
    new.types[1].properties[0].ty = "Edm.Int64".into();
    let d = diff(&sample(), &new);
    assert_eq!(
        kinds(&d),
        [
            (
                Kind::PropertyAdded,
                "ns.base".into(),
                Some("created".into())
            ),
            (Kind::PropertyRemoved, "ns.user".into(), Some("age".into())),
            (Kind::PropertyRetyped, "ns.user".into(), Some("name".into())),
        ]
    );
    assert!(d.changes[0]
        .note
        .as_deref()
        .unwrap()
        .contains("also in 1 derived types"));
    assert!(d.changes.iter().all(|c| c.impact == Impact::Breaking));
}

#[test]
fn a_property_moved_to_the_base_changes_only_the_base() {
    let mut new = sample();
    let age = new.types[1].properties.remove(1);
    new.types[0].properties.push(age);
    let d = diff(&sample(), &new);
    assert_eq!(
        kinds(&d),
        [(Kind::PropertyAdded, "ns.base".into(), Some("age".into()))]
    );
}

#[test]
fn base_and_polymorphism_changes() {
    let mut new = sample();
    new.types[1].base = None;
    let new = model(new.types, new.enums, new.operations);
    let d = diff(&sample(), &new);
    let got: Vec<Kind> = d.changes.iter().map(|c| c.kind).collect();
    assert!(got.contains(&Kind::TypeBaseChanged), "{got:?}");
    assert!(got.contains(&Kind::TypePolymorphismChanged), "{got:?}");
    assert!(got.contains(&Kind::PropertyRemoved), "{got:?}");
}

#[test]
fn enum_members_types_and_features() {
    let mut new = sample();
    new.enums[0].members = vec![
        EnumMember {
            name: "red".into(),
            value: None,
            description: None,
        },
        EnumMember {
            name: "blue".into(),
            value: None,
            description: None,
        },
    ];
    new.enums[0].workload = "elsewhere".into();
    new.enums.push(enumeration("size", &["s"]));
    new.types.push(ty("zebra", None, &[]));
    let d = diff(&sample(), &new);
    let got: Vec<(Kind, Impact)> = d.changes.iter().map(|c| (c.kind, c.impact)).collect();
    assert_eq!(
        got,
        [
            (Kind::TypeAdded, Impact::Additive),
            (Kind::EnumAdded, Impact::Additive),
            (Kind::EnumFeatureChanged, Impact::Breaking),
            (Kind::EnumMemberAdded, Impact::Additive),
            (Kind::EnumMemberRemoved, Impact::Breaking),
            (Kind::FeatureAdded, Impact::Additive),
        ]
    );
}

#[test]
fn additive_changes_suggest_a_minor_version() {
    let mut new = sample();
    new.enums[0].members.push(EnumMember {
        name: "blue".into(),
        value: None,
        description: None,
    });
    new.operations.push(op("user-list", "GET", "/users", None));
    let d = diff(&sample(), &new);
    assert_eq!(d.semver, Semver::Minor);
    assert_eq!((d.counts.breaking, d.counts.additive), (0, 2));
}

#[test]
fn a_type_renamed_with_evidence_is_a_rename() {
    let mut new = sample();
    new.types[1].name = "member".into();
    new.operations[0].response = Some("ns.member".into());
    let new = model(new.types, new.enums, new.operations);
    let d = diff(&sample(), &new);
    let got: Vec<Kind> = d.changes.iter().map(|c| c.kind).collect();
    assert_eq!(got, [Kind::OperationResponseChanged, Kind::TypeRenamed]);

    // Without an operation that links them: removed and added.
    let mut unlinked = new.clone();
    unlinked.operations.clear();
    let mut old = sample();
    old.operations.clear();
    let got: Vec<Kind> = diff(&old, &unlinked)
        .changes
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(got, [Kind::TypeAdded, Kind::TypeRemoved]);
}

#[test]
fn letter_case_that_moves_a_word_boundary_renames_the_rust_type() {
    let mut new = sample();
    new.types[1].name = "uSer".into();
    new.operations[0].response = Some("ns.uSer".into());
    let new = model(new.types, new.enums, new.operations);
    let d = diff(&sample(), &new);
    assert_eq!(kinds(&d), [(Kind::TypeRenamed, "ns.uSer".into(), None)]);
    let c = &d.changes[0];
    assert_eq!(
        c.old.as_ref().unwrap().value.as_deref(),
        Some("crate::ns::User")
    );
    assert_eq!(
        c.new.as_ref().unwrap().value.as_deref(),
        Some("crate::ns::USer")
    );
}

#[test]
fn letter_case_of_a_type_name_is_no_change() {
    let mut new = sample();
    new.types[1].name = "User".into();
    new.operations[0].response = Some("ns.User".into());
    let new = model(new.types, new.enums, new.operations);
    let d = diff(&sample(), &new);
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.docs.len(), 1);
    assert_eq!(d.docs[0].kind, DocKind::NameCase);
}

#[test]
fn text_and_json_render_every_change() {
    let mut new = sample();
    new.operations.push(op("user-list", "GET", "/users", None));
    let d = diff(&sample(), &new);
    let text = render::text(&d, true);
    assert!(
        text.starts_with("semver minor: 0 breaking, 1 additive, 0 compatible; operation_added 1\n")
    );
    assert!(
        text.contains("operation_added (1):\n  additive   GET /users\n"),
        "{text}"
    );
    assert!(
        text.contains("new: user-list  at api/user-list.md:5"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&render::json(&d, false).unwrap()).unwrap();
    assert_eq!(json["semver"], "minor");
    assert_eq!(json["counts"]["kinds"]["operation_added"], 1);
    assert_eq!(json["changes"][0]["new"]["source"]["line"], 5);
}

#[test]
fn primitives_of_one_rust_type_are_compatible() {
    let mut new = sample();
    new.types[1].properties[0].ty = "Edm.Guid".into();
    new.operations[0].response = Some("Edm.String".into());
    let mut old = sample();
    old.operations[0].response = Some("Edm.Guid".into());
    let d = diff(&old, &new);
    let got: Vec<(Kind, Impact)> = d.changes.iter().map(|c| (c.kind, c.impact)).collect();
    assert_eq!(
        got,
        [
            (Kind::OperationResponseChanged, Impact::Compatible),
            (Kind::PropertyRetyped, Impact::Compatible),
        ]
    );
    assert_eq!(d.semver, Semver::Patch);
    new.types[1].properties[0].collection = true;
    assert_eq!(diff(&old, &new).semver, Semver::Major);
}

#[test]
fn fail_on_breaking_or_any() {
    let same = diff(&sample(), &sample());
    assert!(!FailOn::Breaking.fails(&same) && !FailOn::Any.fails(&same));
    let mut new = sample();
    new.operations.push(op("user-list", "GET", "/users", None));
    let additive = diff(&sample(), &new);
    assert!(!FailOn::Breaking.fails(&additive) && FailOn::Any.fails(&additive));
    let breaking = diff(&new, &sample());
    assert!(FailOn::Breaking.fails(&breaking));
}

#[test]
fn a_json_name_in_another_letter_case_is_a_rename() {
    let mut new = sample();
    new.types[1].properties[1].name = "Age".into();
    let d = diff(&sample(), &new);
    assert_eq!(
        kinds(&d),
        [(Kind::PropertyRenamed, "ns.user".into(), Some("Age".into()))]
    );
    assert_eq!(d.changes[0].impact, Impact::Breaking);
    assert_eq!(d.changes[0].old.as_ref().unwrap().source.line, 10);
}

#[test]
fn features_added_and_removed() {
    let mut new = sample();
    for t in &mut new.types {
        t.workload = "teams".into();
    }
    new.enums[0].workload = "teams".into();
    new.operations[0].workload = "teams".into();
    let d = diff(&sample(), &new);
    let features: Vec<(Kind, String)> = d
        .changes
        .iter()
        .filter(|c| matches!(c.kind, Kind::FeatureAdded | Kind::FeatureRemoved))
        .map(|c| (c.kind, c.item.clone()))
        .collect();
    assert_eq!(
        features,
        [
            (Kind::FeatureAdded, "teams".into()),
            (Kind::FeatureRemoved, "w".into())
        ]
    );
}

#[test]
fn a_member_named_like_the_fallback_is_breaking() {
    let mut new = sample();
    new.enums[0].members.push(EnumMember {
        name: "Unknown".into(),
        value: None,
        description: None,
    });
    let d = diff(&sample(), &new);
    assert_eq!(d.changes[0].kind, Kind::EnumMemberAdded);
    assert_eq!(d.changes[0].impact, Impact::Breaking);
}

#[test]
fn a_response_type_in_another_namespace_says_the_functions_may_move() {
    let mut new = sample();
    let mut moved = ty(
        "user",
        None,
        &[("name", "Edm.String"), ("age", "Edm.Int32")],
    );
    moved.namespace = "other".into();
    new.types.push(moved);
    new.operations[0].response = Some("other.user".into());
    let new = model(new.types, new.enums, new.operations);
    let d = diff(&sample(), &new);
    let response = d
        .changes
        .iter()
        .find(|c| c.kind == Kind::OperationResponseChanged)
        .expect("response change");
    assert!(
        response.note.as_deref().unwrap().contains("(ns → other)"),
        "{:?}",
        response.note
    );
}
