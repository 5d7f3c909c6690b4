//! A diff as text (grouped by kind) or as JSON (README, "docbind diff").

use super::{Change, Diff, DocChange, Side};
use std::fmt::Write as _;

/// Pretty JSON of the diff; without `docs`, the `docs` list is empty (its counts stay).
pub fn json(diff: &Diff, docs: bool) -> Result<String, serde_json::Error> {
    if docs {
        return serde_json::to_string_pretty(diff);
    }
    let mut without = diff.clone();
    without.docs.clear();
    serde_json::to_string_pretty(&without)
}

/// The counts line: `semver major: 12 breaking, 30 additive, 2 compatible; operation_added 30, ...`.
pub fn counts_line(diff: &Diff) -> String {
    let c = &diff.counts;
    let kinds: Vec<String> = c
        .kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    let mut line = format!(
        "semver {}: {} breaking, {} additive, {} compatible",
        diff.semver.as_str(),
        c.breaking,
        c.additive,
        c.compatible
    );
    if !kinds.is_empty() {
        line.push_str("; ");
        line.push_str(&kinds.join(", "));
    }
    line
}

/// The text report: the counts line, then one group per kind, then (with `docs`)
/// the documentation changes.
pub fn text(diff: &Diff, docs: bool) -> String {
    let mut out = counts_line(diff);
    out.push('\n');
    let mut kind = None;
    for c in &diff.changes {
        if kind != Some(c.kind) {
            kind = Some(c.kind);
            let n = diff.counts.kinds.get(&c.kind).copied().unwrap_or(0);
            let _ = writeln!(out, "\n{} ({n}):", c.kind.as_str());
        }
        change_lines(&mut out, c);
    }
    if docs {
        doc_lines(&mut out, &diff.docs);
    }
    out
}

fn change_lines(out: &mut String, c: &Change) {
    let impact = c.impact.as_str();
    let member = c
        .member
        .as_deref()
        .map(|m| format!(" .{m}"))
        .unwrap_or_default();
    let _ = writeln!(out, "  {impact:<10} {}{member}", c.item);
    for (label, s) in [("old", &c.old), ("new", &c.new)] {
        if let Some(s) = s {
            let _ = writeln!(out, "             {label}: {}", side_text(s));
        }
    }
    if let Some(note) = &c.note {
        let _ = writeln!(out, "             ({note})");
    }
}

fn side_text(s: &Side) -> String {
    let at = format!("{}:{}", s.source.file, s.source.line);
    match &s.value {
        Some(v) => format!("{v}  at {at}"),
        None => format!("-  at {at}"),
    }
}

fn doc_lines(out: &mut String, docs: &[DocChange]) {
    let _ = writeln!(out, "\ndocs ({}):", docs.len());
    for d in docs {
        let member = d
            .member
            .as_deref()
            .map(|m| format!(" .{m}"))
            .unwrap_or_default();
        let kind = d.kind.as_str();
        let _ = writeln!(out, "  {kind:<13} {}{member}", d.item);
        let _ = writeln!(out, "             old: {}", side_text(&d.old));
        let _ = writeln!(out, "             new: {}", side_text(&d.new));
    }
}
