import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';

/** How often the mock installed an update (ui/src/lib/backend/update-mock.ts). */
const installs = (page: Page) =>
  page.evaluate(() => (window as Window & { pbx365MockUpdateInstalls?: number }).pbx365MockUpdateInstalls ?? -1);

test('An available update shows its notes; installing asks first, and Cancel installs nothing', async ({ page, shot }) => {
  await page.goto('/?mock-update=available#/dashboard');
  const notice = page.getByTestId('update-available');
  await expect(notice.getByRole('heading', { name: 'Update available: pbx365 0.2.0' })).toBeVisible();
  await expect(notice.getByTestId('update-notes')).toHaveText(
    'Certificates are renewed a week earlier.\nThe sync preview lists unlicensed users.',
  );

  await notice.getByRole('button', { name: 'Install update' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install pbx365 0.2.0?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('checks that it is signed with the pbx365 release key');
  await shot('update-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await installs(page)).toBe(0);
  await expect(page.getByTestId('update-installed')).toHaveCount(0);

  await notice.getByRole('button', { name: 'Install update' }).click();
  await dialog.getByRole('button', { name: 'Install update' }).click();
  await expect(page.getByTestId('update-installed')).toHaveText('pbx365 0.2.0 is installed. Restart pbx365 to use it.');
  expect(await installs(page)).toBe(1);
});

test('A package with a wrong signature is refused with a clear message and nothing installed', async ({ page }) => {
  await page.goto('/?mock-update=bad-signature#/dashboard');
  const notice = page.getByTestId('update-available');
  await notice.getByRole('button', { name: 'Install update' }).click();
  await page.getByRole('dialog', { name: 'Install pbx365 0.2.0?' }).getByRole('button', { name: 'Install update' }).click();
  await expect(page.getByTestId('update-error')).toContainText('not signed by the pbx365 release key');
  await expect(page.getByTestId('update-error')).toContainText('nothing was installed');
  await expect(page.getByTestId('update-installed')).toHaveCount(0);
  expect(await installs(page)).toBe(0);
});

test('An unreachable update server is said once and can be dismissed; up to date shows nothing', async ({ page }) => {
  await page.goto('/?mock-update=unreachable#/dashboard');
  const failed = page.getByTestId('update-check-failed');
  await expect(failed.getByRole('heading', { name: 'Could not check for updates' })).toBeVisible();
  await expect(failed.getByRole('alert')).toContainText('https://updates.example.com/pbx365/latest.json could not be reached');
  await failed.getByRole('button', { name: 'Dismiss' }).click();
  await expect(failed).toHaveCount(0);

  await page.goto('/#/dashboard');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  await expect(page.getByTestId('update-check-failed')).toHaveCount(0);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the update notice and its confirmation are worded in Chinese', async ({ page }) => {
    await page.goto('/?mock-update=available#/dashboard');
    await expect(page.getByRole('heading', { name: '有可用更新：pbx365 0.2.0' })).toBeVisible();
    await page.getByRole('button', { name: '安装更新' }).click();
    await expect(page.getByRole('dialog', { name: '安装 pbx365 0.2.0？' })).toContainText('pbx365 发布密钥签名');
  });
});
