import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';

type Told = { language: string; saved: boolean };

/** The languages the window told the (mock) app it shows, in order: what the tray is worded in. */
function told(page: Page): Promise<Told[]> {
  return page.evaluate(() => (window as Window & { pbx365MockUiLanguages?: Told[] }).pbx365MockUiLanguages ?? []);
}

// The browser's language stands for the OS's.
test.use({ locale: 'en-US' });

test('the window tells the app its language at start and at every switch, so the tray speaks it', async ({ page }) => {
  await page.goto('/#/dashboard');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // The OS language, not a choice: the app must not keep it for the next start.
  await expect.poll(() => told(page)).toEqual([{ language: 'en', saved: false }]);

  await page.getByTestId('language-switch').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect.poll(() => told(page)).toEqual([
    { language: 'en', saved: false },
    { language: 'zh-CN', saved: true },
  ]);

  // The next start: the saved choice, told again (an app that lost its copy gets it back).
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect.poll(() => told(page)).toEqual([{ language: 'zh-CN', saved: true }]);

  await page.getByTestId('language-switch').selectOption('en');
  await expect.poll(() => told(page)).toEqual([
    { language: 'zh-CN', saved: true },
    { language: 'en', saved: true },
  ]);
});

test.describe('on a Chinese system', () => {
  test.use({ locale: 'zh-CN' });

  test('the tray is told Chinese, as the OS language, before anything is chosen', async ({ page }) => {
    await page.goto('/#/dashboard');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect.poll(() => told(page)).toEqual([{ language: 'zh-CN', saved: false }]);
  });
});
