import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateFailure } from '../bindings/UpdateFailure';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeUpdateError, describeUpdateFailure } from './update-text';

// One of each failure the update commands reject with (crates/pbx365/src/updates/message.rs).
const FAILURES: UpdateFailure[] = [
  { code: 'unreachable', endpoint: 'https://updates.example.com/latest.json', detail: 'tcp connect error: Connection refused' },
  { code: 'bad-manifest', endpoint: 'https://updates.example.com/latest.json', detail: 'expected value at line 1 column 1' },
  { code: 'no-package', targets: ['linux-x86_64-deb', 'linux-x86_64'] },
  { code: 'signature-invalid', detail: 'the signature does not match the public key' },
  { code: 'download-failed', detail: 'Download request failed with status: 404 Not Found' },
  { code: 'install-failed', detail: 'Authentication failed or was cancelled' },
  { code: 'nothing-to-install' },
];

function values(failure: UpdateFailure): string[] {
  return Object.entries(failure)
    .filter(([key]) => key !== 'code')
    .flatMap(([, value]) => (Array.isArray(value) ? value : [String(value)]));
}

afterEach(() => chooseLocale('en'));

describe('update failures', () => {
  it('are worded in English with their values', () => {
    for (const failure of FAILURES) {
      const text = describeUpdateFailure(failure);
      for (const value of values(failure)) {
        expect(text, failure.code).toContain(value);
      }
    }
    expect(describeUpdateFailure(FAILURES[3]!)).toContain('nothing was installed');
  });

  it('are worded in Chinese with no English left but the values', () => {
    chooseLocale('zh-CN');
    for (const failure of FAILURES) {
      const text = describeUpdateFailure(failure);
      expect(withoutValues(text, values(failure)), failure.code).not.toMatch(ENGLISH_PHRASE);
    }
  });

  it('an IPC error that is not a failure code is still said', () => {
    expect(describeUpdateError('command update_check not allowed')).toBe(
      'The update did not work: command update_check not allowed',
    );
  });
});
