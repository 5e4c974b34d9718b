import { m } from '../i18n';
import type { PbxLogin } from '../bindings/PbxLogin';

/** What the admin types into "Connect to the PBX". */
export interface PbxConnectionForm {
  url: string;
  domain: string;
  username: string;
  password: string;
  /** The contents of the optional CA certificate file, when one was chosen. */
  caPem: string | null;
}

export type PbxConnectionField = keyof PbxConnectionForm;
export type FieldErrors = Partial<Record<PbxConnectionField, string>>;

const EXAMPLE_URL = 'https://pbx.example.com:8887';
// PortSIP's login endpoint limits the user name to 64 characters.
const MAX_USERNAME_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
export const MAX_CA_FILE_BYTES = 1024 * 1024;

function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** The PBX address: https, or plain http only to this computer, and nothing but the server. */
export function validatePbxUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return m.validation_url_empty({ example: EXAMPLE_URL });
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return m.validation_url_no_scheme({ example: EXAMPLE_URL });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return m.validation_url_invalid({ example: EXAMPLE_URL });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return m.validation_url_scheme();
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return m.validation_url_plain_http();
  }
  if (url.username !== '' || url.password !== '') {
    return m.validation_url_credentials();
  }
  if (url.search !== '' || url.hash !== '') {
    return m.validation_url_query();
  }
  if (!['/', '/api', '/api/'].includes(url.pathname)) {
    return m.validation_url_path({ example: EXAMPLE_URL });
  }
  return undefined;
}

/** The tenant's SIP domain, as the PortSIP portal shows it. */
export function validateSipDomain(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return m.validation_domain_empty({ example: 'contoso.com' });
  }
  if (text.includes('://')) {
    return m.validation_domain_scheme();
  }
  if (text.includes('@')) {
    return m.validation_domain_address();
  }
  if (text.length > MAX_DOMAIN_LENGTH || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(text)) {
    return m.validation_domain_characters({ example: 'sip.contoso.com' });
  }
  return undefined;
}

export function validateUsername(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return m.validation_username_empty();
  }
  if (text.length > MAX_USERNAME_LENGTH) {
    return m.validation_username_long({ max: MAX_USERNAME_LENGTH });
  }
  return undefined;
}

export function validatePassword(raw: string): string | undefined {
  return raw === '' ? m.validation_password_empty() : undefined;
}

/** The optional CA file: one or more PEM certificates, and never a private key. */
export function validateCaPem(pem: string | null): string | undefined {
  if (pem === null) {
    return undefined;
  }
  if (pem.length > MAX_CA_FILE_BYTES) {
    return m.validation_ca_too_large();
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return m.validation_ca_private_key();
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    return m.validation_ca_not_pem();
  }
  return undefined;
}

const VALIDATORS: { [Field in PbxConnectionField]: (value: PbxConnectionForm[Field]) => string | undefined } = {
  url: validatePbxUrl,
  domain: validateSipDomain,
  username: validateUsername,
  password: validatePassword,
  caPem: validateCaPem,
};

export function validateField<Field extends PbxConnectionField>(
  field: Field,
  form: PbxConnectionForm,
): string | undefined {
  return VALIDATORS[field](form[field]);
}

/** Every problem with the form, by field, in the order the fields appear. */
export function validateConnectionForm(form: PbxConnectionForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of Object.keys(VALIDATORS) as PbxConnectionField[]) {
    const message = validateField(field, form);
    if (message !== undefined) {
      errors[field] = message;
    }
  }
  return errors;
}

/**
 * What the engine is asked to connect with. The CA the admin chose is sent as its text and kept
 * in the profile; without one, demo mode trusts the emulators' CA.
 */
export function loginFrom(form: PbxConnectionForm, demoCaPem: string | null): PbxLogin {
  return {
    url: form.url.trim(),
    username: form.username.trim(),
    password: form.password,
    domain: form.domain.trim(),
    ca_pem: form.caPem ?? demoCaPem,
    pin_sha256: null,
    remember_password: false,
  };
}
