//! The seed page (read from ../shared/seed or DOCBIND_SEED at test time, never
//! copied into the repo; without it both tests fail) generates a crate that
//! compiles, with the PATCH function, the intent enum, and the page's request
//! example round-tripping through the body type.

mod common;

use common::{emit_options, run_built, scratch, seed, write_crate, write_program, write_workspace};
use docbind::source::SourceFile;

const SEED_PATH: &str =
    "/deviceManagement/resourceAccessProfiles/{deviceManagementResourceAccessProfileBaseId}/assignments";

/// The seed page through docbind; a missing seed fails the test (see [`seed`]).
fn seed_run() -> docbind::Run {
    let file = SourceFile {
        name: "update-assignments.md".into(),
        bytes: seed(),
    };
    docbind::run(&[file])
}

#[test]
fn seed_model_has_the_operation_and_the_enum() {
    let run = seed_run();
    let m = &run.model;
    let op = m
        .operations
        .iter()
        .find(|o| o.path == SEED_PATH)
        .expect("the PATCH operation");
    assert_eq!(op.method, "PATCH");
    assert_eq!(op.template.params.len(), 1);
    assert_eq!(
        op.template.params[0].name,
        "deviceManagementResourceAccessProfileBaseId"
    );
    let body = op.body.as_deref().expect("a body");
    assert_eq!(
        body,
        "microsoft.graph.deviceManagementResourceAccessProfileAssignment"
    );
    assert_eq!(op.response.as_deref(), Some(body));
    assert_eq!(op.status, 200);
    let intent = m
        .enum_by_name("microsoft.graph.deviceManagementResourceAccessProfileIntent")
        .expect("intent enum");
    let members: Vec<&str> = intent.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(members, ["apply", "remove"]);
    // The types the seed links to are not beside it: named by diagnostics, still emitted.
    let unresolved: Vec<&str> = run
        .diagnostics
        .iter()
        .filter(|d| d.code == "unresolved-type")
        .map(|d| d.message.as_str())
        .collect();
    assert!(unresolved
        .iter()
        .any(|m| m.contains("deviceAndAppManagementAssignmentTarget")));
    assert!(m
        .type_by_name("microsoft.graph.deviceAndAppManagementAssignmentTarget")
        .is_some());
}

const SEED_PROGRAM: &str = r#"
use generated::graph::requests::update_device_management_resource_access_profile_assignments as update_assignments;
use generated::graph::{DeviceManagementResourceAccessProfileAssignment as Assignment, DeviceManagementResourceAccessProfileIntent as Intent};

fn main() {
    let path = std::env::args().nth(1).expect("example path");
    let example: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let body: Assignment = serde_json::from_value(example.clone()).expect("example deserializes into the body type");
    assert_eq!(serde_json::to_value(&body).expect("serialize"), example, "round trip");
    let req = update_assignments("profile/../1", &body);
    assert_eq!(req.method.as_str(), "PATCH");
    assert_eq!(req.path, "/deviceManagement/resourceAccessProfiles/profile%2F..%2F1/assignments");
    assert_eq!(req.body.as_json(), Some(&example));
    assert_eq!(Intent::from("apply"), Intent::Apply);
    assert_eq!(Intent::Remove.as_str(), "remove");
    let ok: Assignment = req.parse_response(200, &[], example.to_string().as_bytes()).expect("typed response");
    assert_eq!(ok, body);
    println!("seed ok");
}
"#;

#[test]
fn seed_crate_compiles_and_its_request_example_round_trips() {
    let run = seed_run();
    let example = run
        .model
        .examples
        .iter()
        .find(|e| e.role == "request")
        .expect("the seed's request example");
    let dir = scratch("seed");
    write_workspace(&dir, &["crate", "program"]);
    let output = docbind::emit::emit(&run.model, &emit_options("seed-bindings")).expect("emit");
    write_crate(&output, &dir.join("crate"));
    write_program(
        &dir.join("program"),
        "seed-program",
        "seed-bindings",
        "../crate",
        SEED_PROGRAM,
    );
    let example_path = dir.join("example.json");
    std::fs::write(&example_path, example.json.to_string()).expect("write example");
    let out = run_built(&dir, "seed-program", &[&example_path.to_string_lossy()]);
    assert_eq!(out.trim(), "seed ok");
}
