import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addPicked, createSearch, isPastedList, parsePasted, type SearchState } from './picker';

describe('parsePasted', () => {
  it('splits on commas, semicolons and new lines and keeps Outlook addresses', () => {
    expect(parsePasted('a@x.com, b@x.com;c@x.com\r\nd@x.com\n\n')).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
    expect(parsePasted('Adele Vance <adele@x.com>; "Lee, Gu" <lee@x.com>')).toEqual(['adele@x.com', 'lee@x.com']);
  });
  it('drops blanks and repeats, ignoring case', () => {
    expect(parsePasted(' a@x.com ,, A@X.COM ; ')).toEqual(['a@x.com']);
  });
  it('tells a list from a search word', () => {
    expect(isPastedList('adele')).toBe(false);
    expect(isPastedList('adele@x.com')).toBe(false);
    expect(isPastedList('adele@x.com\n')).toBe(true);
    expect(isPastedList('a@x.com, b@x.com')).toBe(true);
    expect(isPastedList('Adele <adele@x.com>')).toBe(true);
  });
});

describe('addPicked', () => {
  it('adds each id once', () => {
    const one = { id: 'a@x.com', name: 'A' };
    expect(addPicked([one], [{ id: 'A@X.com', name: 'again' }, { id: 'b@x.com', name: 'B' }])).toEqual([one, { id: 'b@x.com', name: 'B' }]);
  });
});

describe('createSearch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('waits for a pause in typing and sends only the last query', async () => {
    const asked: string[] = [];
    const states: SearchState<string>[] = [];
    const search = createSearch(async (q) => (asked.push(q), [q]), (s) => states.push(s), 200);
    search.input('ad');
    await vi.advanceTimersByTimeAsync(100);
    search.input('ade');
    await vi.advanceTimersByTimeAsync(100);
    search.input('adel');
    await vi.advanceTimersByTimeAsync(250);
    expect(asked).toEqual(['adel']);
    expect(states.at(-1)).toEqual({ query: 'adel', results: ['adel'], searching: false, error: null });
  });

  it('never shows a slow answer to an older query', async () => {
    const answers = new Map([
      ['ad', deferred<string[]>()],
      ['adele', deferred<string[]>()],
    ]);
    const states: SearchState<string>[] = [];
    const search = createSearch((q) => answers.get(q)?.promise ?? Promise.resolve([]), (s) => states.push(s), 10);
    search.input('ad');
    await vi.advanceTimersByTimeAsync(20);
    search.input('adele');
    await vi.advanceTimersByTimeAsync(20);
    answers.get('adele')?.resolve(['Adele Vance']);
    await vi.advanceTimersByTimeAsync(0);
    answers.get('ad')?.resolve(['Adele Vance', 'Alex Wilber']);
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)?.results).toEqual(['Adele Vance']);
    expect(states.some((s) => s.results.includes('Alex Wilber'))).toBe(false);
  });

  it('clears without asking below two characters, and cancel drops the answer on its way', async () => {
    const pending = deferred<string[]>();
    const states: SearchState<string>[] = [];
    const asked: string[] = [];
    const search = createSearch((q) => (asked.push(q), pending.promise), (s) => states.push(s), 10);
    search.input(' a ');
    await vi.advanceTimersByTimeAsync(20);
    expect(asked).toEqual([]);
    expect(states.at(-1)).toEqual({ query: 'a', results: [], searching: false, error: null });
    search.input('李明');
    await vi.advanceTimersByTimeAsync(20);
    expect(asked).toEqual(['李明']);
    search.cancel();
    pending.resolve(['late']);
    await vi.advanceTimersByTimeAsync(0);
    expect(states.some((s) => s.results.includes('late'))).toBe(false);
  });

  it('reports a failed search for the latest query', async () => {
    const states: SearchState<string>[] = [];
    const search = createSearch<string>(() => Promise.reject(new Error('down')), (s) => states.push(s), 10);
    search.input('adele');
    await vi.advanceTimersByTimeAsync(20);
    expect(states.at(-1)?.error).toBeInstanceOf(Error);
    expect(states.at(-1)?.searching).toBe(false);
  });
});
