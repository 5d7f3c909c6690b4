//! `docbind diff` on the real corpora: January 2021 (`../shared/graph-docs-2021-01`
//! or `DOCBIND_CORPUS_OLD`) against July 2021 (`../shared/graph-docs` or
//! `DOCBIND_CORPUS`), for v1.0 and beta. Checks changes verified by hand on the
//! pages of both snapshots, that a snapshot against itself has no change, and that
//! the diff is the same whatever the order of the files; prints the counts per kind
//! in one line per version (not asserted: the model keeps improving). A plain
//! (harness = false) test so the lines show in `cargo test` output. A missing
//! corpus is a failure.

use docbind::diff::{self, Change, Diff, FailOn, Impact, Kind};
use docbind::model::Model;
use std::path::PathBuf;
use std::process::ExitCode;

/// A change that must be in the diff: kind, impact, item, member, and the
/// `file:line` of the new side.
struct Expected {
    kind: Kind,
    impact: Impact,
    item: &'static str,
    member: Option<&'static str>,
    new_at: &'static str,
}

const fn expect(
    kind: Kind,
    impact: Impact,
    item: &'static str,
    member: Option<&'static str>,
    new_at: &'static str,
) -> Expected {
    Expected {
        kind,
        impact,
        item,
        member,
        new_at,
    }
}

/// Verified by hand: each is in the July page and not in the January one.
const BOTH: &[Expected] = &[
    // The list path was `openShiftsChangeRequests` in January: same function, fixed path.
    expect(
        Kind::OperationPathChanged,
        Impact::Compatible,
        "GET /teams/{id}/schedule/openShiftChangeRequests",
        None,
        "api/openshiftchangerequest-list.md:33",
    ),
    // A row of the application resource added since January.
    expect(
        Kind::PropertyAdded,
        Impact::Breaking,
        "microsoft.graph.application",
        Some("isDeviceOnlyAuthSupported"),
        "",
    ),
];

const V1: &[Expected] = &[
    // A page that is new in July.
    expect(
        Kind::OperationAdded,
        Impact::Additive,
        "DELETE /chats/{chat-id}/members/{membership-id}",
        None,
        "api/chat-delete-members.md:31",
    ),
    expect(
        Kind::PropertyAdded,
        Impact::Breaking,
        "microsoft.graph.application",
        Some("spa"),
        "resources/application.md:91",
    ),
    expect(
        Kind::PropertyAdded,
        Impact::Breaking,
        "microsoft.graph.chat",
        Some("chatType"),
        "resources/chat.md:58",
    ),
    // Two rows added to the member table of a non_exhaustive enum.
    expect(
        Kind::EnumMemberAdded,
        Impact::Additive,
        "microsoft.graph.deviceEnrollmentType",
        Some("appleUserEnrollment"),
        "",
    ),
];

const BETA: &[Expected] = &[
    expect(
        Kind::PropertyAdded,
        Impact::Breaking,
        "microsoft.graph.chat",
        Some("viewpoint"),
        "resources/chat.md:67",
    ),
    expect(
        Kind::PropertyAdded,
        Impact::Breaking,
        "microsoft.graph.application",
        Some("uniqueName"),
        "resources/application.md:102",
    ),
    // `String` in January, `Guid` in July: both are a Rust `String`.
    expect(
        Kind::PropertyRetyped,
        Impact::Compatible,
        "microsoft.graph.application",
        Some("tokenEncryptionKeyId"),
        "resources/application.md:100",
    ),
];

fn corpus(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared")
            .join(default)
    })
}

fn main() -> ExitCode {
    let old = corpus("DOCBIND_CORPUS_OLD", "graph-docs-2021-01");
    let new = corpus("DOCBIND_CORPUS", "graph-docs");
    let mut failures = Vec::new();
    for (version, expected) in [("v1.0", V1), ("beta", BETA)] {
        let (o, n) = (old.join(version), new.join(version));
        if !o.is_dir() || !n.is_dir() {
            failures.push(format!(
                "{version}: corpus missing: {} or {} is not a folder",
                o.display(),
                n.display()
            ));
            continue;
        }
        match check_version(&o, &n, BOTH.iter().chain(expected)) {
            Ok(line) => println!("diff {version}: {line}"),
            Err(e) => failures.push(format!("{version}: {e}")),
        }
    }
    match check_variant() {
        Ok(line) => println!("diff docs-input variant: {line}"),
        Err(e) => failures.push(format!("docs-input variant: {e}")),
    }
    for f in &failures {
        println!("diff: FAILED: {f}");
    }
    println!("diff: {} failed", failures.len());
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn check_version<'e>(
    old: &std::path::Path,
    new: &std::path::Path,
    expected: impl Iterator<Item = &'e Expected>,
) -> Result<String, String> {
    let found =
        diff::diff_dirs(&[old.to_path_buf()], &[new.to_path_buf()]).map_err(|e| e.to_string())?;
    let d = &found.diff;
    let mut missing = Vec::new();
    for e in expected {
        if !d.changes.iter().any(|c| matches(c, e)) {
            missing.push(format!(
                "{:?} {:?} {} {:?} at {}",
                e.kind, e.impact, e.item, e.member, e.new_at
            ));
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "expected changes not found: {}",
            missing.join("; ")
        ));
    }
    if !FailOn::Breaking.fails(d) || d.semver != diff::Semver::Major {
        return Err(
            "the January → July diff has breaking changes, but the verdict says not".into(),
        );
    }
    same_against_itself(&found.new.model)?;
    order_independent(&found.old.model, new, d)?;
    Ok(diff::render::counts_line(d))
}

fn matches(c: &Change, e: &Expected) -> bool {
    let at = c
        .new
        .as_ref()
        .map(|s| format!("{}:{}", s.source.file, s.source.line));
    c.kind == e.kind
        && c.impact == e.impact
        && c.item == e.item
        && c.member.as_deref() == e.member
        && (e.new_at.is_empty() || at.as_deref() == Some(e.new_at))
}

fn same_against_itself(model: &Model) -> Result<(), String> {
    let d = diff::diff(model, model);
    if !d.changes.is_empty() || !d.docs.is_empty() || FailOn::Any.fails(&d) {
        return Err(format!(
            "a snapshot against itself has {} changes",
            d.changes.len()
        ));
    }
    Ok(())
}

/// The pages of the new side in reverse order give the same diff.
fn order_independent(old: &Model, new: &std::path::Path, d: &Diff) -> Result<(), String> {
    let mut files =
        docbind::source::read_inputs(&[new.to_path_buf()]).map_err(|e| e.to_string())?;
    files.reverse();
    if diff::diff(old, &docbind::run(&files).model) != *d {
        return Err("the diff depends on the order of the files".into());
    }
    Ok(())
}

/// `tests/diff-variant` is `docs-input` edited by hand (our own text): one of each
/// change below. cargo-semver-checks, run by hand on the two crates generated from
/// them, fails exactly on the breaking ones but the path change (README,
/// "docbind diff").
const VARIANT: &[(Kind, Impact, &str)] = &[
    (Kind::OperationAdded, Impact::Additive, "GET /deviceManagement/resourceAccessProfiles/{profileId}/assignments/{assignmentId}/copy"),
    (Kind::OperationRemoved, Impact::Breaking, "DELETE /deviceManagement/resourceAccessProfiles/{deviceManagementResourceAccessProfileBaseId}/assignments/{deviceManagementResourceAccessProfileAssignmentId}"),
    (Kind::OperationRenamed, Impact::Breaking, "GET /deviceManagement/resourceAccessProfiles/queryByPlatform(platformType='{platformType}')"),
    (Kind::OperationPathChanged, Impact::Compatible, "GET /deviceManagement/resourceAccessProfiles/queryByPlatform(platformType='{platformType}')"),
    (Kind::PropertyAdded, Impact::Breaking, "microsoft.graph.deviceManagementResourceAccessProfileAssignment"),
    (Kind::PropertyRetyped, Impact::Compatible, "microsoft.graph.deviceManagementResourceAccessProfileAssignment"),
    (Kind::EnumMemberAdded, Impact::Additive, "microsoft.graph.policyPlatformType"),
    (Kind::EnumMemberRemoved, Impact::Breaking, "microsoft.graph.policyPlatformType"),
];

fn check_variant() -> Result<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (old, new) = (root.join("docs-input"), root.join("tests/diff-variant"));
    let found = diff::diff_dirs(&[old], &[new]).map_err(|e| e.to_string())?;
    let d = &found.diff;
    let got: Vec<(Kind, Impact, &str)> = d
        .changes
        .iter()
        .map(|c| (c.kind, c.impact, c.item.as_str()))
        .collect();
    if got != VARIANT {
        return Err(format!("changes {got:#?}"));
    }
    let docs: Vec<diff::DocKind> = d.docs.iter().map(|x| x.kind).collect();
    if docs != [diff::DocKind::Description, diff::DocKind::PathSpelling] {
        return Err(format!("documentation changes {docs:?}"));
    }
    Ok(diff::render::counts_line(d))
}
