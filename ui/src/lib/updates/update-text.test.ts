import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateFailure } from '../bindings/UpdateFailure';
import type { UpdatesOff } from '../bindings/UpdatesOff';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeUpdateError, describeUpdateFailure, describeUpdatesOff } from './update-text';

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

// One of each reason update checks are off (crates/pbx365/src/updates/policy.rs).
const OFF: UpdatesOff[] = [
  { code: 'demo' },
  { code: 'policy', file: '/etc/pbx365/policy.json' },
  { code: 'policy-unreadable', file: '/etc/pbx365/policy.json', reason: 'expected `,` or `}` at line 1 column 9' },
  { code: 'environment', variable: 'PBX365_UPDATES' },
  { code: 'environment-invalid', variable: 'PBX365_UPDATES', value: 'maybe' },
  { code: 'setting', file: '/home/admin/.config/pbx365/settings.json' },
  { code: 'settings-unreadable', file: '/home/admin/.config/pbx365/settings.json', reason: 'unknown field `chek`' },
  { code: 'endpoint-not-https', endpoint: 'http://mirror.example.com/latest.json' },
  { code: 'endpoint-invalid', value: 'mirror', reason: 'relative URL without a base' },
  { code: 'no-endpoint' },
];

function values(failure: UpdateFailure | UpdatesOff): string[] {
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

describe('why update checks are off', () => {
  it('is said in English with the file, variable or address that turned them off', () => {
    for (const reason of OFF) {
      const text = describeUpdatesOff(reason);
      for (const value of values(reason)) {
        expect(text, reason.code).toContain(value);
      }
    }
    expect(describeUpdatesOff(OFF[1]!)).toBe("Your organization's policy turns them off, in /etc/pbx365/policy.json.");
    expect(describeUpdatesOff(OFF[4]!)).toContain('Set it to on or off');
  });

  it('is said in Chinese with no English left but the values', () => {
    chooseLocale('zh-CN');
    for (const reason of OFF) {
      const text = describeUpdatesOff(reason);
      for (const value of values(reason)) {
        expect(text, reason.code).toContain(value);
      }
      expect(withoutValues(text, values(reason)), reason.code).not.toMatch(ENGLISH_PHRASE);
    }
  });
});
