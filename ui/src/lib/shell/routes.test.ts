import { describe, expect, it } from 'vitest';
import { WIZARD_STEPS } from '../wizard/steps';
import { actedOnProfile, CERTIFICATES, DASHBOARD, neighbours, profileInHash, profileRoute, routeFromHash, START_ROUTE, SYNC, syncHref } from './routes';

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

describe('profile routes', () => {
  const NAMES = ['contoso', 'north wind', 'a/b', 'ü-straße', '北京 分部', '100%', 'x#y?z'];

  it.each(NAMES)('carries the profile %s through its own address and back', (name) => {
    expect(profileInHash(syncHref(name), SYNC)).toEqual({ profile: name, rest: [] });
    expect(profileInHash(syncHref(name, true), SYNC)).toEqual({ profile: name, rest: ['now'] });
    expect(routeFromHash(syncHref(name, true))).toBe(SYNC);
  });

  it('keeps the profile one path segment, whatever it holds', () => {
    expect(profileRoute(SYNC, 'a/b')).toBe('sync/a%2Fb');
    expect(profileRoute('dashboard/disconnect', 'north wind')).toBe('dashboard/disconnect/north%20wind');
    expect(syncHref('contoso', true)).toBe('#/sync/contoso/now');
  });

  it('names no profile for the bare page, another page, or a broken escape', () => {
    expect(profileInHash('#/sync', SYNC)).toBeUndefined();
    expect(profileInHash('#/sync/', SYNC)).toBeUndefined();
    expect(profileInHash('#/synchronise/contoso', SYNC)).toBeUndefined();
    expect(profileInHash('#/certificates/contoso', SYNC)).toBeUndefined();
    expect(profileInHash('#/sync/%E0%A4%A', SYNC)).toBeUndefined();
  });

  it('reads a name typed into the address bar unescaped', () => {
    expect(profileInHash('#/sync/北京', SYNC)?.profile).toBe('北京');
    expect(profileInHash('#sync/contoso/', SYNC)).toEqual({ profile: 'contoso', rest: [] });
  });
});

describe('actedOnProfile', () => {
  it('names the profile of the Sync, rotation and Disconnect screens', () => {
    expect(actedOnProfile(syncHref('fabrikam', true))).toBe('fabrikam');
    expect(actedOnProfile('#/certificates/rotate/north%20wind')).toBe('north wind');
    expect(actedOnProfile('#/dashboard/disconnect/contoso')).toBe('contoso');
  });

  it('names none on screens about every profile or none', () => {
    expect(actedOnProfile('#/dashboard')).toBeUndefined();
    expect(actedOnProfile('#/certificates')).toBeUndefined();
    expect(actedOnProfile('#/sync')).toBeUndefined();
    expect(actedOnProfile('#/connect-pbx')).toBeUndefined();
  });
});
