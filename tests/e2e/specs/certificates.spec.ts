import { expect, test } from '../fixtures';

test('the certificates page shows each state, both sides, and the reminders due', async ({ page, shot }) => {
  await page.goto('/#/certificates');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Certificates');
  const reminders = page.getByRole('region', { name: 'Reminders' });
  await expect(reminders.getByRole('listitem')).toHaveCount(2);
  // Worded by the UI from each certificate's state (CertificateState), in the UI language.
  await expect(reminders).toContainText(/fabrikam: The certificate expires on .+ \(12 days left\): rotate it before then\./);
  await expect(reminders).toContainText("northwind: The PBX's certificate and the app's do not match");

  const contoso = page.getByRole('article', { name: 'contoso' });
  await expect(contoso).toContainText('Healthy');
  await expect(contoso).toContainText('5A1F 9C3E 7B2D');
  await expect(contoso).toContainText('used by the PBX');
  await expect(page.getByRole('article', { name: 'fabrikam' })).toContainText('Expiring (14-day reminder)');
  const northwind = page.getByRole('article', { name: 'northwind' });
  await expect(northwind).toContainText('Mismatched');
  await expect(northwind).toContainText('not used by the PBX');
  await shot('certificates-reminders');
});

test('start at login is off by default and can be switched on', async ({ page }) => {
  await page.goto('/#/certificates');
  const toggle = page.getByRole('switch', { name: 'Start pbx365 at login, in the tray' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.press('Space');
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
});

test('rotation runs as one action with its steps shown live', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=150#/certificates/rotate/fabrikam');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rotate the certificate of fabrikam');
  const syncSoon = page.getByRole('note').filter({ hasText: "The PBX's Microsoft 365 sync is scheduled at" });
  await expect(syncSoon).toContainText('02:00, in 8 minutes.');
  await expect(page.getByRole('note').filter({ hasText: 'Microsoft 365 sync is interrupted until the new certificate is on the app' })).toBeVisible();
  await shot('rotation-confirm');
  await page.getByRole('button', { name: 'Rotate certificate' }).click();
  await page.getByRole('dialog', { name: 'Rotate the certificate of fabrikam?' }).getByRole('button', { name: 'Rotate certificate' }).click();
  const steps = page.getByRole('list', { name: 'Rotation steps' }).getByRole('listitem');
  await expect(steps.nth(2)).toContainText('Waiting');
  await expect(steps.nth(0)).toContainText('Done');
  await shot('rotation-waiting');
  await expect(page.getByTestId('rotation-announcement')).toHaveText('The certificate was rotated.');
  await expect(steps.filter({ hasText: 'Done' })).toHaveCount(4);
  await expect(page.getByText('The PBX listed 248 Microsoft 365 users with it.')).toBeVisible();
  await shot('rotation-done');
});

test('a rotation that stops says where, what works now, and how to finish', async ({ page, shot }) => {
  await page.goto('/?mock-rotation=fail&mock-step-ms=10#/certificates/rotate/northwind');
  await page.getByRole('button', { name: 'Rotate certificate' }).click();
  await page.getByRole('dialog', { name: 'Rotate the certificate of northwind?' }).getByRole('button', { name: 'Rotate certificate' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Microsoft did not accept the new certificate');
  await expect(alert).toContainText('Microsoft has not accepted it yet');
  await expect(alert).toContainText('Sync does not work until this is finished.');
  await expect(alert).toContainText('Wait a few minutes. Run the rotation again');
  await expect(alert).toContainText('pbx365 cert rotate --profile northwind');
  const steps = page.getByRole('list', { name: 'Rotation steps' }).getByRole('listitem');
  await expect(steps.nth(2)).toContainText('Stopped here');
  await expect(steps.nth(3)).toContainText('Not started');
  await expect(page.getByRole('button', { name: 'Finish the rotation' })).toBeEnabled();
  await shot('rotation-failed');
});

test('a second rotation picks up where the first stopped', async ({ page }) => {
  await page.goto('/?mock-rotation=fail&mock-step-ms=10#/certificates/rotate/contoso');
  await page.getByRole('button', { name: 'Rotate certificate' }).click();
  await page.getByRole('dialog', { name: 'Rotate the certificate of contoso?' }).getByRole('button', { name: 'Rotate certificate' }).click();
  await expect(page.getByRole('alert')).toContainText('The rotation stopped');
  await expect(page.getByRole('main')).toContainText('This run picks up from there.');
  const steps = page.getByRole('list', { name: 'Rotation steps' }).getByRole('listitem');
  await expect(steps.nth(0)).toContainText('Done');
  await expect(steps.nth(1)).toContainText('Done');
});
