import { expect, test } from '../fixtures';

test('Disconnect from a card reviews what changes where, re-plans for deleting the app, and removes the profile', async ({ page, shot }) => {
  // Slow enough that each step's "In progress" lasts long past a poll on a loaded machine.
  await page.goto('/?mock-step-ms=500#/dashboard');
  const profiles = page.getByRole('list', { name: 'Profiles' });
  await expect(profiles.getByRole('listitem')).toHaveCount(3);
  const fabrikam = profiles.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'fabrikam' }) });
  await fabrikam.getByRole('link', { name: 'Disconnect fabrikam' }).click();

  await expect(page).toHaveURL(/#\/dashboard\/disconnect\/fabrikam$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Disconnect fabrikam');
  // The profile's PBX tenant and Microsoft 365 tenant, named before anything is confirmed.
  const subject = page.getByTestId('disconnect-subject');
  await expect(subject).toContainText('the PBX tenant fabrikam.com at https://pbx.fabrikam.com:8887');
  await expect(subject).toContainText('Fabrikam, Inc. (b2c4e6a8-1357-4d9b-8f0e-2a4c6e8f0b1d)');
  // What happens on the PBX, in Entra and on this computer, in the setup review's three places.
  const onPbx = page.getByRole('region', { name: 'On the PBX' });
  const inEntra = page.getByRole('region', { name: 'In Microsoft Entra' });
  const here = page.getByRole('region', { name: 'On this computer' });
  await expect(onPbx).toContainText('PortSIP 22.2.0');
  await expect(onPbx).toContainText('clear the Application and Directory IDs');
  await expect(onPbx).toContainText("The PBX's users, and their links to Microsoft 365 accounts, stay.");
  await expect(inEntra).toContainText("so you remove the PBX's certificate from the app registration");
  await expect(here).toContainText('remove the profile "fabrikam"');
  const handSteps = page.getByRole('region', { name: 'Steps for you in Entra, after Disconnect' });
  await expect(handSteps).toContainText("Remove the PBX's certificate from the app");
  const confirm = page.getByRole('button', { name: 'Disconnect fabrikam' });
  await expect(confirm).toBeEnabled();

  for (const [width, height] of [
    [960, 640],
    [1600, 1000],
  ] as const) {
    await page.setViewportSize({ width, height });
    await shot(`disconnect-review-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 860 });

  // Deleting the app registration is a new plan: the Entra step and the steps by hand change with it.
  const deleteApp = page.getByRole('checkbox', { name: 'Also delete the app registration' });
  await deleteApp.check();
  await expect(inEntra).toContainText('so you delete the app registration');
  await expect(handSteps).toContainText('Delete the app registration');
  await expect(confirm).toBeEnabled();
  await shot('disconnect-review-delete-app');

  // It asks first, naming the target and the choice made.
  await confirm.click();
  const asked = page.getByRole('dialog', { name: 'Disconnect fabrikam?' });
  await expect(asked.getByTestId('target-pbx')).toHaveText('pbx.fabrikam.com:8887');
  await expect(asked).toContainText('The app registration is deleted too.');
  await asked.getByRole('button', { name: 'Disconnect fabrikam' }).click();
  await expect(page.getByRole('button', { name: 'Disconnecting fabrikam…' })).toBeDisabled();
  await expect(page.getByRole('link', { name: 'Cancel' })).toHaveCount(0);
  await expect(inEntra.getByText('In progress')).toBeVisible();
  await expect(onPbx.getByText('Done')).toBeVisible();
  await shot('disconnect-running');

  const result = page.getByTestId('disconnect-result');
  // The steps take their paced time to finish.
  await expect(result).toContainText('fabrikam is disconnected.', { timeout: 15_000 });
  await expect(page.getByTestId('disconnect-announcement')).toHaveText('fabrikam is disconnected.');
  await expect(here).toContainText('Removed the profile "fabrikam", its sync history (1 run)');
  // Guided mode: what pbx365 cannot do in Entra is left to the admin, as chosen.
  await expect(page.getByRole('region', { name: 'Still to do in Entra' })).toContainText('Delete the app registration');
  await shot('disconnect-done');

  await result.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(profiles.getByRole('listitem')).toHaveCount(2);
  await expect(profiles.getByRole('heading', { name: 'fabrikam' })).toHaveCount(0);
  await expect(profiles.getByRole('heading', { name: 'contoso' })).toBeVisible();
});

test('Cancel on the review changes nothing', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/dashboard');
  const profiles = page.getByRole('list', { name: 'Profiles' });
  const contoso = profiles.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'contoso' }) });
  await contoso.getByRole('link', { name: 'Disconnect contoso' }).click();
  await expect(page.getByRole('region', { name: 'In Microsoft Entra' })).toContainText(
    "remove the PBX's certificate (thumbprint 5A1F9C3E7B2D4A6081C9E3F5A7B9D1E3F5A7C9E1)",
  );
  await page.getByRole('checkbox', { name: 'Also delete the app registration' }).check();
  await expect(page.getByRole('note').filter({ hasText: 'Before you confirm' })).toContainText('also stops anything else that signs in with it');

  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/#\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(profiles.getByRole('listitem')).toHaveCount(3);

  // Nothing was started: the review opens afresh, with nothing to continue.
  await contoso.getByRole('link', { name: 'Disconnect contoso' }).click();
  await expect(page.getByRole('checkbox', { name: 'Also delete the app registration' })).not.toBeChecked();
  await expect(page.getByRole('button', { name: 'Disconnect contoso' })).toBeEnabled();
  await expect(page.getByRole('main')).not.toContainText('The last Disconnect stopped');
  await expect(page.getByRole('region', { name: 'On the PBX' })).not.toContainText('Done');
});

test('a Disconnect that stops says where, and the next one continues there', async ({ page, shot }) => {
  await page.goto('/?mock-reset=fail&mock-step-ms=10#/dashboard/disconnect/contoso');
  await page.getByRole('button', { name: 'Disconnect contoso' }).click();
  await page.getByRole('dialog', { name: 'Disconnect contoso?' }).getByRole('button', { name: 'Disconnect contoso' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Disconnect stopped before it finished.');
  await expect(alert).toContainText('stopped at step 2 of 3');
  await expect(page.getByRole('region', { name: 'On the PBX' })).toContainText('Done');
  await expect(page.getByRole('region', { name: 'In Microsoft Entra' })).toContainText('Stopped here');
  await expect(page.getByRole('note').filter({ hasText: 'The last Disconnect stopped' })).toContainText('step 2 of 3');
  await expect(page.getByRole('link', { name: 'Not now' })).toBeVisible();
  await shot('disconnect-stopped');

  await page.getByRole('button', { name: 'Finish disconnecting contoso' }).click();
  await page.getByRole('dialog', { name: 'Finish disconnecting contoso?' }).getByRole('button', { name: 'Finish disconnecting contoso' }).click();
  await expect(page.getByTestId('disconnect-result')).toContainText('contoso is disconnected.');
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page.getByRole('list', { name: 'Profiles' }).getByRole('listitem')).toHaveCount(2);
});

test('in Chinese, a Disconnect, its stop and its result show no English sentence from the engine', async ({ page, shot }) => {
  // Three or more English words in a row: a sentence the catalogue did not word (values and
  // product names are one or two words, thumbprints and IDs are codes).
  const englishRun = /[A-Za-z]{2,}(?:[ ,]+(?:\d+[ ,]+)?[A-Za-z]{2,}){2,}/g;
  const englishIn = async () => ((await page.getByRole('main').innerText()).match(englishRun) ?? []).filter((run) => !run.includes('PortSIP PBX'));
  await page.goto('/?mock-reset=fail&mock-step-ms=10#/dashboard/disconnect/contoso');
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const inEntra = page.getByTestId('reset-entra');
  await expect(inEntra).toContainText('指纹 5A1F9C3E7B2D4A6081C9E3F5A7B9D1E3F5A7C9E1');
  await page.getByRole('checkbox').check();
  await expect(inEntra).toContainText('删除应用注册“PortSIP PBX (contoso.com)”');
  await expect(page.getByRole('note').filter({ hasText: '6731de76-14a6-49ae-97bc-6eba6914391e' })).toContainText('删除应用注册也会');
  expect(await englishIn()).toEqual([]);

  await page.getByRole('button', { name: '断开 contoso' }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: '断开 contoso' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('第 2 步（共 3 步）停止');
  await expect(alert).toContainText('Microsoft 365 集成已停止');
  // Microsoft's own answer is quoted as it came.
  await expect(alert).toContainText('Microsoft Graph answered 503');
  await expect(page.getByTestId('reset-pbx')).toContainText('之前的重置已停止 Microsoft 365 集成');
  await shot('disconnect-stopped-zh');

  await page.getByRole('button', { name: /contoso/ }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: /contoso/ }).click();
  await expect(page.getByTestId('disconnect-result')).toBeVisible();
  await expect(page.getByTestId('reset-this-computer')).toContainText('已移除配置文件“contoso”');
  expect(await englishIn()).toEqual([]);
});
