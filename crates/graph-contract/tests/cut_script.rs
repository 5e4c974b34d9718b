//! The script that cuts spec/microsoft out of Microsoft's metadata is tested where every crate's
//! tests run (`make rust-tests`): its Python unit test, on a small CSDL document.

use std::path::Path;
use std::process::Command;

#[test]
fn the_cut_script_passes_its_unit_test() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new("python3")
        .arg("-B")
        .arg(root.join("scripts/graph-contract/cut_test.py"))
        .current_dir(&root)
        .output()?;
    assert!(
        output.status.success(),
        "scripts/graph-contract/cut_test.py failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
