//! Checks shared by the targets that emit code.

use docbind::emit::Output;

/// Every emitted Rust file must parse. `src/runtime.rs` is docbind's runtime copied
/// verbatim (the same text every time): it is parsed once per process.
pub fn assert_parses(output: &Output) {
    static RUNTIME: std::sync::Once = std::sync::Once::new();
    for (path, text) in &output.files {
        if !path.ends_with(".rs") {
            continue;
        }
        if path == "src/runtime.rs" {
            RUNTIME.call_once(|| parse(path, text));
        } else {
            parse(path, text);
        }
    }
}

pub fn parse(path: &str, text: &str) {
    if let Err(e) = syn::parse_file(text) {
        panic!("emitted {path} does not parse: {e}\n--- {path} ---\n{text}");
    }
    // rustc refuses these in comments and string literals (deny-by-default lints
    // `text_direction_codepoint_in_comment` / `_in_literal`), which syn accepts.
    if let Some(line) = text.lines().find(|line| line.contains(is_bidi)) {
        panic!("emitted {path} has a bidirectional control: {line:?}");
    }
}

/// The text direction codepoints that rustc lints against.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
