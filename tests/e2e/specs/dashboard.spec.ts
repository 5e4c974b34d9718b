import { expect, test } from '../fixtures';

test('the dashboard sums up every profile: health, days left, last verification, last sync', async ({ page, shot }) => {
  await page.goto('/#/dashboard');
  const profiles = page.getByRole('list', { name: 'Profiles' });
  await expect(profiles.getByRole('listitem')).toHaveCount(3);
  // The header names the wizard's profile only inside the wizard; here every profile is listed.
  await expect(page.getByTestId('wizard-profile')).toHaveCount(0);

  const contoso = profiles.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'contoso' }) });
  await expect(contoso.getByTestId('days-left')).toHaveText('65 days left');
  await expect(contoso).toContainText('All checks passed');
  await expect(contoso).toContainText('Completed with failures');
  await expect(contoso).toContainText('Working, with warnings');
  // The PortSIP version and licence headroom the last verification found.
  await expect(contoso.getByTestId('pbx-edition')).toHaveText('PortSIP 22.6.0 · 212 of 400 licensed users · 188 left');

  const fabrikam = profiles.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'fabrikam' }) });
  await expect(fabrikam.getByTestId('days-left')).toHaveText('12 days left');
  await expect(fabrikam).toContainText('Action soon');
  await expect(fabrikam.getByTestId('pbx-edition')).toContainText('PortSIP 22.2.0');

  const northwind = profiles.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'northwind' }) });
  await expect(northwind).toContainText('Broken');
  await expect(northwind).toContainText('1 check failed');
  await shot('dashboard');

  await northwind.getByRole('link', { name: 'Rotate certificate of northwind' }).click();
  await expect(page).toHaveURL(/#\/certificates\/rotate\/northwind$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rotate the certificate of northwind');
});
