import type { Page } from '@playwright/test';
import { connectPbx, expect, test } from '../fixtures';

/** The sizes of the screenshots: the smallest window the app allows, and a large one. */
const SIZES = [
  { width: 960, height: 640 },
  { width: 1600, height: 1000 },
];

/** Connects to the mock PBX of `version` and chooses single sign-on, ending on Sync options. */
async function toSyncOptions(page: Page, version: string) {
  await page.goto(`/?mock-pbx=${version}&mock-step-ms=10#/connect-pbx`);
  await connectPbx(page);
  await page.goto(`${page.url().split('#')[0]}#/app-registration`);
  await page.getByLabel('Single sign-on to the PBX with Microsoft accounts').check();
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('app-summary')).toBeVisible();
  await page.goto(`${page.url().split('#')[0]}#/sync-options`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync options');
}

test('Connect shows the PortSIP version and how many users the licence still allows', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await connectPbx(page);
  // Without a warning to read, the setup went on to the Microsoft sign-in: back to Connect.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await page.getByRole('navigation', { name: 'Setup', exact: true }).getByRole('link', { name: /Connect PBX/ }).click();
  const summary = page.getByRole('region', { name: 'Your PBX' });
  await expect(summary.getByTestId('pbx-edition')).toHaveText('PortSIP 22.6.0 · 212 of 400 licensed users · 188 left');
  await expect(summary.getByTestId('pbx-summary')).toContainText('Contoso');
  await expect(summary.getByTestId('pbx-edition-warning')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(`50-connect-edition-${size.width}`);
  }
});

test('a PortSIP version pbx365 was not built for is a warning on Connect, not a failure', async ({ page, shot }) => {
  await page.goto('/?mock-pbx=23.0.1&mock-step-ms=10#/connect-pbx');
  await connectPbx(page);
  await expect(page.getByTestId('pbx-edition')).toHaveText('PortSIP 23.0.1 · 212 of 400 licensed users · 188 left');
  const warning = page.getByRole('note').filter({ hasText: 'newer than pbx365 knows' });
  await expect(warning).toHaveText(/PortSIP 23\.0\.1, newer than pbx365 knows \(built for 22\.2\.0 to 22\.6\)/);
  // The warning holds the setup on Connect until the admin has read it and goes on.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');
  await expect(page.getByTestId('continue')).toBeVisible();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(`51-connect-edition-warning-${size.width}`);
  }
});

test('on PortSIP 22.6 administrators who sign in with Microsoft are not offered, and one line says why', async ({ page, shot }) => {
  await toSyncOptions(page, '22.6');
  const sso = page.getByRole('group', { name: 'Who may sign in with Microsoft' });
  await expect(sso).toBeVisible();
  await expect(sso.getByLabel('Administrators who sign in with Microsoft')).toHaveCount(0);
  await expect(sso.getByTestId('admin-sign-in-gone')).toHaveText(
    'PortSIP 22.6 removed "administrators sign in with Microsoft": administrators sign in with their PBX password.',
  );
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('step-error')).toHaveCount(0);
  await expect(page.getByTestId('sync-options-notice')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(`52-sync-options-22.6-${size.width}`);
  }
});

test('on PortSIP 22.2 administrators who sign in with Microsoft are offered and kept', async ({ page, shot }) => {
  await toSyncOptions(page, '22.2');
  const sso = page.getByRole('group', { name: 'Who may sign in with Microsoft' });
  await expect(sso.getByTestId('admin-sign-in-gone')).toHaveCount(0);
  await sso.getByLabel('Administrators who sign in with Microsoft').fill('it.admin@contoso.example');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('step-error')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(`53-sync-options-22.2-${size.width}`);
  }
});
