import { invoke } from '@tauri-apps/api/core';
import type { ExportSummary } from '../bindings/ExportSummary';
import type { Versions } from '../bindings/Versions';
import type { DiagnosticsOperations } from './diagnostics-operations';

/** The About screen's commands of src-tauri (diagnostics_commands.rs). */
export function createTauriDiagnostics(): DiagnosticsOperations {
  return {
    aboutVersions: () => invoke<Versions>('about_versions'),
    exportDiagnostics: () => invoke<ExportSummary>('diagnostics_export'),
  };
}
