import { overwriteGetLocale, overwriteSetLocale, type Locale } from '../paraglide/runtime.js';
import { LOCALE_STORAGE_KEY, localeFromLanguages, savedLocale } from './detect';

function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

function initialLocale(): Locale {
  const languages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return savedLocale(browserStorage()) ?? localeFromLanguages(languages);
}

function applyDocumentLanguage(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/**
 * The UI language as Svelte state. Paraglide's message functions ask `getLocale()` every time
 * they run, and it reads this state: a template that shows `m.some_key()` depends on it and is
 * drawn again when the language changes (no reload).
 */
let current = $state<Locale>(initialLocale());
applyDocumentLanguage(current);

overwriteGetLocale(() => current);
overwriteSetLocale((locale) => chooseLocale(locale));

/** The language the UI is shown in now. */
export function currentLocale(): Locale {
  return current;
}

/** Whether the language shown now is the admin's remembered choice (not the OS language). */
export function isSavedChoice(): boolean {
  return savedLocale(browserStorage()) === current;
}

/** Switches the UI language at once and remembers the choice on this computer. */
export function chooseLocale(locale: Locale): void {
  current = locale;
  applyDocumentLanguage(locale);
  try {
    browserStorage()?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not remembered where storage is unavailable; the switch still applies to this session.
  }
}
