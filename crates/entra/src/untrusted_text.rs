//! Text that came from a server (or from whoever reached the loopback listener) and will be shown
//! in a terminal, a log or the UI: bounded in length and free of control characters, so a
//! hostile or broken answer can neither flood the screen nor drive the terminal (clear it, set
//! its title, hide the text that follows).

/// How many characters of a server's message an error keeps.
pub(crate) const MESSAGE_CHARS: usize = 500;
/// How many characters of an identifier (error code, request ID) an error keeps.
pub(crate) const TOKEN_CHARS: usize = 100;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// The 8-bit forms of CSI, OSC and ST (C1 controls).
const CSI_8BIT: char = '\u{9b}';
const OSC_8BIT: char = '\u{9d}';
const ST_8BIT: char = '\u{9c}';

/// One line: every line break and tab becomes a space, runs of spaces collapse, and the result
/// is cut to `max_chars` characters with "…".
pub(crate) fn clean_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut pending_space = false;
    for c in visible_chars(text) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            if !push_bounded(&mut out, &mut chars, ' ', max_chars) {
                return out;
            }
            pending_space = false;
        }
        if !push_bounded(&mut out, &mut chars, c, max_chars) {
            return out;
        }
    }
    out
}

/// Like [`clean_line`] but keeps line breaks (`\r\n` and `\r` become `\n`), for descriptions
/// whose first line is the message and whose next lines are diagnostics.
pub(crate) fn clean_lines(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut after_cr = false;
    for c in visible_or_breaks(text) {
        let c = match c {
            '\n' if after_cr => {
                after_cr = false;
                continue;
            }
            '\r' => {
                after_cr = true;
                '\n'
            }
            '\t' => {
                after_cr = false;
                ' '
            }
            other => {
                after_cr = false;
                other
            }
        };
        if !push_bounded(&mut out, &mut chars, c, max_chars) {
            return out;
        }
    }
    out
}

/// Appends `c` unless the text is full; when it is, ends it with "…" and says so.
fn push_bounded(out: &mut String, chars: &mut usize, c: char, max_chars: usize) -> bool {
    if *chars >= max_chars {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('…');
        return false;
    }
    out.push(c);
    *chars += 1;
    true
}

/// The characters of `text` without escape sequences and control characters; whitespace
/// controls (tab, line breaks) become spaces.
fn visible_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    visible_or_breaks(text).map(|c| if c.is_control() { ' ' } else { c })
}

/// The characters of `text` without escape sequences and control characters, except `\t`,
/// `\n` and `\r`, which are left for the caller to place.
fn visible_or_breaks(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        loop {
            let c = chars.next()?;
            match c {
                ESC => skip_escape(&mut chars),
                CSI_8BIT => skip_csi(&mut chars),
                OSC_8BIT | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
                '\t' | '\n' | '\r' => return Some(c),
                c if c.is_control() || is_bidi_control(c) => {}
                c => return Some(c),
            }
        }
    })
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: a CSI (`ESC [`), a string sequence (OSC `ESC ]`, DCS `ESC P`, SOS `ESC X`,
/// PM `ESC ^`, APC `ESC _`), or a short sequence of intermediates and one final character.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(_) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next();
        }
        None => {}
    }
}

/// Parameters and intermediates up to and including the final character (`@` to `~`).
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a CSI after all: drop only what was read, as terminals do.
            return;
        }
    }
}

/// Everything up to the string terminator: BEL, `ESC \` or the 8-bit ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | ST_8BIT => return,
            ESC => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// Unicode's directional overrides and isolates reorder how the text after them is displayed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_controls(text: &str) -> bool {
        text.chars().any(|c| c.is_control() && c != '\n')
    }

    #[test]
    fn escape_sequences_and_controls_are_removed() {
        let hostile = "\x1b[2J\x1b[1;1HAADSTS50011:\x1b]0;owned\x07 redirect\r\n\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ \u{9b}31mred\x00\x08\x7f\u{85}\u{202e}end\x1bc";
        let line = clean_line(hostile, MESSAGE_CHARS);
        assert_eq!(line, "AADSTS50011: redirect link redend");
        assert!(!has_controls(&line));
        let lines = clean_lines(hostile, MESSAGE_CHARS);
        assert_eq!(lines, "AADSTS50011: redirect\nlink redend");
        assert!(!has_controls(&lines));
    }

    #[test]
    fn unterminated_sequences_swallow_the_rest() {
        assert_eq!(clean_line("ok \x1b]0;title without end", 50), "ok");
        assert_eq!(clean_line("ok \x1b[12;", 50), "ok");
        assert_eq!(clean_line("ok \x1b", 50), "ok");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(10_000);
        let cut = clean_line(&long, 500);
        assert_eq!(cut.chars().count(), 501);
        assert!(cut.ends_with("é…"));
        assert_eq!(clean_line("short", 500), "short");
        assert_eq!(clean_line("exactly", 7), "exactly");
        assert_eq!(clean_line("exactly!", 7), "exactly…");
    }

    #[test]
    fn whitespace_collapses_on_one_line_and_breaks_are_normalised() {
        assert_eq!(clean_line("  a \t\r\n  b  ", 50), "a b");
        assert_eq!(clean_lines("a\r\nb\rc\nd", 50), "a\nb\nc\nd");
    }
}
