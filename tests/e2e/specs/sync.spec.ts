import { expect, syncNowConfirmed, test } from '../fixtures';

test('the preview is a table filtered by action and searched by name', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/sync/contoso');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const table = page.getByRole('table', { name: 'Sync preview' });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(30);
  await expect(page.getByText('Showing 30 of 30')).toBeVisible();
  await shot('sync-preview');

  // Only the users the run leaves alone or reports.
  for (const kind of ['create', 'adopt', 'update', 'disable']) {
    await page.getByRole('checkbox', { name: new RegExp(`^${kind}`) }).uncheck();
  }
  await expect(rows).toHaveCount(6);
  await expect(table.locator('tbody .kind')).toHaveText(['skip', 'skip', 'skip', 'skip', 'report', 'report']);

  await page.getByRole('checkbox', { name: /^create/ }).check();
  await page.getByRole('searchbox', { name: 'Search users' }).fill('ADELE');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('adele.vance@contoso.com');
  await shot('sync-preview-filtered');

  await page.getByRole('searchbox', { name: 'Search users' }).fill('nobody-by-this-name');
  await expect(rows).toHaveText(['No user matches these filters.']);
});

test('the tabs follow the arrow keys', async ({ page }) => {
  await page.goto('/#/sync/contoso');
  const preview = page.getByRole('tab', { name: 'Preview' });
  await preview.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Sync now' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Sync now' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Drift' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(preview).toBeFocused();
});

test('Sync now shows progress and live counts, and ends with the failures listed', async ({ page, shot }) => {
  await page.goto('/?mock-sync=failures&mock-step-ms=60#/sync/contoso');
  await page.getByRole('tab', { name: 'Sync now' }).click();
  await syncNowConfirmed(page, 'contoso');
  const bar = page.getByRole('progressbar', { name: 'Sync progress' });
  await expect(bar).toHaveAttribute('aria-valuetext', /^([1-9]|1\d) of 24 users$/);
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  await shot('sync-running');

  await expect(page.getByTestId('sync-announcement')).toHaveText('Sync completed with failures: 4 failed.');
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('count-failed')).toHaveText('4');
  await expect(page.getByTestId('count-created')).toHaveText('9');
  await expect(page.getByRole('list').filter({ hasText: 'already taken by a ring group' }).getByRole('listitem')).toHaveCount(4);
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await shot('sync-finished-with-failures');
});

test('Cancel stops the run after the requests in flight and counts what was not done', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=150#/sync/contoso');
  await page.getByRole('tab', { name: 'Sync now' }).click();
  await syncNowConfirmed(page, 'contoso');
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /^[2-9] of 24 users$/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('sync-announcement')).toHaveText('Sync cancelled: 0 failed.');
  const notDone = Number(await page.getByTestId('count-not_done').textContent());
  expect(notDone).toBeGreaterThan(0);
  expect(notDone).toBeLessThan(24);
  await shot('sync-cancelled');
});

test('a sync that cannot start says why and what to do', async ({ page, shot }) => {
  await page.goto('/?mock-sync=fail&mock-step-ms=10#/sync/contoso');
  await page.getByRole('tab', { name: 'Sync now' }).click();
  await syncNowConfirmed(page, 'contoso');
  await expect(page.getByRole('alert')).toContainText('The sync stopped.');
  await expect(page.getByRole('alert')).toContainText('Open Connect PBX and sign in again');
  await expect(page.getByRole('button', { name: 'Sync now', exact: true })).toBeEnabled();
  await shot('sync-error');
});

test('the history lists each run, opens its users, and exports it as CSV', async ({ page, shot }) => {
  await page.goto('/#/sync/contoso');
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('table', { name: 'Sync history' });
  await expect(history.locator('tbody tr')).toHaveCount(5);
  await expect(history.locator('tbody tr').nth(3)).toContainText('Interrupted');
  await history.getByRole('button', { name: 'Details of run 44' }).click();
  await expect(page.getByRole('heading', { name: 'Run #44' })).toBeFocused();
  const users = page.getByRole('table', { name: 'Users in run 44' });
  await expect(users.locator('tbody tr')).toHaveCount(9);
  await expect(users.locator('tbody tr').filter({ hasText: 'failed' })).toHaveCount(2);
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect(page.getByRole('main').getByText('CSV ready: 9 users.')).toBeVisible();
  await shot('sync-history');

  await history.getByRole('button', { name: 'Details of run 40' }).click();
  await expect(page.getByRole('note')).toContainText('Rotate the certificate, then sync again.');
});

test('the drift view lists who is out of line on each side', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/sync/contoso');
  await page.getByRole('tab', { name: 'Drift' }).click();
  const missing = page.getByRole('region', { name: /missing on the PBX/ });
  await expect(missing.locator('tbody tr')).toHaveCount(2);
  await expect(page.getByRole('region', { name: /gone from Microsoft 365/ })).toContainText('former.employee');
  await shot('sync-drift');
});
