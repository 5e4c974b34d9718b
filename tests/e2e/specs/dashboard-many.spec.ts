import { expect, test } from '../fixtures';

/** The mock's certificate checks (ui/src/lib/backend/mock-operations.ts, `?mock-health=held`). */
interface MockHealth {
  most: number;
  release: () => void;
}

const mostInFlight = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { pbx365MockHealth?: MockHealth }).pbx365MockHealth?.most);

test('with 100 profiles the dashboard draws every card at once and fills their health as it arrives, a few checks at a time', async ({ page, shot }) => {
  await page.goto('/?mock-profiles=100&mock-health=held#/dashboard');
  const cards = page.getByRole('list', { name: 'Profiles' }).getByTestId('profile-card');
  await expect(cards).toHaveCount(100);
  await expect(cards.first().getByRole('heading')).toHaveText('tenant001');
  await expect(cards.last().getByRole('heading')).toHaveText('tenant100');
  // No check has answered yet: every card is drawn, waiting for its health.
  await expect(cards.filter({ hasText: 'Checking…' })).toHaveCount(100);
  await expect(page.getByTestId('health-progress')).toHaveText('Health checked: 0 of 100');
  await expect.poll(() => mostInFlight(page)).toBe(4);
  await shot('dashboard-100-checking');

  await page.evaluate(() => (window as unknown as { pbx365MockHealth?: MockHealth }).pbx365MockHealth?.release());
  await expect(page.getByTestId('health-progress')).toHaveCount(0);
  await expect(cards.filter({ hasText: 'Checking…' })).toHaveCount(0);
  // Each card has its own profile's health (the mock gives them the demo profiles' in turn).
  await expect(cards.nth(0).getByTestId('days-left')).toHaveText('65 days left');
  await expect(cards.nth(1)).toContainText('Action soon');
  await expect(cards.nth(2)).toContainText('Broken');
  await expect(cards.nth(99).getByRole('heading')).toHaveText('tenant100');
  await expect(cards.nth(99).getByTestId('days-left')).toHaveText('65 days left');
  // Never more than the bound at once, however many profiles.
  expect(await mostInFlight(page)).toBe(4);
  await shot('dashboard-100');
});
