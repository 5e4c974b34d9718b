//! Reading the password from standard input (`--password-stdin`), never from an argument, so
//! it stays out of the shell history and the process list; and asking yes/no questions.

use std::io::{BufRead, BufReader, IsTerminal};

use anyhow::{Context, bail};
use portsip::Secret;

/// The first line of stdin without its line ending; the rest of stdin stays unread. A
/// terminal is refused: what is typed there would be shown on screen.
pub fn read_password() -> anyhow::Result<Secret> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        bail!(
            "--password-stdin reads the password from a pipe, not from the terminal (it would be \
             shown as you type). Pipe it in, e.g. `printf '%s\\n' \"$PBX_PASSWORD\" | pbx365 …`"
        );
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = strip_line_ending(&line);
    if password.is_empty() {
        bail!("standard input held no password; put it on the first line");
    }
    Ok(Secret::new(password))
}

/// Asks `question` on stderr and reads the answer from the terminal, or — without one (CI, a
/// service) — from the next line of stdin, after the password. No answer means no.
pub fn ask(question: &str) -> anyhow::Result<bool> {
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    let read = match open_terminal() {
        Some(terminal) => BufReader::new(terminal).read_line(&mut answer),
        None => std::io::stdin().lock().read_line(&mut answer),
    };
    read.context("could not read the answer")?;
    if answer.is_empty() {
        eprintln!();
    }
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// The controlling terminal, even when stdin is a pipe.
fn open_terminal() -> Option<std::fs::File> {
    let path = if cfg!(windows) { "CONIN$" } else { "/dev/tty" };
    std::fs::File::open(path).ok()
}

/// Only the line ending goes: spaces may be part of a password.
fn strip_line_ending(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::strip_line_ending;

    #[test]
    fn keeps_spaces_and_drops_only_the_line_ending() {
        assert_eq!(strip_line_ending(" pass word \r\n"), " pass word ");
        assert_eq!(strip_line_ending("secret\n"), "secret");
        assert_eq!(strip_line_ending("secret"), "secret");
        assert_eq!(strip_line_ending("\n"), "");
    }
}
