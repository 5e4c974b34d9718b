//! pbx365: the setup engine, profiles, sync and certificate lifecycle (no Tauri here).
