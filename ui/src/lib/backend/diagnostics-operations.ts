import type { ExportSummary } from '../bindings/ExportSummary';
import type { Versions } from '../bindings/Versions';

/** The About screen (src-tauri/src/diagnostics_commands.rs). */
export interface DiagnosticsOperations {
  /** pbx365's, Tauri's, the web view's and the operating system's versions. */
  aboutVersions(): Promise<Versions>;
  /**
   * Writes the diagnostics archive for support — versions, each profile's settings and PBX
   * version, the doctor's last reports, the last sync runs and the recent log, without secrets —
   * into the Downloads folder, and says where. Rejects with an `ErrorReport`.
   */
  exportDiagnostics(): Promise<ExportSummary>;
}
