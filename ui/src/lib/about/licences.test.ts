import { describe, expect, it } from 'vitest';
import { byLicence, loadLicences, packageCount, type LicenceGroup } from './licences';

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

describe('byLicence', () => {
  it('gathers the texts of each licence, the most used licence first', () => {
    const groups: LicenceGroup[] = [
      { id: 'Apache-2.0', text: 'A', packages: ['a 1.0.0'] },
      { id: 'MIT', text: 'Copyright (c) X', packages: ['x 1.0.0', 'y 1.0.0'] },
      { id: 'MIT', text: 'Copyright (c) Z', packages: ['z 1.0.0', 'y 1.0.0'] },
    ];
    expect(byLicence(groups)).toEqual([
      { id: 'MIT', packages: 3, groups: [groups[1], groups[2]] },
      { id: 'Apache-2.0', packages: 1, groups: [groups[0]] },
    ]);
  });
});
