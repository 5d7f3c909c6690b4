//! The model is faithful to real pages of the corpus (../shared/graph-docs, or
//! DOCBIND_CORPUS): every page of a type counts, bases come from every wording the
//! docs use, request lines of variant sections count, and the seed alone gives a
//! typed body. These read the corpus at run time and fail when it is missing.

mod common;

use docbind::model::{Model, Property, TypeDef};
use docbind::source::SourceFile;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn v1() -> PathBuf {
    let dir = common::corpus()
        .expect("the corpus is missing: put it at ../shared/graph-docs or set DOCBIND_CORPUS")
        .join("v1.0");
    assert!(dir.is_dir(), "{} is not a folder", dir.display());
    dir
}

/// The v1.0 model, built once for every test here.
fn v1_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| common::run(&[v1()]).model)
}

fn ty<'m>(m: &'m Model, q: &str) -> &'m TypeDef {
    m.type_by_name(q)
        .unwrap_or_else(|| panic!("no type `{q}` in the model"))
}

/// Own and inherited properties.
fn all_props<'m>(m: &'m Model, t: &'m TypeDef) -> Vec<&'m Property> {
    docbind::model::strict::all_properties(m, t)
}

/// The property names one page alone gives its type (own and, through its stated
/// base, not inherited ones: only the page's own tables).
fn page_property_names(file: &str) -> BTreeSet<String> {
    let path = v1().join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let run = docbind::run(&[SourceFile {
        name: file.into(),
        bytes,
    }]);
    let t = run
        .model
        .types
        .iter()
        .find(|t| t.origin == docbind::model::Origin::Resource)
        .unwrap_or_else(|| panic!("{file} describes no type"));
    t.properties.iter().map(|p| p.name.clone()).collect()
}

#[test]
fn user_has_the_properties_of_all_its_pages() {
    let m = v1_model();
    let user = ty(m, "microsoft.graph.user");
    assert_eq!(
        user.source.file, "resources/user.md",
        "user.md is the own page"
    );
    let have: BTreeSet<String> = all_props(m, user).iter().map(|p| p.name.clone()).collect();
    let pages = [
        "resources/user.md",
        "resources/intune-devices-user.md",
        "resources/intune-mam-user.md",
        "resources/intune-onboarding-user.md",
    ];
    for page in pages {
        let want = page_property_names(page);
        assert!(want.len() >= 2, "{page} lists properties");
        let missing: Vec<&String> = want.difference(&have).collect();
        assert!(missing.is_empty(), "user lacks {missing:?} of {page}");
    }
    for name in [
        "displayName",
        "managedDevices",
        "managedAppRegistrations",
        "deviceEnrollmentLimit",
    ] {
        assert!(have.contains(name), "user has no `{name}`");
    }
    assert!(have.len() > 100, "user has {} properties", have.len());
}

#[test]
fn no_page_of_a_type_is_dropped() {
    let run = common::run(&[v1()]);
    let dropped: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.code == "type-duplicate")
        .map(ToString::to_string)
        .collect();
    assert!(dropped.is_empty(), "pages dropped:\n{}", dropped.join("\n"));
    let merged = run.diagnostics.iter().filter(|d| d.code == "type-merged");
    let files: BTreeSet<&str> = merged.map(|d| d.file.as_str()).collect();
    assert!(files.contains("resources/intune-mam-user.md"), "{files:?}");
    for q in [
        "microsoft.graph.organization",
        "microsoft.graph.deviceManagement",
    ] {
        assert!(
            !ty(&run.model, q).properties.is_empty(),
            "{q} has properties"
        );
    }
}

#[test]
fn directory_objects_derive_as_the_docs_say() {
    let m = v1_model();
    let dobj = ty(m, "microsoft.graph.directoryObject");
    for d in [
        "user",
        "group",
        "device",
        "servicePrincipal",
        "application",
        "orgContact",
    ] {
        let q = format!("microsoft.graph.{d}");
        assert!(
            dobj.derived.contains(&q),
            "directoryObject.derived lacks {q}: {:?}",
            dobj.derived
        );
    }
    assert_eq!(dobj.base.as_deref(), Some("microsoft.graph.entity"));
}

#[test]
fn keyed_types_without_a_stated_base_derive_from_entity() {
    let m = v1_model();
    let orphans: Vec<String> = m
        .types
        .iter()
        .filter(|t| t.kind == docbind::model::TypeKind::Entity && t.base.is_none())
        .map(TypeDef::qualified)
        .collect();
    assert_eq!(orphans, ["microsoft.graph.entity"]);
}

#[test]
fn every_request_line_of_a_page_counts() {
    let m = v1_model();
    let paths: BTreeSet<&str> = m
        .operations
        .iter()
        .filter(|o| o.source.file == "api/drive-list.md")
        .map(|o| o.path.as_str())
        .collect();
    let want = [
        "/groups/{groupId}/drives",
        "/me/drives",
        "/sites/{siteId}/drives",
        "/users/{userId}/drives",
    ];
    assert_eq!(paths, want.into_iter().collect());
}

#[test]
fn a_value_collection_row_gives_a_collection_body() {
    let dir = common::corpus()
        .expect("the corpus is missing")
        .join("beta");
    let m = common::run(&[dir]).model;
    let op = m
        .operations
        .iter()
        .find(|o| o.path.ends_with("/submitTiIndicators"))
        .expect("submitTiIndicators");
    let body = ty(&m, op.body.as_deref().expect("a body"));
    let value = body
        .properties
        .iter()
        .find(|p| p.name == "value")
        .expect("value");
    assert!(value.collection, "{value:?}");
    assert_eq!(value.ty, "microsoft.graph.tiIndicator");
}

#[test]
fn the_seed_alone_gives_a_typed_body() {
    let path = common::shared().join("seed").join("update-assignments.md");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let run = docbind::run(&[SourceFile {
        name: "update-assignments.md".into(),
        bytes,
    }]);
    let m = &run.model;
    let t = ty(
        m,
        "microsoft.graph.deviceManagementResourceAccessProfileAssignment",
    );
    assert_eq!(t.origin, docbind::model::Origin::Requests);
    let typed: Vec<(&str, &str)> = t
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.ty.as_str()))
        .collect();
    assert_eq!(
        typed,
        [
            ("id", "Edm.String"),
            (
                "intent",
                "microsoft.graph.deviceManagementResourceAccessProfileIntent"
            ),
            (
                "target",
                "microsoft.graph.deviceAndAppManagementAssignmentTarget"
            ),
            ("sourceId", "Edm.String"),
        ]
    );
    let out = docbind::emit::emit(m, &common::emit_options("seed")).expect("emit");
    let (_, file) = out
        .files
        .iter()
        .find(|(path, _)| path.ends_with("device_management_resource_access_profile_assignment.rs"))
        .expect("the struct's file");
    assert!(
        file.contains("DeviceManagementResourceAccessProfileIntent"),
        "{file}"
    );
    assert!(file.contains("pub source_id:"), "{file}");
}

#[test]
fn a_property_only_the_json_representation_shows_is_typed_from_its_value() {
    let m = v1_model();
    let t = ty(m, "microsoft.graph.callRecords.feedbackTokenSet");
    let echo = t
        .properties
        .iter()
        .find(|p| p.name == "Echo")
        .expect("Echo");
    assert_eq!((echo.ty.as_str(), echo.collection), ("Edm.Boolean", false));
    let run = common::run(&[v1()]);
    assert!(run
        .diagnostics
        .iter()
        .any(|d| d.code == "property-from-json"
            && d.file == "resources/callrecords-feedbacktokenset.md"
            && d.message.contains("`Echo`")));
}

#[test]
fn an_update_sends_its_resource_type_when_the_table_lists_only_its_properties() {
    let m = v1_model();
    let body_of = |method: &str, path: &str| {
        let op = m
            .operations
            .iter()
            .find(|o| o.method == method && o.path == path)
            .unwrap_or_else(|| panic!("no {method} {path}"));
        op.body.clone().unwrap_or_default()
    };
    // user-update.md: every row of its table is a property of user (or of
    // directoryObject, its base).
    assert_eq!(
        body_of("PATCH", "/users/{id|userPrincipalName}"),
        "microsoft.graph.user"
    );
    assert!(
        !m.types.iter().any(|t| t.name == "userUpdateRequestBody"),
        "no copy of user for its update"
    );
    // place-update.md lists properties of room, a type derived from place: the
    // table is its own body type.
    assert_eq!(
        body_of("PATCH", "/places/{id|emailAddress}"),
        "microsoft.graph.placeUpdateRequestBody"
    );
}

fn op_at<'m>(m: &'m Model, method: &str, path: &str) -> &'m docbind::model::Operation {
    m.operations
        .iter()
        .find(|o| o.method == method && o.path == path)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

#[test]
fn a_post_to_a_ref_path_sends_an_entity_reference() {
    let m = v1_model();
    // group-post-members.md calls its body "a JSON representation of a directoryObject".
    let add = op_at(m, "POST", "/groups/{group-id}/members/$ref");
    assert_eq!(add.body.as_deref(), Some(docbind::model::REFERENCE));
    let refs: Vec<_> = m
        .operations
        .iter()
        .filter(|o| matches!(o.method.as_str(), "POST" | "PUT") && o.path.ends_with("/$ref"))
        .collect();
    assert!(refs.len() >= 20, "{} $ref writes", refs.len());
    for op in refs {
        assert_eq!(
            op.body.as_deref(),
            Some(docbind::model::REFERENCE),
            "{}",
            op.path
        );
    }
    // Removing one sends nothing.
    let remove = op_at(m, "DELETE", "/groups/{id}/members/{id}/$ref");
    assert_eq!(remove.body, None);
}

#[test]
fn a_response_the_prose_does_not_link_is_typed_by_its_example_annotation() {
    let m = v1_model();
    // "a String collection object in the response body", no link.
    let check = op_at(m, "POST", "/users/{id|userPrincipalName}/checkMemberGroups");
    assert_eq!(
        (check.response.as_deref(), check.response_collection),
        (Some("Edm.String"), true)
    );
    // "the newly created **chat** resource": bold, no link.
    let chat = op_at(m, "POST", "/chats");
    assert_eq!(chat.response.as_deref(), Some("microsoft.graph.chat"));
    // intune pages have no annotations: "a String collection in the response body".
    let categories = op_at(m, "GET", "/deviceManagement/auditEvents/getAuditCategories");
    assert_eq!(
        (
            categories.response.as_deref(),
            categories.response_collection
        ),
        (Some("Edm.String"), true)
    );
    // One primitive, "a Int32 in the response body" (emitted as `Primitive<i32>`).
    let authority = op_at(
        m,
        "POST",
        "/organization/{organizationId}/setMobileDeviceManagementAuthority",
    );
    assert_eq!(
        (authority.response.as_deref(), authority.response_collection),
        (Some("Edm.Int32"), false)
    );
    // "a string collection object", but the example's annotation (and body) shows
    // directory objects: the annotation wins over an unlinked word.
    let by_ids = op_at(m, "POST", "/directoryObjects/getByIds");
    assert_eq!(
        by_ids.response.as_deref(),
        Some("microsoft.graph.directoryObject")
    );
    // A 204 page whose example shows a body anyway keeps no response type.
    let update = op_at(m, "PATCH", "/policies/tokenLifetimePolicies/{id}");
    assert_eq!(update.response, None);
}

#[test]
fn a_create_or_update_without_a_body_type_sends_what_it_answers() {
    let m = v1_model();
    // notebook-post-sections.md: "In the request body, supply a name", no type;
    // answered `201 Created` with an onenoteSection.
    let create = op_at(m, "POST", "/me/onenote/notebooks/{id}/sections");
    assert_eq!(
        create.body.as_deref(),
        Some("microsoft.graph.onenoteSection")
    );
    // subscription-update.md: a PATCH answered with the subscription.
    let update = op_at(m, "PATCH", "/subscriptions/{id}");
    assert_eq!(update.body.as_deref(), Some("microsoft.graph.subscription"));
    // A POST answered `200` is an action, which takes no type from its answer:
    // setUpResourcesFolder answers the assignment and takes `{}`.
    let setup = m
        .operations
        .iter()
        .find(|o| {
            o.method == "POST"
                && o.path.ends_with("/setUpResourcesFolder")
                && !o.path.contains("/submissions/")
        })
        .expect("setUpResourcesFolder");
    assert_eq!(
        setup.response.as_deref(),
        Some("microsoft.graph.educationAssignment")
    );
    assert_eq!(setup.body.as_deref(), Some("Edm.Untyped"));
    // driveitem-checkin.md documents no body but its example sends one: the body
    // is untyped JSON (a `body-undocumented` warning), so the call can be made.
    let checkin = op_at(m, "POST", "/me/drive/items/{item-id}/checkin");
    assert_eq!(checkin.body.as_deref(), Some("Edm.Untyped"));
}
