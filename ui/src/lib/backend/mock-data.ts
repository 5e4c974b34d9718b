import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { DriftReport } from '../bindings/DriftReport';
import type { NationalCloud } from '../bindings/NationalCloud';
import type { Notice } from '../bindings/Notice';
import type { Plan } from '../bindings/Plan';
import type { PlanCounts } from '../bindings/PlanCounts';
import type { PlannedAction } from '../bindings/PlannedAction';
import type { ProfileSummary } from '../bindings/ProfileSummary';
import type { RunDetail } from '../bindings/RunDetail';
import type { RunSummary } from '../bindings/RunSummary';
import type { SkippedUser } from '../bindings/SkippedUser';
import type { SourceKind } from '../bindings/SourceKind';
import type { UserOutcome } from '../bindings/UserOutcome';
import type { VerificationSummary } from '../bindings/VerificationSummary';

/** The mock's fixed "now", so screenshots and day counts never change between runs. */
export const MOCK_NOW = Date.parse('2026-11-23T09:00:00Z');

function at(daysFromNow: number, hour = 9): string {
  const when = new Date(MOCK_NOW + daysFromNow * 86_400_000);
  when.setUTCHours(hour, 0, 0, 0);
  return when.toISOString().replace('.000Z', 'Z');
}

const PEOPLE = [
  'Adele Vance', 'Alex Wilber', 'Diego Siciliani', 'Grady Archie', 'Henrietta Mueller', 'Isaiah Langer',
  'Johanna Lorenz', 'Joni Sherman', 'Lee Gu', 'Lidia Holloway', 'Lynne Robbins', 'Megan Bowen',
  'Miriam Graham', 'Nestor Wilke', 'Patti Fernandez', 'Pradeep Gupta', 'Christie Cline', 'Debra Berger',
  'Emily Braun', 'Enrico Cattaneo', 'Irvin Sayers', 'Allan Deyoung', 'Cameron White', 'Ben Walters',
  'Sanjay Shah', 'Raul Razo', 'Nora Becker', 'Omar Haddad', 'Yuki Tanaka', 'Zoe Martin',
];

function upn(name: string, domain = 'contoso.com'): string {
  return `${name.toLowerCase().replace(/ /g, '.')}@${domain}`;
}

function pbxName(name: string): string {
  return name.toLowerCase().replace(/ /g, '.');
}

const KINDS: PlannedAction['kind'][] = ['create', 'create', 'create', 'adopt', 'update', 'create', 'update', 'disable'];

/**
 * How each mock profile reads Microsoft 365 users: fabrikam is set up in guided mode, so its
 * users come from the PBX's view, which cannot tell guests and disabled accounts apart.
 */
export function mockSource(profile: string): SourceKind {
  return profile === 'fabrikam' ? 'pbx' : 'graph';
}

/** New users in fabrikam's PBX view that may be guests or disabled accounts. */
const UNCLASSIFIED = [
  { principal: 'priya.nair_northwind.example#EXT#@fabrikam.onmicrosoft.com', display_name: 'Priya Nair' },
  { principal: 'leo.fischer@fabrikam.com', display_name: 'Leo Fischer' },
  { principal: 'yuki.tanaka@fabrikam.com', display_name: 'Yuki Tanaka' },
];

/**
 * The plan of a mock profile. `createUnclassified` is the run's choice about the users the source
 * cannot classify: held back (listed as skipped) or created with a note, as the engine does.
 */
export function mockPlan(profile = 'contoso', createUnclassified = false): Plan {
  const source = mockSource(profile);
  const domain = source === 'pbx' ? 'fabrikam.com' : 'contoso.com';
  const people = source === 'pbx' ? PEOPLE.slice(0, 12) : PEOPLE.slice(0, 24);
  const actions = people.map<PlannedAction>((name, seq) => {
    const kind = KINDS[seq % KINDS.length] ?? 'create';
    const extension = String(1001 + seq);
    return {
      seq,
      kind,
      object_id: `3f1c${String(seq).padStart(4, '0')}-7a2e-4b51-9c0d-${String(seq * 7919).padStart(12, '0')}`,
      principal: upn(name, domain),
      pbx_user_id: kind === 'create' ? null : `pbx-${seq}`,
      pbx_name: pbxName(name),
      extension,
      changes:
        kind === 'create'
          ? [
              { field: 'display_name', from: null, to: name },
              { field: 'email', from: null, to: upn(name, domain) },
            ]
          : kind === 'update'
            ? [{ field: 'department', from: 'Sales', to: 'Customer Success' }]
            : kind === 'disable'
              ? [{ field: 'enabled', from: 'true', to: 'false' }]
              : [],
      notes: seq === 3 ? [{ code: 'left-unfinished', run_id: 41 }] : [],
      unclassified: false,
      display_name: name,
    };
  });
  const skipped: SkippedUser[] = [
    // Only Graph says who is a guest: the PBX's view cannot.
    ...(source === 'graph'
      ? [{ object_id: 'b7e0-guest-1', principal: 'partner_fabrikam.com#EXT#@contoso.onmicrosoft.com', display_name: 'Partner', reason: 'guest' as const }]
      : []),
    { object_id: 'b7e0-noname-2', principal: `scanner@${domain}`, display_name: 'Scanner', reason: 'no-name' },
    { object_id: 'b7e0-scope-3', principal: `board.room@${domain}`, display_name: 'Board Room', reason: 'out-of-scope' },
    { object_id: 'b7e0-mail-4', principal: `svc.backup@${domain}`, display_name: 'Backup Service', reason: 'no-email' },
  ];
  const notices: Notice[] = ['photos-by-pbx'];
  if (source === 'pbx') {
    UNCLASSIFIED.forEach((user, index) => {
      const objectId = `9a4d000${index}-unclassified`;
      if (!createUnclassified) {
        skipped.push({ object_id: objectId, principal: user.principal, display_name: user.display_name, reason: 'unclassified' });
        return;
      }
      actions.push({
        seq: actions.length,
        kind: 'create',
        object_id: objectId,
        principal: user.principal,
        pbx_user_id: null,
        pbx_name: pbxName(user.display_name),
        extension: String(1001 + actions.length),
        changes: [
          { field: 'display_name', from: null, to: user.display_name },
          { field: 'email', from: null, to: user.principal },
        ],
        notes: [{ code: 'unclassified-created' }],
        unclassified: true,
        display_name: user.display_name,
      });
    });
    notices.push(createUnclassified ? 'unclassified-created' : 'unclassified-held');
  }
  const counts: PlanCounts = { create: 0, adopt: 0, update: 0, disable: 0, skip: skipped.length, report: 2, unchanged: 212 };
  for (const action of actions) {
    counts[action.kind] += 1;
  }
  return {
    settings: {
      enabled: true,
      sync_guests: false,
      sync_photos: true,
      starting_extension: '1001',
      scope: { kind: 'all' },
    },
    source,
    degradations: [],
    notices,
    counts,
    licences_missing: 0,
    actions,
    skipped,
    reported: [
      { pbx_user_id: 'pbx-900', pbx_name: 'former.employee', email: `former.employee@${domain}`, object_id: null, reason: 'gone-from-microsoft' },
      { pbx_user_id: 'pbx-901', pbx_name: 'reception', email: `reception@${domain}`, object_id: 'c1d2-scope', reason: 'out-of-scope' },
    ],
  };
}

const ZERO = { created: 0, adopted: 0, updated: 0, disabled: 0, failed: 0, not_done: 0, skipped: 0, reported: 0, unchanged: 0 };

function summary(id: number, profile: string, daysAgo: number, fields: Partial<RunSummary>): RunSummary {
  return {
    id,
    profile,
    started_at: at(-daysAgo, 2),
    finished_at: at(-daysAgo, 2).replace('T02:00:00', 'T02:04:12'),
    duration_ms: 252_000,
    status: 'completed',
    source: 'graph',
    resumed_from: null,
    planned: { create: 0, adopt: 0, update: 3, disable: 0, skip: 4, report: 2, unchanged: 236 },
    outcome: { ...ZERO, updated: 3, skipped: 4, reported: 2, unchanged: 236 },
    error: null,
    ...fields,
  };
}

export function mockHistory(profile: string): RunSummary[] {
  if (profile !== 'contoso') {
    return [summary(12, profile, 1, { profile })];
  }
  return [
    summary(44, profile, 0, {
      status: 'completed-with-failures',
      duration_ms: 96_400,
      planned: { create: 5, adopt: 1, update: 2, disable: 0, skip: 4, report: 2, unchanged: 230 },
      outcome: { ...ZERO, created: 3, adopted: 1, updated: 2, failed: 2, skipped: 4, reported: 2, unchanged: 230 },
    }),
    summary(43, profile, 1, {}),
    summary(42, profile, 2, { status: 'completed', resumed_from: 41, duration_ms: 61_000 }),
    summary(41, profile, 3, {
      status: 'interrupted',
      finished_at: null,
      duration_ms: null,
      error: 'The run stopped before it finished (the app was closed). The next run picks up where it stopped.',
      planned: { create: 250, adopt: 0, update: 0, disable: 0, skip: 4, report: 0, unchanged: 0 },
      outcome: { ...ZERO, created: 118, not_done: 132, skipped: 4 },
    }),
    summary(40, profile, 4, {
      status: 'failed',
      duration_ms: 3_200,
      error: 'Microsoft 365 refused the sign-in (AADSTS700027: the certificate is not on the app). Rotate the certificate, then sync again.',
      planned: { create: 0, adopt: 0, update: 0, disable: 0, skip: 0, report: 0, unchanged: 0 },
      outcome: { ...ZERO },
    }),
  ];
}

export function mockRunDetail(runId: number): RunDetail {
  const run = mockHistory('contoso').find((candidate) => candidate.id === runId) ?? summary(runId, 'contoso', 0, { id: runId });
  const users: UserOutcome[] = [
    ...PEOPLE.slice(0, 6).map<UserOutcome>((name, seq) => ({
      seq,
      action: seq === 5 ? 'adopt' : seq >= 3 ? 'update' : 'create',
      status: seq === 1 && run.outcome.failed > 0 ? 'failed' : 'done',
      object_id: `3f1c-${seq}`,
      principal: upn(name),
      pbx_user_id: `pbx-${seq}`,
      pbx_name: pbxName(name),
      extension: String(1001 + seq),
      reason: null,
      error:
        seq === 1 && run.outcome.failed > 0
          ? { code: 'pbx', detail: 'The PBX refused the user: extension 1002 is already taken by a ring group. Choose another starting extension or free 1002.' }
          : null,
      notes: [],
    })),
    {
      seq: 6,
      action: 'create',
      status: run.outcome.failed > 0 ? 'failed' : 'done',
      object_id: '3f1c-6',
      principal: upn('Lee Gu'),
      pbx_user_id: null,
      pbx_name: 'lee.gu',
      extension: '1007',
      reason: null,
      error: run.outcome.failed > 0 ? { code: 'pbx', detail: 'The PBX answered 503 five times in a row; the next run retries this user.' } : null,
      notes: [],
    },
    { seq: 7, action: null, status: 'skipped', object_id: 'b7e0-guest-1', principal: 'partner_fabrikam.com#EXT#@contoso.onmicrosoft.com', pbx_user_id: null, pbx_name: null, extension: null, reason: 'guest', error: null, notes: [] },
    { seq: 8, action: null, status: 'reported', object_id: null, principal: 'former.employee@contoso.com', pbx_user_id: 'pbx-900', pbx_name: 'former.employee', extension: '1099', reason: 'gone-from-microsoft', error: null, notes: [] },
  ];
  return { summary: run, users };
}

export function mockDrift(): DriftReport {
  return {
    checked_at: at(0),
    source: 'graph',
    degradations: [],
    user_sync_enabled: true,
    missing_on_pbx: [
      { object_id: '3f1c-new-1', principal: upn('Sanjay Shah'), display_name: 'Sanjay Shah', pbx_user_id: null, pbx_name: null, pbx_enabled: null },
      { object_id: '3f1c-new-2', principal: upn('Nora Becker'), display_name: 'Nora Becker', pbx_user_id: null, pbx_name: null, pbx_enabled: null },
    ],
    not_bound: [
      { object_id: '3f1c-nb-1', principal: upn('Omar Haddad'), display_name: 'Omar Haddad', pbx_user_id: 'pbx-77', pbx_name: 'omar', pbx_enabled: true },
    ],
    disabled_in_microsoft: [
      { object_id: '3f1c-dis-1', principal: upn('Zoe Martin'), display_name: 'Zoe Martin', pbx_user_id: 'pbx-78', pbx_name: 'zoe.martin', pbx_enabled: true },
    ],
    gone_from_microsoft: [
      { object_id: null, principal: null, display_name: null, pbx_user_id: 'pbx-900', pbx_name: 'former.employee', pbx_enabled: true },
    ],
  };
}

const PBX_CERT = {
  subject: 'CN=pbx.contoso.com',
  sha1_thumbprint: '5A1F9C3E7B2D4A6081C9E3F5A7B9D1E3F5A7C9E1',
  sha256_thumbprint: '9E1B7C3D5F7A9B1C3D5E7F9A1B3C5D7E9F1A3B5C7D9E1F3A5B7C9D1E3F5A7B9C',
  not_before: at(-300),
  not_after: at(65),
};

export function mockStatuses(): CertificateStatus[] {
  const fabrikam = { ...PBX_CERT, subject: 'CN=pbx.fabrikam.com', sha1_thumbprint: 'C0FFEE1234ABCD5678EF90AB12CD34EF56AB78CD', not_before: at(-353), not_after: at(12) };
  const northwind = { ...PBX_CERT, subject: 'CN=voice.northwind.example', sha1_thumbprint: '77E2A9B0C1D2E3F4A5B6C7D8E9F0A1B2C3D4E5F6', not_before: at(-20), not_after: at(345) };
  return [
    {
      profile: 'contoso',
      checked_at: at(0),
      state: { state: 'healthy', days_left: 65 },
      app_match: { kind: 'on-app' },
      pbx_certificate: PBX_CERT,
      expires_at: PBX_CERT.not_after,
      days_left: 65,
      app_keys: [
        { thumbprint: PBX_CERT.sha1_thumbprint, display_name: 'CN=pbx.contoso.com', start_date_time: PBX_CERT.not_before, end_date_time: PBX_CERT.not_after, used_by_pbx: true },
      ],
      message: 'The certificate is on the app and valid for 65 more days.',
    },
    {
      profile: 'fabrikam',
      checked_at: at(0),
      state: { state: 'expiring', days_left: 12, threshold_days: 14 },
      app_match: { kind: 'on-app' },
      pbx_certificate: fabrikam,
      expires_at: fabrikam.not_after,
      days_left: 12,
      app_keys: [
        { thumbprint: fabrikam.sha1_thumbprint, display_name: 'CN=pbx.fabrikam.com', start_date_time: fabrikam.not_before, end_date_time: fabrikam.not_after, used_by_pbx: true },
      ],
      message: 'The certificate expires in 12 days. Rotate it before then: Certificates > Rotate.',
    },
    {
      profile: 'northwind',
      checked_at: at(0),
      state: {
        state: 'mismatched',
        detail: `The PBX's certificate (thumbprint ${northwind.sha1_thumbprint}) is not on the app, so Microsoft refuses the PBX: Microsoft 365 sync is broken now. Rotate the certificate, or add the PBX's certificate to the app again.`,
        cause: 'not-on-app',
        said: null,
      },
      app_match: { kind: 'missing' },
      pbx_certificate: northwind,
      expires_at: northwind.not_after,
      days_left: 345,
      app_keys: [
        { thumbprint: '1B3D5F7A9C1E3A5C7E9A1C3E5A7C9E1A3C5E7A9C', display_name: 'CN=voice.northwind.example', start_date_time: at(-385), end_date_time: at(-20), used_by_pbx: false },
      ],
      message: 'The PBX signs with a certificate the app does not hold: sync is broken now. Rotate the certificate to put it on the app.',
    },
  ];
}

export function mockVerification(profile: string): VerificationSummary | null {
  if (profile === 'northwind') {
    return {
      at: at(-1, 8),
      passed: false,
      passed_checks: 6,
      failed: ['certificate-on-app'],
      skipped: ['pbx-lists-users'],
      edition: null,
    };
  }
  const edition = {
    version: profile === 'fabrikam' ? '22.2.0' : '22.6.0',
    licensed_users: 400,
    current_users: 212,
    warning: null,
  };
  return { at: at(0, 7), passed: true, passed_checks: 8, failed: [], skipped: [], edition };
}

/**
 * How a mock profile's screens name it (the same PBX and tenant as the mock reset's plans).
 * fabrikam is set up in guided mode: pbx365 never read its tenant's domains.
 */
/** A service provider's `count` profiles (tenant001…), their states taken in turn from the demo profiles'. */
export function mockManyStatuses(count: number): CertificateStatus[] {
  const demo = mockStatuses();
  const width = String(count).length;
  return Array.from({ length: count }, (_, index) => ({
    ...(demo[index % demo.length] as CertificateStatus),
    profile: `tenant${String(index + 1).padStart(width, '0')}`,
  }));
}

export function mockProfileSummary(profile: string): ProfileSummary {
  const known = SUMMARIES[profile];
  const pbxHost = known?.pbxHost ?? `pbx.${profile}.example`;
  return {
    name: profile,
    pbx_host: pbxHost,
    pbx_url: `https://${pbxHost}`,
    pbx_domain: known?.pbxDomain ?? null,
    tenant_domain: known?.tenantDomain ?? null,
    tenant_name: known?.tenantName ?? null,
    tenant_id: known?.tenantId ?? null,
    cloud: known?.cloud ?? 'global',
  };
}

const SUMMARIES: Record<
  string,
  { pbxHost: string; pbxDomain: string; tenantDomain: string | null; tenantName: string; tenantId: string; cloud?: NationalCloud }
> = {
  contoso: {
    pbxHost: 'pbx.contoso.com:8887',
    pbxDomain: 'contoso.com',
    tenantDomain: 'contoso.onmicrosoft.com',
    tenantName: 'Contoso',
    tenantId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  },
  fabrikam: {
    pbxHost: 'pbx.fabrikam.com:8887',
    pbxDomain: 'fabrikam.com',
    tenantDomain: null,
    tenantName: 'Fabrikam, Inc.',
    tenantId: 'b2c4e6a8-1357-4d9b-8f0e-2a4c6e8f0b1d',
    // A tenant of Microsoft Azure operated by 21Vianet.
    cloud: 'china',
  },
  northwind: {
    pbxHost: 'voice.northwind.example',
    pbxDomain: 'northwind.example',
    tenantDomain: 'northwind.onmicrosoft.com',
    tenantName: 'Northwind Traders',
    tenantId: '4e1c7a92-0b3d-4f58-a6e7-91d2c3b4a5f6',
  },
};

export { at as mockDate };
