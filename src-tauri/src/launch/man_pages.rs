//! The packages' man pages (packaging/linux/man/), rendered from the clap definitions of both
//! commands, so a flag added to either is documented by the next `cargo test` or fails it.
//! scripts/dist gzips them into the packages' /usr/share/man/man1.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::LaunchOptions;

/// Set to write the rendered pages instead of comparing them.
const REGENERATE: &str = "PBX365_REGENERATE_MAN_PAGES";

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/linux/man")
}

/// Every page, by file name: one per binary, `pbx365-setup.1` and `pbx365.1`. The subcommands of
/// `pbx365` are sections of its page, not pages of their own as clap_mangen would make them:
/// `pbx365 setup`'s page would be `pbx365-setup.1`, the desktop app's.
fn rendered() -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut pages = BTreeMap::new();
    for command in [pbx365::cli::command(), LaunchOptions::command()] {
        let mut command = command.disable_help_subcommand(true);
        command.build();
        let man = clap_mangen::Man::new(command.clone());
        let mut page = Vec::new();
        man.render_title(&mut page)?;
        man.render_name_section(&mut page)?;
        man.render_synopsis_section(&mut page)?;
        man.render_description_section(&mut page)?;
        man.render_options_section(&mut page)?;
        if command.get_after_long_help().is_some() {
            man.render_extra_section(&mut page)?;
        }
        render_subcommands(&command, &mut page)?;
        man.render_version_section(&mut page)?;
        pages.insert(man.get_filename(), once_preamble(&page));
    }
    Ok(pages)
}

/// The quote-character definition roff's writer starts each rendered section with, kept once.
fn once_preamble(page: &[u8]) -> Vec<u8> {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let text = String::from_utf8_lossy(page);
    let rest = text.strip_prefix(PREAMBLE).unwrap_or(&text);
    format!("{PREAMBLE}{}", rest.replace(PREAMBLE, "")).into_bytes()
}

/// Each subcommand, depth first, as a section named after its command line (`PBX365 CERT
/// STATUS`) whose synopsis, description and options are its subsections.
fn render_subcommands(command: &clap::Command, page: &mut Vec<u8>) -> std::io::Result<()> {
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = subcommand.get_bin_name().unwrap_or(subcommand.get_name());
        writeln!(page, ".SH \"{}\"", name.to_uppercase())?;
        let man = clap_mangen::Man::new(subcommand.clone());
        let mut sections = Vec::new();
        man.render_synopsis_section(&mut sections)?;
        man.render_description_section(&mut sections)?;
        man.render_options_section(&mut sections)?;
        if subcommand.get_after_long_help().is_some() {
            man.render_extra_section(&mut sections)?;
        }
        for line in String::from_utf8_lossy(&sections).lines() {
            match line.strip_prefix(".SH ") {
                Some(heading) => writeln!(page, ".SS {heading}")?,
                None => writeln!(page, "{line}")?,
            }
        }
        render_subcommands(subcommand, page)?;
    }
    Ok(())
}

fn committed() -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut pages = BTreeMap::new();
    for entry in std::fs::read_dir(committed_dir())? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "1") {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            pages.insert(name.unwrap_or_default(), std::fs::read(&path)?);
        }
    }
    Ok(pages)
}

fn write(pages: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    let dir = committed_dir();
    for name in committed()?
        .keys()
        .filter(|name| !pages.contains_key(*name))
    {
        std::fs::remove_file(dir.join(name))?;
    }
    for (name, page) in pages {
        std::fs::write(dir.join(name), page)?;
    }
    Ok(())
}

#[test]
fn the_committed_man_pages_are_the_clap_definitions() -> std::io::Result<()> {
    let rendered = rendered()?;
    assert!(rendered.contains_key("pbx365.1") && rendered.contains_key("pbx365-setup.1"));
    let cli = String::from_utf8_lossy(&rendered["pbx365.1"]);
    assert!(cli.contains(".SH \"PBX365 CERT STATUS\""), "{cli}");
    if std::env::var_os(REGENERATE).is_some() {
        return write(&rendered);
    }
    let committed = committed()?;
    let stale: BTreeSet<&String> = rendered
        .keys()
        .chain(committed.keys())
        .filter(|name| rendered.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "packaging/linux/man/ is out of date with the command-line definitions ({stale:?} \
         differ, are missing or are left over); regenerate and commit them:\n  \
         {REGENERATE}=1 cargo test -p pbx365-setup the_committed_man_pages"
    );
    Ok(())
}
