import type { HandStep } from '../bindings/HandStep';
import type { Mode } from '../bindings/Mode';
import type { PlannedReset } from '../bindings/PlannedReset';
import type { ResetOutcome } from '../bindings/ResetOutcome';
import type { ResetPlan } from '../bindings/ResetPlan';
import type { ResetStep } from '../bindings/ResetStep';
import type { ResetText } from '../bindings/ResetText';
import { describeReset } from '../reset/reset-text';
import type { ResetStop } from '../bindings/ResetStop';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { ResetApp } from '../bindings/ResetApp';
import type { ResetDetail } from '../bindings/ResetDetail';
import type { ResetPbx } from '../bindings/ResetPbx';
import type { ResetSummary } from '../bindings/ResetSummary';
import type { ResetTenant } from '../bindings/ResetTenant';
import type { ResetWarning } from '../bindings/ResetWarning';
import { mockDate } from './mock-data';
import type { MockCall } from './mock-operations';
import type { ResetFailure, ResetOperations } from './reset-operations';

/**
 * How the mock reset misbehaves, read from the page address: `?mock-reset=fail` stops the first
 * reset of each profile at step 2 (Microsoft Entra), as the engine does when Graph fails after the
 * PBX was reset; the next one continues there. `?mock-step-ms=N` sets the pace.
 */
export interface ResetScenario {
  fail: boolean;
  stepMs: number;
}

export function resetScenarioFromAddress(search: string): ResetScenario {
  const params = new URLSearchParams(search);
  const stepMs = Number(params.get('mock-step-ms') ?? '120');
  return {
    fail: params.get('mock-reset') === 'fail',
    stepMs: Number.isFinite(stepMs) && stepMs >= 0 ? stepMs : 120,
  };
}

/** What the mock knows of each profile's integration: what a reset would read from it. */
interface MockIntegration {
  mode: Mode;
  domain: string;
  url: string;
  tenantName: string;
  tenantId: string;
  version: string;
  users: [current: number, licensed: number];
  appName: string;
  appId: string;
  /** The PBX's certificates the app holds. */
  held: string[];
  /** The app's other certificates. */
  otherKeys: number;
  /** Sync runs in the profile's history. */
  runs: number;
}

const INTEGRATIONS: Record<string, MockIntegration> = {
  contoso: {
    mode: 'auto',
    domain: 'contoso.com',
    url: 'https://pbx.contoso.com:8887',
    tenantName: 'Contoso',
    tenantId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    version: '22.6.0',
    users: [212, 400],
    appName: 'PortSIP PBX (contoso.com)',
    appId: '6731de76-14a6-49ae-97bc-6eba6914391e',
    held: ['5A1F9C3E7B2D4A6081C9E3F5A7B9D1E3F5A7C9E1'],
    otherKeys: 0,
    runs: 5,
  },
  fabrikam: {
    mode: 'guided',
    domain: 'fabrikam.com',
    url: 'https://pbx.fabrikam.com:8887',
    tenantName: 'Fabrikam, Inc.',
    tenantId: 'b2c4e6a8-1357-4d9b-8f0e-2a4c6e8f0b1d',
    version: '22.2.0',
    users: [96, 150],
    appName: 'PortSIP PBX (fabrikam.com)',
    appId: 'c9a1e2b3-4d5f-4a6b-8c7d-9e0f1a2b3c4d',
    held: ['C0FFEE1234ABCD5678EF90AB12CD34EF56AB78CD'],
    otherKeys: 0,
    runs: 1,
  },
  northwind: {
    mode: 'auto',
    domain: 'northwind.example',
    url: 'https://voice.northwind.example',
    tenantName: 'Northwind Traders',
    tenantId: '4e1c7a92-0b3d-4f58-a6e7-91d2c3b4a5f6',
    version: '22.6.0',
    users: [48, 60],
    appName: 'PortSIP PBX (northwind.example)',
    appId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
    // The PBX signs with a certificate the app does not hold (its card says Mismatched).
    held: [],
    otherKeys: 1,
    runs: 1,
  },
};

const PLACES: Record<ResetStep, string> = { pbx: 'PBX', entra: 'Microsoft Entra', 'this-computer': 'This computer' };
const ORDER: ResetStep[] = ['pbx', 'entra', 'this-computer'];

// The codes below are the engine's (crates/pbx365/src/reset/text.rs), so the preview reads as the app does.
const pbxOf = (i: MockIntegration): ResetPbx => ({ domain: i.domain, url: i.url });
const tenantOf = (i: MockIntegration): ResetTenant => ({ name: i.tenantName, id: i.tenantId });
const appOf = (i: MockIntegration): ResetApp => ({ name: i.appName, app_id: i.appId });
const destroys = (i: MockIntegration) => i.version.startsWith('22.6');

function pbxSummary(i: MockIntegration, done: boolean): ResetSummary {
  if (done) {
    return { code: 'pbx-done-earlier', pbx: pbxOf(i) };
  }
  const edition = { version: i.version, current_users: i.users[0], licensed_users: i.users[1] };
  return { code: 'pbx-stop', pbx: pbxOf(i), edition, stop: destroys(i) ? 'destroy' : 'clear' };
}

function entraSummary(i: MockIntegration, deleteApp: boolean, done: boolean): ResetSummary {
  const tenant = tenantOf(i);
  if (done) {
    return { code: 'entra-done-earlier', tenant };
  }
  if (i.mode === 'guided') {
    return { code: 'entra-by-hand', tenant, app: appOf(i), delete_app: deleteApp };
  }
  if (deleteApp) {
    return { code: 'entra-delete-app', tenant, app: appOf(i) };
  }
  if (i.held.length === 0) {
    return { code: 'entra-no-pbx-certificate', tenant, app: appOf(i) };
  }
  return { code: 'entra-remove-certificate', tenant, app: appOf(i), thumbprints: i.held.join(', '), others: i.otherKeys };
}

function localSummary(profile: string, i: MockIntegration): ResetSummary {
  return { code: 'this-computer', profile, pbx: pbxOf(i), tenant: tenantOf(i) };
}

function handSteps(i: MockIntegration, deleteApp: boolean): HandStep[] {
  if (i.mode !== 'guided') {
    return [];
  }
  const portal = (blade: string) => `https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/${blade}/appId/${i.appId}/isMSAApp~/false`;
  const appId = { label: 'application-id' as const, value: i.appId };
  const app = { display_name: i.appName, app_id: i.appId };
  if (deleteApp) {
    return [{ text: { code: 'delete-app', ...app }, link: { label: 'overview', url: portal('Overview') }, copy: [appId] }];
  }
  return [
    {
      text: { code: 'remove-pbx-certificate', ...app, thumbprints: i.held },
      link: { label: 'certificates', url: portal('Credentials') },
      copy: [...i.held.map((value) => ({ label: 'pbx-certificate-thumbprint' as const, value })), appId],
    },
  ];
}

function nothingPlan(profile: string): ResetPlan {
  return {
    profile,
    mode: 'auto',
    delete_app: false,
    pbx: { domain: null, url: '' },
    tenant: { name: null, id: null },
    pbx_version: null,
    steps: [],
    hand_steps: [],
    warnings: [{ code: 'nothing-saved', profile }],
    resumes: null,
    nothing_to_do: true,
  };
}

/** An unfinished reset: the steps done, the choice about the app, and where it stopped. */
interface Unfinished {
  done: Set<ResetStep>;
  deleteApp: boolean;
  stop: ResetStop;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The mock reset. `removed` is shared with the rest of the mock: a profile whose reset finished
 * is added to it, and the dashboard, the certificates and the sync page stop listing it.
 */
export function createMockReset(scenario: ResetScenario, removed: Set<string>, calls: MockCall[] = []): ResetOperations {
  const unfinished = new Map<string, Unfinished>();
  const failedOnce = new Set<string>();

  function plan(profile: string, requested: boolean): ResetPlan {
    const integration = INTEGRATIONS[profile];
    if (integration === undefined || removed.has(profile)) {
      return nothingPlan(profile);
    }
    const earlier = unfinished.get(profile);
    const done = (step: ResetStep) => earlier?.done.has(step) ?? false;
    // An earlier reset that already dealt with Entra settled the choice.
    const deleteApp = earlier !== undefined && done('entra') ? earlier.deleteApp : requested;
    const summaries: Record<ResetStep, ResetSummary> = {
      pbx: pbxSummary(integration, done('pbx')),
      entra: entraSummary(integration, deleteApp, done('entra')),
      'this-computer': localSummary(profile, integration),
    };
    const steps = ORDER.map<PlannedReset>((step, index) => ({
      step,
      number: index + 1,
      place: PLACES[step],
      summary: summaries[step],
      done: done(step),
    }));
    const warnings: ResetWarning[] = [];
    if (deleteApp && integration.mode === 'auto' && !done('entra')) {
      warnings.push({ code: 'delete-app-stops-others', app_id: integration.appId });
    }
    return {
      profile,
      mode: integration.mode,
      delete_app: deleteApp,
      pbx: pbxOf(integration),
      tenant: tenantOf(integration),
      pbx_version: integration.version,
      steps,
      hand_steps: handSteps(integration, deleteApp),
      warnings,
      resumes: earlier?.stop ?? null,
      nothing_to_do: false,
    };
  }

  function detail(step: ResetStep, profile: string, i: MockIntegration, deleteApp: boolean): ResetDetail {
    switch (step) {
      case 'pbx':
        return { code: destroys(i) ? 'pbx-destroyed' : 'pbx-cleared' };
      case 'entra':
        if (i.mode === 'guided') {
          return { code: 'by-hand', app: appOf(i), delete_app: deleteApp };
        }
        if (deleteApp) {
          return { code: 'app-deleted', app: appOf(i) };
        }
        return i.held.length === 0
          ? { code: 'no-pbx-certificate-on-app', app: appOf(i) }
          : { code: 'certificate-removed', app: appOf(i), thumbprints: i.held.join(', ') };
      case 'this-computer':
        return { code: 'profile-removed', profile, runs: i.runs, kept_certificate: null };
    }
  }

  return {
    async resetPlan(profile, deleteApp) {
      await sleep(scenario.stepMs * 3);
      return plan(profile, deleteApp);
    },
    async resetRun(profile, requested, onEvent) {
      calls.push({ command: 'reset_run', args: { profile, deleteApp: requested } });
      const integration = INTEGRATIONS[profile];
      if (integration === undefined || removed.has(profile)) {
        return { profile, steps: [], hand_steps: [], nothing_to_do: true };
      }
      const earlier = unfinished.get(profile);
      const state: Unfinished = earlier ?? { done: new Set(), deleteApp: requested, stop: { step: 'pbx', error: '', report: null, at: mockDate(0) } };
      if (!state.done.has('entra')) {
        state.deleteApp = requested;
      }
      // As the engine sends it: the code, and its English for the CLI.
      const emit = (step: ResetStep, text: ResetText) => onEvent({ step, text, message: describeReset(step, text, 'en') });
      const first = ORDER.find((step) => !state.done.has(step));
      if (earlier !== undefined && first !== undefined) {
        emit(first, { code: 'continuing', step_number: ORDER.indexOf(first) + 1 });
      }
      const outcomes: ResetOutcome[] = [];
      for (const step of ORDER) {
        if (state.done.has(step)) {
          outcomes.push({ step, place: PLACES[step], detail: { code: 'done-earlier' }, done_earlier: true });
          continue;
        }
        emit(step, { code: 'starting' });
        await sleep(scenario.stepMs * 4);
        if (scenario.fail && step === 'entra' && !failedOnce.has(profile)) {
          failedOnce.add(profile);
          // As the engine reports Graph's failure (access/error.rs `Error::Microsoft`).
          const detail = 'Microsoft Graph answered 503 (Service Unavailable) five times in a row.';
          const cause: ErrorReport = {
            code: 'microsoft',
            message: detail,
            params: { detail },
            field: null,
            apply_step: null,
          };
          state.stop = { step, error: cause.message, report: cause, at: mockDate(0) };
          unfinished.set(profile, state);
          const failure: ResetFailure = {
            code: 'reset-stopped',
            step,
            message:
              `The reset of profile "${profile}" stopped at step 2 of 3 (remove the integration from Microsoft Entra): ${cause.message} ` +
              "The PBX's Microsoft 365 integration is already stopped; Microsoft Entra and this computer are as they were. " +
              `Run the reset again (pbx365 reset --profile ${profile}): it continues where it stopped and repeats nothing that is done.`,
            params: { profile, number: '2' },
            field: null,
            apply_step: null,
            cause,
          };
          throw failure;
        }
        const done = detail(step, profile, integration, state.deleteApp);
        emit(step, { code: 'finished', detail: done });
        state.done.add(step);
        outcomes.push({ step, place: PLACES[step], detail: done, done_earlier: false });
      }
      unfinished.delete(profile);
      removed.add(profile);
      return { profile, steps: outcomes, hand_steps: handSteps(integration, state.deleteApp), nothing_to_do: false };
    },
  };
}
