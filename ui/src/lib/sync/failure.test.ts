import { afterEach, describe, expect, it } from 'vitest';
import type { UserFailure } from '../bindings/UserFailure';
import samples from '../bindings/user-failure-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeUserFailure } from './failure';

// One failure of each code (crates/pbx365/src/sync/failure.rs, test
// export_bindings_user_failure_samples) with the engine's English for it.
const pairs = samples as { message: string; failure: UserFailure }[];
const CODES: UserFailure['code'][] = ['pbx', 'no-pbx-user', 'journal'];

function params(failure: UserFailure): Record<string, string> {
  return 'detail' in failure ? { detail: failure.detail } : {};
}

afterEach(() => chooseLocale('en'));

describe('describeUserFailure', () => {
  it('has a sample of every code', () => {
    expect(pairs.map((pair) => pair.failure.code).sort()).toEqual([...CODES].sort());
  });

  it("words English as the engine does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const { message, failure } of pairs) expect(describeUserFailure(failure, 'en'), failure.code).toBe(message);
  });

  it('words every code in Chinese, quoting only the values it carries', () => {
    chooseLocale('zh-CN');
    for (const { failure } of pairs) {
      const worded = describeUserFailure(failure);
      for (const value of Object.values(params(failure))) expect(worded, failure.code).toContain(value);
      const rest = withoutValues(worded, params(failure));
      expect(rest, failure.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, failure.code).toMatch(/\p{Script=Han}/u);
    }
  });
});
