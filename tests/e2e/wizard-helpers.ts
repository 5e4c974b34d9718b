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

/**
 * The express setup up to its review: Connect, Sign in to Microsoft, then the checklist (steps
 * 3–6 with their defaults) and the review run by themselves on the Review & apply page.
 */
export async function throughReview(page: Page) {
  await connect(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review & apply');
  await expect(page.getByTestId('changes-pbx')).toContainText('Directory (tenant) ID');
}

/** Opens a step's page from the checklist's "Change…" link. */
export async function changeFromChecklist(page: Page, title: string) {
  await page.getByTestId('checklist').getByRole('link', { name: `Change: ${title}` }).click();
}
