import { describe, expect, it } from 'vitest';
import { entriesProblem, MAILBOX_WORDS, parseEntries, scopeOf, scopeProblem, USER_WORDS } from './scope';

describe('the scope lists', () => {
  it('splits on whitespace, commas and semicolons and drops empty entries', () => {
    expect(parseEntries('')).toEqual([]);
    expect(parseEntries(' \n ,; ')).toEqual([]);
    expect(parseEntries('anna@contoso.com\nbob@contoso.com')).toEqual(['anna@contoso.com', 'bob@contoso.com']);
    expect(parseEntries(' anna@contoso.com;bob@contoso.com ,\tcarl@contoso.com\r\n\r\n')).toEqual([
      'anna@contoso.com',
      'bob@contoso.com',
      'carl@contoso.com',
    ]);
  });

  it('makes the engine scope from the radio and the text', () => {
    expect(scopeOf({ kind: 'all', text: 'anna@contoso.com' })).toEqual({ kind: 'all' });
    expect(scopeOf({ kind: 'only', text: 'anna@contoso.com, bob@contoso.com' })).toEqual({
      kind: 'only',
      users: ['anna@contoso.com', 'bob@contoso.com'],
    });
    expect(scopeOf({ kind: 'all-except', text: 'ceo@contoso.com' })).toEqual({ kind: 'all-except', users: ['ceo@contoso.com'] });
  });

  it('asks for at least one entry when a selection is chosen', () => {
    expect(scopeProblem({ kind: 'all', text: '' }, USER_WORDS)).toBeNull();
    expect(scopeProblem({ kind: 'only', text: ' , ' }, USER_WORDS)).toBe('List at least one user principal name, or choose Everyone.');
    expect(scopeProblem({ kind: 'all-except', text: '' }, MAILBOX_WORDS)).toBe(
      'List at least one mailbox address, or choose All shared mailboxes.',
    );
    expect(scopeProblem({ kind: 'only', text: 'anna@contoso.com' }, USER_WORDS)).toBeNull();
  });

  it('names the entries that are not addresses', () => {
    expect(entriesProblem([], USER_WORDS)).toBeNull();
    expect(entriesProblem(['anna@contoso.com', 'bob'], USER_WORDS)).toBe(
      '"bob" is not a user principal name; enter it as name@domain, e.g. alice@contoso.com.',
    );
    expect(scopeProblem({ kind: 'only', text: 'bob, @contoso.com carl@contoso, dora@.com eve@contoso.com' }, USER_WORDS)).toBe(
      '"bob", "@contoso.com", "carl@contoso", and "dora@.com" are not user principal names; enter each as name@domain, e.g. alice@contoso.com.',
    );
    expect(entriesProblem(['sales'], MAILBOX_WORDS)).toBe('"sales" is not a mailbox address; enter it as name@domain, e.g. sales@contoso.com.');
  });
});

describe('the group scope', () => {
  it('needs a group and becomes the engine scope with the groups as they were chosen', () => {
    expect(scopeProblem({ kind: 'groups', text: '', groups: [] }, USER_WORDS)).not.toBeNull();
    const choice = { kind: 'groups' as const, text: 'ignored@contoso.com', groups: [{ id: 'g1', name: 'All engineering' }] };
    expect(scopeProblem(choice, USER_WORDS)).toBeNull();
    expect(scopeOf(choice)).toEqual({ kind: 'groups', groups: [{ id: 'g1', display_name: 'All engineering' }] });
  });
});
