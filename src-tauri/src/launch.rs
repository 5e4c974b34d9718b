//! How the app was started: the command-line flags of `pbx365-setup`.

use std::path::Path;

use clap::Parser;
use pbx365::profile::NationalCloud;

/// pbx365 Setup: connect a PortSIP PBX tenant to Microsoft 365.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(name = "pbx365-setup", version)]
pub struct LaunchOptions {
    /// Run against the built-in PBX and Microsoft emulators with seeded demo data, instead of
    /// real services.
    #[arg(long)]
    pub demo: bool,

    /// The Microsoft cloud the demo's emulator plays: global, or china (Microsoft Azure
    /// operated by 21Vianet).
    #[arg(
        long,
        requires = "demo",
        default_value = "global",
        value_name = "global|china"
    )]
    pub cloud: NationalCloud,

    /// Start in the tray without showing the window (how start at login launches it).
    #[arg(long)]
    pub hidden: bool,
}

/// The name under which this binary is the `pbx365` command rather than the window.
const COMMAND_NAME: &str = "pbx365";

/// Whether the binary was started as `pbx365`: the Linux packages install `/usr/bin/pbx365` as a
/// script that starts this binary under that name, so one binary, not two, carries the engine
/// (the package stays half the size).
pub fn started_as_command() -> bool {
    std::env::args_os()
        .next()
        .is_some_and(|program| is_command_name(Path::new(&program)))
}

fn is_command_name(program: &Path) -> bool {
    program.file_stem().is_some_and(|stem| stem == COMMAND_NAME)
}

impl LaunchOptions {
    /// Parses the process arguments; prints help or the error and exits on bad input, as a
    /// command-line program does.
    pub fn from_command_line() -> Self {
        Self::parse()
    }
}

#[cfg(test)]
mod man_pages;

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
    fn the_demo_plays_the_cloud_asked_for() -> Result<(), clap::Error> {
        assert_eq!(
            LaunchOptions::try_parse_from(["pbx365-setup", "--demo"])?.cloud,
            NationalCloud::Global
        );
        let china = LaunchOptions::try_parse_from(["pbx365-setup", "--demo", "--cloud", "china"])?;
        assert_eq!(china.cloud, NationalCloud::China);
        assert!(LaunchOptions::try_parse_from(["pbx365-setup", "--cloud", "china"]).is_err());
        assert!(
            LaunchOptions::try_parse_from(["pbx365-setup", "--demo", "--cloud", "mars"]).is_err()
        );
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
    fn only_the_name_pbx365_starts_the_command() {
        assert!(is_command_name(Path::new("/usr/bin/pbx365")));
        assert!(is_command_name(Path::new("pbx365")));
        assert!(!is_command_name(Path::new("/usr/bin/pbx365-setup")));
        assert!(!is_command_name(Path::new("./target/debug/pbx365-setup")));
    }

    #[test]
    fn unknown_flags_are_refused() {
        let parsed = LaunchOptions::try_parse_from(["pbx365-setup", "--demo-mode"]);
        assert!(parsed.is_err_and(|error| error.kind() == clap::error::ErrorKind::UnknownArgument));
    }
}
