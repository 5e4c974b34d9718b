import { connectPbx, expect, test } from '../fixtures';
import { applyConfirmed, railStep, throughReview } from '../wizard-helpers';

test('a review made stale by a changed sync time cannot be applied until it is made again', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await throughReview(page);
  const pbxChanges = page.getByTestId('changes-pbx');
  // The schedule in people's words, with the raw value beside it.
  await expect(pbxChanges).toContainText('Every day at 02:00, PBX time (Europe/Berlin)');
  await expect(pbxChanges.locator('code', { hasText: '0 2 * * *' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled();
  await expect(railStep(page, 'sync-options')).toContainText('Done');
  await expect(railStep(page, 'review-apply')).toContainText('To do');

  // The time changes, but the step is not checked again: what the form shows is not what was reviewed.
  await page.getByRole('navigation', { name: 'Setup', exact: true }).getByRole('link', { name: /Sync options/ }).click();
  await expect(page.locator('#sync-time')).toHaveValue('02:00');
  await page.locator('#sync-time').fill('03:30');
  await expect(railStep(page, 'sync-options')).toContainText('Out of date');
  await expect(railStep(page, 'review-apply')).toContainText('Out of date');
  await expect(railStep(page, 'verify')).toContainText('To do');
  await page.goto(`${page.url().split('#')[0]}#/review-apply`);
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  await expect(apply).toBeDisabled();
  await expect(page.getByTestId('review-stale')).toContainText('“Sync options” changed since');
  await shot('50-review-stale');

  // Checked again: the review is out of date until it runs again, which it does by itself.
  await page.goto(`${page.url().split('#')[0]}#/sync-options`);
  await expect(page.locator('#sync-time')).toHaveValue('03:30');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(railStep(page, 'sync-options')).toContainText('Done');
  await expect(railStep(page, 'review-apply')).toContainText('Out of date');
  await railStep(page, 'review-apply').getByRole('link').click();
  await expect(pbxChanges).toContainText('Every day at 03:30, PBX time (Europe/Berlin)');
  await expect(pbxChanges.locator('code', { hasText: '30 3 * * *' })).toBeVisible();
  await expect(page.getByTestId('review-stale')).toHaveCount(0);
  await expect(apply).toBeEnabled();
  await applyConfirmed(page, 'contoso.example');
  await expect(page.getByTestId('applied')).toBeVisible();
  await expect(railStep(page, 'review-apply')).toContainText('Done');
});

test('Apply asks first, naming the PBX, the tenant and what changes where', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await throughReview(page);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Apply the changes to contoso.example?' });
  // The dialog's counts are the review's rows in each place.
  const changes = async (target: string) => {
    const rows = await page.getByTestId(`changes-${target}`).locator('tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    return rows === 1 ? '1 change' : `${rows} changes`;
  };
  await expect(dialog).toContainText(`${await changes('pbx')} on the PBX pbx.contoso.example:8887`);
  await expect(dialog).toContainText(`${await changes('entra')} in the Microsoft 365 tenant contoso.example`);
  await expect(dialog).toContainText(`${await changes('this-computer')} on this computer`);
  await shot('51-apply-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('applied')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeFocused();
});

test('the rail and Next do not pass a step whose prerequisites are not met, and say why', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  const rail = page.getByRole('navigation', { name: 'Setup', exact: true });
  await expect(railStep(page, 'connect-pbx')).toContainText('To do');
  await expect(railStep(page, 'microsoft-account').getByRole('link')).toHaveCount(0);
  await expect(railStep(page, 'microsoft-account')).toContainText('Finish “Connect to the PBX” first');
  const next = page.getByTestId('next-locked');
  await expect(next).toContainText('Finish “Connect to the PBX” first');
  await expect(page.getByRole('navigation', { name: 'Previous and next step' }).getByRole('link', { name: /Next/ })).toHaveCount(0);

  // A step opened by its address says what it needs first.
  await page.goto(`${page.url().split('#')[0]}#/sync-options`);
  await expect(page.getByTestId('needs-first')).toContainText('Finish “Connect to the PBX” first');
  await page.getByTestId('needs-first').getByRole('link', { name: 'Go to Connect PBX' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');

  await connectPbx(page);
  await expect(railStep(page, 'connect-pbx')).toContainText('Done');
  await expect(rail.getByRole('link', { name: /Microsoft account/ })).toBeVisible();
  await expect(railStep(page, 'app-registration')).toContainText('Finish “Sign in to Microsoft” first');
  // Connected, the setup went on to the sign-in by itself; Next waits until it is done.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await expect(next).toContainText('Finish “Sign in to Microsoft” first');
});
