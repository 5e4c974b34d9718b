import { m } from '../i18n';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why `text` is not a GUID as the Entra admin center shows it, or `undefined` when it is.
 * Checked as the admin types, so a typo is caught before anything is sent.
 */
export function guidProblem(label: string, text: string): string | undefined {
  const value = text.trim();
  if (value === '') {
    return m.guid_empty({ label });
  }
  if (GUID.test(value)) {
    return undefined;
  }
  const bad = value.replace(/[0-9a-f-]/gi, '');
  if (bad !== '') {
    return m.guid_bad_character({ label, character: bad[0] ?? '' });
  }
  return m.guid_shape({ label, example: '3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e' });
}
