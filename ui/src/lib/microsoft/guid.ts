const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why `text` is not a GUID as the Entra admin center shows it, or `undefined` when it is.
 * Checked as the admin types, so a typo is caught before anything is sent.
 */
export function guidProblem(label: string, text: string): string | undefined {
  const value = text.trim();
  if (value === '') {
    return `Enter the ${label}.`;
  }
  if (GUID.test(value)) {
    return undefined;
  }
  const bad = value.replace(/[0-9a-f-]/gi, '');
  if (bad !== '') {
    return `The ${label} contains "${bad[0]}", which a GUID never does. Copy it again from the Entra admin center.`;
  }
  return `The ${label} must look like 8-4-4-4-12 hexadecimal digits, e.g. 3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e. Copy it again from the Entra admin center.`;
}
