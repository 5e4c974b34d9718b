import { afterEach, describe, expect, it } from 'vitest';
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { MismatchCause } from '../bindings/MismatchCause';
import type { UncheckedCause } from '../bindings/UncheckedCause';
import { ENGLISH_PHRASE, withoutValues } from '../i18n/english-left';
import { chooseLocale } from '../i18n/locale.svelte';
import { daysLeftLabel, formatDate, groupThumbprint, mismatchDetail, stateBadge, uncheckedReason } from './format';
import { rotationHref, rotationProfile } from './route';

describe('daysLeftLabel', () => {
  it('counts days left, today, and days since expiry, singular and plural', () => {
    expect(daysLeftLabel(30)).toBe('30 days left');
    expect(daysLeftLabel(1)).toBe('1 day left');
    expect(daysLeftLabel(0)).toBe('Expires today');
    expect(daysLeftLabel(-1)).toBe('Expired 1 day ago');
    expect(daysLeftLabel(-12)).toBe('Expired 12 days ago');
    expect(daysLeftLabel(null)).toBe('Expiry unknown');
  });
});

describe('stateBadge', () => {
  it('gives each state its label and tone', () => {
    expect(stateBadge({ state: 'healthy', days_left: 200 })).toEqual({ label: 'Healthy', tone: 'good' });
    expect(stateBadge({ state: 'expiring', days_left: 6, threshold_days: 7 })).toEqual({ label: 'Expiring (7-day reminder)', tone: 'warning' });
    expect(stateBadge({ state: 'expired', expired_at: '2026-01-01T00:00:00Z' }).tone).toBe('bad');
    expect(stateBadge({ state: 'mismatched', detail: 'x', cause: 'not-on-app', said: null })).toEqual({ label: 'Mismatched', tone: 'bad' });
    expect(stateBadge({ state: 'unknown', reason: 'offline', cause: 'not-connected', detail: 'offline' }).tone).toBe('neutral');
  });
});

describe('formatDate and groupThumbprint', () => {
  it('formats a date in the given locale and keeps what is not a date', () => {
    expect(formatDate('2026-11-23T09:00:00Z', 'en-GB')).toContain('2026');
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatDate(null)).toBe('—');
  });

  it('groups a thumbprint by four', () => {
    expect(groupThumbprint('5A1F9C3E7B')).toBe('5A1F 9C3E 7B');
    expect(groupThumbprint(null)).toBe('—');
  });
});

describe('rotation route', () => {
  it('round-trips a profile name through the address', () => {
    expect(rotationHref('north wind')).toBe('#/certificates/rotate/north%20wind');
    expect(rotationProfile(rotationHref('north wind'))).toBe('north wind');
    expect(rotationProfile('#/certificates')).toBeUndefined();
    expect(rotationProfile('#/certificates/rotate/')).toBeUndefined();
  });
});

describe('engine reasons in Chinese', () => {
  afterEach(() => chooseLocale('en'));
  const THUMB = '77E2A9B0C1D2E3F4A5B6C7D8E9F0A1B2C3D4E5F6';
  const status = { pbx_certificate: { sha1_thumbprint: THUMB } } as CertificateStatus;

  it.each<MismatchCause>(['no-key-pair', 'refused-by-microsoft', 'not-on-app'])('words the mismatch %s', (cause) => {
    chooseLocale('zh-CN');
    const said = 'AADSTS700027: Client assertion contains an invalid signature.';
    const text = mismatchDetail(status, cause, said);
    expect(withoutValues(text, [said, THUMB, 'public_key.pem'])).not.toMatch(ENGLISH_PHRASE);
    if (cause !== 'no-key-pair') expect(text).toContain(THUMB);
    if (cause === 'refused-by-microsoft') expect(text).toContain(said);
  });

  it.each<UncheckedCause>(['pbx-unreadable', 'pbx-sign-in-failed', 'not-connected'])('words why %s could not be checked', (cause) => {
    chooseLocale('zh-CN');
    const detail = 'HTTP 503 from the PBX';
    const text = uncheckedReason({ reason: `the PBX's certificate could not be read: ${detail}`, cause, detail });
    expect(text).toContain(detail);
    expect(withoutValues(text, [detail])).not.toMatch(ENGLISH_PHRASE);
  });

  it('words an engine error that stopped the check, and a profile without an app', () => {
    chooseLocale('zh-CN');
    const message = 'The PBX at https://pbx.contoso.example:8887 cannot be reached any more: connection refused.';
    const text = uncheckedReason({
      reason: message,
      cause: 'not-connected',
      detail: message,
      error: { code: 'pbx-gone', message, params: { url: 'https://pbx.contoso.example:8887', reason: 'connection refused' }, field: null, apply_step: null },
    });
    expect(text).not.toContain(message);
    expect(text).toContain('https://pbx.contoso.example:8887');
    const none = uncheckedReason({ reason: 'the profile has no app registration yet; run the setup first', cause: 'no-app-registration', detail: '' });
    expect(none).not.toMatch(ENGLISH_PHRASE);
  });

  it("falls back to the engine's reason for a status saved before causes", () => {
    expect(uncheckedReason({ reason: 'PBX down', cause: 'not-connected', detail: '' })).toContain('PBX down');
  });
});
