//! First pass: the Markdown event stream of pulldown-cmark turned into a flat list of
//! blocks (headings, paragraphs, tables, code blocks, HTML comments) with lines.
//! The second pass (`page.rs`) gives them meaning by section.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Inline content: text as written (code spans kept in backticks, links reduced to
/// their label), plus the links and code spans themselves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inline {
    pub text: String,
    pub links: Vec<Link>,
    pub codes: Vec<String>,
    /// The content opens with bold text (`**Calendar**`): group separators in tables.
    pub bold_start: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub label: String,
    pub dest: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub cells: Vec<Inline>,
    pub line: u32,
    /// Cells counted in the source line (GFM pads or drops cells silently).
    pub raw_cells: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: Inline,
        line: u32,
    },
    Paragraph {
        text: Inline,
        line: u32,
        quoted: bool,
    },
    Table {
        header: Vec<Inline>,
        rows: Vec<TableRow>,
        line: u32,
    },
    Code {
        info: String,
        text: String,
        line: u32,
        closed: bool,
    },
    Html {
        text: String,
        line: u32,
    },
    /// The text of a list item that is not in a paragraph of its own (the items
    /// of a tight list), up to a nested list.
    Item {
        text: Inline,
        line: u32,
        quoted: bool,
    },
}

/// Maps byte offsets of the text to 1-based lines (plus a fixed line offset for the
/// front matter that was cut off before parsing).
pub struct Lines {
    starts: Vec<usize>,
    offset: u32,
}

impl Lines {
    pub fn new(text: &str, offset: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, offset }
    }
    pub fn line(&self, byte: usize) -> u32 {
        let idx = self.starts.partition_point(|&s| s <= byte);
        idx as u32 + self.offset
    }
}

/// Walks the Markdown text of a page body.
pub fn blocks(text: &str, line_offset: u32) -> Vec<Block> {
    let lines = Lines::new(text, line_offset);
    let mut w = Walker::default();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        let line = lines.line(range.start);
        w.event(event, line, &text[range.clone()], range.end >= text.len());
    }
    w.out
}

#[derive(Default)]
struct Walker {
    out: Vec<Block>,
    /// Inline content being collected (heading, paragraph or cell).
    inline: Option<Inline>,
    /// Label of the link being collected, and where it started in `inline.text`.
    link: Option<(String, usize)>,
    table: Option<(Vec<Inline>, Vec<TableRow>, u32)>,
    row: Option<TableRow>,
    code: Option<(String, String, u32, bool)>,
    html: Option<(String, u32)>,
    quote_depth: u32,
    start_line: u32,
    /// `inline` holds the text of a list item, not of a paragraph.
    item: bool,
}

impl Walker {
    fn event(&mut self, event: Event<'_>, line: u32, src: &str, at_eof: bool) {
        match event {
            Event::Start(tag) => self.start(tag, line, src, at_eof),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(c) => {
                self.push_inline(&format!("`{c}`"));
                if let Some(i) = &mut self.inline {
                    i.codes.push(c.to_string());
                }
            }
            Event::Html(h) => self.html_text(&h),
            Event::InlineHtml(h) => self.inline_html(&h),
            Event::SoftBreak | Event::HardBreak => self.push_inline(" "),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: u32, src: &str, at_eof: bool) {
        match tag {
            Tag::Heading { .. } | Tag::Paragraph => {
                self.end_item();
                self.inline = Some(Inline::default());
                self.start_line = line;
            }
            Tag::Item => {
                self.end_item();
                if self.inline.is_none() {
                    self.inline = Some(Inline::default());
                    self.item = true;
                    self.start_line = line;
                }
            }
            Tag::List(_) => self.end_item(),
            Tag::TableCell => self.inline = Some(Inline::default()),
            Tag::Strong => {
                if let Some(i) = self.inline.as_mut().filter(|i| i.text.trim().is_empty()) {
                    i.bold_start = true;
                }
            }
            Tag::Table(_) => self.table = Some((Vec::new(), Vec::new(), line)),
            Tag::TableRow | Tag::TableHead => {
                let raw_cells = count_cells(src);
                self.row = Some(TableRow {
                    cells: Vec::new(),
                    line,
                    raw_cells,
                });
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(i) => i.trim().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let closed = !at_eof || fence_closed(src);
                self.code = Some((info, String::new(), line, closed));
            }
            Tag::HtmlBlock => self.html = Some((String::new(), line)),
            Tag::BlockQuote(_) => self.quote_depth += 1,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                let at = self.inline.as_ref().map_or(0, |i| i.text.len());
                self.link = Some((dest_url.to_string(), at));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                let text = self.take_inline();
                let level = heading_level(level);
                self.out.push(Block::Heading {
                    level,
                    text,
                    line: self.start_line,
                });
            }
            TagEnd::Paragraph => {
                let text = self.take_inline();
                let quoted = self.quote_depth > 0;
                self.out.push(Block::Paragraph {
                    text,
                    line: self.start_line,
                    quoted,
                });
            }
            TagEnd::TableCell => {
                let cell = self.take_inline();
                if let Some(row) = &mut self.row {
                    row.cells.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let (Some(row), Some(t)) = (self.row.take(), &mut self.table) {
                    t.0 = row.cells;
                }
            }
            TagEnd::TableRow => {
                if let (Some(row), Some(t)) = (self.row.take(), &mut self.table) {
                    t.1.push(row);
                }
            }
            TagEnd::Table => {
                if let Some((header, rows, line)) = self.table.take() {
                    self.out.push(Block::Table { header, rows, line });
                }
            }
            TagEnd::CodeBlock => {
                if let Some((info, text, line, closed)) = self.code.take() {
                    self.out.push(Block::Code {
                        info,
                        text,
                        line,
                        closed,
                    });
                }
            }
            TagEnd::HtmlBlock => {
                if let Some((text, line)) = self.html.take() {
                    self.out.push(Block::Html { text, line });
                }
            }
            TagEnd::Item => self.end_item(),
            TagEnd::BlockQuote(_) => self.quote_depth = self.quote_depth.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => self.end_link(),
            _ => {}
        }
    }

    /// Ends the text of a list item, if one is being collected: a block when
    /// it has any.
    fn end_item(&mut self) {
        if !std::mem::take(&mut self.item) {
            return;
        }
        let text = self.take_inline();
        if !text.text.is_empty() {
            self.out.push(Block::Item {
                text,
                line: self.start_line,
                quoted: self.quote_depth > 0,
            });
        }
    }

    fn end_link(&mut self) {
        let (Some((dest, at)), Some(inline)) = (self.link.take(), &mut self.inline) else {
            return;
        };
        let label = inline.text.get(at..).unwrap_or("").trim().to_string();
        inline.links.push(Link { label, dest });
    }

    fn text(&mut self, t: &str) {
        if let Some((_, text, _, _)) = &mut self.code {
            text.push_str(t);
        } else {
            self.push_inline(t);
        }
    }

    fn html_text(&mut self, h: &str) {
        if let Some((text, _)) = &mut self.html {
            text.push_str(h);
        }
    }

    /// `<br>` inside a cell or paragraph separates words; other tags are dropped.
    fn inline_html(&mut self, h: &str) {
        let lower = h.to_ascii_lowercase();
        if lower.starts_with("<br") || lower.starts_with("<li") || lower.starts_with("<p") {
            self.push_inline(" ");
        } else if lower.starts_with("<!--") && self.inline.is_none() {
            self.out.push(Block::Html {
                text: h.to_string(),
                line: self.start_line,
            });
        }
    }

    fn push_inline(&mut self, s: &str) {
        if let Some(i) = &mut self.inline {
            i.text.push_str(s);
        }
    }

    fn take_inline(&mut self) -> Inline {
        let mut i = self.inline.take().unwrap_or_default();
        i.text = normalize_space(&i.text);
        i
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Collapses runs of white space (including NBSP and other Unicode spaces) to one
/// ASCII space and trims the ends.
pub fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{200b}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Number of cells in a raw table row line: pipes not escaped with `\`, minus the
/// outer ones.
fn count_cells(src: &str) -> usize {
    let line = src.lines().next().unwrap_or("").trim();
    let mut pipes = 0usize;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            pipes += 1;
        }
        prev = c;
    }
    let lead = usize::from(line.starts_with('|'));
    let trail = usize::from(line.len() > 1 && line.ends_with('|') && !line.ends_with("\\|"));
    (pipes + 1).saturating_sub(lead + trail)
}

/// A fenced block that reaches the end of the text is closed only if its last line
/// is a fence.
fn fence_closed(src: &str) -> bool {
    let mut lines = src.trim_end().lines();
    let first = lines.next().unwrap_or("");
    let fence: String = first
        .trim_start()
        .chars()
        .take_while(|&c| c == '`' || c == '~')
        .collect();
    match src.trim_end().lines().last() {
        Some(last) if src.trim_end().lines().count() > 1 => {
            let l = last.trim();
            !fence.is_empty() && l.starts_with(&fence) && l.chars().all(|c| c == '`' || c == '~')
        }
        _ => false,
    }
}
