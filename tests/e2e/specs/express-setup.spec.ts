import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';

/** Counts what the admin does from here on: trusted clicks and Enter presses (typing is not counted). */
async function countActions(page: Page) {
  await page.evaluate(() => {
    const counted = { clicks: 0, enters: 0 };
    (window as Window & { pbx365Actions?: typeof counted }).pbx365Actions = counted;
    document.addEventListener('click', (event) => void (event.isTrusted && (counted.clicks += 1)), true);
    document.addEventListener('keydown', (event) => void (event.isTrusted && event.key === 'Enter' && (counted.enters += 1)), true);
  });
  return async () => page.evaluate(() => (window as Window & { pbx365Actions?: { clicks: number; enters: number } }).pbx365Actions);
}

/** The wizard calls the mock backend received (it keeps them in `window.pbx365WizardCalls`). */
const wizardCalls = (page: Page) =>
  page.evaluate(() => (window as Window & { pbx365WizardCalls?: string[] }).pbx365WizardCalls ?? []);

test('the demo setup takes four actions from launch to "Every check passed"', async ({ page, shot }) => {
  test.setTimeout(60_000);
  await page.goto('/?mock-demo&mock-profiles=none&mock-step-ms=150&mock-checks=held#/connect-pbx');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');
  await expect(page.getByLabel('PBX address', { exact: true })).toHaveValue('https://pbx.contoso.example:8887');
  const actions = await countActions(page);

  // 1. Connect (the demo prefilled the PBX): the sign-in to Microsoft comes next by itself.
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await expect(page.getByTestId('connect-status')).toHaveText('Connected to Contoso as Admin.');

  // 2. Sign in, with Enter: the primary action of the screen is its default.
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review & apply');

  // The checks run by themselves, as one checklist with per-check progress, then the review.
  const checklist = page.getByTestId('checklist');
  await expect(checklist.locator('[data-check="key-pair"] [data-testid="check-state"]')).toHaveText('Checking');
  // What the checklist is doing is not asked of the admin meanwhile.
  await expect(page.getByTestId('needs-first')).toHaveCount(0);
  await shot('32-express-checklist-running');
  await page.evaluate(() => (window as Window & { pbx365MockChecks?: { release: () => void } }).pbx365MockChecks?.release());
  for (const step of ['connect-pbx', 'microsoft', 'app-registration', 'key-pair', 'consent', 'sync-options']) {
    await expect(checklist.locator(`[data-check="${step}"] [data-testid="check-state"]`)).toHaveText('Checked');
  }
  await expect(checklist.locator('[data-check="app-registration"]')).toContainText('Create: PortSIP PBX (contoso.example)');
  await expect(checklist.locator('[data-check="key-pair"]')).toContainText('A new key pair will be generated');
  await expect(checklist.locator('[data-check="sync-options"]')).toContainText('Every day at 02:00, PBX time (Europe/Berlin)');
  await expect(checklist.getByRole('link', { name: 'Change: Sync options' })).toHaveAttribute('href', '#/sync-options');
  await expect(page.getByTestId('changes-entra')).toContainText('Create the app registration');
  await shot('33-express-review');
  // The four checks ran as one call, and the review once: nothing was written before Apply.
  expect(await wizardCalls(page)).toEqual(['open contoso.example', 'connect-pbx', 'microsoft', 'checks', 'review']);

  // 3. Apply, which asks first; 4. the confirmation. Verification follows on this screen.
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog', { name: 'Apply the changes to contoso.example?' }).getByRole('button', { name: 'Apply the changes' }).click();
  await expect(page.getByRole('region', { name: 'Every check passed' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review & apply');
  await expect(page.getByTestId('verify-done')).toBeVisible();
  await shot('34-express-verified');

  expect(await actions()).toEqual({ clicks: 3, enters: 1 });
  expect(await wizardCalls(page)).toEqual(['open contoso.example', 'connect-pbx', 'microsoft', 'checks', 'review', 'apply', 'verify']);
});

test('changing a choice from the checklist re-runs what depends on it', async ({ page }) => {
  await page.goto('/?mock-demo&mock-profiles=none&mock-step-ms=10#/connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
  const checklist = page.getByTestId('checklist');
  await expect(page.getByTestId('changes-entra')).toContainText('Create the app registration');

  await checklist.getByRole('link', { name: 'Change: App registration' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('App registration');
  await page.getByLabel("Users' personal Outlook contacts").check();
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('app-summary')).toContainText('User.Read.All');
  await page.goto(`${page.url().split('#')[0]}#/review-apply`);
  // The checks after it and the review ran again by themselves, with the new features.
  await expect(page.getByTestId('changes-entra')).toContainText('Create the app registration');
  await expect(checklist.locator('[data-check="sync-options"] [data-testid="check-state"]')).toHaveText('Checked');
  expect(await wizardCalls(page)).toEqual(['open contoso.example', 'connect-pbx', 'microsoft', 'checks', 'review', 'app-registration', 'checks', 'review']);
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled();
});

test('a failing check stays on its row of the checklist, and nothing goes on by itself', async ({ page }) => {
  await page.goto('/?mock-demo&mock-profiles=none&mock-fail=sync-options&mock-step-ms=10#/connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
  const row = page.getByTestId('checklist').locator('[data-check="sync-options"]');
  await expect(row.getByTestId('check-state')).toHaveText('Failed');
  await expect(row.getByRole('alert')).toContainText('already taken on the PBX');
  await expect(page.getByTestId('checklist').locator('[data-check="consent"] [data-testid="check-state"]')).toHaveText('Checked');
  await expect(page.getByTestId('changes-entra')).toHaveCount(0);
  expect(await wizardCalls(page)).toEqual(['open contoso.example', 'connect-pbx', 'microsoft', 'checks']);
});

test('guided mode keeps its own pace: the same checklist, and nothing runs by itself', async ({ page }) => {
  await page.goto('/?mock-demo&mock-profiles=none&mock-step-ms=10#/connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await page.getByLabel(/Guided/).check();
  await page.getByLabel('Directory (tenant) ID', { exact: true }).fill('8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a80');
  await page.getByLabel('Application (client) ID', { exact: true }).fill('3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e');
  await page.getByRole('button', { name: 'Check the IDs' }).click();
  // The admin does the Entra steps by hand, page by page: the IDs' check does not move on.
  await expect(page.getByTestId('microsoft-summary')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await page.goto(`${page.url().split('#')[0]}#/review-apply`);
  const checklist = page.getByTestId('checklist');
  await expect(checklist.locator('[data-check="microsoft"] [data-testid="check-state"]')).toHaveText('Checked');
  await expect(checklist.locator('[data-check="app-registration"] [data-testid="check-state"]')).toHaveText('Waiting');
  await page.getByTestId('checklist').getByRole('link', { name: 'Change: App registration' }).click();
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('hand-steps')).toContainText("Add the PBX's Redirect URIs");
  await page.goto(`${page.url().split('#')[0]}#/review-apply`);
  await expect(checklist.locator('[data-check="app-registration"] [data-testid="check-state"]')).toHaveText('Checked');
  await expect(checklist.locator('[data-check="key-pair"] [data-testid="check-state"]')).toHaveText('Waiting');
  expect(await wizardCalls(page)).toEqual(['open contoso.example', 'connect-pbx', 'microsoft', 'app-registration']);
});
