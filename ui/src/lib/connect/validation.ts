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
    return `Enter the PBX address, for example ${EXAMPLE_URL}.`;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return `Start the address with https://, for example ${EXAMPLE_URL}.`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `This is not a valid web address. Use the form ${EXAMPLE_URL}.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'The address must start with https://.';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'Use https://. Plain http:// would send the administrator password unencrypted; it is only allowed for a PBX on this computer.';
  }
  if (url.username !== '' || url.password !== '') {
    return 'Remove the user name and password from the address and enter them in their own fields.';
  }
  if (url.search !== '' || url.hash !== '') {
    return 'Remove everything from the ? or # onwards: only the server address is needed.';
  }
  if (!['/', '/api', '/api/'].includes(url.pathname)) {
    return `Enter only the server address, without a path, for example ${EXAMPLE_URL}.`;
  }
  return undefined;
}

/** The tenant's SIP domain, as the PortSIP portal shows it. */
export function validateSipDomain(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return 'Enter the tenant SIP domain, for example contoso.com.';
  }
  if (text.includes('://')) {
    return 'Enter the domain only, without https:// in front.';
  }
  if (text.includes('@')) {
    return 'Enter the domain only, not a user address: the part after the @.';
  }
  if (text.length > MAX_DOMAIN_LENGTH || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(text)) {
    return 'A domain has only letters, digits, hyphens and dots, for example sip.contoso.com.';
  }
  return undefined;
}

export function validateUsername(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return 'Enter the user name of a tenant administrator.';
  }
  if (text.length > MAX_USERNAME_LENGTH) {
    return `The user name is longer than PortSIP allows (${MAX_USERNAME_LENGTH} characters).`;
  }
  return undefined;
}

export function validatePassword(raw: string): string | undefined {
  return raw === '' ? 'Enter the password.' : undefined;
}

/** The optional CA file: one or more PEM certificates, and never a private key. */
export function validateCaPem(pem: string | null): string | undefined {
  if (pem === null) {
    return undefined;
  }
  if (pem.length > MAX_CA_FILE_BYTES) {
    return 'This file is too large to be a CA certificate. Choose the PEM file of the CA only.';
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return 'This file contains a private key. Choose the CA certificate only: a private key must never leave the server it belongs to.';
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    return 'This is not a PEM certificate. Choose a .pem or .crt file that starts with -----BEGIN CERTIFICATE-----.';
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
