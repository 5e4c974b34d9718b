import type { Locale } from '../paraglide/runtime.js';

/** Where the admin's choice of language is remembered (the webview's localStorage). */
export const LOCALE_STORAGE_KEY = 'pbx365.locale';

/**
 * The UI language for the OS/webview's preferred languages, in order of preference: the first
 * Chinese (any script or region: zh, zh-Hans, zh-CN, zh-TW…) or English tag decides; with
 * neither, English.
 */
export function localeFromLanguages(tags: readonly string[]): Locale {
  for (const tag of tags) {
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if (language === 'zh') return 'zh-CN';
    if (language === 'en') return 'en';
  }
  return 'en';
}

/** The remembered choice, if it names a language the UI has. */
export function savedLocale(storage: Pick<Storage, 'getItem'> | undefined): Locale | undefined {
  let saved: string | null = null;
  try {
    saved = storage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    // Storage can be unavailable (privacy settings); the OS language decides then.
  }
  return saved === 'en' || saved === 'zh-CN' ? saved : undefined;
}
