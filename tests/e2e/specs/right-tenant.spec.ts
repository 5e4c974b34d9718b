import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';

/** The commands the mock backend answered that write, or plan writes, in order. */
function mockCalls(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as Window & { pbx365MockCalls?: unknown[] }).pbx365MockCalls ?? []);
}

/** The profile, PBX and tenant the header names. */
async function expectHeaderNames(page: Page, profile: string, pbx: string, tenant: string): Promise<void> {
  const acting = page.getByTestId('acting-profile');
  await expect(acting.getByTestId('profile-name')).toHaveText(profile);
  await expect(acting.getByTestId('acting-pbx')).toHaveText(pbx);
  await expect(acting.getByTestId('acting-tenant')).toHaveText(tenant);
}

const PROFILES = [
  { name: 'contoso', pbx: 'pbx.contoso.com:8887', tenant: 'contoso.onmicrosoft.com' },
  // Guided mode: pbx365 never read the tenant's domains, so its name says which tenant.
  { name: 'fabrikam', pbx: 'pbx.fabrikam.com:8887', tenant: 'Fabrikam, Inc.' },
  { name: 'northwind', pbx: 'voice.northwind.example', tenant: 'northwind.onmicrosoft.com' },
];

test('each card’s Sync opens the Sync page of its own profile, named in the header', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/dashboard');
  const cards = page.getByRole('list', { name: 'Profiles' }).getByRole('listitem');
  await expect(cards).toHaveCount(3);
  // Not the first profile, which the Sync page used to pick.
  for (const profile of [PROFILES[1]!, PROFILES[2]!, PROFILES[0]!]) {
    await page.goto('/?mock-step-ms=10#/dashboard');
    const card = cards.filter({ has: page.getByRole('heading', { name: profile.name }) });
    await card.getByRole('link', { name: `Sync ${profile.name}` }).click();
    await expect(page).toHaveURL(new RegExp(`#/sync/${profile.name}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync');
    await expectHeaderNames(page, profile.name, profile.pbx, profile.tenant);
    await expect(page.getByLabel('Profile')).toHaveValue(profile.name);
  }
  // Nothing was previewed or run by opening the pages.
  expect(await mockCalls(page)).toEqual([]);
});

test('the Sync page’s profile chooser changes the address, and a bare address picks no profile', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/sync');
  await expect(page.getByTestId('choose-profile')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Sync now' })).toHaveCount(0);
  await expect(page.getByTestId('acting-profile')).toHaveCount(0);
  await page.getByLabel('Profile').selectOption('northwind');
  await expect(page).toHaveURL(/#\/sync\/northwind$/);
  await expectHeaderNames(page, 'northwind', 'voice.northwind.example', 'northwind.onmicrosoft.com');
  await page.getByLabel('Profile').selectOption('fabrikam');
  await expect(page).toHaveURL(/#\/sync\/fabrikam$/);
  await expectHeaderNames(page, 'fabrikam', 'pbx.fabrikam.com:8887', 'Fabrikam, Inc.');
});

test('a Sync address naming no saved profile says so and offers nothing to run', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/sync/no%20such%20profile');
  await expect(page.getByRole('alert')).toHaveText('No saved profile is named “no such profile”. Choose one of the profiles above.');
  await expect(page.getByRole('tab', { name: 'Sync now' })).toHaveCount(0);
  await expect(page.getByTestId('acting-profile')).toHaveCount(0);
});

test('Sync now asks first with a fresh plan on the named PBX; Cancel writes nothing, confirming runs that plan', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=40#/sync/northwind');
  await page.getByRole('tab', { name: 'Sync now' }).click();
  const syncNow = page.getByRole('button', { name: 'Sync now', exact: true });
  await syncNow.click();

  const dialog = page.getByRole('dialog', { name: 'Sync northwind now?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toBeFocused();
  await expect(dialog.getByTestId('target-profile')).toHaveText('northwind');
  await expect(dialog.getByTestId('target-pbx')).toHaveText('voice.northwind.example');
  await expect(dialog.getByTestId('target-tenant')).toHaveText('northwind.onmicrosoft.com');
  // The counts of the dry run made for this confirmation (the mock plan's).
  const counts = dialog.getByTestId('sync-confirm-counts');
  await expect(counts.getByTestId('plan-create')).toHaveText('12 new PBX users created');
  await expect(counts.getByTestId('plan-update')).toContainText('PBX users updated');
  await expect(counts.getByTestId('plan-disable')).toContainText('disabled (never deleted)');
  await expect(counts.getByTestId('plan-skip')).toContainText('skipped');
  await expect(dialog.getByRole('button', { name: 'Sync northwind now' })).toBeEnabled();
  await shot('sync-confirm');
  expect(await mockCalls(page)).toEqual([{ command: 'sync_preview', args: { profile: 'northwind', createUnclassified: false } }]);

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(syncNow).toBeFocused();
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  expect(await mockCalls(page)).not.toContainEqual(expect.objectContaining({ command: 'sync_now' }));

  // Escape cancels too.
  await syncNow.click();
  await expect(dialog.getByRole('button', { name: 'Sync northwind now' })).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await mockCalls(page)).not.toContainEqual(expect.objectContaining({ command: 'sync_now' }));

  await syncNow.click();
  await dialog.getByRole('button', { name: 'Sync northwind now' }).click();
  await expect(page.getByTestId('sync-announcement')).toHaveText('Sync completed: 0 failed.');
  const calls = await mockCalls(page);
  // Every Sync now made a fresh plan first, and the one confirmed ran with that plan's choice.
  expect(calls).toEqual([
    { command: 'sync_preview', args: { profile: 'northwind', createUnclassified: false } },
    { command: 'sync_preview', args: { profile: 'northwind', createUnclassified: false } },
    { command: 'sync_preview', args: { profile: 'northwind', createUnclassified: false } },
    { command: 'sync_now', args: { profile: 'northwind', createUnclassified: false } },
  ]);
});

test('a Sync address ending in /now (the tray’s “Sync …”) opens the confirmation, not a run', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/sync/fabrikam/now');
  const dialog = page.getByRole('dialog', { name: 'Sync fabrikam now?' });
  await expect(dialog.getByRole('button', { name: 'Sync fabrikam now' })).toBeEnabled();
  await expect(dialog.getByTestId('target-pbx')).toHaveText('pbx.fabrikam.com:8887');
  await expect(page).toHaveURL(/#\/sync\/fabrikam$/);
  expect(await mockCalls(page)).toEqual([{ command: 'sync_preview', args: { profile: 'fabrikam', createUnclassified: false } }]);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await mockCalls(page)).not.toContainEqual(expect.objectContaining({ command: 'sync_now' }));
});

test('Rotate asks first, naming the profile, PBX and tenant; Cancel rotates nothing', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/certificates');
  // Three "Rotate…" links, each named for its profile.
  for (const profile of PROFILES) {
    await expect(page.getByRole('link', { name: `Rotate the certificate of ${profile.name}` })).toHaveCount(1);
  }
  await page.getByRole('link', { name: 'Rotate the certificate of contoso' }).click();
  await expect(page).toHaveURL(/#\/certificates\/rotate\/contoso$/);
  await expectHeaderNames(page, 'contoso', 'pbx.contoso.com:8887', 'contoso.onmicrosoft.com');

  const rotate = page.getByRole('button', { name: 'Rotate certificate' });
  await rotate.click();
  const dialog = page.getByRole('dialog', { name: 'Rotate the certificate of contoso?' });
  await expect(dialog.getByTestId('target-pbx')).toHaveText('pbx.contoso.com:8887');
  await expect(dialog.getByTestId('target-tenant')).toHaveText('contoso.onmicrosoft.com');
  await expect(dialog.getByTestId('rotate-confirm-steps').getByRole('listitem')).toHaveCount(4);
  await shot('rotation-ask-first');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(rotate).toBeFocused();
  expect(await mockCalls(page)).toEqual([]);

  await rotate.click();
  await dialog.getByRole('button', { name: 'Rotate certificate' }).click();
  await expect(page.getByTestId('rotation-announcement')).toHaveText('The certificate was rotated.');
  expect(await mockCalls(page)).toEqual([{ command: 'rotate_certificate', args: { profile: 'contoso' } }]);
});

test('Disconnect asks first, naming the profile, PBX and tenant; Cancel changes nothing', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/dashboard');
  const card = page
    .getByRole('list', { name: 'Profiles' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'northwind' }) });
  await card.getByRole('link', { name: 'Disconnect northwind' }).click();
  await expectHeaderNames(page, 'northwind', 'voice.northwind.example', 'northwind.onmicrosoft.com');

  const disconnect = page.getByRole('button', { name: 'Disconnect northwind' });
  await disconnect.click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect northwind?' });
  await expect(dialog.getByTestId('target-pbx')).toHaveText('voice.northwind.example');
  await expect(dialog.getByTestId('disconnect-confirm-steps').getByRole('listitem')).toHaveCount(3);
  await expect(dialog).toContainText('The app registration stays');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await mockCalls(page)).toEqual([]);

  await disconnect.click();
  await dialog.getByRole('button', { name: 'Disconnect northwind' }).click();
  await expect(page.getByTestId('disconnect-result')).toContainText('northwind is disconnected.');
  expect(await mockCalls(page)).toEqual([{ command: 'reset_run', args: { profile: 'northwind', deleteApp: false } }]);
});
