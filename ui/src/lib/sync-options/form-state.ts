import type { Feature } from '../bindings/Feature';
import type { UserScope } from '../bindings/UserScope';
import type { SyncOptions } from '../bindings/SyncOptions';
import { cronFromSchedule, scheduleFromCron, type SyncSchedule } from './cron';
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
};

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
  };
}

/**
 * The options `form` asks for, as a check sends them: a feature that was not chosen keeps
 * PortSIP's default (everyone); the administrators' list only where the PBX still has it.
 */
export function optionsFromForm(form: SyncForm, features: readonly Feature[], adminSignIn: boolean): SyncOptions {
  const chosen = (feature: Feature) => features.includes(feature);
  const scopeIfChosen = (feature: Feature, choice: ScopeChoice): UserScope => (chosen(feature) ? scopeOf(choice) : { kind: 'all' });
  return {
    sync_time: cronFromSchedule(form.schedule),
    users: {
      starting_extension: form.startingExtension.trim() || null,
      sync_photos: form.photos,
      sync_guests: form.guests,
      scope: scopeIfChosen('users', form.users),
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
