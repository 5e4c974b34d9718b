import { readFileSync } from 'node:fs';
import { connectPbx, expect, openStep, test } from '../fixtures';

const UI_VERSION: string = JSON.parse(
  readFileSync(new URL('../../../ui/package.json', import.meta.url), 'utf8'),
).version;

const STEPS = [
  ['connect-pbx', 'Connect PBX', 'Connect to the PBX'],
  ['microsoft-account', 'Microsoft account', 'Sign in to Microsoft'],
  ['app-registration', 'App registration', 'App registration'],
  ['key-pair', 'Key pair', 'Key pair'],
  ['consent', 'Consent', 'Admin consent'],
  ['sync-options', 'Sync options', 'Sync options'],
  ['review-apply', 'Review & apply', 'Review & apply'],
  ['verify', 'Verify', 'Verify'],
] as const;

test('a new installation opens on the first step with the landmarks, the steps and the version', async ({ page, shot }) => {
  await page.goto('/?mock-profiles=none');
  await expect(page).toHaveTitle('pbx365 Setup');
  await expect(page.getByRole('banner')).toContainText('New profile');
  await expect(page.getByRole('banner')).toContainText('Browser preview');
  const rail = page.getByRole('navigation', { name: 'Setup', exact: true });
  // Each step with its mark; only the first can be opened before anything is done.
  await expect(rail.getByRole('list', { name: 'Setup steps' }).getByRole('listitem')).toHaveText(
    STEPS.map(([, title], index) => new RegExp(`^${index + 1}\\s*${title}\\s*To do`)),
  );
  await expect(rail.getByRole('list', { name: 'Setup steps' }).getByRole('link')).toHaveCount(1);
  await expect(rail.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');
  await expect(rail.getByRole('link', { name: 'Connect PBX' })).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('app-version')).toHaveText(`pbx365 Setup ${UI_VERSION}`);
  await expect(page.getByTestId('demo-badge')).toHaveCount(0);
  await shot('01-connect-pbx');
});

test('the rail leads to each step once the steps before it are done, and focus follows', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await connectPbx(page);
  const rail = page.getByRole('navigation', { name: 'Setup', exact: true });
  // Connected, the setup went on to the second step by itself: the rail leads back and forth.
  await expect(page).toHaveURL(new RegExp(`#/${STEPS[1][0]}$`));
  for (const [id, title, heading] of [STEPS[0], STEPS[1], STEPS[0]]) {
    await rail.getByRole('link', { name: title }).click();
    await expect(page).toHaveURL(new RegExp(`#/${id}$`));
    const h1 = page.getByRole('main').getByRole('heading', { level: 1 });
    await expect(h1).toHaveText(heading);
    await expect(h1).toBeFocused();
    await expect(rail.getByRole('link', { name: title })).toHaveAttribute('aria-current', 'step');
    await expect(rail.locator('[aria-current]')).toHaveCount(1);
  }
  await expect(rail.getByRole('link', { name: STEPS[2][1] })).toHaveCount(0);
  await shot('02-rail');
  await rail.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(page.getByRole('link', { name: 'Start setup' })).toBeVisible();
  await shot('03-dashboard');
});

test('Previous walks back through the steps; Next waits for what the next step needs', async ({ page }) => {
  await openStep(page, 'verify');
  const stepNav = page.getByRole('navigation', { name: 'Previous and next step' });
  await expect(stepNav.getByRole('link', { name: /Next/ })).toHaveCount(0);
  for (const [, , heading] of STEPS.slice(0, -1).reverse()) {
    await stepNav.getByRole('link', { name: /Previous/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  }
  await expect(stepNav.getByRole('link', { name: /Previous/ })).toHaveCount(0);
  await expect(stepNav.getByRole('link', { name: /Next/ })).toHaveCount(0);
  await expect(page.getByTestId('next-locked')).toHaveText(/Microsoft account\s*Finish “Connect to the PBX” first/);
});

test('a step shows what it will check before anything runs', async ({ page, shot }) => {
  await openStep(page, 'key-pair');
  await expect(page.getByRole('button', { name: "Check the PBX's certificate" })).toBeVisible();
  await expect(page.getByRole('main').getByRole('textbox')).toHaveCount(0);
  await shot('04-key-pair');
});

test('an unknown address opens the dashboard once profiles are saved, else the first step', async ({ page }) => {
  await page.goto('/#/no-such-step');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await page.goto('/?mock-profiles=none#/no-such-step');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect to the PBX');
});

test('the skip link is the first stop for the keyboard and moves focus to the page', async ({ page }) => {
  await page.goto('/');
  // The page's load event does not wait for the app to mount (the browser's backend is a
  // chunk loaded after it): a Tab before the page is drawn would land on nothing.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});

test('the theme toggle switches light and dark and remembers the choice', async ({ page, shot }, testInfo) => {
  await page.goto('/');
  const startsDark = testInfo.project.name === 'dark';
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', String(startsDark));
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const before = await background();

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(!startsDark));
  await expect(page.locator('html')).toHaveAttribute('data-theme', startsDark ? 'light' : 'dark');
  expect(await background()).not.toBe(before);
  await shot('05-theme-toggled');

  await page.reload();
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', String(!startsDark));
});
