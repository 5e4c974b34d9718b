//! Logs on stderr, so stdout stays clean for the commands' output (JSON, export lines).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The crates whose logs `-v` turns up; everyone else stays at warnings.
const OUR_CRATES: &[&str] = &["pbx365", "portsip", "entra", "sim"];

/// Without `-v` or `RUST_LOG` only errors are logged: every command reports its own failure
/// as a sentence, which the libraries' warnings would merely repeat. `-v` wins over `RUST_LOG`.
pub fn init(verbosity: u8) {
    let filter = match verbosity {
        0 => from_env(),
        n => EnvFilter::new(directives(n)),
    };
    // Fails only if a subscriber is already installed, in which case that one keeps working.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn from_env() -> EnvFilter {
    match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::try_new(&value).unwrap_or_else(|error| {
            eprintln!("warning: RUST_LOG={value:?} is not a valid log filter ({error}); logging errors only");
            EnvFilter::new("error")
        }),
        _ => EnvFilter::new("error"),
    }
}

fn directives(verbosity: u8) -> String {
    let (ours, others) = match verbosity {
        1 => ("info", "warn"),
        2 => ("debug", "warn"),
        _ => ("trace", "info"),
    };
    std::iter::once(others.to_owned())
        .chain(OUR_CRATES.iter().map(|name| format!("{name}={ours}")))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::directives;

    #[test]
    fn verbosity_raises_our_crates_first() {
        assert_eq!(
            directives(1),
            "warn,pbx365=info,portsip=info,entra=info,sim=info"
        );
        assert_eq!(
            directives(7),
            "info,pbx365=trace,portsip=trace,entra=trace,sim=trace"
        );
    }
}
