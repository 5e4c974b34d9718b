import { describe, expect, it } from 'vitest';
import { LOCALE_STORAGE_KEY, localeFromLanguages, savedLocale } from './detect';

describe('localeFromLanguages', () => {
  it.each([
    [['zh-CN'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['zh-Hans'], 'zh-CN'],
    [['zh-Hans-CN', 'en-US'], 'zh-CN'],
    [['zh_CN'], 'zh-CN'],
    [['en-GB', 'zh-CN'], 'en'],
    [['de-DE', 'zh-CN'], 'zh-CN'],
    [['de-DE', 'fr'], 'en'],
    [[], 'en'],
  ] as const)('%j → %s', (tags, expected) => {
    expect(localeFromLanguages(tags)).toBe(expected);
  });
});

describe('savedLocale', () => {
  const storage = (value: string | null) => ({ getItem: (key: string) => (key === LOCALE_STORAGE_KEY ? value : null) });

  it('returns a saved language the UI has', () => {
    expect(savedLocale(storage('zh-CN'))).toBe('zh-CN');
    expect(savedLocale(storage('en'))).toBe('en');
  });

  it('ignores anything else', () => {
    expect(savedLocale(storage('fr'))).toBeUndefined();
    expect(savedLocale(storage(null))).toBeUndefined();
    expect(savedLocale(undefined)).toBeUndefined();
  });

  it('survives storage that throws', () => {
    expect(savedLocale({ getItem: () => { throw new Error('denied'); } })).toBeUndefined();
  });
});
