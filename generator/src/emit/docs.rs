//! Page text as rustdoc: always through `#[doc = "..."]` string literals, so no
//! description can become code, and reshaped so that it cannot break the build.

use proc_macro2::TokenStream;
use quote::quote;
use std::cell::RefCell;

thread_local! {
    /// The doc lines of the file being rendered on this thread, when [`collect`] runs.
    static SINK: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// Marks a `///` line that stands for a block of doc lines kept aside by [`collect`].
/// Page text never holds it: [`lines`] and [`one_line`] drop control characters.
const MARK: char = '\u{1}';

/// Runs `render` with the page text of its doc attributes kept aside: each block of
/// lines becomes one marker attribute, and [`expand`] puts the lines back into the
/// formatted text. The output is the same as with the lines as attributes, but syn
/// and prettyplease see one attribute per block instead of one per line, and never
/// the (long) text: measured, this was about a third of emit's time.
pub(crate) fn collect<T>(render: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    let previous = SINK.with(|s| s.replace(Some(Vec::new())));
    let value = render();
    let lines = SINK.with(|s| s.replace(previous)).unwrap_or_default();
    (value, lines)
}

/// The formatted `code` with every marker line replaced by its block of doc lines
/// (see [`collect`]), at the marker's indentation, printed as prettyplease prints
/// `#[doc = " line"]`: `/// line`, without trailing spaces.
pub(crate) fn expand(code: &str, blocks: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let block = trimmed
            .strip_prefix("///")
            .and_then(|rest| rest.strip_prefix(MARK))
            .and_then(|n| n.trim_end().parse::<usize>().ok())
            .and_then(|n| blocks.get(n));
        let Some(block) = block else {
            out.push_str(line);
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        for doc in block {
            out.push_str(indent);
            out.push_str("///");
            if !doc.is_empty() {
                out.push(' ');
                out.push_str(doc.trim_end_matches(' '));
            }
            out.push('\n');
        }
    }
    out
}

/// `#[doc = " line"]` attributes for a block of page text (nothing for blank text).
pub(crate) fn attrs(text: &str) -> TokenStream {
    lines_attrs(&lines(text))
}

/// `#[doc = " line"]` for one line that the emitter writes around names from the
/// pages (a JSON name, a namespace, a qualified name): see [`one_line`].
pub(crate) fn line_attr(text: &str) -> TokenStream {
    lines_attrs(&[one_line(text)])
}

/// Text for one doc line: control and bidirectional characters dropped and tabs
/// made spaces, as [`lines`] does, since a line break would end the line and a
/// bare carriage return in a doc comment does not compile. Every doc attribute
/// that holds text from the pages gets it through this function or [`lines`].
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// `#[doc]` attributes for lines that are already doc-safe (see [`lines`]).
pub(crate) fn lines_attrs(lines: &[String]) -> TokenStream {
    if lines.is_empty() {
        return TokenStream::new();
    }
    let marker = SINK.with(|s| {
        let mut sink = s.borrow_mut();
        let blocks = sink.as_mut()?;
        blocks.push(lines.to_vec());
        Some(format!("{MARK}{}", blocks.len() - 1))
    });
    if let Some(marker) = marker {
        return quote!(#[doc = #marker]);
    }
    let lines = lines.iter().map(|line| {
        // rustdoc's own convention: `/// text` is the doc string " text".
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// Unicode controls that change the direction text is shown in: rustc refuses them
/// in comments and literals (they can make code read differently than it runs).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Splits page text into doc lines that are safe for rustdoc and rustc:
///
/// * control characters and bidirectional controls are dropped (a bare carriage return in a doc comment is a
///   compile error once prettyplease prints the attribute as `///`), tabs become spaces;
/// * outside fenced code blocks, indentation (after any `>` quote markers) is
///   removed, except on list items where it is capped at 3 spaces: that keeps
///   list nesting but can never open an indented code block, which rustdoc would
///   compile and run as a doctest;
/// * fenced code blocks that rustdoc would run as Rust (no language, or a Rust
///   one) are marked `text`, in block quotes too;
/// * blank lines at the start and end go, runs of blank lines outside code blocks
///   become one.
pub(crate) fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // The fence that opened the code block we are in, if any.
    let mut open: Option<String> = None;
    for raw in text.split('\n') {
        let cleaned: String = raw
            .chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() || is_bidi_control(c) => None,
                c => Some(c),
            })
            .collect();
        let (quote, rest) = split_quote(&cleaned);
        let trimmed = rest.trim();
        let fence = fence_of(trimmed);
        let info = fence.map_or("", |fence| trimmed[fence.len()..].trim());
        let content = match (fence, &open) {
            (Some(fence), None) => {
                open = Some(fence.to_string());
                if runs_as_rust(info) {
                    format!("{fence}text")
                } else {
                    trimmed.to_string()
                }
            }
            // CommonMark: a closing fence uses the same character, is at least as
            // long and has no info string.
            (Some(fence), Some(opener))
                if info.is_empty() && fence.starts_with(opener.as_str()) =>
            {
                open = None;
                trimmed.to_string()
            }
            // Inside a code block indentation means something and opens nothing.
            (_, Some(_)) => rest.trim_end().to_string(),
            (None, None) if is_list_item(trimmed) => {
                let indent = (rest.len() - rest.trim_start().len()).min(3);
                format!("{}{trimmed}", " ".repeat(indent))
            }
            (None, None) => trimmed.to_string(),
        };
        let line = if content.trim().is_empty() {
            quote.trim_end().to_string()
        } else {
            quote + &content
        };
        if line.is_empty() && open.is_none() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    if let Some(opener) = open {
        // An unclosed fence would swallow every doc line after it.
        out.push(opener);
    }
    out
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x`.
fn is_list_item(line: &str) -> bool {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if digits > 0 { &line[digits..] } else { line };
    let bullets: &[&str] = if digits > 0 {
        &[". ", ") "]
    } else {
        &["- ", "* ", "+ "]
    };
    bullets.iter().any(|bullet| marker.starts_with(bullet))
}

/// Splits the block-quote markers off a line: `  > > text` → (`>> `, `text`).
fn split_quote(line: &str) -> (String, &str) {
    let body = line.trim_start();
    let markers = body.len() - body.trim_start_matches(['>', ' ']).len();
    let depth = body[..markers].matches('>').count();
    if depth == 0 {
        return (String::new(), line);
    }
    (format!("{} ", ">".repeat(depth)), &body[markers..])
}

/// The fence (```` ``` ```` or `~~~`, possibly longer) that opens or closes a code block on this line.
fn fence_of(line: &str) -> Option<&str> {
    ["```", "~~~"].into_iter().find_map(|mark| {
        let ch = mark.as_bytes()[0] as char;
        line.starts_with(mark).then(|| {
            let len = line.len() - line.trim_start_matches(ch).len();
            &line[..len]
        })
    })
}

/// Whether rustdoc treats a code block with this info string as a Rust doctest.
fn runs_as_rust(info: &str) -> bool {
    const RUST_ATTRS: &[&str] = &[
        "rust",
        "ignore",
        "should_panic",
        "no_run",
        "compile_fail",
        "test_harness",
        "edition2015",
        "edition2018",
        "edition2021",
        "edition2024",
    ];
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .all(|word| RUST_ATTRS.contains(&word))
}

/// Text for one markdown table cell: on one line, `|` escaped.
pub(crate) fn table_cell(text: &str) -> String {
    lines(text).join(" ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_bidirectional_controls() {
        assert_eq!(lines("a\u{202C}b\u{2066}c"), ["abc"]);
        // In string literals (JSON names) they are escaped, so rustc accepts them.
        let lit = proc_macro2::Literal::string("x\u{202E}y").to_string();
        assert!(!lit.contains('\u{202E}'), "{lit}");
    }

    #[test]
    fn reshapes_page_text() {
        let text = "\n  First line.\r\n\n\n\tIndented    code?\n```\nlet x = 1;\n```\n```json\n{\n\n  \"a\": 1\n}\n```\n";
        assert_eq!(
            lines(text),
            [
                "First line.",
                "",
                "Indented    code?",
                "```text",
                "let x = 1;",
                "```",
                "```json",
                "{",
                "",
                "  \"a\": 1",
                "}",
                "```"
            ]
        );
    }

    #[test]
    fn keeps_list_nesting_but_never_an_indented_block() {
        let text = "- a\n  - b\n        - c\n        not code\n\n    not code either\n  10. ten";
        assert_eq!(
            lines(text),
            [
                "- a",
                "  - b",
                "   - c",
                "not code",
                "",
                "not code either",
                "  10. ten"
            ]
        );
    }

    #[test]
    fn quoted_fences_are_neutralized() {
        let text = "> [!NOTE]\n>   > ```\n> > fn main() {}\n> > ```\n>\n>     quoted";
        assert_eq!(
            lines(text),
            [
                "> [!NOTE]",
                ">> ```text",
                ">> fn main() {}",
                ">> ```",
                ">",
                "> quoted"
            ]
        );
    }

    #[test]
    fn closes_an_unclosed_fence() {
        assert_eq!(
            lines("a\n~~~~rust\nfn main() {}\n```"),
            ["a", "~~~~text", "fn main() {}", "```", "~~~~"]
        );
    }

    #[test]
    fn doc_strings_are_literals() {
        let tokens = attrs("Ends \"quote\" */ ]\nline two");
        let expected = quote! {
            #[doc = " Ends \"quote\" */ ]"]
            #[doc = " line two"]
        };
        assert_eq!(tokens.to_string(), expected.to_string());
        assert!(attrs("  \n \r\n").is_empty());
    }

    #[test]
    fn table_cells_stay_in_their_cell() {
        assert_eq!(table_cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn one_line_keeps_names_on_their_line() {
        assert_eq!(one_line("a\r%\nb\tc\u{202e}d\0"), "a%b cd");
        let tokens = line_attr("JSON: `\r%`.");
        assert_eq!(
            tokens.to_string(),
            quote!(#[doc = " JSON: `%`."]).to_string()
        );
    }

    /// Found by the `emit_model` fuzz target: a carriage return in a namespace or a
    /// property name reached a doc comment (`/// JSON: `\r%`.`), which does not
    /// parse. Every emitted file must parse whatever the names hold.
    #[test]
    fn fuzz_control_characters_in_names_stay_out_of_doc_comments() {
        use crate::model::{Model, Origin, Property, Source, TypeDef, TypeKind};
        let ty = |namespace: &str, name: &str, base: Option<String>, prop: &str| TypeDef {
            name: name.into(),
            namespace: namespace.into(),
            kind: TypeKind::Complex,
            base,
            is_abstract: false,
            open: false,
            origin: Origin::Resource,
            derived: Vec::new(),
            workload: "fuzz".into(),
            description: None,
            properties: vec![Property {
                name: prop.into(),
                ty: "Edm.String".into(),
                collection: false,
                navigation: false,
                description: None,
                source: Source::default(),
            }],
            source: Source::default(),
        };
        for ns in [
            "microsoft.graph.\r",
            "microsoft.graph.\u{202e}\n",
            "microsoft.graph",
        ] {
            let base = ty(ns, "a\r", None, "\r%");
            let derived = ty(ns, "b\n", Some(base.qualified()), "x\u{2066}\t");
            let mut types = vec![base, derived];
            types.sort_by_key(TypeDef::qualified);
            let model = Model {
                types,
                ..Model::default()
            };
            let opts = crate::emit::EmitOptions::default();
            let output = crate::emit::emit(&model, &opts).expect("emits");
            for (path, text) in &output.files {
                if path.ends_with(".rs") {
                    syn::parse_file(text).unwrap_or_else(|e| panic!("{ns:?} {path}: {e}"));
                    assert!(!text.contains(['\r', '\u{202e}', '\u{2066}']), "{path}");
                }
            }
            let single = crate::emit::emit_single_file(&model, &opts).expect("emits");
            syn::parse_file(&single).unwrap_or_else(|e| panic!("{ns:?} single file: {e}"));
        }
    }
}
