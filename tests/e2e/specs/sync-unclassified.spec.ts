import type { Page } from '@playwright/test';
import { expect, syncNowConfirmed, test } from '../fixtures';

const CHOICE = 'Create these users anyway — they may be guests or disabled accounts';

/** The sync commands the mock backend answered, as the desktop app's commands would receive them. */
function mockCalls(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as Window & { pbx365MockCalls?: unknown }).pbx365MockCalls);
}

/** Opens the Sync page of fabrikam, the mock's guided-mode profile, and previews it. */
async function previewGuidedProfile(page: Page): Promise<void> {
  await page.goto('/?mock-step-ms=150#/sync/fabrikam');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByTestId('plan-source')).toHaveText("The PBX's view of Microsoft 365 (guided mode)");
}

test('users the PBX cannot classify are held back until the admin chooses, for one run, to create them', async ({ page }) => {
  await previewGuidedProfile(page);
  const held = page.getByRole('region', { name: 'Held back: 3 new users that may be guests or disabled accounts' });
  await expect(held.getByRole('note')).toContainText("Some new users are held back: the PBX's view of Microsoft 365 cannot tell");
  await expect(held.getByRole('table').locator('tbody tr')).toHaveText([
    /Priya Nair\s*priya\.nair_northwind\.example#EXT#@fabrikam\.onmicrosoft\.com/,
    /Leo Fischer\s*leo\.fischer@fabrikam\.com/,
    /Yuki Tanaka\s*yuki\.tanaka@fabrikam\.com/,
  ]);
  const preview = page.getByRole('table', { name: 'Sync preview' });
  await expect(preview.locator('tbody tr').filter({ hasText: 'leo.fischer@fabrikam.com' })).toContainText('skip');
  const choice = page.getByRole('checkbox', { name: CHOICE });
  await expect(choice).not.toBeChecked();

  // Ticking the box previews again with the choice; Sync now waits for that preview (held
  // until the test has seen it wait).
  const previews = (action: 'hold' | 'release') =>
    page.evaluate((which) => (window as Window & { pbx365MockPreviews?: Record<typeof which, () => void> }).pbx365MockPreviews?.[which](), action);
  await previews('hold');
  await choice.check();
  const syncNow = page.locator('#panel-run').getByRole('button', { name: 'Sync now', includeHidden: true });
  await expect(syncNow).toBeDisabled();
  await expect(page.getByText('Updating the preview…')).toBeVisible();
  await previews('release');
  const created = page.getByRole('region', { name: 'Created anyway: 3 users that may be guests or disabled accounts' });
  await expect(created.getByRole('note')).toContainText('You chose to create users');
  await expect(created.getByRole('table').locator('tbody tr')).toHaveText([
    /Priya Nair.*priya\.nair\s*1013/,
    /Leo Fischer.*leo\.fischer\s*1014/,
    /Yuki Tanaka.*yuki\.tanaka\s*1015/,
  ]);
  await expect(preview.locator('tbody tr').filter({ hasText: 'leo.fischer@fabrikam.com' })).toContainText('create');
  await expect(syncNow).toBeEnabled();
  await expect(choice).toBeChecked();
  await expect(choice).toBeFocused();

  await page.getByRole('tab', { name: 'Sync now' }).click();
  await expect(page.getByRole('note')).toContainText('As chosen in the preview, this run also creates 3 users');
  await syncNowConfirmed(page, 'fabrikam');
  await expect(page.getByTestId('sync-announcement')).toHaveText('Sync completed: 0 failed.');
  await expect(page.getByTestId('count-created')).toHaveText('10');
  expect(await mockCalls(page)).toEqual([
    { command: 'sync_preview', args: { profile: 'fabrikam', createUnclassified: false } },
    { command: 'sync_preview', args: { profile: 'fabrikam', createUnclassified: true } },
    // Sync now's fresh plan, with the same choice, then the run it showed.
    { command: 'sync_preview', args: { profile: 'fabrikam', createUnclassified: true } },
    { command: 'sync_now', args: { profile: 'fabrikam', createUnclassified: true } },
  ]);

  // The choice was for that run only.
  await page.getByRole('tab', { name: 'Preview' }).click();
  await expect(page.getByText('A sync ran after the last preview')).toBeVisible();
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByRole('region', { name: /^Held back: 3 new users/ })).toBeVisible();
  await expect(choice).not.toBeChecked();
  await page.getByRole('tab', { name: 'Sync now' }).click();
  await syncNowConfirmed(page, 'fabrikam');
  await expect(page.getByTestId('sync-announcement')).toHaveText('Sync completed: 0 failed.');
  expect(await mockCalls(page)).toContainEqual({ command: 'sync_now', args: { profile: 'fabrikam', createUnclassified: false } });
});

test('a preview or sync that needs the Microsoft sign-in again says so as the engine puts it', async ({ page, shot }) => {
  await page.goto('/?mock-sync=signin&mock-step-ms=10#/sync/contoso');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const failed = page.getByRole('alert');
  await expect(failed).toContainText('The preview failed.');
  await expect(failed).toContainText(
    'The saved Microsoft sign-in of the profile "contoso" no longer works (the refresh token was revoked: AADSTS50173). Nothing was read or changed. Sign in to Microsoft again',
  );
  await expect(page.getByRole('table', { name: 'Sync preview' })).toHaveCount(0);
  await shot('sync-preview-signin-needed');

  // Sync now's fresh plan fails the same way: nothing runs, and the confirmation says why.
  await page.getByRole('tab', { name: 'Sync now' }).click();
  await page.getByRole('button', { name: 'Sync now', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync contoso now?' });
  await expect(dialog.getByRole('alert')).toContainText('The dry run failed, so nothing will run');
  await expect(dialog.getByRole('alert')).toContainText('Sign in to Microsoft again');
  await expect(dialog.getByRole('button', { name: 'Sync contoso now' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Sync now', exact: true })).toBeEnabled();
  expect(await mockCalls(page)).not.toContainEqual(expect.objectContaining({ command: 'sync_now' }));
});

for (const size of [
  { width: 960, height: 640 },
  { width: 1600, height: 1000 },
]) {
  test(`the held-back and created lists at ${size.width}×${size.height}`, async ({ page, shot }) => {
    await page.setViewportSize(size);
    await previewGuidedProfile(page);
    await expect(page.getByRole('region', { name: /^Held back/ })).toBeVisible();
    await shot(`sync-unclassified-held-${size.width}`);
    await page.getByRole('checkbox', { name: CHOICE }).check();
    await expect(page.getByRole('region', { name: /^Created anyway/ })).toBeVisible();
    await shot(`sync-unclassified-created-${size.width}`);
    await page.getByRole('tab', { name: 'Sync now' }).click();
    await expect(page.getByRole('note')).toContainText('As chosen in the preview');
    await shot(`sync-unclassified-run-${size.width}`);
  });
}
