//! The "Optional query parameters" section (also "Query parameters" and deeper
//! headings of those names): which OData system query options it names
//! (`$select`, `$filter`, ...) and which of the optional headers
//! `ConsistencyLevel` and `Prefer`.
//!
//! The docs write these sections as prose ("This method supports the `$select`,
//! `$filter` and `$top` OData query parameters"), as lists (`` - `$count` ``),
//! as tables (`| $top | int | ... |`), with example URLs (`GET /users?$expand=x`),
//! or as a bare link to the query-parameters page that names no option. One
//! rule reads them all:
//!
//! - an option is named by `$name` anywhere in the section's text (prose, list
//!   items, table cells, headings, code spans and code blocks), or by a code span
//!   that is an option's name without the `$` (`` `select` ``, the OneNote pages);
//!   names are case-insensitive (`$orderBy` is `$orderby`);
//! - a sentence that says "not supported", "does not support", "no support",
//!   "not available" (and their variants) names nothing: its options are the
//!   ones the operation lacks, or lacks in one case;
//! - a sentence that names no option names none: "supports the OData query
//!   parameters" lists nothing, so it gives no option;
//! - `ConsistencyLevel` is named by that word, `Prefer` by the word followed by
//!   `:` or "header" or written as code;
//! - a `$name` that is no OData system query option (nor one of OData's path
//!   segments such as `$value`, or `$expand`'s own `$levels`) is a
//!   `query-option-unknown` warning.

use super::blocks::Inline;
use super::QueryFacts;
use crate::diag::Sink;

/// The OData system query options (OData 4.01 and Graph's `$deltatoken`), in
/// their canonical spelling.
pub const OPTIONS: &[&str] = &[
    "$apply",
    "$compute",
    "$count",
    "$deltatoken",
    "$expand",
    "$filter",
    "$format",
    "$id",
    "$index",
    "$orderby",
    "$schemaversion",
    "$search",
    "$select",
    "$skip",
    "$skiptoken",
    "$top",
];

/// `$` words that are OData but name no query option of the request: path
/// segments (`/$value`, `/$ref`, `/$count` is also an option) and `$expand`'s
/// own `$levels`. They are neither options nor unknown.
const NOT_OPTIONS: &[&str] = &[
    "$all",
    "$batch",
    "$crossjoin",
    "$each",
    "$entity",
    "$levels",
    "$metadata",
    "$ref",
    "$value",
];

/// Options a code span names without the `$`.
const BARE: &[&str] = &[
    "count",
    "deltatoken",
    "expand",
    "filter",
    "orderby",
    "search",
    "select",
    "skip",
    "skiptoken",
    "top",
];

/// Words of a sentence that says the options it names are not supported.
const NEGATIONS: &[&str] = &[
    "not support",
    "n't support",
    "no support",
    "unsupported",
    "not available",
    "n't available",
    "not allowed",
    "n't allowed",
];

pub const CONSISTENCY_LEVEL: &str = "ConsistencyLevel";
pub const PREFER: &str = "Prefer";

/// Reads what the section's text names into `facts`.
pub struct Scanner<'a> {
    pub facts: &'a mut QueryFacts,
    pub sink: &'a mut Sink,
}

impl Scanner<'_> {
    /// A paragraph, list item, heading or table cell.
    pub fn inline(&mut self, text: &Inline, line: u32) {
        for sentence in sentences(&text.text) {
            self.sentence(sentence, line);
        }
    }

    /// A code block: example URLs and header lines, each line on its own.
    pub fn code(&mut self, text: &str, first_line: u32) {
        for (i, text) in text.lines().enumerate() {
            self.sentence(text, first_line + i as u32);
        }
    }

    fn sentence(&mut self, text: &str, line: u32) {
        let lower = text.to_ascii_lowercase().replace('\u{2019}', "'");
        let negated = NEGATIONS.iter().any(|n| lower.contains(n));
        for name in dollar_words(text).chain(bare_options(text)) {
            if OPTIONS.contains(&name.as_str()) {
                if !negated {
                    insert(&mut self.facts.options, name);
                }
            } else if !NOT_OPTIONS.contains(&name.as_str()) && !self.facts.unknown.contains(&name) {
                let msg = format!("`{name}` is not an OData query option docbind knows; it gives the request functions no setter");
                self.sink.warn(line, "query-option-unknown", msg);
                insert(&mut self.facts.unknown, name);
            }
        }
        if negated {
            return;
        }
        if lower.contains("consistencylevel") {
            insert(&mut self.facts.headers, CONSISTENCY_LEVEL.to_string());
        }
        if names_prefer(text) {
            insert(&mut self.facts.headers, PREFER.to_string());
        }
    }
}

fn insert(set: &mut Vec<String>, name: String) {
    if let Err(at) = set.binary_search(&name) {
        set.insert(at, name);
    }
}

/// The sentences of a text: cut after `.`, `!`, `?` or `;` followed by white
/// space, outside code spans (`$filter=a eq 'b. c'` is one).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut code = false;
    let mut cuts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => code = !code,
            b'.' | b'!' | b'?' | b';'
                if !code && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace) =>
            {
                cuts.push(i + 1)
            }
            _ => {}
        }
    }
    cuts.push(text.len());
    (0..cuts.len() - 1).map(move |i| &text[cuts[i]..cuts[i + 1]])
}

/// `$name` words, lower case: a `$` not preceded by a letter or digit and
/// followed by letters.
fn dollar_words(text: &str) -> impl Iterator<Item = String> + '_ {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &b)| {
        let after_word = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        if b != b'$' || after_word {
            return None;
        }
        let len = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        (len > 0).then(|| text[i..i + 1 + len].to_ascii_lowercase())
    })
}

/// Code spans that are an option's name without its `$`: `` `select` ``.
fn bare_options(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|span| span.trim().to_ascii_lowercase())
        .filter(|span| BARE.contains(&span.as_str()))
        .map(|span| format!("${span}"))
}

/// `Prefer` as a word, followed by `:` or "header", or written as code.
fn names_prefer(text: &str) -> bool {
    text.match_indices(PREFER).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = &text[at + PREFER.len()..];
        let word_start = !before.is_some_and(char::is_alphanumeric);
        let word_end = !after.starts_with(char::is_alphanumeric);
        let code = before == Some('`');
        let named = after.starts_with(':') || after.trim_start().starts_with("header");
        word_start && word_end && (code || named)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(texts: &[&str]) -> (QueryFacts, Vec<String>) {
        let mut facts = QueryFacts::default();
        let mut sink = Sink::new("api/x.md");
        let mut scanner = Scanner {
            facts: &mut facts,
            sink: &mut sink,
        };
        for (i, text) in texts.iter().enumerate() {
            let inline = Inline {
                text: text.to_string(),
                ..Inline::default()
            };
            scanner.inline(&inline, 10 + i as u32);
        }
        let diags = sink.items.iter().map(ToString::to_string).collect();
        (facts, diags)
    }

    #[test]
    fn options_named_in_prose_lists_and_examples() {
        let (facts, diags) = scan(&[
            "Use the `$filter`, `$orderBy` and *$top* parameters; `$select=id,name` picks properties.",
            "`$expand=children($levels=2)` expands two levels.",
            "Pages are linked by `skiptoken`.",
        ]);
        assert_eq!(
            facts.options,
            [
                "$expand",
                "$filter",
                "$orderby",
                "$select",
                "$skiptoken",
                "$top"
            ]
        );
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_link_to_the_query_parameters_page_names_nothing() {
        let (facts, _) = scan(&["This request takes the [OData query parameters](/graph/query-parameters) to shape what it returns."]);
        assert_eq!(facts, QueryFacts::default());
    }

    #[test]
    fn bare_code_spans_name_options_but_not_other_words() {
        let (facts, _) =
            scan(&["You may give `select` and `expand`, but `selected` or `top10` are not names."]);
        assert_eq!(facts.options, ["$expand", "$select"]);
    }

    #[test]
    fn negative_sentences_name_nothing() {
        let (facts, _) = scan(&[
            "The `$select` parameter shapes the result. Sorting with `$orderby` is not supported.",
            "There is no support for `$search`; `$top` works as usual.",
            "This call doesn\u{2019}t support `$expand`.",
        ]);
        assert_eq!(facts.options, ["$select", "$top"]);
    }

    #[test]
    fn headers_named_by_the_section() {
        let (facts, _) = scan(&[
            "Counting needs the **ConsistencyLevel** header set to `eventual`.",
            "Times follow the `Prefer: outlook.timezone` header. Users prefer short lists; Preferred items come first.",
        ]);
        assert_eq!(facts.headers, ["ConsistencyLevel", "Prefer"]);
        let (facts, _) = scan(&["We Prefer nothing here."]);
        assert!(facts.headers.is_empty());
    }

    #[test]
    fn unknown_dollar_words_are_reported_once_with_their_line() {
        let (facts, diags) = scan(&[
            "Add `$sort=name` to sort, or `$value` for the raw bytes.",
            "Again `$sort` and US$5 and $1.",
        ]);
        assert!(facts.options.is_empty());
        assert_eq!(facts.unknown, ["$sort"]);
        assert_eq!(
            diags,
            ["api/x.md:10: warning: `$sort` is not an OData query option docbind knows; it gives the request functions no setter [query-option-unknown]"]
        );
    }

    #[test]
    fn code_blocks_count_line_by_line() {
        let mut facts = QueryFacts::default();
        let mut sink = Sink::new("api/x.md");
        Scanner {
            facts: &mut facts,
            sink: &mut sink,
        }
        .code(
            "GET /things?$top=2\nConsistencyLevel: eventual\n$bogus\n",
            20,
        );
        assert_eq!(facts.options, ["$top"]);
        assert_eq!(facts.headers, ["ConsistencyLevel"]);
        assert_eq!(sink.items[0].line, 22);
    }

    #[test]
    fn sentences_are_not_cut_inside_code() {
        let parts: Vec<&str> = sentences("A `b. c` d. E; f").collect();
        assert_eq!(parts, ["A `b. c` d.", " E;", " f"]);
    }

    /// The section as a page writes it: prose, a tight list, a table, a note, a
    /// deeper heading and an example URL, each line a source of its own.
    #[test]
    fn a_whole_section_of_a_page() {
        let text = "---\ndoc_type: apiPageType\n---\n# List gadgets\n\n## Optional query parameters\n\nThe call takes [OData query parameters](/graph/query-parameters).\n\n- `$count`\n- `$bogus` for fun\n  - `$skip` inside\n\n| Parameter | Notes |\n|:--|:--|\n| `$top` | At most 20. |\n\n> **Note:** `$select` is not supported here.\n\n### Using $orderby\n\n```http\nGET /gadgets?$expand=parts\n```\n\n## Request headers\n\nNone with `$filter`.\n";
        let mut sink = Sink::new("api/gadget-list.md");
        let page = super::super::parse_page("api/gadget-list.md", text, &mut sink);
        assert_eq!(
            page.query.options,
            ["$count", "$expand", "$orderby", "$skip", "$top"]
        );
        assert!(page.query.headers.is_empty());
        let diags: Vec<String> = sink.items.iter().map(ToString::to_string).collect();
        assert_eq!(
            diags,
            ["api/gadget-list.md:11: warning: `$bogus` is not an OData query option docbind knows; it gives the request functions no setter [query-option-unknown]"]
        );
    }
}
