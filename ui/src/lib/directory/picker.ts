/** One chosen entry of a picker: `id` is what is saved (a UPN for people, an object ID for groups), `name` what is shown. */
export interface Picked {
  id: string;
  name: string;
  /** A second line: department or mail address. */
  detail?: string | null;
}

/** The fewest characters a directory search is sent for (the engine's `MIN_QUERY_CHARS`). */
export const MIN_QUERY_CHARS = 2;

/**
 * The entries of a pasted list: separated by commas, semicolons or new lines, as Excel, Outlook
 * and plain text hand them over; `Name <address>` (Outlook's recipients) keeps the address.
 */
export function parsePasted(text: string): string[] {
  const entries: string[] = [];
  for (const part of splitOutsideQuotes(text)) {
    const bracketed = /<([^<>]+)>/.exec(part);
    const entry = (bracketed?.[1] ?? part).trim();
    if (entry !== '' && !entries.some((e) => e.toLocaleLowerCase() === entry.toLocaleLowerCase())) {
      entries.push(entry);
    }
  }
  return entries;
}

/** Splits on separators outside double quotes (`"Gu, Lee" <lee@x.com>` is one entry). */
function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && /[,;\r\n\t]/.test(char)) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** Whether a paste is a list (several entries, or one address) rather than a search word. */
export function isPastedList(text: string): boolean {
  const entries = parsePasted(text);
  return entries.length > 1 || (entries.length === 1 && entries[0]?.includes('@') === true && /[,;\r\n<]/.test(text));
}

/** `items` with `more` added after them, each id once (ids compare without case). */
export function addPicked(items: readonly Picked[], more: readonly Picked[]): Picked[] {
  const out = [...items];
  for (const item of more) {
    if (!out.some((o) => o.id.toLocaleLowerCase() === item.id.toLocaleLowerCase())) {
      out.push(item);
    }
  }
  return out;
}

export interface SearchState<T> {
  query: string;
  results: T[];
  searching: boolean;
  error: unknown;
}

/**
 * Search as you type: each query waits `delayMs` of quiet before it is sent, and an answer is
 * only shown while it is the answer to the latest query — a slow answer to an older query never
 * overwrites a newer one. Queries shorter than {@link MIN_QUERY_CHARS} clear the results without
 * asking.
 */
export function createSearch<T>(
  search: (query: string) => Promise<T[]>,
  onChange: (state: SearchState<T>) => void,
  delayMs = 250,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  const stop = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    latest += 1;
  };
  return {
    input(raw: string) {
      stop();
      const query = raw.trim();
      if ([...query].length < MIN_QUERY_CHARS) {
        onChange({ query, results: [], searching: false, error: null });
        return;
      }
      const ticket = latest;
      onChange({ query, results: [], searching: true, error: null });
      timer = setTimeout(() => {
        timer = undefined;
        search(query).then(
          (results) => ticket === latest && onChange({ query, results, searching: false, error: null }),
          (error: unknown) => ticket === latest && onChange({ query, results: [], searching: false, error }),
        );
      }, delayMs);
    },
    /** Forgets the pending query and any answer still on its way. */
    cancel: stop,
  };
}
