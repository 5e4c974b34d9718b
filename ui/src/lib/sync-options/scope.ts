import type { UserScope } from '../bindings/UserScope';
import type { Picked } from '../directory/picker';
import { m } from '../i18n';

/** A scope as the form holds it: the chosen radio and the textarea's text. */
export interface ScopeChoice {
  kind: UserScope['kind'];
  text: string;
  /** The groups of "only members of these groups" (user sync, automatic mode). */
  groups?: Picked[];
}

/** How a scope chooser names what its list holds. */
export interface ScopeWords {
  all: string;
  only: string;
  allExcept: string;
  list: string;
  hint: string;
  entry: string;
  entries: string;
  example: string;
}

export const USER_WORDS: ScopeWords = {
  all: 'Everyone',
  only: 'Only the selected users',
  allExcept: 'Everyone except the selected users',
  list: 'Selected users',
  hint: 'User principal names, one per line or separated by commas.',
  entry: 'user principal name',
  entries: 'user principal names',
  example: 'alice@contoso.com',
};

export const MAILBOX_WORDS: ScopeWords = {
  all: 'All shared mailboxes',
  only: 'Only the selected mailboxes',
  allExcept: 'All except the selected mailboxes',
  list: 'Selected mailboxes',
  hint: 'Mailbox addresses, one per line or separated by commas.',
  entry: 'mailbox address',
  entries: 'mailbox addresses',
  example: 'sales@contoso.com',
};

/** The entries of a pasted list: admins paste from Excel, Outlook or a comma-separated line. */
export function parseEntries(text: string): string[] {
  return text.split(/[\s,;]+/).filter((entry) => entry !== '');
}

/** The engine's check of a user principal name (name@domain, a dot in the domain), so the form catches typos first. */
export function looksLikeAddress(entry: string): boolean {
  const at = entry.indexOf('@');
  const domain = entry.slice(at + 1);
  return at > 0 && domain.includes('.') && !domain.startsWith('.');
}

const AND = new Intl.ListFormat('en-GB', { type: 'conjunction' });

/** What is wrong with a list that may be empty, naming the entries that are not addresses. */
export function entriesProblem(entries: string[], words: ScopeWords): string | null {
  const bad = entries.filter((entry) => !looksLikeAddress(entry));
  if (bad.length === 0) {
    return null;
  }
  const [what, each] = bad.length === 1 ? [`is not a ${words.entry}`, 'it'] : [`are not ${words.entries}`, 'each'];
  return `${AND.format(bad.map((entry) => `"${entry}"`))} ${what}; enter ${each} as name@domain, e.g. ${words.example}.`;
}

/** What is wrong with a scope: a selection needs at least one entry, and only addresses. */
export function scopeProblem(choice: ScopeChoice, words: ScopeWords): string | null {
  if (choice.kind === 'all') {
    return null;
  }
  if (choice.kind === 'groups') {
    return (choice.groups ?? []).length === 0 ? m.scope_groups_problem() : null;
  }
  const entries = parseEntries(choice.text);
  if (entries.length === 0) {
    return `List at least one ${words.entry}, or choose ${words.all}.`;
  }
  return entriesProblem(entries, words);
}

export function scopeOf(choice: ScopeChoice): UserScope {
  switch (choice.kind) {
    case 'all':
      return { kind: 'all' };
    case 'groups':
      return { kind: 'groups', groups: (choice.groups ?? []).map((g) => ({ id: g.id, display_name: g.name })) };
    default:
      return { kind: choice.kind, users: parseEntries(choice.text) };
  }
}
