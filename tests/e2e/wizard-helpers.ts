import { expect, type Page } from '@playwright/test';
import { connectPbx as connect } from './fixtures';

/**
 * Clicks Apply on the Review & apply page and confirms: Apply asks first, naming the profile, the
 * PBX and the tenant.
 */
export async function applyConfirmed(page: Page, profile: string): Promise<void> {
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Apply the changes to ${profile}?` });
  await dialog.getByRole('button', { name: 'Apply the changes' }).click();
  await expect(dialog).toBeHidden();
}

/** The rail's entry of a setup step, which names the step and its mark (Done, Out of date, To do). */
export function railStep(page: Page, stepId: string) {
  return page.getByRole('navigation', { name: 'Setup', exact: true }).locator(`li[data-step="${stepId}"]`);
}

export async function continueTo(page: Page, heading: string) {
  await page.getByTestId('continue').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
}

/** Steps 1–6 with their defaults, ending on the Review & apply page. */
export async function throughSyncOptions(page: Page) {
  await connect(page);
  await page.goto(`${page.url().split('#')[0]}#/microsoft-account`);
  await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
  await expect(page.getByTestId('microsoft-summary')).toContainText('admin@contoso.example');
  await continueTo(page, 'App registration');
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  await expect(page.getByTestId('app-summary')).toContainText('User.Read.All');
  await continueTo(page, 'Key pair');
  await page.getByRole('button', { name: "Check the PBX's certificate" }).click();
  await expect(page.getByTestId('key-reason')).toContainText('it will generate one');
  await continueTo(page, 'Admin consent');
  await page.getByRole('button', { name: 'List the permissions' }).click();
  await expect(page.getByTestId('permissions')).toContainText('Contacts.Read');
  await continueTo(page, 'Sync options');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await continueTo(page, 'Review & apply');
}
