import type { UserScope } from '../bindings/UserScope';
import type { Picked } from '../directory/picker';
import { formatList, m } from '../i18n';

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
  get all() {
    return m.scope_users_all();
  },
  get only() {
    return m.scope_users_only();
  },
  get allExcept() {
    return m.scope_users_all_except();
  },
  get list() {
    return m.scope_users_list();
  },
  get hint() {
    return m.scope_users_hint();
  },
  get entry() {
    return m.scope_users_entry();
  },
  get entries() {
    return m.scope_users_entries();
  },
  example: 'alice@contoso.com',
};

export const MAILBOX_WORDS: ScopeWords = {
  get all() {
    return m.scope_mailboxes_all();
  },
  get only() {
    return m.scope_mailboxes_only();
  },
  get allExcept() {
    return m.scope_mailboxes_all_except();
  },
  get list() {
    return m.scope_mailboxes_list();
  },
  get hint() {
    return m.scope_mailboxes_hint();
  },
  get entry() {
    return m.scope_mailboxes_entry();
  },
  get entries() {
    return m.scope_mailboxes_entries();
  },
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

/** What is wrong with a list that may be empty, naming the entries that are not addresses. */
export function entriesProblem(entries: string[], words: ScopeWords): string | null {
  const bad = entries.filter((entry) => !looksLikeAddress(entry));
  if (bad.length === 0) {
    return null;
  }
  return m.scope_not_addresses({
    count: bad.length,
    list: formatList(bad.map((entry) => `"${entry}"`)),
    entry: bad.length === 1 ? words.entry : words.entries,
    example: words.example,
  });
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
    return m.scope_list_at_least_one({ entry: words.entry, all: words.all });
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
