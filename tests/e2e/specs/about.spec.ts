import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures';

const UI_VERSION: string = JSON.parse(
  readFileSync(new URL('../../../ui/package.json', import.meta.url), 'utf8'),
).version;

test('About is reachable from the rail and shows the versions and the generated licences', async ({ page, shot }) => {
  await page.goto('/#/dashboard');
  await page.getByRole('navigation', { name: 'Setup', exact: true }).getByRole('link', { name: 'About' }).click();
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('About pbx365 Setup');
  await expect(page.getByRole('link', { name: 'About' })).toHaveAttribute('aria-current', 'page');

  const versions = page.getByTestId('about-versions');
  await expect(versions.getByRole('definition').first()).toHaveText(UI_VERSION);
  // The browser preview has no Tauri and no web view of its own to name.
  await expect(versions).toContainText('Not known here');

  // The build listed the bundled npm packages (rollup-plugin-license) and the Rust crates (cargo-about).
  // Each licence is one line with its count; opened, it lists its texts with their packages.
  const npm = page.getByTestId('licences-npm');
  const rust = page.getByTestId('licences-rust');
  await expect(rust.getByText(/^MIT — \d+ packages$/)).toBeVisible();
  await expect(rust.getByRole('listitem').filter({ hasText: /^[^—]*\btauri 2\./ })).toHaveCount(0);
  for (const list of [npm, rust]) {
    for (const family of await list.locator(':scope > ul > li > details > summary').all()) {
      await family.click();
    }
  }
  // A text's line names its licence and packages, without the family's dash.
  await expect(npm.getByRole('listitem').filter({ hasText: /^MIT: svelte \d/ })).toHaveCount(1);
  await expect(npm.getByRole('listitem').filter({ hasText: /^[^—]*@tauri-apps\/api/ })).toHaveCount(1);
  await expect(rust.getByRole('listitem').filter({ hasText: /^[^—]*\btauri 2\./ }).first()).toBeVisible();
  await expect(rust.getByRole('listitem').filter({ hasText: /^[^—]*\bzip 9\./ }).first()).toBeVisible();
  await expect(rust).toContainText(/\d{3} packages/);

  // A licence's text opens under its packages.
  const svelte = npm.getByRole('listitem').filter({ hasText: /^MIT: svelte/ });
  await svelte.getByText(/^MIT: svelte/).click();
  await expect(svelte.locator('pre')).toContainText('Permission is hereby granted');
  await shot('about');
});

test('Export diagnostics says where the archive went, and why when it could not be written', async ({ page }) => {
  await page.goto('/#/about');
  await page.getByRole('button', { name: 'Export diagnostics' }).click();
  const exported = page.getByTestId('diagnostics-exported');
  await expect(exported).toContainText('Saved the diagnostics archive to');
  await expect(exported.locator('code')).toHaveText(/Downloads\/pbx365-diagnostics-\d{8}-\d{6}\.zip$/);
  await expect(exported.getByRole('button', { name: "Copy the archive's path" })).toBeVisible();

  await page.goto('/?mock-diagnostics=fail#/about');
  await page.getByRole('button', { name: 'Export diagnostics' }).click();
  await expect(page.getByRole('alert')).toContainText('The diagnostics could not be exported');
  await expect(page.getByRole('alert')).toContainText('No space left on device');
  await expect(page.getByTestId('diagnostics-exported')).toHaveCount(0);
});

test('About says when update checks are off and why; otherwise what the check found', async ({ page, shot }) => {
  await page.goto('/?mock-update=off-policy#/about');
  const updates = page.getByTestId('about-updates');
  await expect(updates.getByRole('heading', { name: 'Updates' })).toBeVisible();
  await expect(updates).toContainText('Update checks are off.');
  await expect(updates.getByTestId('updates-off-reason')).toHaveText(
    "Your organization's policy turns them off, in /etc/pbx365/policy.json.",
  );
  // Off is said on About only: the other screens show no notice for it.
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  await expect(page.getByTestId('update-check-failed')).toHaveCount(0);
  await shot('about-updates-off');

  await page.goto('/?mock-update=off-environment#/about');
  await expect(updates.getByTestId('updates-off-reason')).toHaveText('The environment variable PBX365_UPDATES turns them off.');

  await page.goto(`/#/about`);
  await expect(updates).toContainText(`pbx365 ${UI_VERSION} is up to date.`);
  await expect(updates.getByTestId('updates-off-reason')).toHaveCount(0);

  await page.goto('/?mock-update=available#/about');
  await expect(updates).toContainText(`pbx365 0.2.0 is available; this is ${UI_VERSION}.`);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('About says in Chinese that update checks are off and why', async ({ page }) => {
    await page.goto('/?mock-update=off-policy#/about');
    const updates = page.getByTestId('about-updates');
    await expect(updates.getByRole('heading', { name: '更新' })).toBeVisible();
    await expect(updates).toContainText('更新检查已关闭。');
    await expect(updates.getByTestId('updates-off-reason')).toHaveText('贵组织的策略（/etc/pbx365/policy.json）已将其关闭。');
  });
});
