import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { ProgressText } from '../bindings/ProgressText';
import type { Replicating } from '../bindings/Replicating';
import type { RetryReason } from '../bindings/RetryReason';
import samples from '../bindings/progress-samples.json';
import { ENGLISH_PHRASE, withoutValues } from './english-left';
import { chooseLocale } from './locale.svelte';
import { describeProgress } from './progress';

// One text of each progress code (crates/pbx365/src/progress/text.rs, test
// export_bindings_progress_samples), as the engine sends it.
const events = samples as ProgressEvent[];
const texts = events.map((event) => event.text);

/** The values a text carries (a nested reason's included), but codes, the apply step (worded by its title) and the replicated thing (a code). */
function values(text: object): string[] {
  return Object.entries(text)
    .filter(([name]) => !['code', 'step', 'what'].includes(name))
    .flatMap(([, value]) => (value !== null && typeof value === 'object' ? values(value as object) : [String(value)]));
}

const RETRY_REASONS: RetryReason['code'][] = [
  'pbx-slow-down',
  'pbx-failed',
  'pbx-refused',
  'pbx-timed-out',
  'pbx-name-unresolved',
  'pbx-connection-broke',
  'pbx-other',
  'pbx-answer-lost',
  'microsoft-busy-for-pbx',
  'microsoft-failed',
  'microsoft-not-reached',
  'microsoft-timed-out',
  'microsoft-connection-broke',
];

/** The retry reasons of the samples, nested ones included. */
function reasons(reason: RetryReason): RetryReason['code'][] {
  return reason.code === 'pbx-answer-lost' ? [reason.code, ...reasons(reason.cause)] : [reason.code];
}

afterEach(() => chooseLocale('en'));

describe('describeProgress', () => {
  it.each(['en', 'zh-CN'] as const)('shows every value of the text in %s', (locale) => {
    chooseLocale(locale);
    for (const text of texts) {
      const worded = describeProgress(text);
      for (const value of values(text)) expect(worded, text.code).toContain(value);
    }
  });

  it('leaves no English sentence in Chinese, apart from the values it quotes', () => {
    chooseLocale('zh-CN');
    for (const text of texts) {
      const rest = withoutValues(describeProgress(text), values(text));
      expect(rest, text.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, text.code).toMatch(/\p{Script=Han}/u);
    }
  });

  it("words English as the engine does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const event of events) expect(describeProgress(event.text, 'en')).toBe(event.message);
  });

  it('has a sample of every thing Entra replicates, each named in Chinese', () => {
    const replicating = texts.filter((t): t is Extract<ProgressText, { code: 'entra-replicating' }> => t.code === 'entra-replicating');
    const all: Replicating[] = ['new-app', 'app', 'unanswered-app', 'new-service-principal', 'last-run-app', 'new-certificate'];
    expect(replicating.map((t) => t.what).sort()).toEqual([...all].sort());
    chooseLocale('zh-CN');
    const named = new Set(replicating.map((t) => describeProgress(t)));
    expect(named.size).toBe(all.length);
  });

  it('has a sample of every retry reason', () => {
    const seen = texts.flatMap((text) => (text.code === 'retrying' ? reasons(text.reason) : []));
    expect([...new Set(seen)].sort()).toEqual([...RETRY_REASONS].sort());
  });

  it('names an apply step in the UI language', () => {
    const applying = texts.find((text) => text.code === 'applying')!;
    expect(describeProgress(applying)).toBe("Add the PBX's certificate to the app…");
    chooseLocale('zh-CN');
    expect(describeProgress(applying)).toBe('正在将 PBX 的证书添加到应用…');
  });
});
