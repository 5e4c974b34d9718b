import { expect, test } from '../fixtures';

test('the demo started as CHINA names the 21Vianet cloud at the Microsoft sign-in', async ({ page, shot }) => {
  await page.goto('/?mock-demo=china&mock-profiles=none&mock-step-ms=10#/connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await expect(page.getByTestId('microsoft-cloud-name')).toHaveText('Talks to: Microsoft Azure operated by 21Vianet');
  // The emulator plays one cloud: the choice is the demo's, not the admin's.
  const china = page.getByRole('radio', { name: 'China (operated by 21Vianet)' });
  await expect(china).toBeChecked();
  await expect(china).toBeDisabled();
  await shot('35-demo-china-microsoft');

  await page.getByRole('banner').getByTestId('language-switch').selectOption('zh-CN');
  await expect(page.getByTestId('microsoft-cloud-name')).toHaveText('连接到：由世纪互联运营的 Microsoft Azure');
});

test('the global demo and a real sign-in name the cloud chosen', async ({ page }) => {
  await page.goto('/?mock-demo&mock-profiles=none&mock-step-ms=10#/connect-pbx');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('microsoft-cloud-name')).toHaveText('Talks to: Microsoft 365 (global)');

  // Outside the demo the admin picks the cloud, and the label follows.
  await page.goto('/?mock-profiles=none&mock-step-ms=10#/connect-pbx');
  await page.goto('/?mock-profiles=none&mock-step-ms=10#/microsoft-account');
  await page.getByRole('radio', { name: 'China (operated by 21Vianet)' }).check();
  await expect(page.getByTestId('microsoft-cloud-name')).toHaveText('Talks to: Microsoft Azure operated by 21Vianet');
});

test('each dashboard card names the Microsoft cloud its profile talks to', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/dashboard');
  const card = (profile: string) => page.getByTestId('profile-card').filter({ has: page.getByRole('heading', { name: profile, exact: true }) });
  await expect(card('fabrikam').getByTestId('profile-cloud')).toHaveText('Microsoft Azure operated by 21Vianet');
  await expect(card('contoso').getByTestId('profile-cloud')).toHaveText('Microsoft 365 (global)');
  await page.getByRole('banner').getByTestId('language-switch').selectOption('zh-CN');
  await expect(card('fabrikam').getByTestId('profile-cloud')).toHaveText('由世纪互联运营的 Microsoft Azure');
});
