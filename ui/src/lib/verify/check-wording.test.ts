import { afterEach, describe, expect, it } from 'vitest';
import type { CheckCode } from '../bindings/CheckCode';
import type { CheckId } from '../bindings/CheckId';
import { chooseLocale } from '../i18n/locale.svelte';
import { checkTitle, describeCheck, WORDED_CHECK_CODES } from './check-wording';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';

const THUMB = '77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F';

/** One message of each code with the values the engine puts in it (doctor/message.rs). */
const SAMPLES: Record<CheckCode, Record<string, string>> = {
  detail: { detail: 'The PBX refused the refresh token (HTTP 401).' },
  'skip-pbx-unreachable': {},
  'skip-pbx-sign-in': {},
  'skip-guided': {},
  'skip-microsoft-sign-in': { reason: 'The saved Microsoft sign-in has expired.' },
  'skip-pbx-unread': {},
  'skip-no-edition': {},
  'reachable-https': { url: 'https://pbx.contoso.example:8887/' },
  'reachable-http': { url: 'http://127.0.0.1:8899/' },
  'admin-role': { username: 'admin', role: 'Admin' },
  'not-admin-role': { username: 'ops', role: 'unknown' },
  'settings-match': { app: '3f2b9c1e-7d4a-4e8b-9a6f-1c2d3e4f5a6b', directory: '72f988bf-86f1-41af-91ab-2d7cd011db47', cloud: 'GLOBAL' },
  'settings-differ': { fields: 'application_id, national_cloud' },
  'certificate-valid': { thumbprint: THUMB, not_after: '2027-12-06T00:00:00Z', days: '365' },
  'certificate-valid-rotate-soon': { thumbprint: THUMB, not_after: '2026-12-20T00:00:00Z', days: '14' },
  'certificate-not-now': { thumbprint: THUMB, not_before: '2025-01-01T00:00:00Z', not_after: '2026-01-01T00:00:00Z' },
  'no-key-pair': {},
  'no-app-registration': {},
  'app-gone': { app_id: '3f2b9c1e-7d4a-4e8b-9a6f-1c2d3e4f5a6b' },
  'redirect-uris-match': { uris: 'https://pbx.contoso.example:8887/api/ms365/callback' },
  'redirect-uris-differ': { missing: 'https://pbx.contoso.example:8887/a', extra: 'https://old.example/b', id_tokens: 'off' },
  'no-pbx-certificate': {},
  'certificate-on-app': { thumbprint: THUMB, not_before: '2026-12-06T00:00:00Z', not_after: '2027-12-06T00:00:00Z', others: '1' },
  'certificate-dates-differ': {
    thumbprint: THUMB,
    app_start: '2026-12-07T00:00:00Z',
    app_end: '2027-12-07T00:00:00Z',
    not_before: '2026-12-06T00:00:00Z',
    not_after: '2027-12-06T00:00:00Z',
  },
  'certificate-not-on-app': { thumbprint: THUMB },
  'permissions-missing': { pbx: 'PortSIP 22.6', missing: 'User.ReadBasic.All', extra: 'User.Read.All' },
  'permissions-declared': { permissions: 'Contacts.Read, User.Read.All', pbx: 'PortSIP 22.4' },
  'permissions-granted': { permissions: 'User.Read.All', pbx: 'PortSIP 22.4', extra: 'Mail.Read' },
  'no-service-principal': {},
  'lists-users': { count: '212' },
  'fix-rerun-setup': { profile: 'contoso' },
  'fix-rerun-setup-review': { profile: 'contoso' },
  'fix-pbx-address': {},
  'fix-tls': {},
  'fix-pbx-reachable': {},
  'fix-admin-account': {},
  'fix-rotate': {},
  'fix-generate-key-pair': {},
  'fix-check-pbx': {},
  'fix-check-pbx-run-doctor': {},
  'fix-remove-key-dates': {},
  'fix-remove-extra-permissions': { profile: 'contoso', extra: 'Mail.Read' },
  'fix-microsoft-busy': {},
  'fix-certificate-unknown': {},
  'fix-app-unknown': {},
  'fix-consent': {},
};

const CODES = Object.keys(SAMPLES) as CheckCode[];
const IDS: CheckId[] = [
  'pbx-reachable',
  'pbx-admin-role',
  'pbx-settings-match',
  'pbx-certificate',
  'redirect-uris',
  'certificate-on-app',
  'permissions-exact',
  'permissions-granted',
  'pbx-lists-users',
];

afterEach(() => chooseLocale('en'));

describe('describeCheck', () => {
  it('words every code the engine has', () => {
    expect([...WORDED_CHECK_CODES].sort()).toEqual([...CODES].sort());
  });

  it.each(['en', 'zh-CN'] as const)('keeps every value in %s', (locale) => {
    chooseLocale(locale);
    for (const code of CODES) {
      const params = SAMPLES[code];
      const text = describeCheck({ code, params });
      for (const [name, value] of Object.entries(params)) {
        if (name === 'id_tokens') continue; // worded, not quoted
        for (const item of value.split(', ')) expect(text, `${code}: ${name}`).toContain(item);
      }
    }
  });

  it('leaves no English sentence in Chinese, apart from the values it quotes', () => {
    chooseLocale('zh-CN');
    for (const code of CODES) {
      if (code === 'detail') continue; // the PBX's or Microsoft's own text, quoted whole
      const rest = withoutValues(describeCheck({ code, params: SAMPLES[code] }), SAMPLES[code]);
      expect(rest, code).not.toMatch(ENGLISH_PHRASE);
      expect(rest, code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('words the parts of a redirect mismatch that apply', () => {
    chooseLocale('zh-CN');
    const text = describeCheck({ code: 'redirect-uris-differ', params: { id_tokens: 'off' } });
    expect(text).toBe('使用 Microsoft 登录将会失败：ID 令牌未启用。');
  });

  it('adds the warning of extra permissions only when there are', () => {
    const params = { permissions: 'User.Read.All', pbx: 'PortSIP 22.4' };
    expect(describeCheck({ code: 'permissions-granted', params })).not.toContain('Warning');
    expect(describeCheck({ code: 'permissions-granted', params: { ...params, extra: 'Mail.Read' } })).toContain('Warning: Mail.Read');
  });
});

describe('an engine error quoted by a check', () => {
  it('is worded by the catalogue, not quoted in English', () => {
    chooseLocale('zh-CN');
    const reason = "The saved Microsoft sign-in of contoso has expired; sign in again (refresh token revoked).";
    const text = describeCheck({
      code: 'skip-microsoft-sign-in',
      params: { reason },
      error: {
        code: 'microsoft-sign-in-needed',
        message: reason,
        params: { profile: 'contoso', reason: 'refresh token revoked' },
        field: null,
        apply_step: null,
      },
    });
    expect(text).not.toContain(reason);
    expect(text).toContain('contoso');
    expect(text).toMatch(/^已跳过：没有可用的 Microsoft 登录（/);
  });
});

describe('checkTitle', () => {
  it('names every check in Chinese', () => {
    chooseLocale('zh-CN');
    for (const id of IDS) {
      const rest = checkTitle(id).replace(/PortSIP|PBX|Microsoft 365|URI/g, ' ');
      expect(rest, id).not.toMatch(ENGLISH_PHRASE);
      expect(rest, id).toMatch(/\p{Script=Han}/u);
    }
  });
});

describe("the PBX's version at the end of the admin-role check", () => {
  const edition = {
    version: '21.4.0',
    licensed_users: 400,
    current_users: 212,
    warning: { code: 'too-old', version: '21.4.0', oldest: '22.2.0', newest: '22.6' },
  } as const;
  const params = { username: 'admin', role: 'Admin' };

  it('is worded with its warning in English', () => {
    const text = describeCheck({ code: 'admin-role', params, edition });
    expect(text).toContain('The PBX runs PortSIP 21.4.0');
    expect(text).toContain('older than pbx365 supports');
  });

  it('leaves no English sentence in Chinese', () => {
    chooseLocale('zh-CN');
    const text = describeCheck({ code: 'admin-role', params, edition });
    expect(text).toContain('21.4.0');
    expect(text).toContain('22.2.0');
    const rest = withoutValues(text, [...Object.values(params), '21.4.0', '22.2.0', '22.6', 'PortSIP']);
    expect(rest).not.toMatch(ENGLISH_PHRASE);
    expect(rest).toMatch(/\p{Script=Han}/u);
  });
});
