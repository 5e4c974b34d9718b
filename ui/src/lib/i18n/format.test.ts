import { afterEach, describe, expect, it } from 'vitest';
import { m } from '../paraglide/messages.js';
import { formatDate, formatList, formatNumber, formatTime } from './format';
import { chooseLocale, currentLocale } from './locale.svelte';

afterEach(() => chooseLocale('en'));

describe('Intl in the UI language', () => {
  it('lists', () => {
    expect(formatList(['a', 'b', 'c'])).toBe('a, b, and c');
    chooseLocale('zh-CN');
    expect(formatList(['a', 'b', 'c'])).toBe('a、b和c');
  });

  it('numbers', () => {
    expect(formatNumber(12345.5)).toBe('12,345.5');
    chooseLocale('zh-CN');
    expect(formatNumber(12345.5)).toBe('12,345.5');
  });

  it('dates and times', () => {
    const at = new Date(Date.UTC(2026, 11, 6, 21, 5));
    expect(formatDate(at, { dateStyle: 'long', timeZone: 'UTC' })).toBe('December 6, 2026');
    expect(formatTime(at, { timeStyle: 'short', timeZone: 'UTC', hour12: false })).toBe('21:05');
    chooseLocale('zh-CN');
    expect(formatDate(at, { dateStyle: 'long', timeZone: 'UTC' })).toBe('2026年12月6日');
  });

  it('plurals through the catalogue', () => {
    expect(m.dashboard_checks_failed({ count: 1 })).toBe('1 check failed');
    expect(m.dashboard_checks_failed({ count: 2 })).toBe('2 checks failed');
    chooseLocale('zh-CN');
    expect(m.dashboard_checks_failed({ count: 2 })).toBe('2 项检查未通过');
  });

  it('the next message after a switch is in the new language', () => {
    chooseLocale('zh-CN');
    expect(currentLocale()).toBe('zh-CN');
    expect(m.sync_now_button()).toBe('立即同步');
  });
});
