import type { FieldChange } from '../bindings/FieldChange';
import type { Plan } from '../bindings/Plan';
import type { Reason } from '../bindings/Reason';
import type { UserField } from '../bindings/UserField';

/** The six things a plan does with a user, as the preview's filters name them. */
export const PREVIEW_KINDS = ['create', 'adopt', 'update', 'disable', 'skip', 'report'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

/** One line of the preview table. */
export interface PreviewRow {
  key: string;
  kind: PreviewKind;
  /** The Microsoft 365 sign-in name, or the PBX user's e-mail for reported users. */
  principal: string;
  pbxName: string;
  extension: string;
  /** What changes, or why the user is left alone. */
  detail: string;
}

const FIELD_LABELS: Record<UserField, string> = {
  display_name: 'Display name',
  email: 'E-mail',
  department: 'Department',
  work_phone: 'Work phone',
  mobile_phone: 'Mobile phone',
  enabled: 'Enabled',
};

export const REASON_LABELS: Record<Reason, string> = {
  'no-name': 'No first and last name in Microsoft 365',
  guest: 'Guest account, and guests are not synced',
  'out-of-scope': 'Not in the users chosen for sync',
  'account-disabled': 'Microsoft 365 account is disabled',
  'no-email': 'No e-mail address',
  'gone-from-microsoft': 'No longer in Microsoft 365 (kept on the PBX)',
};

function describeChange(change: FieldChange): string {
  const label = FIELD_LABELS[change.field];
  return change.from === null ? `${label}: ${change.to ?? '—'}` : `${label}: ${change.from ?? '—'} → ${change.to ?? '—'}`;
}

/** Every user the plan touches or leaves alone, in the order the run handles them. */
export function previewRows(plan: Plan): PreviewRow[] {
  const actions = plan.actions.map<PreviewRow>((action) => ({
    key: `a${action.seq}`,
    kind: action.kind,
    principal: action.principal,
    pbxName: action.pbx_name,
    extension: action.extension ?? '',
    detail: [action.changes.map(describeChange).join('; '), action.note ?? ''].filter((part) => part !== '').join(' — '),
  }));
  const skipped = plan.skipped.map<PreviewRow>((user) => ({
    key: `s${user.object_id}`,
    kind: 'skip',
    principal: user.principal,
    pbxName: '',
    extension: '',
    detail: REASON_LABELS[user.reason],
  }));
  const reported = plan.reported.map<PreviewRow>((user) => ({
    key: `r${user.pbx_user_id}`,
    kind: 'report',
    principal: user.email ?? '',
    pbxName: user.pbx_name,
    extension: '',
    detail: REASON_LABELS[user.reason],
  }));
  return [...actions, ...skipped, ...reported];
}

/** The rows of the chosen kinds whose names contain the search text (any case). */
export function filterRows(rows: readonly PreviewRow[], kinds: ReadonlySet<PreviewKind>, search: string): PreviewRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter(
    (row) =>
      kinds.has(row.kind) &&
      (needle === '' ||
        [row.principal, row.pbxName, row.extension, row.detail].some((text) => text.toLowerCase().includes(needle))),
  );
}

export function countByKind(rows: readonly PreviewRow[]): Record<PreviewKind, number> {
  const counts: Record<PreviewKind, number> = { create: 0, adopt: 0, update: 0, disable: 0, skip: 0, report: 0 };
  for (const row of rows) {
    counts[row.kind] += 1;
  }
  return counts;
}
