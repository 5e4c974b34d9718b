import { createMockDiagnostics, diagnosticsScenarioFromAddress } from './diagnostics-mock';
import { createMockDirectory } from './directory-mock';
import { mockStatuses } from './mock-data';
import { createMockOperations, scenarioFromAddress, type MockCall, type MockScenario } from './mock-operations';
import { createMockReset, resetScenarioFromAddress } from './reset-mock';
import type { AppInfo, Backend } from './types';
import { createMockUpdates, updateScenarioFromAddress } from './update-mock';
import { createMockWizard, wizardScenarioFromAddress } from './wizard-mock';

declare global {
  interface Window {
    /** The sync commands the browser preview's mock answered, for the browser tests to read. */
    pbx365MockCalls?: MockCall[];
    /** The languages the window told the mock it shows (`setUiLanguage`), in order. */
    pbx365MockUiLanguages?: { language: string; saved: boolean }[];
  }
}

/**
 * The backend of the browser preview (`npm run dev` without Tauri) and of the browser tests: it
 * answers from memory and never reaches a PBX or Microsoft.
 */
export function createMockBackend(
  info: Partial<AppInfo> = {},
  scenario: MockScenario = scenarioFromAddress(globalThis.location?.search ?? ''),
): Backend {
  const appInfo: AppInfo = { version: __UI_VERSION__, demo: false, ...info };
  const calls: MockCall[] = [];
  const uiLanguages: { language: string; saved: boolean }[] = [];
  if (typeof window !== 'undefined') {
    window.pbx365MockCalls = calls;
    window.pbx365MockUiLanguages = uiLanguages;
  }
  // Profiles the mock reset disconnected: every list leaves them out from then on.
  const removed = new Set<string>();
  // `?mock-profiles=none`: a new installation, with no profile saved yet.
  if (new URLSearchParams(globalThis.location?.search ?? '').get('mock-profiles') === 'none') {
    mockStatuses().forEach((status) => removed.add(status.profile));
  }
  return {
    kind: 'mock',
    ...createMockOperations(scenario, calls, removed),
    ...createMockReset(resetScenarioFromAddress(globalThis.location?.search ?? ''), removed, calls),
    ...createMockWizard(wizardScenarioFromAddress(globalThis.location?.search ?? '')),
    ...createMockDirectory(),
    ...createMockDiagnostics(diagnosticsScenarioFromAddress(globalThis.location?.search ?? '')),
    ...createMockUpdates(updateScenarioFromAddress(globalThis.location?.search ?? '')),
    appInfo: async () => ({ ...appInfo }),
    // No process to time: the browser preview has no footprint to measure.
    reportFirstPaint: async () => {},
    // No tray in a browser: the call is only recorded, for the browser tests.
    setUiLanguage: async (language, saved) => {
      uiLanguages.push({ language, saved });
    },
    // Nothing outside the page sends the browser preview anywhere.
    onNavigate: async () => () => {},
  };
}
