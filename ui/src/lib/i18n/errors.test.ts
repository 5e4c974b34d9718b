import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorReport } from '../bindings/ErrorReport';
import samples from '../bindings/error-samples.json';
import { ENGLISH_PHRASE, withoutValues } from './english-left';
import { describeError, WORDED_CODES } from './errors';
import { chooseLocale } from './locale.svelte';

// One report of each engine error (crates/pbx365/src/access/error.rs, test
// export_bindings_error_samples), as the engine sends it.
const reports = samples as ErrorReport[];

/** Values the UI shows in its own words (step names, what changed) or re-formats (lists). */
const REWORDED = new Set(['step', 'needed', 'permissions', 'mode', 'what']);

/** The values of `report` and of its cause. */
function reportValues(report: ErrorReport): string[] {
  return [report, report.cause].flatMap((r) => Object.values(r?.params ?? {}));
}

afterEach(() => chooseLocale('en'));

describe('describeError', () => {
  it('words every code the engine sends', () => {
    expect(reports.map((report) => report.code).filter((code) => !WORDED_CODES.includes(code))).toEqual([]);
  });

  it.each(['en', 'zh-CN'] as const)('shows every value of the report in %s', (locale) => {
    chooseLocale(locale);
    for (const report of reports) {
      const text = describeError(report);
      for (const [name, value] of Object.entries(report.params ?? {})) {
        if (!REWORDED.has(name)) expect(text, `${report.code}: ${name}`).toContain(value);
      }
    }
  });

  it('leaves no English sentence in Chinese, apart from the values it quotes', () => {
    chooseLocale('zh-CN');
    for (const report of reports) {
      const rest = withoutValues(describeError(report), reportValues(report));
      expect(rest, report.code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, report.code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('words an apply failure with its cause, and names the step in the UI language', () => {
    const failed = reports.find((report) => report.code === 'apply-failed');
    chooseLocale('zh-CN');
    const text = describeError(failed!);
    expect(text).toContain('在 PBX 上保存 Microsoft 365 设置');
    expect(text).toContain('无法再访问位于 https://pbx.contoso.example:8887 的 PBX');
  });

  it("keeps the engine's sentence for a report without values", () => {
    chooseLocale('zh-CN');
    expect(describeError({ code: 'pbx', message: 'The PBX refused the password.', field: null, apply_step: null })).toBe(
      'The PBX refused the password.',
    );
  });

  it("falls back to the engine's sentence for a code it does not know", () => {
    chooseLocale('zh-CN');
    expect(describeError({ code: 'new-code', message: 'Something new.', params: {}, field: null, apply_step: null })).toBe('Something new.');
  });
});

describe('a verification that ran out of time', () => {
  it("says what to do in the profile's mode, in Chinese too", () => {
    const byMode = (mode: string) => reports.find((r) => r.code === 'not-verified' && r.params?.['mode'] === mode);
    const guided = byMode('guided');
    const auto = byMode('auto');
    expect(guided && auto).toBeTruthy();
    if (!guided || !auto) return;
    expect(describeError(guided)).toContain('upload public_key.pem');
    expect(describeError(auto)).toContain('wait a few minutes');
    chooseLocale('zh-CN');
    expect(describeError(guided)).toContain('上传 public_key.pem');
    expect(describeError(auto)).toContain('等待几分钟');
  });
});

describe('a review that went stale', () => {
  const byWhat = (what: string) => reports.find((r) => r.code === 'review-stale' && r.params?.['what'] === what);

  it('sends a sample of each change, worded in both languages', () => {
    const whats = reports.filter((r) => r.code === 'review-stale').map((r) => r.params?.['what']);
    expect(whats).toEqual([
      'no-app-plan',
      'settings-unreadable',
      'settings-not-comparable',
      'settings-changed',
      'key-pair-replaced',
      'app-deleted',
      'permissions-changed',
    ]);
    for (const what of whats) {
      const report = byWhat(what!)!;
      expect(describeError(report), what).toBe(report.message);
    }
  });

  it('names what changed, and the app, in Chinese', () => {
    chooseLocale('zh-CN');
    expect(describeError(byWhat('key-pair-replaced')!)).toContain('PBX 的密钥对已被替换');
    const deleted = describeError(byWhat('app-deleted')!);
    expect(deleted).toContain('11111111-2222-3333-4444-555555555555');
    expect(deleted).toContain('已被删除');
  });
});
