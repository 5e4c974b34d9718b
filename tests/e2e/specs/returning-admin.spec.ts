import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { applyConfirmed, railStep } from '../wizard-helpers';

/** The wizard commands the mock answered, in order. */
const wizardCalls = (page: Page) => page.evaluate(() => (window as Window & { pbx365WizardCalls?: string[] }).pbx365WizardCalls ?? []);

/** Opens the Edit menu of `profile`'s dashboard card and chooses `step`. */
async function editFromDashboard(page: Page, profile: string, step: string) {
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: profile, exact: true }) });
  await card.getByText('Edit', { exact: true }).click();
  await card.getByRole('link', { name: `Edit: ${step}` }).click();
}

test('a returning admin opens on the dashboard and edits one option without signing in again', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=40');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(page).toHaveURL(/#\/dashboard$/);

  await editFromDashboard(page, 'contoso', 'Sync options');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync options');
  await expect(page).toHaveURL(/#\/sync-options$/);
  // Everything before the chosen step is done, from the saved sign-ins; the form shows the saved options.
  for (const step of ['connect-pbx', 'microsoft-account', 'app-registration', 'key-pair', 'consent']) {
    await expect(railStep(page, step)).toContainText('Done');
  }
  await expect(page.getByRole('banner')).toContainText('contoso');
  await expect(page.locator('#sync-time')).toHaveValue('02:00');
  // A setting the admin made earlier (here: from the command line) is shown, and so kept.
  await expect(page.getByLabel('Users written to the PBX at once')).toHaveValue('12');
  await shot('52-returning-admin-sync-options');

  await page.locator('#sync-time').fill('03:30');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await page.getByTestId('continue').click();
  // The review runs by itself once the options are checked (it only reads).
  // Exactly the one change: the schedule, now and after, in words and raw.
  const rows = page.getByTestId('changes-pbx').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('now')).toHaveText('Every day at 02:00, PBX time (Europe/Berlin) 0 2 * * *');
  await expect(rows.getByTestId('after')).toHaveText('Every day at 03:30, PBX time (Europe/Berlin) 30 3 * * *');
  await expect(page.getByTestId('changes-entra')).toHaveCount(0);
  await shot('53-returning-admin-review');

  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Apply the changes to contoso?' });
  await expect(dialog).toContainText('1 change on the PBX pbx.contoso.example:8887');
  await expect(dialog).toContainText('0 changes in the Microsoft 365 tenant contoso.example');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await applyConfirmed(page, 'contoso');
  await expect(page.getByTestId('applied')).toBeVisible();

  // Verification runs right after Apply, on the same screen, and ends the setup with the ways
  // on: the first sync of this profile, and the dashboard.
  const done = page.getByTestId('verify-done');
  await expect(done.getByRole('heading', { name: 'Done' })).toBeVisible();
  await expect(done.getByRole('link', { name: 'Run the first sync of contoso' })).toHaveAttribute('href', '#/sync/contoso');
  await expect(done.getByRole('link', { name: 'Go to the dashboard' })).toHaveAttribute('href', '#/dashboard');
  await expect(railStep(page, 'verify')).toContainText('Done');
  expect(await wizardCalls(page)).toEqual(['open contoso', 'resume sync-options', 'sync-options', 'review', 'apply', 'verify']);
  await shot('54-returning-admin-done');
});

test('a changed sync concurrency is reviewed as a change on this computer before it is saved', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10');
  await editFromDashboard(page, 'contoso', 'Sync options');
  await page.getByLabel('Users written to the PBX at once').fill('4');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await page.getByTestId('continue').click();
  const rows = page.getByTestId('changes-this-computer').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Users written to the PBX at once');
  await expect(rows.getByTestId('now')).toHaveText('12');
  await expect(rows.getByTestId('after')).toHaveText('4');
  await expect(page.getByTestId('changes-pbx')).toHaveCount(0);
  await shot('53b-returning-admin-concurrency-review');
});

test('an expired saved Microsoft sign-in opens its step with "Sign in again"', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10&mock-expired=microsoft#/dashboard');
  await editFromDashboard(page, 'contoso', 'Sync options');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await expect(railStep(page, 'connect-pbx')).toContainText('Done');
  await expect(page.getByTestId('step-error')).toContainText('no longer works');
  await shot('55-returning-admin-sign-in-again');
  await page.getByTestId('sign-in-again').click();
  await expect(page.getByTestId('microsoft-summary')).toContainText('admin@contoso.example');
  await expect(railStep(page, 'microsoft-account')).toContainText('Done');
});

test('a new installation opens on the first step', async ({ page }) => {
  await page.goto('/?mock-profiles=none');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');
});
