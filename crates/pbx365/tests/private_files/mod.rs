//! Which files and folders others than their owner may open.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Every file and folder under `dir`, itself included, whose Unix mode is not the private one
/// (files 0600, folders 0700), with that mode.
pub fn open_to_others(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let metadata = std::fs::symlink_metadata(&path)?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode != if metadata.is_dir() { 0o700 } else { 0o600 } {
            found.push(format!("{} is {mode:o}", path.display()));
        }
        if metadata.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(found)
}
