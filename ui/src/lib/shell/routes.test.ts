import { describe, expect, it } from 'vitest';
import { WIZARD_STEPS } from '../wizard/steps';
import { CERTIFICATES, DASHBOARD, neighbours, routeFromHash, START_ROUTE, SYNC } from './routes';

describe('routeFromHash', () => {
  it('finds a step and the dashboard by their hash', () => {
    expect(routeFromHash('#/key-pair')).toBe('key-pair');
    expect(routeFromHash('#/dashboard')).toBe(DASHBOARD);
  });

  it('finds the sync and certificate pages, with a path after the page', () => {
    expect(routeFromHash('#/sync')).toBe(SYNC);
    expect(routeFromHash('#/certificates/rotate/contoso')).toBe(CERTIFICATES);
    expect(routeFromHash('#/key-pair/extra')).toBe(START_ROUTE);
  });

  it('starts at the first step for an empty or unknown hash', () => {
    expect(START_ROUTE).toBe('connect-pbx');
    expect(routeFromHash('')).toBe(START_ROUTE);
    expect(routeFromHash('#/no-such-step')).toBe(START_ROUTE);
  });
});

describe('neighbours', () => {
  it('has no previous step at the start and no next step at the end', () => {
    expect(neighbours('connect-pbx').previous).toBeUndefined();
    expect(neighbours('connect-pbx').next?.id).toBe('microsoft-account');
    expect(neighbours('verify').next).toBeUndefined();
    expect(neighbours('verify').previous?.id).toBe('review-apply');
  });

  it('knows nothing around a screen that is not a step', () => {
    expect(neighbours(DASHBOARD)).toEqual({});
  });
});

describe('wizard steps', () => {
  it('are the eight steps of the setup flow, each with a unique id', () => {
    expect(WIZARD_STEPS.map((step) => step.title)).toEqual([
      'Connect PBX',
      'Microsoft account',
      'App registration',
      'Key pair',
      'Consent',
      'Sync options',
      'Review & apply',
      'Verify',
    ]);
    expect(new Set(WIZARD_STEPS.map((step) => step.id)).size).toBe(WIZARD_STEPS.length);
  });
});
