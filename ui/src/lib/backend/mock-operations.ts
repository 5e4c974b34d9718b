import type { OutcomeCounts } from '../bindings/OutcomeCounts';
import type { RotationPlan } from '../bindings/RotationPlan';
import type { RotationStep } from '../bindings/RotationStep';
import type { RunSummary } from '../bindings/RunSummary';
import type { RotationText } from '../bindings/RotationText';
import type { StopRecord } from '../bindings/StopRecord';
import type { UserOutcome } from '../bindings/UserOutcome';
import { mockDate, mockDrift, mockHistory, mockManyStatuses, mockPlan, mockProfileSummary, mockRunDetail, mockSource, mockStatuses, mockVerification } from './mock-data';
import { mockGate, type MockGate } from './mock-gate';
import { describeRotationCause } from '../certificates/rotation-stop';
import { describeRotation } from '../certificates/rotation-text';
import { describeUserFailure } from '../sync/failure';
import type { CertificateOperations, RotationFailure, SyncOperations } from './operations';

/**
 * How the mock misbehaves, read from the page address so the browser tests can ask for it:
 * `?mock-sync=fail` (the sync stops at once), `?mock-sync=failures` (some users fail),
 * `?mock-sync=signin` (the saved Microsoft sign-in no longer works: previews and syncs of the
 * profiles that read Graph fail before anything is read), `?mock-rotation=fail` (Microsoft never
 * accepts the new certificate), `?mock-step-ms=N` (the pace of the fake progress),
 * `?mock-profiles=N` (a service provider's N profiles, tenant001…), `?mock-health=held` (each
 * profile's certificate check waits until the page calls `window.pbx365MockHealth.release()`).
 */
export interface MockScenario {
  sync: 'ok' | 'fail' | 'failures' | 'signin';
  rotation: 'ok' | 'fail';
  stepMs: number;
  /** Instead of the three demo profiles, this many. */
  manyProfiles?: number | undefined;
  healthHeld?: boolean | undefined;
}

/** What the browser tests read and do about the mock's certificate checks. */
export interface MockHealth {
  /** The most checks that were in flight at once. */
  most: number;
  /** Lets every held check (and every later one) answer. */
  release: () => void;
}

declare global {
  interface Window {
    pbx365MockHealth?: MockHealth;
    /** Sync previews wait here (open unless a test holds it). */
    pbx365MockPreviews?: MockGate;
  }
}

const SYNC_SCENARIOS: readonly MockScenario['sync'][] = ['ok', 'fail', 'failures', 'signin'];

export function scenarioFromAddress(search: string): MockScenario {
  const params = new URLSearchParams(search);
  const sync = SYNC_SCENARIOS.find((candidate) => candidate === params.get('mock-sync')) ?? 'ok';
  const stepMs = Number(params.get('mock-step-ms') ?? '120');
  const many = Number(params.get('mock-profiles'));
  return {
    sync,
    rotation: params.get('mock-rotation') === 'fail' ? 'fail' : 'ok',
    stepMs: Number.isFinite(stepMs) && stepMs >= 0 ? stepMs : 120,
    manyProfiles: Number.isInteger(many) && many > 0 ? many : undefined,
    healthHeld: params.get('mock-health') === 'held' ? true : undefined,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const COUNTED: Record<string, keyof OutcomeCounts> = {
  create: 'created',
  adopt: 'adopted',
  update: 'updated',
  disable: 'disabled',
};

/**
 * A command that writes (or plans writes) the mock answered, named and with the arguments as the
 * desktop app's command receives them, so the browser tests can check what the UI asked for.
 */
export type MockCall =
  | { command: 'sync_preview' | 'sync_now'; args: { profile: string; createUnclassified: boolean } }
  | { command: 'rotate_certificate'; args: { profile: string } }
  | { command: 'reset_run'; args: { profile: string; deleteApp: boolean } };

/** What the engine says when a profile's saved Microsoft sign-in no longer works (access/error.rs). */
export function signInNeeded(profile: string): string {
  return (
    `The saved Microsoft sign-in of the profile "${profile}" no longer works (the refresh token was revoked: AADSTS50173). ` +
    `Nothing was read or changed. Sign in to Microsoft again (pbx365 ms signin --profile ${profile}, or Set up again in the app), then start again.`
  );
}

/**
 * `calls` receives every sync preview and run, in order; profiles in `removed` (disconnected by the
 * mock reset) are no longer listed.
 */
export function createMockOperations(
  scenario: MockScenario,
  calls: MockCall[] = [],
  removed: ReadonlySet<string> = new Set(),
): SyncOperations & CertificateOperations {
  const cancelled = new Set<string>();
  let autostart = false;
  let nextRunId = 45;
  /** Where each profile's last rotation stopped, so the next one resumes there. */
  const stopped = new Map<string, StopRecord>();
  const all = () => (scenario.manyProfiles === undefined ? mockStatuses() : mockManyStatuses(scenario.manyProfiles));
  const statuses = () => all().filter((status) => !removed.has(status.profile));
  const health = heldHealth(scenario.healthHeld === true);
  const previews = mockGate(false);
  if (typeof window !== 'undefined') {
    window.pbx365MockPreviews = previews;
  }

  return {
    profileNames: async () => statuses().map((status) => status.profile),
    profileSummaries: async () => statuses().map((status) => mockProfileSummary(status.profile)),
    async syncPreview(profile, createUnclassified) {
      calls.push({ command: 'sync_preview', args: { profile, createUnclassified } });
      await sleep(scenario.stepMs * 3);
      await previews.wait();
      if (scenario.sync === 'signin' && mockSource(profile) === 'graph') {
        throw signInNeeded(profile);
      }
      return mockPlan(profile, createUnclassified);
    },
    async syncNow(profile, createUnclassified, onEvent) {
      calls.push({ command: 'sync_now', args: { profile, createUnclassified } });
      cancelled.delete(profile);
      const startedAt = mockDate(0);
      onEvent({ event: 'phase', phase: 'reading-settings' });
      await sleep(scenario.stepMs);
      onEvent({ event: 'phase', phase: 'reading-users' });
      if (scenario.sync === 'fail') {
        await sleep(scenario.stepMs);
        throw 'The PBX refused the sign-in: the session expired and the saved password no longer works. Open Connect PBX and sign in again, then sync.';
      }
      if (scenario.sync === 'signin' && mockSource(profile) === 'graph') {
        await sleep(scenario.stepMs);
        throw signInNeeded(profile);
      }
      const plan = mockPlan(profile, createUnclassified);
      onEvent({ event: 'read', side: 'microsoft', users: plan.actions.length + plan.skipped.length + plan.counts.unchanged });
      await sleep(scenario.stepMs);
      onEvent({ event: 'read', side: 'pbx', users: 231 });
      onEvent({ event: 'phase', phase: 'planning' });
      const runId = nextRunId++;
      onEvent({ event: 'planned', run_id: runId, counts: plan.counts });
      onEvent({ event: 'phase', phase: 'applying' });
      const counts: OutcomeCounts = {
        created: 0, adopted: 0, updated: 0, disabled: 0, failed: 0, not_done: 0,
        skipped: plan.counts.skip, reported: plan.counts.report, unchanged: plan.counts.unchanged,
      };
      const total = plan.actions.length;
      let done = 0;
      for (const action of plan.actions) {
        if (cancelled.has(profile)) {
          counts.not_done = total - done;
          break;
        }
        await sleep(scenario.stepMs);
        if (action.seq === 9) {
          onEvent({ event: 'waiting', millis: 2000, reason: { code: 'pbx-slow-down' } });
          await sleep(scenario.stepMs);
        }
        const fails = scenario.sync === 'failures' && action.seq % 7 === 2;
        const key = COUNTED[action.kind];
        if (fails) {
          counts.failed += 1;
        } else if (key !== undefined) {
          counts[key] += 1;
        }
        done += 1;
        const user: UserOutcome = {
          seq: action.seq, action: action.kind, status: fails ? 'failed' : 'done', object_id: action.object_id,
          principal: action.principal, pbx_user_id: action.pbx_user_id, pbx_name: action.pbx_name,
          extension: action.extension, reason: null,
          error: fails
            ? { code: 'pbx', detail: `The PBX refused ${action.pbx_name}: extension ${action.extension ?? ''} is already taken by a ring group.` }
            : null,
          notes: [],
        };
        onEvent({ event: 'progress', done, total, counts: { ...counts }, user });
      }
      const wasCancelled = cancelled.has(profile);
      const result: RunSummary = {
        id: runId, profile, started_at: startedAt, finished_at: startedAt, duration_ms: done * 850,
        status: wasCancelled ? 'cancelled' : counts.failed > 0 ? 'completed-with-failures' : 'completed',
        source: plan.source, resumed_from: null, planned: plan.counts, outcome: counts, error: null,
      };
      onEvent({ event: 'phase', phase: 'finished' });
      onEvent({ event: 'finished', summary: result });
      return result;
    },
    cancelSync: async (profile) => {
      cancelled.add(profile);
    },
    syncHistory: async (profile, limit) => mockHistory(profile).slice(0, limit),
    syncRun: async (runId) => mockRunDetail(runId),
    exportRunCsv: async (runId) => {
      const lines = mockRunDetail(runId).users.map((user) =>
        [user.seq, user.action ?? '', user.status, user.principal ?? '', user.pbx_name ?? '', user.extension ?? '', user.error ? describeUserFailure(user.error, 'en') : ''].join(','),
      );
      return ['seq,action,status,principal,pbx_name,extension,error', ...lines].join('\n');
    },
    drift: async () => {
      await sleep(scenario.stepMs * 2);
      return mockDrift();
    },
    certificateStatuses: async () => statuses(),
    async certificateStatus(profile) {
      await health.check();
      const status = statuses().find((candidate) => candidate.profile === profile);
      if (status === undefined) {
        throw `No profile is named '${profile}'.`;
      }
      return status;
    },
    lastVerification: async (profile) => mockVerification(profile),
    rotationPlan: async (profile) => rotationPlan(profile, stopped.get(profile)),
    async rotateCertificate(profile, onEvent) {
      calls.push({ command: 'rotate_certificate', args: { profile } });
      const plan = rotationPlan(profile, stopped.get(profile));
      for (const step of plan.steps.filter((candidate) => !candidate.done)) {
        const text = RUNNING[step.step];
        onEvent({ step: step.step, text, message: describeRotation(text, 'en'), waiting: step.step === 'wait-for-microsoft', hand_step: null });
        await sleep(scenario.stepMs * 4);
        if (scenario.rotation === 'fail' && step.step === 'wait-for-microsoft') {
          const failure: RotationFailure = {
            profile,
            step: 'wait-for-microsoft',
            // As the engine quotes the acceptance check's own sentence.
            cause: { code: 'quoted', detail: 'Microsoft did not accept the new certificate within 10 minutes (the PBX still gets AADSTS700027 when it lists users).' },
            sync_works: false,
            state: { code: 'not-accepted-yet' },
            next: { code: 'wait-then-run-again', profile },
          };
          stopped.set(profile, { step: failure.step, error: describeRotationCause(failure.cause, 'en'), cause: failure.cause, at: mockDate(0) });
          throw failure;
        }
      }
      stopped.delete(profile);
      return {
        profile,
        old_thumbprint: plan.current?.sha1_thumbprint ?? null,
        new_certificate: {
          subject: plan.current?.subject ?? `CN=${profile}`,
          sha1_thumbprint: 'D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3',
          sha256_thumbprint: 'A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F4A5B6C7D8E9F0A1B2',
          not_before: mockDate(0),
          not_after: mockDate(365),
        },
        certificate_file: `/home/admin/.config/pbx365/${profile}/public_key.pem`,
        removed: plan.current === null ? [] : [plan.current.sha1_thumbprint],
        remove_by_hand: null,
        users_listed: 248,
      };
    },
    autostartEnabled: async () => autostart,
    setAutostart: async (enabled) => {
      autostart = enabled;
    },
  };
}

/** What the engine says as each rotation step starts. */
const RUNNING: Record<RotationStep, RotationText> = {
  'generate-key-pair': { code: 'making-key-pair' },
  'add-new-certificate': { code: 'adding-certificate' },
  'wait-for-microsoft': { code: 'waiting-for-acceptance' },
  'remove-old-certificate': { code: 'removing-old-certificate' },
};

const ROTATION_STEPS: [RotationStep, string][] = [
  ['generate-key-pair', 'Generate a new key pair on the PBX'],
  ['add-new-certificate', 'Add the new certificate to the app'],
  ['wait-for-microsoft', 'Wait until Microsoft accepts it'],
  ['remove-old-certificate', 'Remove the old certificate from the app'],
];

function rotationPlan(profile: string, resumes: StopRecord | undefined): RotationPlan {
  const status = mockStatuses().find((candidate) => candidate.profile === profile);
  const firstToRun = resumes === undefined ? 0 : ROTATION_STEPS.findIndex(([step]) => step === resumes.step);
  return {
    profile,
    mode: 'auto',
    current: status?.pbx_certificate ?? null,
    resumes: resumes ?? null,
    steps: ROTATION_STEPS.map(([step, title], index) => ({ step, number: index + 1, title, done: index < firstToRun })),
    warnings:
      profile === 'fabrikam'
        ? [{ code: 'sync-soon', warning: { at: `${mockDate(0).slice(0, 10)} 02:00`, minutes: 8, unknown_zone: null } }, { code: 'sync-interrupted' }]
        : [{ code: 'sync-interrupted' }],
  };
}

/** The gate of `?mock-health=held`, and the count of checks in flight, on `window.pbx365MockHealth`. */
function heldHealth(held: boolean): { check: () => Promise<void> } {
  let inFlight = 0;
  const gate = mockGate(held);
  const state: MockHealth = { most: 0, release: gate.release };
  if (typeof window !== 'undefined') {
    window.pbx365MockHealth = state;
  }
  return {
    async check() {
      inFlight += 1;
      state.most = Math.max(state.most, inFlight);
      try {
        await gate.wait();
        // An answer takes a moment, as a PBX sign-in does, so checks overlap.
        await sleep(held ? 20 : 0);
      } finally {
        inFlight -= 1;
      }
    },
  };
}
