import { describe, expect, it } from 'vitest';
import {
  loginFrom,
  type PbxConnectionForm,
  validateCaPem,
  validateConnectionForm,
  validatePbxUrl,
  validateSipDomain,
  validateUsername,
} from './validation';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('validatePbxUrl', () => {
  it.each([
    'https://pbx.example.com:8887',
    'https://pbx.example.com:8887/',
    'https://pbx.example.com/api',
    'https://203.0.113.7:8887',
    'http://localhost:8887',
    'http://127.0.0.1:41234',
    'http://[::1]:8887',
  ])('accepts %s', (url) => {
    expect(validatePbxUrl(url)).toBeUndefined();
  });

  it.each([
    ['', /Enter the PBX address/],
    ['pbx.example.com:8887', /Start the address with https:\/\//],
    ['https://', /not a valid web address/],
    ['ftp://pbx.example.com', /must start with https/],
    ['http://pbx.example.com:8887', /Use https:\/\/.*unencrypted/],
    ['http://10.0.0.5:8887', /Use https:\/\//],
    ['https://admin:secret@pbx.example.com', /Remove the user name and password/],
    ['https://pbx.example.com:8887/?tenant=1', /Remove everything from the \?/],
    ['https://pbx.example.com:8887/portal/login', /without a path/],
    ['https://pbx.example.com:99999', /not a valid web address/],
  ])('refuses %j', (url, message) => {
    expect(validatePbxUrl(url)).toMatch(message);
  });
});

describe('validateSipDomain', () => {
  it.each(['contoso.com', 'sip.contoso.co.uk', 'tenant-1.pbx.example.com', 'Contoso.COM'])(
    'accepts %s',
    (domain) => {
      expect(validateSipDomain(domain)).toBeUndefined();
    },
  );

  it.each([
    ['', /Enter the tenant SIP domain/],
    ['https://contoso.com', /without https:\/\//],
    ['admin@contoso.com', /not a user address/],
    ['contoso .com', /only letters, digits, hyphens and dots/],
    ['-contoso.com', /only letters, digits, hyphens and dots/],
    ['contoso..com', /only letters, digits, hyphens and dots/],
  ])('refuses %j', (domain, message) => {
    expect(validateSipDomain(domain)).toMatch(message);
  });
});

describe('validateUsername', () => {
  it('needs a name no longer than PortSIP allows', () => {
    expect(validateUsername('tenantadmin')).toBeUndefined();
    expect(validateUsername('  ')).toMatch(/Enter the user name/);
    expect(validateUsername('a'.repeat(65))).toMatch(/64 characters/);
  });
});

describe('validateCaPem', () => {
  it('is optional', () => {
    expect(validateCaPem(null)).toBeUndefined();
  });

  it('accepts a PEM certificate', () => {
    expect(validateCaPem(CERTIFICATE)).toBeUndefined();
  });

  it('refuses a file that is not a certificate', () => {
    expect(validateCaPem('hello')).toMatch(/not a PEM certificate/);
  });

  it('refuses any file with a private key in it, even next to a certificate', () => {
    const withKey = `${CERTIFICATE}-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n`;
    expect(validateCaPem(withKey)).toMatch(/contains a private key/);
  });
});

describe('validateConnectionForm', () => {
  const valid: PbxConnectionForm = {
    url: 'https://pbx.example.com:8887',
    domain: 'contoso.com',
    username: 'tenantadmin',
    password: 'correct horse',
    caPem: null,
  };

  it('finds nothing wrong with a complete form', () => {
    expect(validateConnectionForm(valid)).toEqual({});
  });

  it('reports every bad field, in the order of the form', () => {
    const errors = validateConnectionForm({ ...valid, url: 'http://pbx.example.com', password: '' });
    expect(Object.keys(errors)).toEqual(['url', 'password']);
  });
});

describe('loginFrom', () => {
  const form: PbxConnectionForm = {
    url: ' https://pbx.example.com:8887 ',
    domain: ' contoso.com ',
    username: ' tenantadmin ',
    password: ' secret with spaces ',
    caPem: null,
  };
  const DEMO_CA = '-----BEGIN CERTIFICATE-----\nDEMO\n-----END CERTIFICATE-----\n';

  it('sends the chosen CA certificate itself, not a file name', () => {
    expect(loginFrom({ ...form, caPem: CERTIFICATE }, null).ca_pem).toBe(CERTIFICATE);
  });

  it("prefers the admin's CA over the demo's, and falls back to the demo's, then to none", () => {
    expect(loginFrom({ ...form, caPem: CERTIFICATE }, DEMO_CA).ca_pem).toBe(CERTIFICATE);
    expect(loginFrom(form, DEMO_CA).ca_pem).toBe(DEMO_CA);
    expect(loginFrom(form, null).ca_pem).toBeNull();
  });

  it('trims the address, user name and domain but never the password', () => {
    const login = loginFrom(form, null);
    expect([login.url, login.username, login.domain, login.password]).toEqual([
      'https://pbx.example.com:8887',
      'tenantadmin',
      'contoso.com',
      ' secret with spaces ',
    ]);
  });
});
