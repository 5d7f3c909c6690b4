//! Page text as rustdoc: always through `#[doc = "..."]` string literals, so no
//! description can become code, and reshaped so that it cannot break the build.

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use quote::quote;

/// Marks a `///` line that stands for a block of doc lines taken out by [`take`].
/// Page text never holds it: [`lines`] and [`one_line`] drop control characters.
const MARK: char = '\u{1}';

/// The tokens of a file with its page text taken out: every run of consecutive
/// outer `#[doc = "..."]` attributes (at any depth) becomes one marker attribute,
/// and the returned blocks hold their lines, for [`expand`] to put back into the
/// formatted text. The output is the same as with the lines as attributes, but syn
/// and prettyplease see one attribute per block instead of one per line, and never
/// the (long) text: measured, this was about a third of emit's time.
///
/// Only plain string literals are taken, which is what [`lines_attrs`] writes:
/// the `///` comments in the emitter's own `quote!` arrive as raw strings
/// (`r" ..."`) and stay, so the blocks are exactly the ones [`lines_attrs`] made
/// and the format keys of earlier runs (see `reuse.rs`) still hold.
pub(crate) fn take(tokens: TokenStream) -> (TokenStream, Vec<Vec<String>>) {
    let mut blocks = Vec::new();
    let tokens = take_into(tokens, &mut blocks);
    (tokens, blocks)
}

/// [`take`] over one token stream, numbering its blocks after those in `blocks`.
fn take_into(tokens: TokenStream, blocks: &mut Vec<Vec<String>>) -> TokenStream {
    let mut out = TokenStream::new();
    let mut run: Vec<String> = Vec::new();
    // Whether the next braces are the body of an item whose body holds doc
    // attributes (see [`item_holds_docs`]).
    let mut walked = false;
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let attr = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(trees.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket);
        if let (true, Some(TokenTree::Group(group))) = (attr, trees.peek().cloned()) {
            trees.next();
            // Alone (the peeked copy dropped), the stream is moved, not copied.
            let (span, stream) = (group.span(), group.stream());
            drop(group);
            match doc_line(stream) {
                Ok(line) => run.push(line),
                Err(stream) => {
                    end_run(&mut run, blocks, &mut out);
                    out.extend([tree, regroup(Delimiter::Bracket, span, stream, blocks)]);
                }
            }
            continue;
        }
        end_run(&mut run, blocks, &mut out);
        match tree {
            TokenTree::Group(group) if walked && group.delimiter() == Delimiter::Brace => {
                let (span, stream) = (group.span(), group.stream());
                // Alone, the stream is moved into the walk instead of copied.
                drop(group);
                out.extend([regroup(Delimiter::Brace, span, stream, blocks)]);
                walked = false;
            }
            TokenTree::Ident(ident) => {
                if let Some(holds) = item_holds_docs(&ident) {
                    walked = holds;
                }
                out.extend([TokenTree::Ident(ident)]);
            }
            other => {
                // `mod x;` has no body: the next braces are another item's.
                walked &= !matches!(&other, TokenTree::Punct(p) if p.as_char() == ';');
                out.extend([other]);
            }
        }
    }
    end_run(&mut run, blocks, &mut out);
    out
}

/// Whether the braces of the item that this keyword starts are walked by
/// [`take_into`] (`None`: not an item keyword). The doc attributes that
/// [`lines_attrs`] writes go before items, fields and variants: in files and in
/// the bodies of modules, structs and enums. Function bodies, impls, parentheses
/// and brackets hold most of the tokens and are not walked: a doc attribute there
/// would reach prettyplease as it is, and be printed the same (only slower).
fn item_holds_docs(ident: &proc_macro2::Ident) -> Option<bool> {
    const WALKED: &[&str] = &["mod", "struct", "enum", "union", "trait"];
    const NOT_WALKED: &[&str] = &["fn", "impl", "const", "static", "type", "use"];
    if WALKED.iter().any(|k| ident == k) {
        Some(true)
    } else if NOT_WALKED.iter().any(|k| ident == k) {
        Some(false)
    } else {
        None
    }
}

/// The group of `stream` after [`take_into`].
fn regroup(
    delimiter: Delimiter,
    span: proc_macro2::Span,
    stream: TokenStream,
    blocks: &mut Vec<Vec<String>>,
) -> TokenTree {
    let mut group = Group::new(delimiter, take_into(stream, blocks));
    group.set_span(span);
    TokenTree::Group(group)
}

/// Puts the marker of a non-empty `run` into `out` and the run into `blocks`.
fn end_run(run: &mut Vec<String>, blocks: &mut Vec<Vec<String>>, out: &mut TokenStream) {
    if run.is_empty() {
        return;
    }
    let marker = format!("{MARK}{}", blocks.len());
    blocks.push(std::mem::take(run));
    out.extend(quote!(#[doc = #marker]));
}

/// The doc line of the bracketed part of an outer attribute, when it is
/// `doc = "..."` with a plain string literal that [`expand`] prints as
/// prettyplease would: empty, or a space and then one line. Otherwise the stream
/// back, as it was.
fn doc_line(stream: TokenStream) -> Result<String, TokenStream> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let line = match trees.as_slice() {
        [TokenTree::Ident(doc), TokenTree::Punct(eq), TokenTree::Literal(lit)]
            if doc == "doc" && eq.as_char() == '=' =>
        {
            string_value(lit).and_then(|value| {
                if value.is_empty() {
                    return Some(value);
                }
                let line = value.strip_prefix(' ')?;
                (!line.contains(['\n', '\r'])).then(|| line.to_string())
            })
        }
        _ => None,
    };
    line.ok_or_else(|| trees.into_iter().collect())
}

/// The value of a plain (not raw, not byte) string literal. Most doc text has
/// nothing escaped, and is the literal less its quotes; the rest goes through syn.
fn string_value(lit: &Literal) -> Option<String> {
    let repr = lit.to_string();
    let inner = repr.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(inner.to_string());
    }
    match syn::Lit::new(lit.clone()) {
        syn::Lit::Str(s) => Some(s.value()),
        _ => None,
    }
}

/// The formatted `code` with every marker line replaced by its block of doc lines
/// (see [`take`]), at the marker's indentation, printed as prettyplease prints
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
    fn taking_the_docs_out_changes_nothing_formatted() {
        // Escapes, a combining accent (which the literal escapes too), list nesting.
        let doc = attrs("First \"quoted\" \\ line.\n\n- item\n  - cafe\u{301}  ");
        let member = line_attr("A member.");
        let tokens = quote! {
            #doc
            #[derive(Debug)]
            pub enum E {
                #member
                A,
                /// The emitter's own comment.
                B,
            }
            #doc
            #member
            pub mod m {}
        };
        let formatted = super::super::format_file("t", tokens.clone()).unwrap();
        let (taken, blocks) = take(tokens);
        // The two adjacent ones are one run; the raw `///` string is not taken.
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert_eq!(blocks[1], ["A member."]);
        assert!(taken
            .to_string()
            .contains("r\" The emitter's own comment.\""));
        let code = super::super::format_file("t", taken).unwrap();
        assert!(!code.contains("First"), "{code}");
        assert_eq!(expand(&code, &blocks), formatted);
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
