//! What the commands print: aligned summaries for people, JSON for scripts, and error
//! sentences. Only results go to stdout; progress, prompts and errors go to stderr.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use pbx365::input::FieldError;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Writes `text` to stdout and flushes it, so a reader of a pipe sees it at once.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("could not write to standard output")
}

/// One JSON value on stdout: indented for a terminal, on a single line for a pipe, so
/// `pbx365 … | head -n 1` always yields the whole object.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .context("could not encode the JSON output")?;
    print(&format!("{text}\n"))
}

/// The `--json` answer of a command that failed: `{"ok": false, "error": {"kind", "message",
/// …details}}`. The same sentence also goes to stderr through the command's error.
pub fn print_json_failure(
    kind: &str,
    message: &str,
    details: Map<String, Value>,
) -> anyhow::Result<()> {
    let mut error = Map::new();
    error.insert("kind".to_owned(), json!(kind));
    error.insert("message".to_owned(), json!(message));
    error.extend(details);
    print_json(&json!({ "ok": false, "error": error }))
}

/// The `--json` kind and details of a value refused before anything was sent, as `setup`
/// reports its own: `"kind": "input"` and the field.
pub fn describe_input(error: &FieldError) -> (&'static str, Map<String, Value>) {
    let mut details = Map::new();
    details.insert("field".to_owned(), json!(error.field));
    ("input", details)
}

/// Text safe for a terminal: escape sequences (CSI, OSC and the like) and every other control
/// character are removed, line breaks and tabs kept. What a server wrote can reach the admin's
/// terminal inside an error, and must not clear the screen or retitle the window.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips the rest of an escape sequence: CSI up to its final byte, OSC/DCS/APC/PM/SOS up to BEL
/// or ST, otherwise the one character that follows.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        Some(']' | 'P' | '_' | '^' | 'X') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' || c == '\u{9c}' {
                    break;
                }
                if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                    chars.next();
                    break;
                }
            }
        }
        _ => {}
    }
}

/// An error and its causes as one line, leaving out causes its text already repeats; safe for
/// a terminal (see [`clean`]).
pub fn sentence(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    clean(&text)
}

/// Label–value lines with the values in one column, under optional headings.
#[derive(Debug, Default)]
pub struct Summary {
    lines: Vec<Line>,
}

#[derive(Debug)]
enum Line {
    Heading(String),
    Field { label: String, value: String },
    Item(String),
}

impl Summary {
    pub fn heading(&mut self, text: impl Into<String>) -> &mut Self {
        self.lines.push(Line::Heading(text.into()));
        self
    }

    pub fn field(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.lines.push(Line::Field {
            label: label.into(),
            value: value.into(),
        });
        self
    }

    /// A line of a list under the last heading.
    pub fn item(&mut self, text: impl Into<String>) -> &mut Self {
        self.lines.push(Line::Item(text.into()));
        self
    }

    pub fn render(&self) -> String {
        let width = self
            .lines
            .iter()
            .filter_map(|line| match line {
                Line::Field { label, .. } => Some(label.chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let mut text = String::new();
        for line in &self.lines {
            match line {
                Line::Heading(heading) => {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(heading);
                }
                Line::Field { label, value } => {
                    text.push_str(&format!("  {label:<width$}  {value}"));
                }
                Line::Item(item) => text.push_str(&format!("  {item}")),
            }
            text.push('\n');
        }
        text
    }
}

/// `value`, or a visible placeholder when the PBX or Microsoft left it empty.
pub fn or_unset(value: Option<&str>) -> String {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => value.to_owned(),
        _ => "(not set)".to_owned(),
    }
}

pub fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_controls_from_servers_never_reach_the_terminal() {
        let hostile =
            "bad\u{1b}[2J\u{1b}]0;owned\u{7}name\r\u{1b}P1$q\u{1b}\\ \u{9b}31m!\nnext\tcol";
        assert_eq!(super::clean(hostile), "badname 31m!\nnext\tcol");
    }

    use super::*;

    #[test]
    fn summary_aligns_values_across_headings() {
        let mut summary = Summary::default();
        summary
            .heading("PBX")
            .field("URL", "https://pbx")
            .field("Signed in as", "admin")
            .heading("Redirect URIs")
            .item("https://pbx/cb");
        assert_eq!(
            summary.render(),
            "PBX\n  URL           https://pbx\n  Signed in as  admin\n\nRedirect URIs\n  https://pbx/cb\n"
        );
    }

    #[test]
    fn sentence_skips_causes_already_quoted() {
        let inner = anyhow::anyhow!("connection refused");
        let error = inner
            .context("could not reach Microsoft: connection refused")
            .context("sign-in failed");
        assert_eq!(
            sentence(&error),
            "sign-in failed: could not reach Microsoft: connection refused"
        );
    }

    #[test]
    fn placeholders_for_empty_values() {
        assert_eq!(or_unset(Some(" ")), "(not set)");
        assert_eq!(or_unset(None), "(not set)");
        assert_eq!(or_unset(Some("GLOBAL")), "GLOBAL");
    }
}
