import { afterEach, describe, expect, it } from 'vitest';
import type { KeyReason } from '../bindings/KeyReason';
import type { WizardWarning } from '../bindings/WizardWarning';
import samples from '../bindings/wizard-warning-samples.json';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeKeyReason, describeWarning } from './warning-wording';

// One or more of each code (crates/pbx365/src/wizard/warning.rs, test
// export_bindings_wizard_warning_samples) with the English the CLI prints for it.
const { warnings, key_reasons } = samples as {
  warnings: { message: string; warning: WizardWarning }[];
  key_reasons: { message: string; reason: KeyReason }[];
};

const WARNING_CODES: WizardWarning['code'][] = [
  'cannot-grant',
  'directory-switch',
  'domain-not-verified',
  'edition',
  'sync-options',
  'certificate-expires-soon',
  'grant-not-used',
  'permissions-kept',
  'permissions-unaddressable',
  'app-switch',
  'over-licence',
];

/** The values a text quotes (nested codes' too, list items one by one); codes and grants are words. */
function values(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(values);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([name]) => name !== 'code' && name !== 'grant')
      .flatMap(([, inner]) => values(inner));
  }
  return value === null ? [] : [String(value)];
}

/** Every value shown, and no English sentence besides them. */
function expectChinese(worded: string, text: object, code: string) {
  for (const value of values(text)) expect(worded, code).toContain(value);
  const rest = withoutValues(worded, values(text));
  expect(rest, code).not.toMatch(ENGLISH_PHRASE);
  expect(rest, code).toMatch(/\p{Script=Han}/u);
}

afterEach(() => chooseLocale('en'));

describe('describeWarning', () => {
  it('has a sample of every code the engine sends', () => {
    expect(new Set(warnings.map(({ warning }) => warning.code))).toEqual(new Set(WARNING_CODES));
  });

  it("words English as the CLI does, whatever the UI's language", () => {
    chooseLocale('zh-CN');
    for (const { message, warning } of warnings) expect(describeWarning(warning, 'en'), warning.code).toBe(message);
  });

  it('words every warning in Chinese with all its values, no English sentence left', () => {
    chooseLocale('zh-CN');
    for (const { warning } of warnings) {
      // The PBX client's own sentence is quoted as it is (i18n/README.md, errors of other layers).
      if (warning.code === 'edition' && warning.warning.code === 'unreported') {
        const { error, ...rest } = warning.warning;
        expect(describeWarning(warning)).toContain(error);
        expectChinese(describeWarning(warning).split(error).join(' '), rest, warning.code);
      } else {
        expectChinese(describeWarning(warning), warning, warning.code);
      }
    }
  });
});

describe('describeKeyReason', () => {
  it('has a sample of every reason and words it as the CLI does in English', () => {
    expect(new Set(key_reasons.map(({ reason }) => reason.code))).toEqual(new Set(['no-key-pair', 'not-valid-now', 'still-valid']));
    chooseLocale('zh-CN');
    for (const { message, reason } of key_reasons) expect(describeKeyReason(reason, 'en'), reason.code).toBe(message);
  });

  it('words every reason in Chinese with its values', () => {
    chooseLocale('zh-CN');
    for (const { reason } of key_reasons) expectChinese(describeKeyReason(reason), reason, reason.code);
  });
});
