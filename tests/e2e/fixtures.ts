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

/** Fills the Connect step with the mock PBX's details. */
export async function fillPbxLogin(page: Page): Promise<void> {
  const main = page.getByRole('main');
  await main.getByLabel('PBX address', { exact: true }).fill('https://pbx.contoso.example:8887');
  await main.getByLabel('Tenant SIP domain', { exact: true }).fill('contoso.example');
  await main.getByLabel('Administrator user name', { exact: true }).fill('pbxadmin');
  await main.getByLabel('Password', { exact: true }).fill('Admin-pbx365!');
}

/** Connects to the mock PBX from the Connect step. */
export async function connectPbx(page: Page): Promise<void> {
  await fillPbxLogin(page);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('connect-status')).toHaveText('Connected to Contoso as Admin.');
}

/**
 * Clicks Sync now on the Sync page of `profile` and confirms: Sync now asks first, with a fresh
 * plan, naming the profile.
 */
export async function syncNowConfirmed(page: Page, profile: string): Promise<void> {
  await page.getByRole('button', { name: 'Sync now', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Sync ${profile} now?` });
  const confirm = dialog.getByRole('button', { name: `Sync ${profile} now` });
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog).toBeHidden();
}
