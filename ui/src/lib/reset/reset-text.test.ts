import { afterEach, describe, expect, it } from 'vitest';
import type { ResetStep } from '../bindings/ResetStep';
import { ENGLISH_PHRASE } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeReset } from './reset-text';

const STEPS: ResetStep[] = ['pbx', 'entra', 'this-computer'];

afterEach(() => chooseLocale('en'));

describe('describeReset', () => {
  it('words English as the engine does (reset/plan.rs ResetText::english)', () => {
    expect(describeReset('entra', { code: 'continuing', step_number: 2 })).toBe('Continuing the reset that stopped at step 2 of 3.');
    expect(describeReset('pbx', { code: 'starting' })).toBe("Stop the PBX's Microsoft 365 integration…");
  });

  it('words the codes in Chinese, without English sentences', () => {
    chooseLocale('zh-CN');
    const texts = [describeReset('entra', { code: 'continuing', step_number: 2 }), ...STEPS.map((step) => describeReset(step, { code: 'starting' }))];
    for (const text of texts) {
      expect(text).not.toMatch(ENGLISH_PHRASE);
      expect(text).toMatch(/\p{Script=Han}/u);
    }
    expect(texts[0]).toContain('2');
  });
});
