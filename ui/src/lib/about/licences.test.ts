import { describe, expect, it } from 'vitest';
import { loadLicences, packageCount, type LicenceGroup } from './licences';

const GROUPS: LicenceGroup[] = [
  { id: 'MIT', text: 'Permission is hereby granted…', packages: ['serde 1.0.0', 'zip 9.9.0'] },
  { id: 'Apache-2.0 OR MIT', text: 'Apache License…', packages: ['serde 1.0.0'] },
];

function answering(status: number, body: unknown): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status });
}

describe('loadLicences', () => {
  it('reads the list the build wrote', async () => {
    expect(await loadLicences('x.json', answering(200, GROUPS))).toEqual(GROUPS);
  });

  it('says there is none when the build wrote none', async () => {
    expect(await loadLicences('x.json', answering(404, 'Not found'))).toBeNull();
  });

  it('refuses a file that is not a list of licences', async () => {
    expect(await loadLicences('x.json', answering(200, [{ id: 'MIT', packages: 'serde' }]))).toBeNull();
    expect(await loadLicences('x.json', answering(200, { licenses: [] }))).toBeNull();
  });

  it('says there is none when the request fails', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('refused by the content security policy');
    };
    expect(await loadLicences('x.json', failing)).toBeNull();
  });
});

describe('packageCount', () => {
  it('counts a package under two licence texts once', () => {
    expect(packageCount(GROUPS)).toBe(2);
  });
});
