import { describe, expect, it } from 'vitest';
import type { PbxEdition } from '../bindings/PbxEdition';
import { adminSignInOffered, compareVersions, editionText, licencesLeft, parseVersion } from './edition';

const edition = (version: string | null, current: number | null = 212, licensed: number | null = 400): PbxEdition => ({
  version,
  licensed_users: licensed,
  current_users: current,
  warning: null,
});

describe('parseVersion', () => {
  it('reads the forms a PBX writes, as the engine does', () => {
    const cases: [string, [number, number, number]][] = [
      ['22.6.0', [22, 6, 0]],
      ['22.6', [22, 6, 0]],
      ['22.2.1', [22, 2, 1]],
      ['v22.6.1 (build 1234)', [22, 6, 1]],
      ['V22.6', [22, 6, 0]],
      ['  22.6.3\n', [22, 6, 3]],
      ['PortSIP PBX 22.5.2', [22, 5, 2]],
      ['PortSIP PBX v22.6', [22, 6, 0]],
      ['22.6.0.1234', [22, 6, 0]],
      ['22.6.0-rc1', [22, 6, 0]],
      ['22.6.', [22, 6, 0]],
      ['build 1234, version 22.4.0', [22, 4, 0]],
      ['(22.10.2)', [22, 10, 2]],
    ];
    for (const [text, [major, minor, patch]] of cases) {
      expect(parseVersion(text), text).toEqual({ major, minor, patch });
    }
  });

  it('reads no version from text that has none', () => {
    for (const garbage of ['', '   ', 'latest', 'unknown', '22', 'v22', 'v.22', '.6.1', 'build1234.5', 'x22.6', '99999999999.6.0', '22.99999999999', '２２.６']) {
      expect(parseVersion(garbage), garbage).toBeNull();
    }
  });

  it('orders versions by their numbers, not their text', () => {
    const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });
    expect(compareVersions(v(22, 2), v(22, 6))).toBeLessThan(0);
    expect(compareVersions(v(22, 10), v(22, 9, 9))).toBeGreaterThan(0);
    expect(compareVersions(v(22, 6), v(22, 6, 0))).toBe(0);
  });
});

describe('adminSignInOffered', () => {
  it('is offered up to 22.5 and not from 22.6 on', () => {
    expect(adminSignInOffered(edition('22.2.0'))).toBe(true);
    expect(adminSignInOffered(edition('v22.5.9 (build 7)'))).toBe(true);
    expect(adminSignInOffered(edition('22.6'))).toBe(false);
    expect(adminSignInOffered(edition('22.6.0'))).toBe(false);
    expect(adminSignInOffered(edition('23.0.1'))).toBe(false);
  });

  it('treats an unknown or unreadable version as the newest', () => {
    expect(adminSignInOffered(edition(null))).toBe(false);
    expect(adminSignInOffered(edition('nightly'))).toBe(false);
    expect(adminSignInOffered(null)).toBe(false);
    expect(adminSignInOffered(undefined)).toBe(false);
  });
});

describe('editionText', () => {
  it('says the version and how many users the licence still allows', () => {
    expect(editionText(edition('22.6.0'))).toBe('PortSIP 22.6.0 · 212 of 400 licensed users · 188 left');
    expect(licencesLeft(edition('22.6.0'))).toBe(188);
  });

  it('says when the licence is used up or exceeded', () => {
    expect(editionText(edition('22.2.0', 400, 400))).toBe('PortSIP 22.2.0 · 400 of 400 licensed users · none left');
    expect(editionText(edition('22.2.0', 402, 400))).toBe('PortSIP 22.2.0 · 402 of 400 licensed users · 2 over the licence');
    expect(editionText(edition('22.2.0', 1, 1))).toBe('PortSIP 22.2.0 · 1 of 1 licensed user · none left');
  });

  it('says only what the PBX reported', () => {
    expect(editionText(edition(null, null, null))).toBe('PortSIP (version unknown)');
    expect(editionText(edition('22.6.0', null, 400))).toBe('PortSIP 22.6.0 · 400 users licensed');
    expect(editionText(edition('22.6.0', 212, null))).toBe('PortSIP 22.6.0 · 212 users, licence not reported');
    expect(licencesLeft(edition('22.6.0', 212, null))).toBeNull();
  });
});
