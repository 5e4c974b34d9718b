//! How the app was started: the command-line flags of `pbx365-setup`.

use clap::Parser;

/// pbx365 Setup: connect a PortSIP PBX tenant to Microsoft 365.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(name = "pbx365-setup", version, about)]
pub struct LaunchOptions {
    /// Run against the built-in PBX and Microsoft emulators with seeded demo data, instead of
    /// real services.
    #[arg(long)]
    pub demo: bool,

    /// Start in the tray without showing the window (how start at login launches it).
    #[arg(long)]
    pub hidden: bool,
}

impl LaunchOptions {
    /// Parses the process arguments; prints help or the error and exits on bad input, as a
    /// command-line program does.
    pub fn from_command_line() -> Self {
        Self::parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_off_unless_asked_for() -> Result<(), clap::Error> {
        assert!(!LaunchOptions::try_parse_from(["pbx365-setup"])?.demo);
        assert!(LaunchOptions::try_parse_from(["pbx365-setup", "--demo"])?.demo);
        Ok(())
    }

    #[test]
    fn the_login_item_flag_starts_hidden() -> Result<(), clap::Error> {
        assert!(!LaunchOptions::try_parse_from(["pbx365-setup"])?.hidden);
        let options = LaunchOptions::try_parse_from([
            "pbx365-setup",
            crate::autostart_commands::HIDDEN_FLAG,
        ])?;
        assert!(options.hidden && !options.demo);
        Ok(())
    }

    #[test]
    fn unknown_flags_are_refused() {
        let parsed = LaunchOptions::try_parse_from(["pbx365-setup", "--demo-mode"]);
        assert!(parsed.is_err_and(|error| error.kind() == clap::error::ErrorKind::UnknownArgument));
    }
}
