import { afterEach, describe, expect, it } from 'vitest';
import type { RotationStep } from '../bindings/RotationStep';
import type { RotationText } from '../bindings/RotationText';
import samples from '../bindings/rotation-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeRotation, rotationStepTitle } from './rotation-text';

// One text of each rotation code (crates/pbx365/src/certificate/lifecycle/rotation/text.rs,
// test export_bindings_rotation_samples) with the engine's English for it.
const pairs = samples as { message: string; text: RotationText }[];

/** The plain values of a text, a nested wait's included. */
function values(value: unknown): string[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([name]) => !['code', 'by_hand', 'what'].includes(name)) // `what`: a code, worded
      .flatMap(([, inner]) => values(inner));
  }
  // No value, and a sync starting in 0 minutes (said as "now").
  return value === null || value === 0 ? [] : [String(value)];
}

const STEPS: RotationStep[] = ['generate-key-pair', 'add-new-certificate', 'wait-for-microsoft', 'remove-old-certificate'];

afterEach(() => chooseLocale('en'));

describe('describeRotation', () => {
  it("words English as the engine does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const { message, text } of pairs) expect(describeRotation(text, 'en'), text.code).toBe(message);
  });

  it('shows every value of the text in Chinese, and no English sentence besides', () => {
    chooseLocale('zh-CN');
    for (const { text } of pairs) {
      const worded = describeRotation(text);
      for (const value of values(text)) expect(worded, text.code).toContain(value);
      const rest = withoutValues(worded, values(text));
      expect(rest, text.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, text.code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('titles each step in Chinese, by hand in guided mode', () => {
    chooseLocale('zh-CN');
    for (const mode of ['auto', 'guided'] as const) {
      for (const step of STEPS) expect(rotationStepTitle(step, mode)).toMatch(/\p{Script=Han}/u);
    }
    expect(rotationStepTitle('remove-old-certificate', 'guided')).toContain('手动');
    expect(rotationStepTitle('remove-old-certificate', 'auto')).not.toContain('手动');
  });
});
