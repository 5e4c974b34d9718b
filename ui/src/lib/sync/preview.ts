import { m } from '../i18n';
import type { FieldChange } from '../bindings/FieldChange';
import { describeNotes } from './notes';
import type { Notice } from '../bindings/Notice';
import type { OutcomeStatus } from '../bindings/OutcomeStatus';
import type { Plan } from '../bindings/Plan';
import type { Reason } from '../bindings/Reason';
import type { SourceKind } from '../bindings/SourceKind';
import type { UserField } from '../bindings/UserField';

/** The six things a plan does with a user, as the preview's filters name them. */
export const PREVIEW_KINDS = ['create', 'adopt', 'update', 'disable', 'skip', 'report'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

/** What the plan does with a user, as the preview's filters and tables name it. */
export const KIND_LABELS: Record<PreviewKind, string> = {
  get create() {
    return m.sync_kind_create();
  },
  get adopt() {
    return m.sync_kind_adopt();
  },
  get update() {
    return m.sync_kind_update();
  },
  get disable() {
    return m.sync_kind_disable();
  },
  get skip() {
    return m.sync_kind_skip();
  },
  get report() {
    return m.sync_kind_report();
  },
};

/** How a run ended for one user (the history's Outcome column). */
export const OUTCOME_LABELS: Record<OutcomeStatus, string> = {
  get pending() {
    return m.outcome_pending();
  },
  get started() {
    return m.outcome_started();
  },
  get done() {
    return m.outcome_done();
  },
  get failed() {
    return m.outcome_failed();
  },
  get cancelled() {
    return m.outcome_cancelled();
  },
  get skipped() {
    return m.outcome_skipped();
  },
  get reported() {
    return m.outcome_reported();
  },
};

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
  get display_name() {
    return m.user_field_display_name();
  },
  get email() {
    return m.user_field_email();
  },
  get department() {
    return m.user_field_department();
  },
  get work_phone() {
    return m.user_field_work_phone();
  },
  get mobile_phone() {
    return m.user_field_mobile_phone();
  },
  get enabled() {
    return m.user_field_enabled();
  },
};

export const REASON_LABELS: Record<Reason, string> = {
  get 'no-name'() {
    return m.skip_reason_no_name();
  },
  get guest() {
    return m.skip_reason_guest();
  },
  get 'out-of-scope'() {
    return m.skip_reason_out_of_scope();
  },
  get 'account-disabled'() {
    return m.skip_reason_account_disabled();
  },
  get 'no-email'() {
    return m.skip_reason_no_email();
  },
  get 'gone-from-microsoft'() {
    return m.skip_reason_gone_from_microsoft();
  },
  get unclassified() {
    return m.skip_reason_unclassified();
  },
  get 'no-licence'() {
    return m.skip_reason_no_licence();
  },
};

/** Where the plan's Microsoft 365 users were read from; a profile never switches on its own. */
export const SOURCE_LABELS: Record<SourceKind, string> = {
  get graph() {
    return m.sync_source_graph();
  },
  get pbx() {
    return m.sync_source_pbx();
  },
};

/**
 * What each notice tells the admin: the engine's `Notice::sentence`
 * (crates/pbx365/src/sync/plan.rs), with the checkbox of this page in place of the command-line
 * option where the engine names it.
 */
export const NOTICE_SENTENCES: Record<Notice, string> = {
  get 'photos-by-pbx'() {
    return m.sync_notice_photos_by_pbx();
  },
  get 'unclassified-held'() {
    return m.sync_notice_unclassified_held();
  },
  get 'unclassified-created'() {
    return m.sync_notice_unclassified_created();
  },
  get 'licence-short'() {
    return m.sync_notice_licence_short();
  },
};

/** Notices that ask the admin to look twice are warnings; the rest inform. */
export const NOTICE_TONES: Record<Notice, 'info' | 'warning'> = {
  'photos-by-pbx': 'info',
  'unclassified-held': 'warning',
  'unclassified-created': 'warning',
  'licence-short': 'warning',
};

/** The notices about users the source cannot classify: the preview shows them with those users. */
export const UNCLASSIFIED_NOTICES: readonly Notice[] = ['unclassified-held', 'unclassified-created'];

/** A new Microsoft 365 user the source cannot classify as guest, disabled, or neither. */
export interface UnclassifiedUser {
  key: string;
  principal: string;
  displayName: string;
  /** Set when the plan creates the user: its PBX user name and extension. */
  pbxName: string | null;
  extension: string | null;
}

/** The plan's new users that may be guests or disabled accounts: held back, or created as chosen. */
export function unclassifiedUsers(plan: Plan): { held: UnclassifiedUser[]; created: UnclassifiedUser[] } {
  const held = plan.skipped
    .filter((user) => user.reason === 'unclassified')
    .map<UnclassifiedUser>((user) => ({
      key: user.object_id,
      principal: user.principal,
      displayName: user.display_name ?? '',
      pbxName: null,
      extension: null,
    }));
  const created = plan.actions
    .filter((action) => action.kind === 'create' && action.unclassified)
    .map<UnclassifiedUser>((action) => ({
      key: action.object_id,
      principal: action.principal,
      displayName: action.changes.find((change) => change.field === 'display_name')?.to ?? '',
      pbxName: action.pbx_name,
      extension: action.extension,
    }));
  return { held, created };
}

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
    detail: [action.changes.map(describeChange).join('; '), describeNotes(action.notes)].filter((part) => part !== '').join(' — '),
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
