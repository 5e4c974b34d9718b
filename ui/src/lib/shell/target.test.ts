import { describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../bindings/ProfileSummary';
import { loadTarget, tenantLabel } from './target';

const CONTOSO: ProfileSummary = {
  name: 'contoso',
  pbx_host: 'pbx.contoso.com',
  pbx_url: 'https://pbx.contoso.com',
  pbx_domain: 'contoso.example',
  tenant_domain: 'contoso.onmicrosoft.com',
  tenant_name: 'Contoso Ltd',
  tenant_id: '0f8f',
  cloud: 'global',
};

describe('tenantLabel', () => {
  it('names the tenant by its domain, then its name, then its ID', () => {
    expect(tenantLabel(CONTOSO)).toBe('contoso.onmicrosoft.com');
    expect(tenantLabel({ ...CONTOSO, tenant_domain: null })).toBe('Contoso Ltd');
    expect(tenantLabel({ ...CONTOSO, tenant_domain: null, tenant_name: null })).toBe('tenant 0f8f');
    expect(tenantLabel({ ...CONTOSO, tenant_domain: null, tenant_name: null, tenant_id: null })).toBe('not recorded yet');
  });
});

describe('loadTarget', () => {
  const backend = (list: ProfileSummary[] | Error) => ({
    appInfo: async () => ({ version: '0.1.0', demo: true }),
    profileSummaries: async () => {
      if (list instanceof Error) {
        throw list;
      }
      return list;
    },
  });

  it('finds the named profile only, never another one', async () => {
    const fabrikam = { ...CONTOSO, name: 'fabrikam', pbx_host: 'pbx.fabrikam.com' };
    expect(await loadTarget(backend([CONTOSO, fabrikam]), 'fabrikam')).toEqual({ summary: fabrikam, demo: true });
    const missing = await loadTarget(backend([CONTOSO]), 'fabrikam');
    expect(missing).toEqual({ error: expect.stringContaining('No saved profile is named “fabrikam”') });
  });

  it('says why when the profiles cannot be read', async () => {
    expect(await loadTarget(backend(new Error('disk gone')), 'contoso')).toEqual({
      error: 'The profile “contoso” could not be read: disk gone',
    });
  });
});
