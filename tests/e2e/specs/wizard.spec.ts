import { connectPbx as connect, expect, fillPbxLogin, test } from '../fixtures';
import { applyConfirmed, changeFromChecklist, continueTo, throughReview } from '../wizard-helpers';

test('the whole automatic setup, with progress, every step\'s page and a screenshot of each', async ({ page, shot }) => {
  // Nine steps with two screenshots each, on a busy 2-core CI machine.
  test.setTimeout(90_000);
  await page.goto('/?mock-step-ms=600#/connect-pbx');
  const header = page.getByTestId('wizard-profile');
  await expect(header).toHaveText(/New profile\s+not saved yet/);
  await connect(page);
  // The profile is named after the tenant once the PBX is connected; nothing is saved yet.
  await expect(header).toHaveText(/contoso\.example\s+not saved yet/);
  // Connected, the setup goes on to the Microsoft sign-in, which names the PBX.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await shot('20-wizard-connect');

  await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
  // Progress is announced while the step waits on the network.
  await expect(page.getByTestId('progress-message')).toHaveText(/Opening the Microsoft sign-in page|Waiting for you/);
  await expect(page.getByTestId('step-status')).toHaveAttribute('aria-live', 'polite');
  await shot('21-wizard-microsoft-progress');

  // Signed in: the checklist runs steps 3–6 by itself, then the review.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review & apply');
  const checklist = page.getByTestId('checklist');
  await expect(checklist.locator('[data-check="microsoft"]')).toContainText('signed in as admin@contoso.example');
  await expect(page.getByTestId('changes-pbx')).toContainText('Directory (tenant) ID', { timeout: 20_000 });
  await expect(page.getByTestId('changes-entra')).toContainText('Create the app registration');

  // Every step's page shows what its check found, and stays open to change.
  await changeFromChecklist(page, 'Microsoft account');
  await expect(page.getByTestId('microsoft-summary')).toContainText('Global Administrator');
  await shot('22-wizard-microsoft');
  await continueTo(page, 'App registration');
  await expect(page.getByTestId('app-summary')).toContainText('User.Read.All');
  await expect(page.getByRole('region', { name: /Create: PortSIP PBX/ })).toContainText('ID tokens on');
  await shot('23-wizard-app-registration');
  await continueTo(page, 'Key pair');
  await expect(page.getByTestId('key-reason')).toContainText('it will generate one');
  await shot('24-wizard-key-pair');
  await continueTo(page, 'Admin consent');
  await expect(page.getByTestId('permissions').getByRole('row')).toHaveCount(4);
  await shot('25-wizard-consent');

  await continueTo(page, 'Sync options');
  await page.getByLabel('Time (PBX time zone)').fill('03:30');
  await page.getByLabel('Days').selectOption('weekdays');
  await expect(page.getByTestId('cron')).toHaveText('30 3 * * 1-5');
  await expect(page.getByTestId('next-runs').getByRole('listitem')).toHaveCount(3);
  const users = page.getByRole('group', { name: 'Which users' });
  await users.getByLabel('Everyone except the selected users').check();
  // Signed in to Microsoft, the list is picked from the directory (directory-picker.spec.ts).
  await users.getByRole('combobox', { name: 'Selected users' }).fill('debra');
  await users.getByRole('option', { name: /Debra Berger/ }).click();
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await shot('26-wizard-sync-options');

  // Back on the review, what depends on the changed options ran again by itself.
  await continueTo(page, 'Review & apply');
  await expect(checklist.locator('[data-check="sync-options"]')).toContainText('Monday to Friday at 03:30');
  await expect(page.getByTestId('changes-pbx')).toContainText('Directory (tenant) ID');
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled();
  await shot('27-wizard-review');
  await applyConfirmed(page, 'contoso.example');
  await expect(page.getByTestId('progress-message')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Progress' })).toBeVisible();
  await shot('28-wizard-apply-progress');
  // The mock's apply takes eight steps of 600 ms, which outlasts the default 5 s on a busy machine.
  await expect(page.getByTestId('applied')).toContainText('3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e', { timeout: 20_000 });
  await expect(header).toHaveText(/contoso\.example\s+saved/);
  await shot('29-wizard-applied');

  // Verification runs right after Apply, on the same screen.
  await expect(page.getByRole('region', { name: 'Every check passed' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('checks').getByRole('listitem')).toHaveCount(9);
  await shot('30-wizard-verify');
});

test("sync options ask for each chosen feature's scope and check the lists", async ({ page, shot }) => {
  // PortSIP 22.2 still has administrators who sign in with Microsoft (pbx-versions.spec.ts: 22.6).
  await page.goto('/?mock-pbx=22.2&mock-step-ms=10#/connect-pbx');
  await connect(page);
  await page.goto(`${page.url().split('#')[0]}#/app-registration`);
  await page.getByLabel('Single sign-on to the PBX with Microsoft accounts').check();
  await page.getByLabel("Users' personal Outlook contacts").check();
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('app-summary')).toContainText('User.Read.All');
  await page.goto(`${page.url().split('#')[0]}#/sync-options`);

  const users = page.getByRole('group', { name: 'Which users' });
  const sso = page.getByRole('group', { name: 'Who may sign in with Microsoft' });
  const contacts = page.getByRole('group', { name: 'Whose personal contacts' });
  await expect(page.getByRole('group', { name: 'Which shared mailboxes' })).toHaveCount(0);
  await users.getByLabel('Only the selected users').check();
  await sso.getByLabel('Everyone except the selected users').check();
  await sso.getByLabel('Selected users', { exact: true }).fill('guest@contoso.example');
  await sso.getByLabel('Administrators who sign in with Microsoft').fill('admin@contoso.example, helpdesk');
  await contacts.getByLabel('Only the selected users').check();
  await contacts.getByLabel('Selected users', { exact: true }).fill('anna@contoso.example\nbob@contoso.example');
  const concurrency = page.getByLabel('Users written to the PBX at once');
  await concurrency.fill('40');
  await page.getByRole('button', { name: 'Check the sync options' }).click();

  // Nothing is sent while a list is wrong; the first wrong list takes the focus.
  const usersList = users.getByLabel('Selected users', { exact: true });
  await expect(usersList).toBeFocused();
  await expect(usersList).toHaveAttribute('aria-invalid', 'true');
  await expect(usersList).toHaveAccessibleDescription(/List at least one user principal name, or choose Everyone\./);
  await expect(sso.getByLabel('Administrators who sign in with Microsoft')).toHaveAccessibleDescription(
    /"helpdesk" is not a user principal name/,
  );
  await expect(concurrency).toHaveAccessibleDescription(/Enter a whole number from 1 to 32, or leave the field empty for 8\./);
  await expect(page.getByTestId('engine-next-runs')).toHaveCount(0);
  await shot('26b-wizard-sync-scopes');

  await usersList.fill('anna@contoso.example; bob@contoso.example');
  await expect(usersList).not.toHaveAttribute('aria-invalid');
  await sso.getByLabel('Administrators who sign in with Microsoft').fill('admin@contoso.example');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  // The lists are right now; the number still is not, so it has the focus.
  await expect(concurrency).toBeFocused();
  await concurrency.fill('4');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
});

test('guided mode checks the pasted IDs as they are typed', async ({ page, shot }) => {
  await page.goto('/#/microsoft-account');
  await page.getByLabel(/Guided/).check();
  const tenant = page.getByLabel('Directory (tenant) ID', { exact: true });
  await tenant.fill('8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a8g');
  await expect(tenant).toHaveAttribute('aria-invalid', 'true');
  await expect(tenant).toHaveAccessibleDescription(/contains "g"/);
  await tenant.fill('8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a80');
  await expect(tenant).not.toHaveAttribute('aria-invalid');
  await shot('31-wizard-guided-ids');
});

const FAILURES: [string, string, string, RegExp][] = [
  ['connect-pbx', 'connect-pbx', 'Connect', /refused the user name or password/],
  ['microsoft', 'microsoft-account', 'Sign in to Microsoft', /sign-in was cancelled in the browser/],
  ['sync-options', 'sync-options', 'Check the sync options', /already taken on the PBX/],
  ['review', 'review-apply', 'Review the changes', /cannot be reached any more/],
];

for (const [failing, pageId, button, message] of FAILURES) {
  test(`a failing ${failing} step shows the engine's sentence with its fix`, async ({ page, shot }) => {
    await page.goto(`/?mock-fail=${failing}&mock-step-ms=10#/${pageId}`);
    if (failing === 'connect-pbx') {
      await connect(page).catch(() => undefined);
    } else {
      await page.getByRole('button', { name: button }).click();
    }
    await expect(page.getByTestId('step-error')).toContainText(message);
    await expect(page.getByTestId('step-error')).toHaveAttribute('role', 'alert');
    await shot(`40-wizard-error-${failing}`);
  });
}

test('apply stopping part-way says where and that it resumes', async ({ page, shot }) => {
  await page.goto('/?mock-fail=apply&mock-step-ms=10#/connect-pbx');
  await throughReview(page);
  await applyConfirmed(page, 'contoso.example');
  await expect(page.getByTestId('step-error')).toContainText('Applying stopped at "Settings on the PBX"');
  await expect(page.getByTestId('step-error')).toContainText('continues where it stopped');
  await shot('41-wizard-error-apply');
});

test('a slow step can be cancelled from the keyboard', async ({ page }) => {
  await page.goto('/?mock-step-ms=5000#/connect-pbx');
  await fillPbxLogin(page);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('progress-message')).toHaveText('Connecting to the PBX…');
  const cancel = page.getByRole('button', { name: 'Cancel' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-error')).toContainText('was cancelled');
  await expect(page.getByTestId('connect-status')).toBeEmpty();
});
