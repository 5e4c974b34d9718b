import { afterEach, describe, expect, it } from 'vitest';
import type { RotationCause } from '../bindings/RotationCause';
import type { RotationNext } from '../bindings/RotationNext';
import type { RotationState } from '../bindings/RotationState';
import samples from '../bindings/rotation-stop-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeRotationCause, describeRotationNext, describeRotationState, describeStopRecord } from './rotation-stop';

// One of each code of a stopped rotation (crates/pbx365/src/certificate/lifecycle/rotation/stop.rs,
// test export_bindings_rotation_stop_samples) with the engine's English for it.
type Pair<T> = { message: string; text: T };
const all = samples as unknown as { causes: Pair<RotationCause>[]; states: Pair<RotationState>[]; nexts: Pair<RotationNext>[] };

const CAUSES: RotationCause['code'][] = [
  'quoted',
  'journal-unwritable',
  'certificate-unreadable',
  'current-certificate-unreadable',
  'app-certificates-unreadable',
  'key-pair-not-made',
  'key-pair-not-confirmed',
  'certificate-not-saved',
  'pbx-cannot-list',
  'no-app',
  'no-microsoft-sign-in',
];
const STATES: RotationState['code'][] = [
  'nothing-changed',
  'not-started',
  'already-running',
  'sync-interrupted',
  'sync-interrupted-by-hand',
  'key-pair-unknown',
  'old-removed',
  'not-accepted-yet',
  'acceptance-unchecked',
  'old-still-on-app',
];
const NEXTS: RotationNext['code'][] = [
  'fix-then-run-again',
  'run-again',
  'wait-then-run-again',
  'run-again-or-upload',
  'upload-then-run-again',
  'run-again-or-delete-by-hand',
  'wait-for-running',
  'check-app-certificates',
  'run-setup-first',
  'sign-in-again',
  'choose-another-name',
  'fix-connection',
];

/** The values of a text, but its code. */
const values = (text: object) =>
  Object.entries(text)
    .filter(([name, value]) => name !== 'code' && value !== null)
    .map(([, value]) => String(value));

/** Every sample as [code, English, worded, values]. */
function worded(locale?: 'en'): [string, string, string, string[]][] {
  return [
    ...all.causes.map(({ message, text }): [string, string, string, string[]] => [text.code, message, describeRotationCause(text, locale), values(text)]),
    ...all.states.map(({ message, text }): [string, string, string, string[]] => [text.code, message, describeRotationState(text, locale), values(text)]),
    ...all.nexts.map(({ message, text }): [string, string, string, string[]] => [text.code, message, describeRotationNext(text, locale), values(text)]),
  ];
}

afterEach(() => chooseLocale('en'));

describe('a stopped rotation', () => {
  it('has a sample of every code', () => {
    expect([...new Set(all.causes.map((pair) => pair.text.code))].sort()).toEqual([...CAUSES].sort());
    expect([...new Set(all.states.map((pair) => pair.text.code))].sort()).toEqual([...STATES].sort());
    expect([...new Set(all.nexts.map((pair) => pair.text.code))].sort()).toEqual([...NEXTS].sort());
  });

  it("is worded in English as the engine words it, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const [code, message, english] of worded('en')) expect(english, code).toBe(message);
  });

  it('is worded in Chinese with every value, and no English sentence besides', () => {
    chooseLocale('zh-CN');
    for (const [code, , chinese, vals] of worded()) {
      for (const value of vals) expect(chinese, code).toContain(value);
      // A quoted cause is another layer's own sentence, shown as it came.
      if (code === 'quoted') continue;
      const rest = withoutValues(chinese, vals);
      expect(rest, code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, code).toMatch(/\p{Script=Han}/u);
    }
  });
});

describe('describeStopRecord', () => {
  const error = "Certificate rotation for profile 'contoso' stopped at step 3 of 4 (wait for Microsoft to accept the new certificate): the PBX could not list the Microsoft 365 users.";

  it('words every cause the journal keeps in Chinese, with no English left', () => {
    chooseLocale('zh-CN');
    for (const { text } of all.causes) {
      if (text.code === 'quoted') continue; // another layer's sentence, quoted whole
      const worded = describeStopRecord({ step: 'wait-for-microsoft', error, cause: text, at: '2026-12-07T01:00:00Z' });
      expect(worded, text.code).not.toContain(error);
      const rest = withoutValues(worded, Object.values(text).filter((v) => v !== text.code).map(String));
      expect(rest, text.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, text.code).toMatch(/\p{Script=Han}/u);
    }
  });

  it("shows an older journal's English sentence, which has no cause", () => {
    chooseLocale('zh-CN');
    expect(describeStopRecord({ step: 'wait-for-microsoft', error, cause: null, at: '2026-12-07T01:00:00Z' })).toBe(error);
  });
});
