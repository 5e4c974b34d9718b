import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { ProgressText } from '../bindings/ProgressText';
import samples from '../bindings/progress-samples.json';
import { ENGLISH_PHRASE, withoutValues } from './english-left';
import { chooseLocale } from './locale.svelte';
import { describeProgress } from './progress';

// One text of each progress code (crates/pbx365/src/progress/text.rs, test
// export_bindings_progress_samples), as the engine sends it.
const events = samples as ProgressEvent[];
const texts = events.map((event) => event.text);

/** The values a text carries, but the code and the apply step (worded by its title). */
function values(text: ProgressText): string[] {
  return Object.entries(text)
    .filter(([name]) => name !== 'code' && name !== 'step')
    .map(([, value]) => String(value));
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

  it('names an apply step in the UI language', () => {
    const applying = texts.find((text) => text.code === 'applying')!;
    expect(describeProgress(applying)).toBe("Add the PBX's certificate to the app…");
    chooseLocale('zh-CN');
    expect(describeProgress(applying)).toBe('正在将 PBX 的证书添加到应用…');
  });
});
