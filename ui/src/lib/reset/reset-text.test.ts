import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { ResetDetail } from '../bindings/ResetDetail';
import type { ResetStep } from '../bindings/ResetStep';
import type { ResetSummary } from '../bindings/ResetSummary';
import type { ResetText } from '../bindings/ResetText';
import type { ResetWarning } from '../bindings/ResetWarning';
import samples from '../bindings/reset-samples.json';
import { describeError } from '../i18n/errors';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeReset, describeResetDetail, describeResetSummary, describeResetWarning } from './reset-text';

// One text of each reset code (crates/pbx365/src/reset/text.rs, test export_bindings_reset_samples)
// with the engine's English for it.
type Pair<T> = { message: string; text: T };
const all = samples as unknown as {
  summaries: Pair<ResetSummary>[];
  details: Pair<ResetDetail>[];
  warnings: Pair<ResetWarning>[];
  events: (Pair<ResetText> & { step: ResetStep })[];
  failures: ErrorReport[];
};

const SUMMARY_CODES: ResetSummary['code'][] = [
  'pbx-done-earlier',
  'pbx-stop',
  'entra-done-earlier',
  'entra-no-app',
  'entra-by-hand',
  'entra-app-gone',
  'entra-delete-app',
  'entra-no-pbx-certificate',
  'entra-remove-certificate',
  'this-computer',
];
const DETAIL_CODES: ResetDetail['code'][] = [
  'done-earlier',
  'pbx-destroyed',
  'pbx-cleared',
  'no-app',
  'by-hand',
  'app-deleted',
  'app-already-deleted',
  'app-gone',
  'no-pbx-certificate-on-app',
  'certificate-removed',
  'profile-removed',
];
const WARNING_CODES: ResetWarning['code'][] = ['nothing-saved', 'pbx-version', 'other-app', 'delete-app-stops-others'];

/** The plain values of a text (nested ones included), but codes, switches and counts said as words. */
function values(value: unknown): string[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([name]) => !['code', 'delete_app', 'stop'].includes(name))
      .flatMap(([, inner]) => values(inner));
  }
  // No value, and a count of none or one, are said in words.
  if (value === null || value === 0 || value === 1) return [];
  return [String(value)];
}

/** Every sample as [what it is, its English, its Chinese wording, its values]. */
function worded(locale?: 'en'): [string, string, string, string[]][] {
  return [
    ...all.summaries.map(({ message, text }) => [text.code, message, describeResetSummary(text, locale), values(text)] as const),
    ...all.details.map(({ message, text }) => [text.code, message, describeResetDetail(text, locale), values(text)] as const),
    ...all.warnings.map(({ message, text }) => [text.code, message, describeResetWarning(text, locale), values(text)] as const),
    ...all.events.map(({ message, text, step }) => [text.code, message, describeReset(step, text, locale), values(text)] as const),
  ].map(([code, message, text, vals]) => [code, message, text, vals]);
}

afterEach(() => chooseLocale('en'));

describe('reset wording', () => {
  it('has a sample of every code', () => {
    expect([...new Set(all.summaries.map((pair) => pair.text.code))].sort()).toEqual([...SUMMARY_CODES].sort());
    expect([...new Set(all.details.map((pair) => pair.text.code))].sort()).toEqual([...DETAIL_CODES].sort());
    expect([...new Set(all.warnings.map((pair) => pair.text.code))].sort()).toEqual([...WARNING_CODES].sort());
  });

  it("words English as the engine does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const [code, message, english] of worded('en')) expect(english, code).toBe(message);
  });

  it('shows every value in Chinese, and no English sentence besides', () => {
    chooseLocale('zh-CN');
    for (const [code, , chinese, vals] of worded()) {
      for (const value of vals) expect(chinese, code).toContain(value);
      const rest = withoutValues(chinese, vals);
      expect(rest, code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('words a stopped reset with its cause and what is done, in both languages', () => {
    for (const failure of all.failures) {
      expect(describeError(failure), failure.code).toContain(failure.params?.['profile'] ?? '');
      chooseLocale('zh-CN');
      const chinese = describeError(failure);
      const cause = failure.cause!;
      const quoted = [...Object.values(failure.params ?? {}), ...Object.values(cause.params ?? {})];
      for (const value of quoted) expect(chinese).toContain(value);
      const rest = withoutValues(chinese, quoted);
      expect(rest).not.toMatch(ENGLISH_PHRASE);
      expect(rest).toContain(failure.params?.['number'] === '1' ? '尚未做任何更改' : '');
      chooseLocale('en');
    }
  });
});
