import { afterEach, describe, expect, it } from 'vitest';
import type { HandStep } from '../bindings/HandStep';
import type { HandStepText } from '../bindings/HandStepText';
import samples from '../bindings/hand-step-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { copyLabel, describeHandStep, linkLabel } from './hand-step-wording';

// The engine's hand steps, one or more of each code (crates/pbx365/src/guided.rs, test
// export_bindings_hand_step_samples), with the English the CLI prints for them.
const pairs = samples as { title: string; detail: string; link: string | null; copy: string[]; step: HandStep }[];

const CODES: HandStepText['code'][] = [
  'add-redirect-uris',
  'add-graph-permissions',
  'upload-certificate',
  'grant-consent',
  'delete-app',
  'remove-pbx-certificate',
  'remove-old-certificate',
];

/** The values a step's text quotes (list items one by one); counts are not quoted. */
function values(text: HandStepText): string[] {
  return Object.entries(text)
    .filter(([name]) => name !== 'code' && name !== 'count')
    .flatMap(([, value]) => (Array.isArray(value) ? value : value === null ? [] : [String(value)]));
}

afterEach(() => chooseLocale('en'));

describe('describeHandStep', () => {
  it('has a sample of every code the engine sends', () => {
    expect(new Set(pairs.map(({ step }) => step.text.code))).toEqual(new Set(CODES));
  });

  it("words English as the CLI does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const { title, detail, link, copy, step } of pairs) {
      expect(describeHandStep(step.text, 'en'), step.text.code).toEqual({ title, detail });
      expect(step.link && linkLabel(step.link.label, 'en')).toBe(link);
      expect(step.copy.map((value) => copyLabel(value.label, 'en'))).toEqual(copy);
    }
  });

  it('words every step in Chinese with all its values, no English sentence left', () => {
    chooseLocale('zh-CN');
    for (const { step } of pairs) {
      const { title, detail } = describeHandStep(step.text);
      for (const value of values(step.text)) expect(detail, step.text.code).toContain(value);
      for (const text of [title, withoutValues(detail, values(step.text))]) {
        expect(text, step.text.code).not.toMatch(ENGLISH_PHRASE);
        expect(text, step.text.code).toMatch(/\p{Script=Han}/u);
      }
    }
  });

  it('names every link and value to copy in Chinese', () => {
    chooseLocale('zh-CN');
    const labels = pairs.flatMap(({ step }) => [
      ...(step.link ? [linkLabel(step.link.label)] : []),
      ...step.copy.map((value) => copyLabel(value.label)),
    ]);
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(label).not.toMatch(ENGLISH_PHRASE);
      expect(label).toMatch(/\p{Script=Han}/u);
    }
  });
});
