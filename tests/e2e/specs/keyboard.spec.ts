import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';

/** Presses Tab (or Shift+Tab) until `target` has focus; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, { backwards = false, limit = 80 } = {}): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) {
      return;
    }
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

/** Activates the button or link with the keyboard: Enter, and confirms a dialog that asks first. */
async function press(page: Page, control: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, control);
  await page.keyboard.press(key);
}

async function continueTo(page: Page, heading: string): Promise<void> {
  await press(page, page.getByTestId('continue'));
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(heading);
}

test('the whole wizard can be completed with the keyboard alone', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  const main = page.getByRole('main');

  await typeInto(page, main.getByLabel('PBX address', { exact: true }), 'https://pbx.contoso.example:8887');
  await typeInto(page, main.getByLabel('Tenant SIP domain', { exact: true }), 'contoso.example');
  await typeInto(page, main.getByLabel('Administrator user name', { exact: true }), 'pbxadmin');
  await typeInto(page, main.getByLabel('Password', { exact: true }), 'Admin-pbx365!');
  // Back up one field and forward again: Shift+Tab works as well.
  await tabTo(page, main.getByLabel('Administrator user name', { exact: true }), { backwards: true });
  await press(page, main.getByRole('button', { name: 'Connect' }));
  // Connected, the setup goes on to the Microsoft sign-in by itself.
  await expect(page.getByTestId('connect-status')).toHaveText('Connected to Contoso as Admin.');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('Sign in to Microsoft');
  // The sign-in method is a radio group: the arrow keys move within it.
  const automatic = main.getByRole('radio').first();
  await tabTo(page, automatic);
  await page.keyboard.press('ArrowDown');
  await expect(main.getByRole('radio').nth(1)).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(automatic).toBeChecked();
  await press(page, main.getByRole('button', { name: 'Sign in to Microsoft' }));

  // The checklist and the review run by themselves; every step's page is a "Change…" away.
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('Review & apply');
  await expect(page.getByTestId('changes-entra')).toBeVisible();
  await press(page, main.getByRole('link', { name: 'Change: Key pair' }));
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('Key pair');
  await press(page, main.getByRole('button', { name: "Check the PBX's certificate" }), 'Space');
  await expect(page.getByTestId('key-reason')).toBeVisible();
  await continueTo(page, 'Admin consent');
  await continueTo(page, 'Sync options');
  await press(page, main.getByRole('button', { name: 'Check the sync options' }));
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem').first()).toBeVisible();
  await continueTo(page, 'Review & apply');
  await expect(page.getByTestId('changes-entra')).toBeVisible();
  await expect(main.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled();
  await press(page, main.getByRole('button', { name: 'Apply', exact: true }));
  // Apply may ask first; the dialog's confirming button is reached with Tab like any other.
  const dialog = page.getByRole('dialog');
  await expect(dialog.or(page.getByTestId('applied')).first()).toBeVisible();
  if (await dialog.isVisible()) {
    await press(page, dialog.getByRole('button', { name: /Apply/ }));
  }
  await expect(page.getByTestId('applied')).toBeVisible();
  // Verification follows Apply on the same screen.
  await expect(page.getByRole('region', { name: 'Every check passed' })).toBeVisible();
});

test('Enter presses the primary action of a screen where no control has the focus', async ({ page }) => {
  await page.goto('/?mock-step-ms=10&mock-demo#/connect-pbx');
  const heading = page.getByRole('main').getByRole('heading', { level: 1 });
  await expect(page.getByRole('main').getByLabel('PBX address', { exact: true })).not.toHaveValue('');
  await heading.focus();
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText('Sign in to Microsoft');
  await heading.focus();
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText('Review & apply');
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  await expect(apply).toBeEnabled();
  await heading.focus();
  await page.keyboard.press('Enter');
  // Apply asks first, and Enter does not answer for the admin: the dialog takes the focus.
  const dialog = page.getByRole('dialog', { name: /Apply the changes to/ });
  await expect(dialog).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('applied')).toHaveCount(0);
});

test('a field reached with the keyboard is never hidden under the sticky header', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto('/#/connect-pbx');
  const first = page.getByRole('main').getByLabel('PBX address', { exact: true });
  await tabTo(page, first);
  await page.keyboard.press('Tab');
  // The page scrolled so that the first field sits under the header (still inside the window,
  // so without scroll-padding the browser would see no need to scroll back to it).
  await page.evaluate(() => {
    const field = document.querySelector<HTMLElement>('main input');
    window.scrollBy(0, (field?.getBoundingClientRect().top ?? 0) - 10);
  });
  const header = await page.getByRole('banner').boundingBox();
  expect((await first.boundingBox())!.y).toBeLessThan(header!.y + header!.height);
  await page.keyboard.press('Shift+Tab');
  await expect(first).toBeFocused();
  expect((await first.boundingBox())!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
});
