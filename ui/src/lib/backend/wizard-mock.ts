import type { AppRegistrationInput } from '../bindings/AppRegistrationInput';
import type { AppRegistrationSummary } from '../bindings/AppRegistrationSummary';
import type { CheckId } from '../bindings/CheckId';
import type { ConsentSummary } from '../bindings/ConsentSummary';
import type { CheckMessage } from '../bindings/CheckMessage';
import type { DoctorReport } from '../bindings/DoctorReport';
import type { Change } from '../bindings/Change';
import type { ChangeCode } from '../bindings/ChangeCode';
import type { ChangeTarget } from '../bindings/ChangeTarget';
import type { EditionWarning } from '../bindings/EditionWarning';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { HandStep } from '../bindings/HandStep';
import type { KeyPairSummary } from '../bindings/KeyPairSummary';
import type { MicrosoftSummary } from '../bindings/MicrosoftSummary';
import type { NationalCloud } from '../bindings/NationalCloud';
import type { PbxSummary } from '../bindings/PbxSummary';
import type { PbxEdition } from '../bindings/PbxEdition';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { ProgressText } from '../bindings/ProgressText';
import type { Profile } from '../bindings/Profile';
import type { Review } from '../bindings/Review';
import type { StepId } from '../bindings/StepId';
import type { SyncOptions } from '../bindings/SyncOptions';
import type { SyncOptionsNotice } from '../bindings/SyncOptionsNotice';
import type { SyncOptionsSummary } from '../bindings/SyncOptionsSummary';
import type { WizardState } from '../bindings/WizardState';
import type { WizardWarning } from '../bindings/WizardWarning';
import { ADMIN_SIGN_IN_GONE, adminSignInOffered, compareVersions, parseVersion } from '../connect/edition';
import { nextRuns, scheduleFromCron } from '../sync-options/cron';
import { completedAfter, ENGINE_ORDER } from '../wizard/progress';
import type { DemoDefaults, WizardOperations } from './wizard-operations';
import { describeProgress } from '../i18n/progress';
import { mockGate, type MockGate } from './mock-gate';

/** What the engine says while it re-reads a step of a saved profile. */
const RESUMING: Record<StepId, ProgressText> = {
  'connect-pbx': { code: 'connecting-pbx' },
  microsoft: { code: 'resuming-microsoft-sign-in' },
  'app-registration': { code: 'looking-for-app-registration' },
  'key-pair': { code: 'reading-pbx-settings' },
  consent: { code: 'reading-app-registration' },
  'sync-options': { code: 'read-pbx-users', read: 400 },
  review: { code: 'reading-pbx-settings' },
  apply: { code: 'reading-pbx-settings' },
  verify: { code: 'checking-pbx' },
};

/**
 * How the mock wizard misbehaves, read from the page address so the browser tests can ask for
 * it: `?mock-fail=<step id>` makes that step fail as the engine would, `?mock-step-ms=N` sets
 * the pace of the fake progress (and so how long Cancel has to act), `?mock-pbx=22.2` the
 * PortSIP version the PBX reports (22.6.0 by default, the newest pbx365 knows; any text is
 * passed on as the PBX would write it, so `?mock-pbx=23.0.1` or `?mock-pbx=nightly` show the
 * engine's warnings), `?mock-checks=held` the review's checks stay in progress until the page
 * calls `window.pbx365MockChecks.release()`.
 */
export interface WizardScenario {
  fail: StepId | null;
  stepMs: number;
  pbxVersion: string;
  /** `?mock-expired=pbx|microsoft`: that saved sign-in of the saved profiles no longer works. */
  expired: 'connect-pbx' | 'microsoft' | null;
  /** `?mock-demo`: demo mode, the connection form prefilled with the mock PBX. */
  demo?: boolean;
  /** `?mock-demo=china`: the demo's Microsoft emulator plays 21Vianet's cloud. */
  demoCloud?: NationalCloud;
  checksHeld?: boolean;
}

declare global {
  interface Window {
    /** The wizard commands the mock answered, in order, for the browser tests to read. */
    pbx365WizardCalls?: string[];
    /** The gate of `?mock-checks=held`. */
    pbx365MockChecks?: MockGate;
  }
}

/** The PortSIP version of the mock PBX unless the address names another. */
export const MOCK_PBX_VERSION = '22.6.0';

export function wizardScenarioFromAddress(search: string): WizardScenario {
  const params = new URLSearchParams(search);
  const stepMs = Number(params.get('mock-step-ms') ?? '120');
  const version = params.get('mock-pbx')?.trim() || MOCK_PBX_VERSION;
  const expired = params.get('mock-expired');
  return {
    expired: expired === 'pbx' ? 'connect-pbx' : expired === 'microsoft' ? 'microsoft' : null,
    demo: params.has('mock-demo'),
    demoCloud: params.get('mock-demo') === 'china' ? 'china' : 'global',
    checksHeld: params.get('mock-checks') === 'held',
    fail: (params.get('mock-fail') as StepId | null) ?? null,
    stepMs: Number.isFinite(stepMs) && stepMs >= 0 ? stepMs : 120,
    // "22.2" is written as PortSIP writes a release: 22.2.0.
    pbxVersion: /^\d+\.\d+$/.test(version) ? `${version}.0` : version,
  };
}

const BUILT_FOR = { oldest: '22.2.0', newest: '22.6' };

/**
 * What the mock PBX's `GET /tenant/status` gives the engine: the version, a licence for 400
 * users of which 212 are used, and the engine's warning for a version it was not built for
 * (crates/pbx365/src/pbx_versions.rs).
 */
export function mockEdition(versionText: string): PbxEdition {
  const version = parseVersion(versionText);
  const named = version && `${version.major}.${version.minor}.${version.patch}`;
  const warning: EditionWarning | null =
    version === null
      ? { code: 'unreadable', version: versionText, ...BUILT_FOR }
      : compareVersions(version, { major: 22, minor: 2, patch: 0 }) < 0
        ? { code: 'too-old', version: named ?? versionText, ...BUILT_FOR }
        : compareVersions(version, { major: 22, minor: 7, patch: 0 }) >= 0
          ? { code: 'too-new', version: named ?? versionText, ...BUILT_FOR }
          : null;
  return { version: versionText, licensed_users: 400, current_users: 212, warning };
}

/**
 * The engine's rule for "administrators who sign in with Microsoft" (wizard/sync_options.rs
 * `fit_version`): gone from 22.6, so a list given there is refused on its field. The mock has no
 * saved profile whose list could be dropped with a notice instead.
 */
function fitVersion(options: SyncOptions, edition: PbxEdition): SyncOptionsNotice[] {
  if (adminSignInOffered(edition) || options.sso.administrators.length === 0) {
    return [];
  }
  throw {
    code: 'input',
    message: `${ADMIN_SIGN_IN_GONE} Leave the list of administrators empty.`,
    field: 'sso.administrators',
    apply_step: null,
  } satisfies ErrorReport;
}

/** What each step fails with in the `mock-fail` scenario: the engine's sentences. */
export const MOCK_FAILURES: Record<StepId, ErrorReport> = {
  'connect-pbx': {
    code: 'pbx',
    message:
      'The PBX refused the user name or password for pbxadmin. Check them in the PortSIP portal and sign in again. Nothing was changed.',
    field: 'password',
    apply_step: null,
  },
  microsoft: {
    code: 'sign-in-declined',
    message:
      'The Microsoft sign-in was cancelled in the browser, so pbx365 has no access to your tenant. Nothing was changed. Start the sign-in again and choose Accept (or use guided mode).',
    params: {},
    field: null,
    apply_step: null,
  },
  'app-registration': {
    code: 'cannot-grant',
    message:
      'admin@contoso.example cannot grant the Graph application permissions the chosen features need (User.Read.All, Contacts.Read): that takes a Global Administrator or Privileged Role Administrator. Nothing was changed.',
    params: { account: 'admin@contoso.example', permissions: 'User.Read.All, Contacts.Read' },
    field: null,
    apply_step: null,
  },
  'key-pair': {
    code: 'pbx',
    message: 'The PBX did not answer within 30 seconds. Check that it is running and reachable, then run this step again.',
    field: null,
    apply_step: null,
  },
  consent: { code: 'internal', message: 'The consent could not be planned.', field: null, apply_step: null },
  'sync-options': {
    code: 'input',
    message: 'Extension 1000 is already taken on the PBX (Anna Schmidt). Choose a starting extension that is free, e.g. 1300.',
    field: 'starting_extension',
    apply_step: null,
  },
  review: {
    code: 'pbx-gone',
    message:
      'The PBX at https://pbx.contoso.example:8887 cannot be reached any more (connection refused). Nothing was changed. Check that the PBX is running and reachable, then run the review and apply again.',
    params: { url: 'https://pbx.contoso.example:8887', reason: 'connection refused' },
    field: null,
    apply_step: null,
  },
  apply: {
    code: 'apply-failed',
    message:
      'Applying stopped at "Settings on the PBX": the PBX cannot be reached. What was done before is kept and recorded in the profile; run the setup again to finish — it continues where it stopped and creates nothing twice.',
    field: null,
    apply_step: 'pbx-settings',
  },
  verify: {
    code: 'not-verified',
    message:
      'The PBX did not list the Microsoft 365 users within 600 seconds: The PBX answered 401. Entra may still be replicating the app or its certificate: wait a few minutes and verify again (pbx365 doctor).',
    params: { seconds: '600', last: 'The PBX answered 401.', mode: 'auto' },
    field: null,
    apply_step: null,
  },
};

/** What the mock's demo mode prefills: the mock PBX and its administrator. */
const MOCK_DEMO: DemoDefaults = {
  pbxUrl: 'https://pbx.contoso.example:8887',
  username: 'pbxadmin',
  password: 'Admin-pbx365!',
  domain: 'contoso.example',
  caPem: null,
  microsoftAuthority: 'https://login.contoso.example',
  microsoftCloud: 'global',
  microsoftAdmin: 'admin@contoso.example',
};

const TENANT_ID = '8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a80';
const APP_ID = '3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e';
const PERMISSIONS = ['User.Read.All', 'Contacts.Read', 'MailboxSettings.Read'];

const APPLIED_APP = { app_id: APP_ID, object_id: null, service_principal_id: null, display_name: 'PortSIP PBX (contoso.example)' };

const CERTIFICATE = {
  subject: 'CN=pbx365 contoso.example',
  sha1_thumbprint: '4A:1F:9C:22:7B:E0:13:5D:88:C4:0A:6E:F2:91:3B:7D:50:AA:19:C6',
  sha256_thumbprint: '9E:04:B7:31:6C:D2:48:AF:15:E9:70:2B:C3:5A:8D:F6:41:0E:97:DC:23:B8:6F:1A:C5:72:E4:09:3D:8B:56:FA',
  not_before: '2026-11-23T00:00:00Z',
  not_after: '2028-11-22T23:59:59Z',
};

function emptyProfile(name: string): Profile {
  return {
    name,
    pbx: { url: '', username: '', domain: null, ca_pem: null, pin_sha256: null, remember_password: false },
    microsoft: { mode: 'auto', cloud: { kind: 'global' }, client_id: null, tenant_id: null, tenant_name: null, tenant_domain: null, account: null },
    app: null,
    features: [],
    optional_grants: [],
    sync: null,
    certificate_path: null,
    last_verification: null,
    apply: null,
  };
}

/** The profiles the mock's dashboard lists (mock-data.ts), as set up before: contoso in automatic mode, fabrikam in guided mode. */
export function mockSavedProfile(name: string): Profile | null {
  if (name !== 'contoso' && name !== 'fabrikam') {
    return null;
  }
  const guided = name === 'fabrikam';
  return {
    ...emptyProfile(name),
    pbx: { url: `https://pbx.${name}.example:8887`, username: 'admin', domain: `${name}.example`, ca_pem: null, pin_sha256: null, remember_password: false },
    microsoft: {
      ...emptyProfile(name).microsoft,
      mode: guided ? 'guided' : 'auto',
      tenant_id: TENANT_ID,
      tenant_name: guided ? 'Fabrikam Inc' : 'Contoso Ltd',
      account: guided ? null : `admin@${name}.example`,
    },
    app: { app_id: APP_ID, object_id: null, service_principal_id: null, display_name: `PortSIP PBX (${name}.example)` },
    features: ['users', 'sso'],
    sync: {
      sync_time: '0 2 * * *',
      users: { starting_extension: '1300', sync_photos: true, sync_guests: false, scope: { kind: 'all' }, pbx_concurrency: 12 },
      sso: { administrators: [], standard_users: { kind: 'all' } },
      personal_contacts: { kind: 'all' },
      shared_mailboxes: { kind: 'all' },
    },
  };
}

/** The review's lines for settings that differ between what the PBX has and what the options want. */
function settingChanges(before: SyncOptions | null, after: SyncOptions): Change[] {
  const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const fields: [string, string, unknown, unknown][] = [
    ['sync_time', 'Sync schedule', before?.sync_time ?? null, after.sync_time],
    ['users.starting_extension_number', 'Starting extension', before?.users.starting_extension ?? null, after.users.starting_extension],
    ['users.sync_photo', 'Sync photos', before?.users.sync_photos ?? null, after.users.sync_photos],
    ['users.sync_guest_users', 'Sync guest users', before?.users.sync_guests ?? null, after.users.sync_guests],
    ['users.sync_type', 'Which users are synced', before ? shown(before.users.scope) : null, shown(after.users.scope)],
  ];
  return fields
    .filter(([, , was, will]) => shown(was) !== shown(will))
    .map(([field, label, was, will]) => ({
      target: 'pbx',
      summary: label,
      code: 'setting',
      params: {},
      field,
      before: was === null ? '(not set)' : shown(was),
      after: shown(will),
    }));
}

/** The profile's own sync setting, when it changes (wizard/review.rs `concurrency_change`; 8 when unset). */
function concurrencyChange(before: SyncOptions | null, after: SyncOptions): Change[] {
  const was = String(before?.users.pbx_concurrency ?? 8);
  const will = String(after.users.pbx_concurrency ?? 8);
  return was === will
    ? []
    : [{ target: 'this-computer', summary: 'Users written to the PBX at once', code: 'setting', params: {}, field: 'users.pbx_concurrency', before: was, after: will }];
}

const APP_NAME = 'PortSIP PBX (contoso.example)';
const REDIRECT_URI = 'https://pbx.contoso.example:8887/api/ms365/callback';

/** A review row for an action, as the engine sends it (wizard/review.rs `Change::action`). */
function action(target: ChangeTarget, code: ChangeCode, params: Record<string, string>, summary: string): Change {
  return { target, summary, code, params, field: null, before: null, after: null };
}

/** The app registration a new setup creates (wizard/plan.rs `registration_changes`). */
function createApp(name: string): Change {
  const permissions = PERMISSIONS.join(', ');
  return action('entra', 'create-app', { name, uris: REDIRECT_URI, permissions },
    `Create the app registration "${name}": single tenant, web Redirect URI(s) ${REDIRECT_URI}, ID tokens on, Graph application permissions ${permissions}.`);
}

const KEY_PAIR: KeyPairSummary = {
  action: 'generate',
  reason: { code: 'no-key-pair' },
  certificate: null,
  days_left: null,
  on_app: null,
  other_keys_on_app: 0,
  warnings: [],
};

const CHECKS: [CheckId, string][] = [
  ['pbx-reachable', 'The PBX is reachable and its TLS certificate is valid'],
  ['pbx-admin-role', 'The PBX account is an administrator'],
  ['pbx-settings-match', "The PBX's Microsoft 365 settings match the profile"],
  ['pbx-certificate', 'The PBX has a certificate'],
  ['redirect-uris', "The app's Redirect URIs equal the PBX's"],
  ['certificate-on-app', 'The certificate on the PBX is one the app holds'],
  ['permissions-exact', 'The app has exactly the permissions the features need'],
  ['permissions-granted', 'The permissions are granted'],
  ['pbx-lists-users', 'The PBX lists Microsoft 365 users'],
];

/** What each check says when it passes, as the engine sends it (code and values). */
const PASSED: Record<CheckId, CheckMessage> = {
  'pbx-reachable': { code: 'reachable-https', params: { url: 'https://pbx.contoso.example:8887/' } },
  'pbx-admin-role': { code: 'admin-role', params: { username: 'admin', role: 'Admin' } },
  'pbx-settings-match': {
    code: 'settings-match',
    params: { app: '3f2b9c1e-7d4a-4e8b-9a6f-1c2d3e4f5a6b', directory: '72f988bf-86f1-41af-91ab-2d7cd011db47', cloud: 'GLOBAL' },
  },
  'pbx-certificate': {
    code: 'certificate-valid',
    params: { thumbprint: '77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F', not_after: '2027-12-06T00:00:00Z', days: '365' },
  },
  'redirect-uris': { code: 'redirect-uris-match', params: { uris: 'https://pbx.contoso.example:8887/api/ms365/callback' } },
  'certificate-on-app': {
    code: 'certificate-on-app',
    params: {
      thumbprint: '77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F',
      not_before: '2026-12-06T00:00:00Z',
      not_after: '2027-12-06T00:00:00Z',
      others: '0',
    },
  },
  'permissions-exact': { code: 'permissions-declared', params: { permissions: 'Contacts.Read, User.Read.All', pbx: 'PortSIP 22.6' } },
  'permissions-granted': { code: 'permissions-granted', params: { permissions: 'Contacts.Read, User.Read.All', pbx: 'PortSIP 22.6' } },
  'pbx-lists-users': { code: 'lists-users', params: { count: '212' } },
};

function doctorReport(profile: string, passed: boolean): DoctorReport {
  return {
    profile,
    mode: 'auto',
    at: new Date().toISOString(),
    passed,
    edition: null,
    checks: CHECKS.map(([id, title]) => {
      const failing = !passed && id === 'permissions-granted';
      return {
        id,
        title,
        status: failing ? 'fail' : 'pass',
        explanation: failing ? 'Contacts.Read is not granted yet.' : 'As expected.',
        fix: failing ? 'Open the admin-consent link and accept, then verify again.' : null,
        explanation_message: failing
          ? { code: 'permissions-missing', params: { missing: 'Contacts.Read', pbx: 'PortSIP 22.6' } }
          : PASSED[id],
        fix_message: failing ? { code: 'fix-consent', params: {} } : null,
        skip_by_design: false,
      };
    }),
  };
}

/** The wizard without a backend: plausible answers, progress, cancellation and failures. */
export function createMockWizard(scenario: WizardScenario): WizardOperations {
  const listeners = new Set<(event: ProgressEvent) => void>();
  let cancel: (() => void) | null = null;
  let profile = 'contoso';
  const edition = mockEdition(scenario.pbxVersion);
  let notices: SyncOptionsNotice[] = [];
  // The review lists the notices among its warnings.
  const noticeWarnings = (): WizardWarning[] => notices.map((notice) => ({ code: 'sync-options', notice }));
  const calls: string[] = [];
  const checksGate = mockGate(scenario.checksHeld === true);
  if (typeof window !== 'undefined') {
    window.pbx365WizardCalls = calls;
    window.pbx365MockChecks = checksGate;
  }
  // What the engine would hold: the saved profiles (apply saves), and this run's findings.
  const saved = new Map<string, Profile>();
  const savedProfile = (name: string) => saved.get(name) ?? mockSavedProfile(name);
  let found: WizardState = openState('contoso', null);
  let options: SyncOptions | null = null;

  function openState(name: string, profileSaved: Profile | null): WizardState {
    return {
      profile: profileSaved ?? emptyProfile(name),
      profile_exists: profileSaved !== null,
      completed: [],
      next: 'connect-pbx',
      pbx: null,
      microsoft: null,
      app_registration: null,
      key_pair: null,
      consent: null,
      sync_options: null,
      review: null,
      apply: null,
      verification: null,
    };
  }

  /** Records what a step found, as the engine's state would (a step that starts forgets its successors). */
  function record<T>(step: StepId, work: Promise<T>, keep: (value: T) => Partial<WizardState>): Promise<T> {
    calls.push(step);
    const forgotten = completedAfter(found.completed, step, 'failed');
    found = { ...found, completed: forgotten, next: step };
    return work.then((value) => {
      const completed = completedAfter(forgotten, step, 'ok');
      found = { ...found, ...keep(value), completed, next: ENGINE_ORDER[completed.length] ?? null };
      return value;
    });
  }

  const emit = (step: StepId, text: ProgressText, extra: Partial<ProgressEvent> = {}) => {
    const message = describeProgress(text, 'en');
    const event: ProgressEvent = { step, text, message, done: null, total: null, waiting: false, device_code: null, ...extra };
    listeners.forEach((listener) => listener(event));
  };

  /**
   * Runs a fake step: the engine's progress texts one per tick, cancellable, failing on request.
   * `stepOf` names the step of each text when one call runs several (the checklist).
   */
  function run<T>(step: StepId, texts: ProgressText[], answer: () => T, stepOf: readonly StepId[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let index = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      cancel = () => {
        clearTimeout(timer);
        cancel = null;
        reject({
          code: 'cancelled',
          message: `${step} was cancelled. Nothing further was changed; run the step again to continue.`,
          field: null,
          apply_step: null,
        } satisfies ErrorReport);
      };
      const tickOnce = () => {
        const text = texts[index];
        if (text !== undefined) {
          emit(stepOf[index] ?? step, text, { done: index + 1, total: texts.length });
          index += 1;
          timer = setTimeout(tickOnce, scenario.stepMs);
          return;
        }
        cancel = null;
        if (scenario.fail === step) {
          reject(MOCK_FAILURES[step]);
          return;
        }
        try {
          resolve(answer());
        } catch (refusal) {
          reject(refusal);
        }
      };
      tickOnce();
    });
  }

  function pbxSummary(url: string, domain: string | null, kept: Profile | null): PbxSummary {
    return {
      api_url: `${url.replace(/\/$/, '')}/api`,
      web_domain: 'pbx.contoso.example',
      tenant_name: 'Contoso',
      tenant_domain: domain,
      role: 'Admin',
      timezone: 'Europe/Berlin',
      redirect_uris: ['https://pbx.contoso.example:8887/api/ms365/callback'],
      current: {
        application_id: kept?.app?.app_id ?? null,
        directory_id: kept?.microsoft.tenant_id ?? null,
        national_cloud: kept ? 'GLOBAL' : null,
        sync_time: kept?.sync?.sync_time ?? null,
      },
      certificate: kept ? CERTIFICATE : null,
      certificate_valid: kept !== null,
      edition,
    };
  }

  const autoSummary = (): MicrosoftSummary => ({
    mode: 'auto',
    tenant_id: TENANT_ID,
    tenant_name: 'Contoso Ltd',
    verified_domains: ['contoso.example'],
    account: 'admin@contoso.example',
    roles: ['Global Administrator'],
    can_grant_permissions: true,
    app_id: null,
    warnings: [],
  });

  const guidedSummary = (tenantId: string, appId: string): MicrosoftSummary => ({
    mode: 'guided',
    tenant_id: tenantId,
    tenant_name: 'Contoso Ltd',
    verified_domains: ['contoso.example'],
    account: null,
    roles: [],
    can_grant_permissions: null,
    app_id: appId,
    warnings: [],
  });

  function syncSummary(chosen: SyncOptions, shownNotices: SyncOptionsNotice[]): SyncOptionsSummary {
    const schedule = scheduleFromCron(chosen.sync_time) ?? { hour: 2, minute: 0, days: 'daily' as const };
    return {
      options: chosen,
      notices: shownNotices,
      next_runs: nextRuns(schedule, new Date(), 3).map((run) => run.toISOString()),
      timezone: 'Europe/Berlin',
    };
  }

  /** What the resume of a saved profile finds at `step`: the profile as it was set up, kept as it is. */
  function resumedFindings(step: StepId, kept: Profile): Partial<WizardState> {
    switch (step) {
      case 'connect-pbx':
        return { pbx: pbxSummary(kept.pbx.url, kept.pbx.domain, kept) };
      case 'microsoft':
        return { microsoft: kept.microsoft.mode === 'guided' ? guidedSummary(TENANT_ID, APP_ID) : autoSummary() };
      case 'app-registration':
        return {
          app_registration: {
            action: 'keep',
            display_name: kept.app?.display_name ?? `PortSIP PBX (${kept.name}.example)`,
            app_id: APP_ID,
            object_id: null,
            redirect_uris: ['https://pbx.contoso.example:8887/api/ms365/callback'],
            permissions: PERMISSIONS,
            changes: [],
            hand_steps: [],
          },
        };
      case 'key-pair':
        return {
          key_pair: {
            ...KEY_PAIR,
            action: 'reuse',
            reason: { code: 'still-valid', thumbprint: CERTIFICATE.sha1_thumbprint, not_after: CERTIFICATE.not_after },
            certificate: CERTIFICATE,
            on_app: true,
          },
        };
      case 'consent':
        return { consent: { permissions: PERMISSIONS, to_grant: [], already_granted: PERMISSIONS, superfluous: [], admin_consent_url: null, hand_steps: [] } };
      case 'sync-options':
        return kept.sync ? { sync_options: syncSummary(kept.sync, []) } : {};
      default:
        return {};
    }
  }

  const guided = () => found.microsoft?.mode === 'guided';
  const guidedIds = () => ({ appId: found.microsoft?.app_id ?? APP_ID, tenantId: found.microsoft?.tenant_id ?? TENANT_ID });
  const portal = (appId: string, blade: string) =>
    `https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/${blade}/appId/${appId}/isMSAApp~/false`;

  /** Guided mode's steps in Entra that prepare the app, as the engine makes them (guided.rs `registration_steps`). */
  const registrationSteps = (): HandStep[] => {
    const { appId, tenantId } = guidedIds();
    return [
      {
        text: { code: 'add-redirect-uris', count: 1 },
        link: { label: 'authentication', url: portal(appId, 'Authentication') },
        copy: [
          { label: 'redirect-uri', value: REDIRECT_URI },
          { label: 'application-id', value: appId },
          { label: 'directory-id', value: tenantId },
        ],
      },
      {
        text: { code: 'add-graph-permissions', permissions: PERMISSIONS },
        link: { label: 'api-permissions', url: portal(appId, 'CallAnAPI') },
        copy: PERMISSIONS.map((value) => ({ label: 'permission', value })),
      },
    ];
  };

  /** The review's further guided steps: upload the certificate, grant consent (guided.rs). */
  const reviewHandSteps = (): HandStep[] => {
    const { appId, tenantId } = guidedIds();
    const path = `/home/admin/.config/pbx365/profiles/${profile}/public_key.pem`;
    const consent = `https://login.microsoftonline.com/${tenantId}/v2.0/adminconsent?client_id=${appId}&scope=https://graph.microsoft.com/.default`;
    return [
      {
        text: { code: 'upload-certificate', path, thumbprint: null },
        link: { label: 'certificates', url: portal(appId, 'Credentials') },
        copy: [{ label: 'file', value: path }],
      },
      {
        text: { code: 'grant-consent' },
        link: { label: 'admin-consent', url: consent },
        copy: [
          { label: 'admin-consent-link', value: consent },
          { label: 'api-permissions-page', value: portal(appId, 'CallAnAPI') },
        ],
      },
    ];
  };

  const reviewOf = (changes: Change[], warnings: WizardWarning[]): Review => ({
    changes,
    warnings,
    hand_steps: guided() ? [...registrationSteps(), ...reviewHandSteps()] : [],
    nothing_to_change: changes.length === 0,
    app: {
      action: 'create',
      display_name: 'PortSIP PBX (contoso.example)',
      app_id: null,
      object_id: null,
      redirect_uris: [],
      permissions: PERMISSIONS,
      changes: [],
      hand_steps: [],
    },
    key_pair: KEY_PAIR,
    consent: { permissions: PERMISSIONS, to_grant: PERMISSIONS, already_granted: [], superfluous: [], admin_consent_url: null, hand_steps: [] },
  });

  /** A saved profile's review: only the settings the options change on the PBX. */
  const resumedReview = (): Review =>
    reviewOf(options ? [...settingChanges(found.profile.sync, options), ...concurrencyChange(found.profile.sync, options)] : [], noticeWarnings());

  // Guided mode: pbx365 changes nothing in Entra (the hand steps say what to do there), and the
  // PBX gets the IDs the admin pasted.
  const newReview = (): Review =>
    reviewOf(
      ([
        createApp(APP_NAME),
        action('entra', 'create-service-principal', {}, "Create the app's service principal (its enterprise application)."),
        action('pbx', 'generate-key-pair', {}, 'The PBX has no key pair for Microsoft 365 yet; it will generate one.'),
        action('entra', 'add-new-certificate', { others: '0' }, "Add the PBX's new certificate to the app, keeping its 0 other key(s)."),
        ...PERMISSIONS.map((permission) =>
          action('entra', 'grant-permission', { permission }, `Grant the Graph application permission ${permission} (admin consent for the organisation).`),
        ),
        { target: 'pbx', summary: 'Application (client) ID', code: 'setting', params: {}, field: 'application_id', before: '(not set)', after: guided() ? guidedIds().appId : "(the new app's ID)" },
        { target: 'pbx', summary: 'Directory (tenant) ID', code: 'setting', params: {}, field: 'directory_id', before: '(not set)', after: guidedIds().tenantId },
        ...settingChanges(null, options ?? mockSavedProfile('contoso')!.sync!).slice(0, 1),
        action('this-computer', 'create-profile', { profile }, `Create the profile "${profile}" (no secrets in it).`),
        action('this-computer', 'save-pbx-sign-in', {}, 'Save the PBX sign-in (refresh token) in the OS keyring.'),
      ] satisfies Change[]).filter((change) => !(guided() && change.target === 'entra')),
      [...(edition.warning === null ? [] : [{ code: 'edition' as const, warning: edition.warning }]), ...noticeWarnings()],
    );

  const appAnswer = (input: AppRegistrationInput): AppRegistrationSummary => ({
    action: guided() ? 'by-hand' : 'create',
    display_name: input.display_name ?? 'PortSIP PBX (contoso.example)',
    app_id: guided() ? guidedIds().appId : null,
    object_id: null,
    redirect_uris: ['https://pbx.contoso.example:8887/api/ms365/callback'],
    permissions: PERMISSIONS,
    changes: guided() ? [] : [createApp(input.display_name ?? APP_NAME)],
    hand_steps: guided() ? registrationSteps() : [],
  });
  const consentAnswer = (): ConsentSummary => ({
    permissions: PERMISSIONS,
    to_grant: PERMISSIONS,
    already_granted: [],
    superfluous: [],
    admin_consent_url: null,
    hand_steps: [],
  });
  const syncAnswer = (chosen: SyncOptions): SyncOptionsSummary => {
    notices = fitVersion(chosen, edition);
    options = chosen;
    return syncSummary(chosen, notices);
  };

  return {
    demoDefaults: async () => (scenario.demo ? { ...MOCK_DEMO, microsoftCloud: scenario.demoCloud ?? 'global' } : null),
    wizardOpen: async (name) => {
      profile = name;
      calls.push(`open ${name}`);
      found = openState(name, savedProfile(name));
      options = null;
      return found;
    },
    wizardState: async () => found,
    wizardResume: async (until) => {
      calls.push(`resume ${until}`);
      const kept = found.profile_exists ? found.profile : null;
      if (kept === null) {
        throw {
          code: 'input',
          message: `The profile "${profile}" is not saved yet, so there is nothing to resume: set it up from the first step.`,
          field: 'profile',
          apply_step: null,
        } satisfies ErrorReport;
      }
      const steps = ENGINE_ORDER.slice(0, ENGINE_ORDER.indexOf(until));
      for (const step of steps) {
        if (scenario.expired === step) {
          // As the engine: Microsoft's own reason is quoted, the PBX's refusal has none.
          const microsoft = step === 'microsoft';
          throw {
            code: 'sign-in-again',
            message: `The ${microsoft ? 'Microsoft' : 'PBX'} sign-in saved for the profile "${profile}" no longer works (${microsoft ? 'the refresh token expired' : 'the PBX refused it, or it was never kept'}). Nothing was changed. Sign in again on the step "${microsoft ? 'Microsoft account' : 'Connect to the PBX'}" to go on.`,
            params: {
              profile,
              step,
              service: microsoft ? 'Microsoft' : 'PBX',
              ...(microsoft ? { reason: 'the refresh token expired' } : {}),
            },
            field: null,
            apply_step: null,
          } satisfies ErrorReport;
        }
        const done = completedAfter(found.completed, step, 'ok');
        found = { ...found, ...resumedFindings(step, kept), completed: done, next: ENGINE_ORDER[done.length] ?? null };
        emit(step, RESUMING[step]);
        await new Promise((resolve) => setTimeout(resolve, scenario.stepMs));
      }
      options = found.sync_options?.options ?? null;
      return found;
    },
    connectPbx: (login) =>
      record(
        'connect-pbx',
        run('connect-pbx', [{ code: 'connecting-pbx' }], () =>
          pbxSummary(login.url, login.domain, found.profile_exists ? found.profile : null),
        ),
        (pbx) => ({ pbx }),
      ),
    signInMicrosoft: (input) =>
      record(
        'microsoft',
        run(
          'microsoft',
          input.method === 'device-code'
            ? [{ code: 'enter-device-code', verification_uri: 'https://microsoft.com/devicelogin', user_code: 'MOCK-CODE' }, { code: 'reading-tenant' }]
            : [{ code: 'waiting-for-browser-sign-in' }, { code: 'reading-tenant' }],
          () => autoSummary(),
        ),
        (microsoft) => ({ microsoft }),
      ),
    useGuidedIds: (input) =>
      record(
        'microsoft',
        run('microsoft', [{ code: 'checking-tenant-exists' }], () => guidedSummary(input.tenant_id, input.app_id)),
        (microsoft) => ({ microsoft }),
      ),
    planAppRegistration: (input) =>
      record(
        'app-registration',
        run('app-registration', [{ code: 'looking-for-app-registration' }], () => appAnswer(input)),
        (app_registration) => ({ app_registration }),
      ),
    planKeyPair: () => record('key-pair', run('key-pair', [], () => KEY_PAIR), (key_pair) => ({ key_pair })),
    planConsent: () => record('consent', run('consent', [], consentAnswer), (consent) => ({ consent })),
    runChecks: (input) => {
      calls.push('checks');
      const forgotten = completedAfter(found.completed, 'app-registration', 'failed');
      found = { ...found, completed: forgotten, next: 'app-registration' };
      // One call for four steps, their reads at once: each check's progress under its own step.
      const texts: [StepId, ProgressText][] = [
        ['app-registration', { code: 'looking-for-app-registration' }],
        ['sync-options', { code: 'read-pbx-users', read: 200 }],
        ['app-registration', { code: 'reading-app-registration' }],
      ];
      const steps: StepId[] = ['app-registration', 'key-pair', 'consent', 'sync-options'];
      const failing = steps.find((step) => step === scenario.fail && step !== 'app-registration');
      const checked = run(
        'app-registration',
        texts.map(([, text]) => text),
        () => {
          const findings: Partial<WizardState> = {
            app_registration: appAnswer(input.app),
            key_pair: KEY_PAIR,
            consent: consentAnswer(),
            ...(failing === 'sync-options' ? {} : { sync_options: syncAnswer(input.sync) }),
          };
          const done = failing ? steps.slice(0, steps.indexOf(failing)) : steps;
          const completed = [...forgotten, ...done];
          found = { ...found, ...findings, completed, next: ENGINE_ORDER[completed.length] ?? null };
          if (failing) {
            throw MOCK_FAILURES[failing];
          }
          return found;
        },
        texts.map(([step]) => step),
      );
      return checked.then(async (answer) => {
        await checksGate.wait();
        return answer;
      });
    },
    openAdminConsent: async () => undefined,
    setSyncOptions: (chosen) =>
      record(
        'sync-options',
        run('sync-options', [{ code: 'read-pbx-users', read: 200 }, { code: 'read-pbx-users', read: 400 }], () => syncAnswer(chosen)),
        (sync_options) => ({ sync_options }),
      ),
    review: () =>
      record(
        'review',
        run('review', [{ code: 'reading-pbx-settings' }, { code: 'reading-app-registration' }], () =>
          found.profile_exists ? resumedReview() : newReview(),
        ),
        (review) => ({ review }),
      ),
    apply: () =>
      record(
        'apply',
        run(
          'apply',
          [
            { code: 'applying', step: 'preflight' },
            { code: 'applying', step: 'app-registration' },
            { code: 'applying', step: 'service-principal' },
            { code: 'applying', step: 'key-pair' },
            { code: 'applying', step: 'certificate-on-app' },
            { code: 'entra-replicating', what: 'new-app', attempt: 1, seconds: 2 },
            { code: 'applying', step: 'consent' },
            { code: 'applying', step: 'pbx-settings' },
          ],
          () => {
            const base = savedProfile(profile) ?? emptyProfile(profile);
            const applied: Profile = { ...base, app: base.app ?? APPLIED_APP, sync: options ?? base.sync };
            saved.set(profile, applied);
            found = { ...found, profile: applied, profile_exists: true };
            return {
              journal: { started_at: new Date().toISOString(), finished_at: new Date().toISOString(), entries: [] },
              app: APPLIED_APP,
              certificate: CERTIFICATE,
              certificate_path: null,
              hand_steps: [],
              changed: !(found.review?.nothing_to_change ?? false),
            };
          },
        ),
        (apply) => ({ apply }),
      ),
    verify: () =>
      record(
        'verify',
        run('verify', [{ code: 'checking-pbx' }, { code: 'checking-app-registration' }, { code: 'asking-pbx-to-list-users' }], () =>
          doctorReport(profile, scenario.fail !== 'consent'),
        ),
        (verification) => ({ verification }),
      ),
    cancelStep: async () => {
      const running = cancel;
      running?.();
      return running !== null;
    },
    onProgress: async (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    copyText: (text) => navigator.clipboard.writeText(text),
  };
}
