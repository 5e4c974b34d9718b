import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/ui/', import.meta.url));

export const test = base.extend<{ shot: (name: string) => Promise<void> }>({
  // The address global-setup.ts gave `vite preview`.
  baseURL: async ({}, use) => {
    const url = process.env['PBX365_UI_URL'];
    if (url === undefined) {
      throw new Error('PBX365_UI_URL is not set: global-setup.ts did not run');
    }
    await use(url);
  },
  /** Saves a full-page screenshot as tests/artifacts/ui/<light|dark>/<name>.png. */
  shot: async ({ page }, use, testInfo) => {
    const dir = `${ARTIFACTS}${testInfo.project.name}/`;
    mkdirSync(dir, { recursive: true });
    await use(async (name) => {
      // A full-page shot of a scrolled page draws the sticky header where the viewport was.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${dir}${name}.png`, fullPage: true });
    });
  },
});

export { expect };

export async function openStep(page: Page, stepId: string): Promise<void> {
  await page.goto(`/#/${stepId}`);
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toBeVisible();
}
