import { describe, expect, it } from 'vitest';
import { initialTheme, saveTheme } from './theme';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('theme', () => {
  it('follows the system until the admin chooses', () => {
    const storage = memoryStorage();
    expect(initialTheme(storage, true)).toBe('dark');
    expect(initialTheme(storage, false)).toBe('light');
  });

  it('keeps the admin choice over the system preference', () => {
    const storage = memoryStorage();
    saveTheme(storage, 'light');
    expect(initialTheme(storage, true)).toBe('light');
  });

  it('ignores a stored value it does not know', () => {
    const storage = memoryStorage();
    storage.setItem('pbx365.theme', 'sepia');
    expect(initialTheme(storage, true)).toBe('dark');
  });
});
