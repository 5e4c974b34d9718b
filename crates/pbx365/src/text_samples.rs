//! Test support: the engine's texts, as samples for the UI's wording tests. Each module with
//! coded texts writes one sample of every code with its English wording next to the ts-rs
//! bindings, and a vitest words each sample in both languages (ui/src/lib/i18n/README.md).

use std::path::Path;

/// Writes `samples` as pretty JSON to `ui/src/lib/bindings/<file>`.
pub(crate) fn write(
    file: &str,
    samples: &impl serde::Serialize,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut text = serde_json::to_string_pretty(samples)?;
    text.push('\n');
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/lib/bindings")
        .join(file);
    std::fs::write(path, text)?;
    Ok(())
}

/// Each text with its English wording, as `{"message": <English>, "text": <the code>}`.
pub(crate) fn pairs<T: serde::Serialize + std::fmt::Display>(
    texts: Vec<T>,
) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    texts
        .into_iter()
        .map(|text| {
            Ok(serde_json::json!({ "message": text.to_string(), "text": serde_json::to_value(&text)? }))
        })
        .collect()
}
