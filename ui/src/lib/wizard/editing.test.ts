import { describe, expect, it } from 'vitest';
import { EDITABLE_STEPS, editHref, editTarget } from './editing';

describe('the address of a saved profile opened at one step', () => {
  it('round-trips any profile name and names only steps up to the review', () => {
    expect(editTarget(editHref('contoso', 'sync-options'))).toMatchObject({ profile: 'contoso', step: { id: 'sync-options' } });
    expect(editTarget(editHref('a b/c', 'app-registration'))).toMatchObject({ profile: 'a b/c', step: { id: 'app-registration' } });
    expect(EDITABLE_STEPS.map((step) => step.id)).toEqual([
      'connect-pbx',
      'microsoft-account',
      'app-registration',
      'key-pair',
      'consent',
      'sync-options',
      'review-apply',
    ]);
    expect(editTarget(editHref('contoso', 'verify'))).toBeUndefined();
    expect(editTarget('#/edit/contoso')).toBeUndefined();
    expect(editTarget('#/sync/contoso')).toBeUndefined();
  });
});

describe('where the app opens', () => {
  it('on the dashboard once a profile is saved, unless the address names a screen', async () => {
    const { openingRoute } = await import('../shell/routes');
    expect(openingRoute('', true)).toBe('dashboard');
    expect(openingRoute('#/no-such-step', true)).toBe('dashboard');
    expect(openingRoute('', false)).toBeNull();
    expect(openingRoute('#/connect-pbx', true)).toBeNull();
    expect(openingRoute('#/sync/contoso', true)).toBeNull();
    expect(openingRoute(editHref('contoso', 'sync-options'), true)).toBeNull();
  });
});
