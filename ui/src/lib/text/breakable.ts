/**
 * Where a long address (a user principal name, an e-mail address, a URL, a domain) may wrap:
 * after `@` and `/`, and before `.`, `?` and `&`, as typesetters break them, so a narrow
 * column never splits a name between its letters. Returns the pieces in order; joined they are
 * the text again.
 */
export function addressPieces(text: string): string[] {
  return text.split(/(?<=[@/])(?=[^/])|(?<=[^./])(?=[.?&])/u).filter((piece) => piece !== '');
}
