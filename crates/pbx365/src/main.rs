//! The `pbx365` command line.
fn main() -> anyhow::Result<()> {
    Ok(())
}
