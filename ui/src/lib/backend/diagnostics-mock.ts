import type { ErrorReport } from '../bindings/ErrorReport';
import type { DiagnosticsOperations } from './diagnostics-operations';

/** `?mock-diagnostics=fail`: the archive cannot be written (a full disk, say). */
export type DiagnosticsScenario = 'ok' | 'fail';

export function diagnosticsScenarioFromAddress(search: string): DiagnosticsScenario {
  return new URLSearchParams(search).get('mock-diagnostics') === 'fail' ? 'fail' : 'ok';
}

/** The mock's archive: where the desktop app would put it, with the entries a demo session has. */
export const MOCK_ARCHIVE = '/home/admin/Downloads/pbx365-diagnostics-20260107-134501.zip';

export function createMockDiagnostics(scenario: DiagnosticsScenario = 'ok'): DiagnosticsOperations {
  return {
    aboutVersions: async () => ({
      pbx365: __UI_VERSION__,
      tauri: null,
      webview: null,
      os: 'Browser preview (mock backend)',
    }),
    exportDiagnostics: async () => {
      if (scenario === 'fail') {
        const failure: ErrorReport = {
          code: 'file',
          message: `Could not write ${MOCK_ARCHIVE}: No space left on device (os error 28). Check that the folder exists, is writable and the disk is not full.`,
          params: {
            detail: `Could not write ${MOCK_ARCHIVE}: No space left on device (os error 28). Check that the folder exists, is writable and the disk is not full.`,
          },
          field: null,
          apply_step: null,
        };
        throw failure;
      }
      return {
        path: MOCK_ARCHIVE,
        entries: [
          'versions.json',
          'profiles/contoso.json',
          'doctor/contoso.json',
          'sync/contoso.json',
          'logs/pbx365-setup.log',
          'summary.json',
        ],
        problems: [],
      };
    },
  };
}
