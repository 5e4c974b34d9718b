import type { Page } from '@playwright/test';
import { expect, openStep, test } from '../fixtures';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUa\n-----END CERTIFICATE-----\n';

function field(page: Page, label: string) {
  return page.getByRole('main').getByLabel(label, { exact: true });
}

async function fillValid(page: Page) {
  await field(page, 'PBX address').fill('https://pbx.example.com:8887');
  await field(page, 'Tenant SIP domain').fill('contoso.com');
  await field(page, 'Administrator user name').fill('tenantadmin');
  await field(page, 'Password').fill('correct horse battery');
}

test('a plain-http PBX address is refused with the reason, as soon as the field is left', async ({ page, shot }) => {
  await openStep(page, 'connect-pbx');
  const url = field(page, 'PBX address');
  await url.fill('http://pbx.example.com:8887');
  await expect(url).not.toHaveAttribute('aria-invalid');
  await url.blur();
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toHaveAccessibleDescription(/Use https:\/\/\. Plain http:\/\/ would send the administrator password unencrypted/);
  // Leaving a field marks only that field; the summary waits until the admin tries to connect.
  await expect(page.getByTestId('error-summary')).toHaveCount(0);
  await shot('10-connect-bad-url');

  // The message goes away while the admin types the fix, without waiting for another blur.
  await url.fill('https://pbx.example.com:8887');
  await expect(url).not.toHaveAttribute('aria-invalid');
  await expect(page.getByText('Plain http://')).toHaveCount(0);
});

test('an address without a scheme is explained', async ({ page }) => {
  await openStep(page, 'connect-pbx');
  const url = field(page, 'PBX address');
  await url.fill('pbx.example.com:8887');
  await url.blur();
  await expect(url).toHaveAccessibleDescription(/Start the address with https:\/\//);
});

test('submitting an empty form lists every problem and takes focus there', async ({ page, shot }) => {
  await openStep(page, 'connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading')).toHaveText('There are 4 problems with these details');
  await expect(summary.getByRole('listitem')).toHaveText([
    /Enter the PBX address/,
    /Enter the tenant SIP domain/,
    /Enter the user name/,
    /Enter the password/,
  ]);
  await expect(page.getByTestId('connect-status')).toBeEmpty();
  await shot('11-connect-empty-submit');

  await summary.getByRole('link', { name: /Enter the tenant SIP domain/ }).click();
  await expect(field(page, 'Tenant SIP domain')).toBeFocused();
});

test('complete details connect to the PBX and say as whom', async ({ page, shot }) => {
  await openStep(page, 'connect-pbx');
  await fillValid(page);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('error-summary')).toHaveCount(0);
  await expect(page.getByTestId('connect-status')).toHaveText('Connected to Contoso as Admin.');
  await shot('12-connect-valid');
});

test('the password can be shown and hidden again', async ({ page }) => {
  await openStep(page, 'connect-pbx');
  const password = field(page, 'Password');
  await password.fill('s3cret');
  const show = page.getByRole('button', { name: 'Show password' });
  await expect(password).toHaveAttribute('type', 'password');
  await show.click();
  await expect(show).toHaveAttribute('aria-pressed', 'true');
  await expect(password).toHaveAttribute('type', 'text');
  await show.click();
  await expect(password).toHaveAttribute('type', 'password');
});

test('a CA file holding a private key is refused; a certificate is accepted and can be removed', async ({ page }) => {
  await openStep(page, 'connect-pbx');
  const ca = page.getByLabel('CA certificate (optional)');
  await ca.setInputFiles({
    name: 'server.pem',
    mimeType: 'application/x-pem-file',
    buffer: Buffer.from(`${CERTIFICATE}-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n`),
  });
  await expect(ca).toHaveAttribute('aria-invalid', 'true');
  await expect(ca).toHaveAccessibleDescription(/contains a private key/);

  await ca.setInputFiles({ name: 'ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(CERTIFICATE) });
  await expect(ca).not.toHaveAttribute('aria-invalid');
  await page.getByRole('button', { name: 'Remove ca.pem' }).click();
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);

  await fillValid(page);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('connect-status')).toHaveText('Connected to Contoso as Admin.');
});
