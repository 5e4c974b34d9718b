import type { Feature } from '../bindings/Feature';
import type { UserScope } from '../bindings/UserScope';
import type { SyncOptions } from '../bindings/SyncOptions';
import { cronFromSchedule, scheduleFromCron, type SyncSchedule } from './cron';
import { m } from '../i18n';
import { parseEntries, type ScopeChoice, scopeOf } from './scope';

/** What the sync options form holds. */
export interface SyncForm {
  schedule: SyncSchedule;
  startingExtension: string;
  photos: boolean;
  guests: boolean;
  users: ScopeChoice;
  ssoUsers: ScopeChoice;
  administrators: string;
  contacts: ScopeChoice;
  mailboxes: ScopeChoice;
  /** How many users a sync writes to the PBX at once; empty keeps the engine's default. */
  pbxConcurrency: string;
}

/** A new setup's form: every night at 02:00 (PBX time), everyone, photos on. */
export const DEFAULT_SYNC_FORM: SyncForm = {
  schedule: { hour: 2, minute: 0, days: 'daily' },
  startingExtension: '1300',
  photos: true,
  guests: false,
  users: { kind: 'all', text: '' },
  ssoUsers: { kind: 'all', text: '' },
  administrators: '',
  contacts: { kind: 'all', text: '' },
  mailboxes: { kind: 'all', text: '' },
  pbxConcurrency: '',
};

/** The range the engine accepts for `users.pbx_concurrency` (crates/pbx365/src/sync), and its default. */
export const PBX_CONCURRENCY = { min: 1, max: 32, default: 8 } as const;

/** The field's number: `null` when empty (the default), `undefined` when it is no whole number in range. */
export function parsePbxConcurrency(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    return null;
  }
  const value = Number(trimmed);
  return /^\d+$/.test(trimmed) && value >= PBX_CONCURRENCY.min && value <= PBX_CONCURRENCY.max ? value : undefined;
}

/** What is wrong with the field, or null. */
export function pbxConcurrencyProblem(text: string): string | null {
  return parsePbxConcurrency(text) === undefined ? m.sync_options_concurrency_problem({ ...PBX_CONCURRENCY }) : null;
}

const choiceOf = (scope: UserScope): ScopeChoice => {
  switch (scope.kind) {
    case 'all':
      return { kind: 'all', text: '' };
    case 'groups':
      return { kind: 'groups', text: '', groups: scope.groups.map((g) => ({ id: g.id, name: g.display_name })) };
    default:
      return { kind: scope.kind, text: scope.users.join('\n') };
  }
};

/**
 * The form showing saved `options`, so a returning admin starts from what the profile holds. A
 * schedule the picker cannot show (a cron written by hand) falls back to the default time.
 */
export function formFromOptions(options: SyncOptions): SyncForm {
  return {
    schedule: scheduleFromCron(options.sync_time) ?? DEFAULT_SYNC_FORM.schedule,
    startingExtension: options.users.starting_extension ?? '',
    photos: options.users.sync_photos,
    guests: options.users.sync_guests,
    users: choiceOf(options.users.scope),
    ssoUsers: choiceOf(options.sso.standard_users),
    administrators: options.sso.administrators.join('\n'),
    contacts: choiceOf(options.personal_contacts),
    mailboxes: choiceOf(options.shared_mailboxes),
    pbxConcurrency: options.users.pbx_concurrency?.toString() ?? '',
  };
}

/**
 * The options `form` asks for, as a check sends them: a feature that was not chosen keeps
 * PortSIP's default (everyone); the administrators' list only where the PBX still has it.
 */
export function optionsFromForm(form: SyncForm, features: readonly Feature[], adminSignIn: boolean): SyncOptions {
  const chosen = (feature: Feature) => features.includes(feature);
  const scopeIfChosen = (feature: Feature, choice: ScopeChoice): UserScope => (chosen(feature) ? scopeOf(choice) : { kind: 'all' });
  const concurrency = parsePbxConcurrency(form.pbxConcurrency);
  return {
    sync_time: cronFromSchedule(form.schedule),
    users: {
      starting_extension: form.startingExtension.trim() || null,
      sync_photos: form.photos,
      sync_guests: form.guests,
      scope: scopeIfChosen('users', form.users),
      // A value the form refuses is never sent (submit stops at its problem first).
      ...(concurrency ? { pbx_concurrency: concurrency } : {}),
    },
    sso: chosen('sso')
      ? { administrators: adminSignIn ? parseEntries(form.administrators) : [], standard_users: scopeOf(form.ssoUsers) }
      : { administrators: [], standard_users: { kind: 'all' } },
    personal_contacts: scopeIfChosen('personal-contacts', form.contacts),
    shared_mailboxes: scopeIfChosen('shared-mailbox', form.mailboxes),
  };
}

/** The form as it starts: as the admin left it, else the resumed profile's options, else the defaults. */
export function syncFormStart(kept: SyncForm | undefined, saved: SyncOptions | null | undefined): SyncForm {
  return kept ?? (saved ? formFromOptions(saved) : DEFAULT_SYNC_FORM);
}
