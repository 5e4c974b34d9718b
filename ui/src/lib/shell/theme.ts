export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'pbx365.theme';

/** The admin's own choice if they made one, otherwise what the operating system prefers. */
export function initialTheme(storage: Pick<Storage, 'getItem'>, systemPrefersDark: boolean): Theme {
  const saved = storage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') {
    return saved;
  }
  return systemPrefersDark ? 'dark' : 'light';
}

export function saveTheme(storage: Pick<Storage, 'setItem'>, theme: Theme): void {
  storage.setItem(STORAGE_KEY, theme);
}

/** The stylesheet picks its colours from `color-scheme`, which `data-theme` sets. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset['theme'] = theme;
}
