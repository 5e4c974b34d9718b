import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { connectPbx, expect, test } from '../fixtures';

/** axe on the picker (WCAG 2.1 A/AA and best practices), as accessibility.spec.ts runs it on every screen. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('form')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Connect, Microsoft (automatic sign-in or guided IDs), App registration, then Sync options. */
async function toSyncOptions(page: Page, mode: 'auto' | 'guided') {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await connectPbx(page);
  await page.goto(`${page.url().split('#')[0]}#/microsoft-account`);
  if (mode === 'auto') {
    await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
    // Signed in, the express setup runs its checklist; the step pages stay open to change.
    await expect(page.getByTestId('checklist').locator('[data-check="microsoft"]')).toContainText('admin@contoso.example');
    await expect(page.getByTestId('changes-entra')).toBeVisible();
  } else {
    await page.getByLabel(/Guided/).check();
    await page.getByLabel('Directory (tenant) ID', { exact: true }).fill('8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a80');
    await page.getByLabel('Application (client) ID', { exact: true }).fill('3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e');
    await page.getByRole('button', { name: 'Check the IDs' }).click();
    await expect(page.getByTestId('microsoft-summary')).toBeVisible();
  }
  await page.goto(`${page.url().split('#')[0]}#/app-registration`);
  await page.getByLabel('Single sign-on to the PBX with Microsoft accounts').check();
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('app-summary')).toBeVisible();
  await page.goto(`${page.url().split('#')[0]}#/sync-options`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync options');
}

test('people are picked from the directory with the keyboard, removed, and pasted lists are checked', async ({ page, shot }) => {
  await toSyncOptions(page, 'auto');
  const users = page.getByRole('group', { name: 'Which users' });
  await users.getByLabel('Only the selected users').check();
  const search = users.getByRole('combobox', { name: 'Selected users' });
  await expect(search).toHaveAttribute('aria-expanded', 'false');

  // One letter searches nothing; two find every name with a word starting so, shown with UPN and department.
  await search.fill('j');
  await expect(users.getByRole('status')).toHaveText('Type at least 2 characters to search the directory.');
  await search.fill('jo');
  const matches = users.getByRole('listbox', { name: 'Matches in the directory' });
  await expect(matches.getByRole('option')).toHaveCount(3);
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  await expect(matches.getByRole('option').first()).toContainText('Johanna Lorenz');
  await expect(matches.getByRole('option').first()).toContainText('johanna.lorenz@contoso.com');
  await expect(matches.getByRole('option').first()).toContainText('Engineering');
  await expect(users.getByRole('status')).toHaveText('3 matches; use the arrow keys to choose.');
  expect(await axeViolations(page)).toEqual([]);
  await shot('60-directory-picker-results');

  // Arrow keys move the active option (aria-activedescendant), Enter picks it, Escape closes.
  await search.press('ArrowDown');
  await search.press('ArrowDown');
  const second = matches.getByRole('option').nth(1);
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await second.getAttribute('id')) ?? 'missing');
  const secondName = ((await second.locator('.option-name').textContent()) ?? '').trim();
  await search.press('Enter');
  await expect(search).toHaveValue('');
  await expect(search).toBeFocused();
  const chips = users.getByTestId('users-scope-list-chips');
  await expect(chips.getByRole('listitem')).toHaveText([secondName]);
  await search.fill('megan');
  await expect(matches.getByRole('option')).toHaveCount(1);
  await search.press('Escape');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await search.press('Escape');
  await expect(search).toHaveValue('');

  await search.fill('adele');
  await matches.getByRole('option', { name: /Adele Vance/ }).click();
  await expect(chips.getByRole('listitem')).toHaveText([secondName, 'Adele Vance']);

  // A chip goes with its own button, named after the person.
  await users.getByRole('button', { name: `Remove ${secondName}` }).click();
  await expect(chips.getByRole('listitem')).toHaveText(['Adele Vance']);
  await expect(search).toBeFocused();

  // A pasted list (Outlook's "Name <address>" too) is checked; the unknown entries are named.
  await search.focus();
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData(
      'text/plain',
      'Megan Bowen <megan.bowen@contoso.com>; LEE.GU@contoso.com\nnobody@contoso.com, adele.vance@contoso.com; ceo@fabrikam.com',
    );
    document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(chips.getByRole('listitem')).toHaveText(['Adele Vance', 'Megan Bowen', 'Lee Gu']);
  const unknown = users.getByTestId('users-scope-list-unknown');
  await expect(unknown).toContainText('nobody@contoso.com');
  await expect(unknown).toContainText('ceo@fabrikam.com');
  await expect(unknown).toHaveText(/^Not found in the directory: nobody@contoso\.com and ceo@fabrikam\.com\./);
  await expect(search).toHaveAccessibleDescription(/Not found in the directory/);
  expect(await axeViolations(page)).toEqual([]);
  await shot('61-directory-picker-chips-unknown');

  // What was picked is what is checked: the engine gets the UPNs.
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('step-error')).toHaveCount(0);
});

test('user sync can be scoped to the members of groups picked from the directory', async ({ page, shot }) => {
  await toSyncOptions(page, 'auto');
  const users = page.getByRole('group', { name: 'Which users' });
  await users.getByLabel('Only members of these groups').check();
  const groups = users.getByRole('combobox', { name: 'Groups' });
  await groups.fill('eng');
  const matches = users.getByRole('listbox', { name: 'Matches in the directory' });
  await expect(matches.getByRole('option')).toHaveText([/All engineering/]);
  await groups.press('ArrowDown');
  await groups.press('Enter');
  await expect(users.getByTestId('users-scope-groups-chips').getByRole('listitem')).toHaveText(['All engineering']);
  await shot('62-group-picker');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
});

test('guided mode keeps typed lists and says why', async ({ page, shot }) => {
  await toSyncOptions(page, 'guided');
  const users = page.getByRole('group', { name: 'Which users' });
  await users.getByLabel('Only the selected users').check();
  await expect(users.getByRole('combobox')).toHaveCount(0);
  await expect(users.getByLabel('Only members of these groups')).toHaveCount(0);
  await expect(users.getByTestId('users-scope-list-guided-note')).toHaveText(
    'Guided mode: pbx365 has no access to your directory, so type the addresses (one per line or separated by commas).',
  );
  await users.getByLabel('Selected users', { exact: true }).fill('anna@contoso.example\nbob@contoso.example');
  await shot('63-directory-guided-typed');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
});

test('the picker speaks Chinese when the app does', async ({ page, shot }) => {
  await toSyncOptions(page, 'auto');
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByLabel('仅这些组的成员').check();
  const groups = page.getByRole('combobox', { name: '组' });
  await expect(groups).toHaveAttribute('placeholder', '按名称或邮件地址搜索组');
  await groups.fill('lead');
  await expect(page.getByRole('listbox', { name: '目录中的匹配项' }).getByRole('option')).toHaveText([/Leadership/]);
  await expect(page.getByRole('status').filter({ hasText: '找到 1 个匹配项' })).toBeVisible();
  await groups.press('ArrowDown');
  await groups.press('Enter');
  await expect(page.getByRole('button', { name: '移除 Leadership' })).toBeVisible();
  await shot('64-group-picker-zh');
});
