// For tests that word engine texts in Chinese: what would still read as English.

/** Three Latin words in a row: an English phrase, not a technical value or product name. */
export const ENGLISH_PHRASE = /[A-Za-z]+[\s,]+[A-Za-z]+[\s,]+[A-Za-z]+/;

/** The text with the quoted values (and the items of listed values) taken out. */
export function withoutValues(text: string, values: Record<string, string> | readonly string[]): string {
  const quoted = Array.isArray(values) ? values : Object.values(values);
  let rest = text;
  for (const value of quoted.flatMap((v) => [v, ...v.split(', ')])) rest = rest.split(value).join(' ');
  return rest;
}
