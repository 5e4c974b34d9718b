import { describe, expect, it } from 'vitest';
import { daysLeftLabel, formatDate, groupThumbprint, stateBadge } from './format';
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
