import { describe, expect, it } from 'vitest';
import type { SyncOptions } from '../bindings/SyncOptions';
import { DEFAULT_SYNC_FORM, formFromOptions, optionsFromForm, parsePbxConcurrency, pbxConcurrencyProblem } from './form-state';

const saved: SyncOptions = {
  sync_time: '0 2 * * *',
  users: { starting_extension: '1300', sync_photos: true, sync_guests: false, scope: { kind: 'all' }, pbx_concurrency: 16 },
  sso: { administrators: [], standard_users: { kind: 'all' } },
  personal_contacts: { kind: 'all' },
  shared_mailboxes: { kind: 'all' },
};

describe('the sync options form', () => {
  it('keeps a saved PBX concurrency through the form, so checking the options again does not reset it', () => {
    const form = formFromOptions(saved);
    expect(form.pbxConcurrency).toBe('16');
    expect(optionsFromForm(form, ['users'], true)).toEqual(saved);
  });

  it('sends no PBX concurrency when the field is empty: the engine keeps its default', () => {
    expect(optionsFromForm(DEFAULT_SYNC_FORM, ['users'], true).users).not.toHaveProperty('pbx_concurrency');
    expect(optionsFromForm({ ...DEFAULT_SYNC_FORM, pbxConcurrency: ' 4 ' }, ['users'], true).users.pbx_concurrency).toBe(4);
  });

  it('accepts whole numbers from 1 to 32 and says what to enter otherwise', () => {
    expect(parsePbxConcurrency('')).toBeNull();
    expect(parsePbxConcurrency('1')).toBe(1);
    expect(parsePbxConcurrency('32')).toBe(32);
    for (const bad of ['0', '33', '-2', '2.5', '1e1', 'eight']) {
      expect(parsePbxConcurrency(bad)).toBeUndefined();
      expect(pbxConcurrencyProblem(bad)).toBe('Enter a whole number from 1 to 32, or leave the field empty for 8.');
    }
    expect(pbxConcurrencyProblem('12')).toBeNull();
  });
});
