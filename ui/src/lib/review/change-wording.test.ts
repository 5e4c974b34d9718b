import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../bindings/Change';
import type { ChangeCode } from '../bindings/ChangeCode';
import { chooseLocale } from '../i18n/locale.svelte';
import { describeChange, describeValue, WORDED_CHANGE_CODES } from './change-wording';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';

const THUMB = '77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F';

/** One row of each action code with the values the engine puts in it (wizard/review.rs, wizard/plan.rs). */
const SAMPLES: Record<Exclude<ChangeCode, 'setting'>, Record<string, string>> = {
  'app-gone': { app_id: '3f2b9c1e-7d4a-4e8b-9a6f-1c2d3e4f5a6b' },
  'create-app': {
    name: 'PortSIP PBX (contoso.example)',
    uris: 'https://pbx.contoso.example:8887/api/ms365/callback, https://pbx.contoso.example:8887/api/ms365/sso',
    permissions: 'User.Read.All, Contacts.Read',
  },
  'add-redirect-uri': { uri: 'https://pbx.contoso.example:8887/api/ms365/callback' },
  'remove-redirect-uri': { uri: 'https://old.contoso.example/callback' },
  'turn-on-id-tokens': {},
  'declare-permission': { permission: 'Contacts.Read' },
  'stop-declaring-permission': { permission: 'Mail.Read' },
  'create-service-principal': {},
  'generate-key-pair': {},
  'regenerate-key-pair': { not_before: '2025-01-01T00:00:00Z', not_after: '2026-01-01T00:00:00Z' },
  'add-new-certificate': { others: '1' },
  'add-certificate': { thumbprint: THUMB, not_after: '2027-12-06T00:00:00Z', others: '0' },
  'grant-permission': { permission: 'User.Read.All' },
  'grant-permission-mail-send': { permission: 'Mail.Send' },
  'grant-permission-user-phone': { permission: 'User-Phone.ReadWrite.All' },
  'remove-permission': { permission: 'Mail.Read' },
  'create-profile': { profile: 'contoso.example' },
  'save-pbx-sign-in': {},
  'save-pbx-password': {},
  'save-microsoft-sign-in': {},
  'save-certificate': { path: '/home/admin/contoso/public_key.pem' },
};

const CODES = Object.keys(SAMPLES) as Exclude<ChangeCode, 'setting'>[];

const action = (code: ChangeCode, params: Record<string, string>): Change => ({
  target: 'entra',
  summary: 'The engine’s English text',
  code,
  params,
  field: null,
  before: null,
  after: null,
});

const setting = (field: string, before: string, after: string): Change => ({
  target: 'pbx',
  summary: 'Sync schedule',
  code: 'setting',
  params: {},
  field,
  before,
  after,
});

afterEach(() => chooseLocale('en'));

describe('describeChange', () => {
  it('words every code the engine has', () => {
    expect([...WORDED_CHANGE_CODES].sort()).toEqual([...CODES, 'setting'].sort());
  });

  it.each(['en', 'zh-CN'] as const)('keeps every value in %s', (locale) => {
    chooseLocale(locale);
    for (const code of CODES) {
      const text = describeChange(action(code, SAMPLES[code]));
      for (const [name, value] of Object.entries(SAMPLES[code])) {
        for (const item of value.split(', ')) expect(text, `${code}: ${name}`).toContain(item);
      }
    }
  });

  it('leaves no English sentence in Chinese, apart from the values it quotes', () => {
    chooseLocale('zh-CN');
    for (const code of CODES) {
      const text = describeChange(action(code, SAMPLES[code]));
      expect(text, code).not.toContain('engine');
      const rest = withoutValues(text, SAMPLES[code]).replace(/PortSIP|PBX|Microsoft 365|Graph|URI|ID/g, ' ');
      expect(rest, code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('names a setting by its field only: the Now and After columns carry the values', () => {
    chooseLocale('zh-CN');
    const row = setting('sync_time', '(not set)', '0 2 * * *');
    expect(describeChange(row)).toBe('同步计划');
    expect(describeValue(row.before!)).toBe('（未设置）');
    expect(describeValue(row.after!)).toBe('0 2 * * *');
    expect(describeValue("(the new app's ID)")).toBe('（新应用的 ID）');
    expect(describeValue('true')).toBe('开');
    chooseLocale('en');
    expect(describeChange(row)).toBe('Sync schedule');
    expect(describeChange(setting('application_id', '(not set)', "(the new app's ID)"))).toBe('Application (client) ID');
    expect(describeChange(setting('users.pbx_concurrency', '12', '4'))).toBe('Users written to the PBX at once');
    chooseLocale('zh-CN');
    expect(describeChange(setting('users.pbx_concurrency', '12', '4'))).toBe('同时写入 PBX 的用户数');
  });

  it('words the samples from the task in Chinese', () => {
    chooseLocale('zh-CN');
    expect(describeChange(action('create-app', SAMPLES['create-app']))).toContain('创建应用注册“PortSIP PBX (contoso.example)”');
    expect(describeChange(action('grant-permission', { permission: 'User.Read.All' }))).toBe(
      '授予 Graph 应用程序权限 User.Read.All（代表组织授予管理员同意）。',
    );
    expect(describeChange(action('create-profile', { profile: 'contoso.example' }))).toBe('创建配置文件“contoso.example”（其中不含任何机密信息）。');
  });
});
