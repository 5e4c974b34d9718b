/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as messages from '../paraglide/messages/_index.js';

type Entry = string | { declarations?: string[]; match?: Record<string, string> }[];
type Catalogue = Record<string, Entry>;

function load(locale: string): Catalogue {
  const url = new URL(`../../../messages/${locale}.json`, import.meta.url);
  const { $schema: _schema, ...entries } = JSON.parse(readFileSync(url, 'utf8')) as Catalogue;
  return entries;
}

const en = load('en');
const zh = load('zh-CN');

/** The inputs a message takes: `{name}` placeholders and `input x` declarations. */
function inputs(entry: Entry): string[] {
  const names = new Set<string>();
  const texts = typeof entry === 'string' ? [entry] : entry.flatMap((variant) => Object.values(variant.match ?? {}));
  for (const text of texts) {
    for (const [, name] of text.matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)) names.add(name ?? '');
  }
  if (typeof entry !== 'string') {
    for (const variant of entry) {
      for (const declaration of variant.declarations ?? []) {
        const input = /^input\s+(\w+)/.exec(declaration);
        if (input?.[1] !== undefined) names.add(input[1]);
        const local = /^local\s+(\w+)\s*=/.exec(declaration);
        if (local?.[1] !== undefined) names.delete(local[1]);
      }
    }
  }
  return [...names].sort();
}

describe('message catalogues', () => {
  it('zh-CN has every English key', () => {
    expect(Object.keys(en).filter((key) => !(key in zh))).toEqual([]);
  });

  it('English has every zh-CN key', () => {
    expect(Object.keys(zh).filter((key) => !(key in en))).toEqual([]);
  });

  it('both languages take the same parameters', () => {
    const differing = Object.keys(en)
      .filter((key) => key in zh)
      .filter((key) => inputs(en[key]!).join() !== inputs(zh[key]!).join())
      .map((key) => `${key}: en {${inputs(en[key]!).join()}} zh-CN {${inputs(zh[key]!).join()}}`);
    expect(differing).toEqual([]);
  });

  it('no message is empty', () => {
    const empty = [...Object.entries(en), ...Object.entries(zh)]
      .filter(([, entry]) => typeof entry === 'string' && entry.trim() === '')
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('every key was compiled into a message function', () => {
    // Fails when the Paraglide compile could not load its message-format plugin.
    const compiled = new Set(Object.keys(messages));
    expect(Object.keys(en).filter((key) => !compiled.has(key))).toEqual([]);
  });
});
