import { describe, expect, it } from 'vitest';
import { mockHistory, mockStatuses, mockVerification } from '../backend/mock-data';
import { verdict, type ProfileHealth } from './health';

function health(profile: string, overrides: Partial<ProfileHealth> = {}): ProfileHealth {
  const certificate = mockStatuses().find((status) => status.profile === profile);
  if (certificate === undefined) {
    throw new Error(`no mock profile ${profile}`);
  }
  return { profile, certificate, verification: mockVerification(profile), lastRun: mockHistory(profile)[0] ?? null, ...overrides };
}

describe('verdict', () => {
  it('calls a mismatched certificate broken whatever else is fine', () => {
    expect(verdict(health('northwind'))).toEqual({ tone: 'bad', label: 'Broken', action: 'Rotate the certificate' });
  });

  it('asks for a rotation soon when the certificate is expiring', () => {
    expect(verdict(health('fabrikam')).tone).toBe('warning');
  });

  it('warns about a last sync with failures, and is healthy without one', () => {
    const contoso = health('contoso');
    expect(verdict(contoso).label).toBe('Working, with warnings');
    expect(verdict({ ...contoso, lastRun: null })).toEqual({ tone: 'good', label: 'Healthy', action: null });
  });

  it('puts a failed verification before an expiring certificate', () => {
    const failed = mockVerification('northwind');
    expect(verdict(health('fabrikam', { verification: failed })).label).toBe('Needs attention');
  });
});
