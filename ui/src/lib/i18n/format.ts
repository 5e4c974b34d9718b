import { currentLocale } from './locale.svelte';

/**
 * The BCP 47 tag for `Intl` formatting in the current UI language. In English the webview's
 * own English variant is kept (en-GB writes dates day-first), in Chinese it is zh-CN.
 */
export function intlLocale(): string {
  const locale = currentLocale();
  // Outside a browser (unit tests) plain `en`, whatever the machine's locale.
  if (locale === 'en' && typeof window !== 'undefined') {
    const english = (navigator.languages ?? [navigator.language]).find((tag) => /^en\b/i.test(tag));
    if (english !== undefined) return english;
  }
  return locale;
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

/** "a, b and c" / "a、b和c". */
export function formatList(items: readonly string[], type: Intl.ListFormatType = 'conjunction'): string {
  return new Intl.ListFormat(intlLocale(), { style: 'long', type }).format(items);
}

type DateInput = Date | string | number;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Date and time, e.g. "6 Dec 2026, 21:05" / "2026年12月6日 21:05". */
export function formatDateTime(value: DateInput, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(intlLocale(), options).format(toDate(value));
}

export function formatDate(value: DateInput, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  return new Intl.DateTimeFormat(intlLocale(), options).format(toDate(value));
}

export function formatTime(value: DateInput, options: Intl.DateTimeFormatOptions = { timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(intlLocale(), options).format(toDate(value));
}

/** "in 3 days" / "3天后"; negative values are in the past. */
export function formatRelative(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return new Intl.RelativeTimeFormat(intlLocale(), { numeric: 'auto' }).format(value, unit);
}
