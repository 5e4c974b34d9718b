import type { UpdateFailure } from '../bindings/UpdateFailure';
import type { UpdateStatus } from '../bindings/UpdateStatus';
import type { UpdatesOff } from '../bindings/UpdatesOff';
import type { UpdateOperations } from './update-operations';

declare global {
  interface Window {
    /** How often the mock installed an update, for the browser tests to read. */
    pbx365MockUpdateInstalls?: number;
  }
}

/**
 * `?mock-update=available`: a newer release is offered; `bad-signature`: it is offered but its
 * package fails verification; `unreachable`: the update server cannot be reached; `off-policy`
 * and `off-environment`: checks are off by the system-wide policy file or by PBX365_UPDATES=off.
 * Without it the app is up to date, so other screens show no update notice.
 */
export type UpdateScenario = 'up-to-date' | 'available' | 'bad-signature' | 'unreachable' | keyof typeof OFF;

/** The reasons the engine gives (crates/pbx365/src/updates/policy.rs) for the off scenarios. */
const OFF = {
  'off-policy': { code: 'policy', file: '/etc/pbx365/policy.json' },
  'off-environment': { code: 'environment', variable: 'PBX365_UPDATES' },
} as const satisfies Record<string, UpdatesOff>;

const SCENARIOS: readonly UpdateScenario[] = [
  'up-to-date',
  'available',
  'bad-signature',
  'unreachable',
  'off-policy',
  'off-environment',
];

export function updateScenarioFromAddress(search: string): UpdateScenario {
  const asked = new URLSearchParams(search).get('mock-update');
  return SCENARIOS.find((scenario) => scenario === asked) ?? 'up-to-date';
}

export const MOCK_UPDATE_VERSION = '0.2.0';
export const MOCK_UPDATE_NOTES = 'Certificates are renewed a week earlier.\nThe sync preview lists unlicensed users.';
const ENDPOINT = 'https://updates.example.com/pbx365/latest.json';

export function createMockUpdates(scenario: UpdateScenario = 'up-to-date'): UpdateOperations {
  if (typeof window !== 'undefined') {
    window.pbx365MockUpdateInstalls = 0;
  }
  return {
    checkForUpdate: async (): Promise<UpdateStatus> => {
      if (scenario === 'unreachable') {
        const failure: UpdateFailure = {
          code: 'unreachable',
          endpoint: ENDPOINT,
          detail: 'error sending request: tcp connect error: Connection refused (os error 111)',
        };
        throw failure;
      }
      if (scenario === 'off-policy' || scenario === 'off-environment') {
        return { code: 'off', reason: OFF[scenario] };
      }
      if (scenario === 'up-to-date') {
        return { code: 'up-to-date', current: __UI_VERSION__ };
      }
      return {
        code: 'available',
        current: __UI_VERSION__,
        version: MOCK_UPDATE_VERSION,
        notes: MOCK_UPDATE_NOTES,
        date: '2026-12-01T09:00:00Z',
      };
    },
    installUpdate: async () => {
      if (scenario === 'bad-signature') {
        const failure: UpdateFailure = {
          code: 'signature-invalid',
          detail: 'the signature does not match the public key',
        };
        throw failure;
      }
      window.pbx365MockUpdateInstalls = (window.pbx365MockUpdateInstalls ?? 0) + 1;
      return { version: MOCK_UPDATE_VERSION };
    },
  };
}
