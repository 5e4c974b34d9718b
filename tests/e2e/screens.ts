/**
 * Every screen of the app, each brought to a state with data on the mock backend. One table for
 * the accessibility spec, the layout spec and the screenshot script, so a new screen is checked
 * everywhere once it is added here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { connectPbx, syncNowConfirmed } from './fixtures';

export interface Screen {
  /** File-name friendly and unique: `sync-preview`, `wizard-5-consent`. */
  id: string;
  /** Brings the page to the screen, with its data shown, from where the tour's previous screen left it. */
  enter: (page: Page) => Promise<void>;
}

export type Language = 'en' | 'zh-CN';

const LANGUAGE_SWITCH = fileURLToPath(new URL('../../ui/src/lib/shell/LanguageSwitch.svelte', import.meta.url));

/** English, and Simplified Chinese once the header has its language switch. */
export const LANGUAGES: readonly Language[] = existsSync(LANGUAGE_SWITCH) ? ['en', 'zh-CN'] : ['en'];

export const SIZES = [
  { width: 800, height: 600 },
  { width: 960, height: 640 },
  { width: 1920, height: 1080 },
] as const;

/** Fast fake progress: the screens are about the result, not the wait. */
const FAST = '/?mock-step-ms=10';

async function heading(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(text);
}

/** Moves to another wizard step within the same page (the wizard's findings stay in memory). */
async function gotoStep(page: Page, stepId: string): Promise<void> {
  await page.goto(`${page.url().split('#')[0]}#/${stepId}`);
}

/**
 * The wizard in the express setup's order, each step's page showing its result: Connect and the
 * Microsoft sign-in, then the checklist and the review (which run by themselves), each check's
 * own page, Apply with the verification on the same screen, and the Verify page.
 */
export const WIZARD_WALK: readonly { step: string; run: (page: Page) => Promise<void> }[] = [
  {
    step: 'connect-pbx',
    run: async (page) => {
      await connectPbx(page);
      // Connected, the setup went on to the sign-in by itself: back to show what Connect found.
      await gotoStep(page, 'connect-pbx');
      await expect(page.getByTestId('pbx-summary')).toBeVisible();
    },
  },
  {
    step: 'microsoft-account',
    run: async (page) => {
      await page.getByRole('button', { name: 'Sign in to Microsoft' }).click();
      await heading(page, 'Review & apply');
      await expect(page.getByTestId('changes-entra')).toBeVisible();
      await gotoStep(page, 'microsoft-account');
      await expect(page.getByTestId('microsoft-summary')).toContainText('admin@contoso.example');
    },
  },
  { step: 'app-registration', run: (page) => expect(page.getByTestId('app-summary')).toBeVisible() },
  { step: 'key-pair', run: (page) => expect(page.getByTestId('key-reason')).toBeVisible() },
  { step: 'consent', run: (page) => expect(page.getByTestId('permissions')).toBeVisible() },
  { step: 'sync-options', run: (page) => expect(page.getByTestId('engine-next-runs').getByRole('listitem').first()).toBeVisible() },
  {
    step: 'review-apply',
    run: async (page) => {
      await expect(page.getByTestId('changes-entra')).toBeVisible();
      await expect(page.getByTestId('checklist').getByTestId('check-state').filter({ hasText: 'Checked' })).toHaveCount(6);
    },
  },
  {
    step: 'review-apply',
    run: async (page) => {
      await page.getByRole('button', { name: 'Apply', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Apply the changes' }).click();
      await expect(page.getByTestId('verify-done')).toBeVisible();
    },
  },
  { step: 'verify', run: (page) => expect(page.getByTestId('checks').getByRole('listitem').first()).toBeVisible() },
];

/** The wizard's screens in order, each entered from the one before with its check done. */
const WIZARD_TOUR: readonly Screen[] = WIZARD_WALK.map(({ step, run }, index) => ({
  id: `wizard-${index + 1}-${step}`,
  enter: async (page) => {
    if (index === 0) {
      await page.goto(`${FAST}#/connect-pbx`);
    } else {
      await gotoStep(page, step);
    }
    await run(page);
  },
}));

async function syncTab(page: Page, tab: string): Promise<void> {
  await page.goto(`${FAST}#/sync/contoso`);
  await heading(page, 'Sync');
  await page.getByRole('tab', { name: tab }).click();
}

/**
 * A service provider's dashboard: `count` profiles drawn before any health check has answered,
 * then filled. Twelve in every check (axe takes a minute over a hundred cards); a hundred in the
 * screenshots ({@link SCREENSHOT_TOURS}).
 */
function manyProfilesTour(count: number): readonly Screen[] {
  return [
    {
      id: `dashboard-${count}-checking`,
      enter: async (page) => {
        await page.goto(`${FAST}&mock-profiles=${count}&mock-health=held#/dashboard`);
        await expect(page.getByTestId('profile-card')).toHaveCount(count);
        await expect(page.getByTestId('health-progress')).toBeVisible();
      },
    },
    {
      id: `dashboard-${count}`,
      enter: async (page) => {
        await page.evaluate(() => (window as unknown as { pbx365MockHealth?: { release: () => void } }).pbx365MockHealth?.release());
        await expect(page.getByTestId('health-progress')).toHaveCount(0);
      },
    },
  ];
}

/**
 * The screens in tours: each tour starts on a fresh page and every screen in it is entered from
 * the one before (the wizard's steps need the checks of the steps before them).
 */
export const TOURS: readonly (readonly Screen[])[] = [
  [
    {
      id: 'dashboard',
      enter: async (page) => {
        await page.goto(`${FAST}#/dashboard`);
        await expect(page.getByRole('list', { name: 'Profiles' }).getByRole('listitem').first()).toBeVisible();
        await expect(page.getByTestId('health-progress')).toHaveCount(0);
      },
    },
  ],
  manyProfilesTour(12),
  WIZARD_TOUR,
  [
    {
      id: 'sync-preview',
      enter: async (page) => {
        await syncTab(page, 'Preview');
        await page.getByRole('button', { name: 'Preview', exact: true }).click();
        await expect(page.getByRole('table', { name: 'Sync preview' }).locator('tbody tr').first()).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'sync-run',
      enter: async (page) => {
        await page.goto('/?mock-sync=failures&mock-step-ms=10#/sync/contoso');
        await page.getByRole('tab', { name: 'Sync now' }).click();
        await syncNowConfirmed(page, 'contoso');
        await expect(page.getByTestId('count-failed')).toHaveText(/[1-9]/);
        await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
      },
    },
  ],
  [
    {
      id: 'sync-history',
      enter: async (page) => {
        await syncTab(page, 'History');
        await page.getByRole('table', { name: 'Sync history' }).getByRole('button', { name: 'Details of run 44' }).click();
        await expect(page.getByRole('table', { name: 'Users in run 44' }).locator('tbody tr').first()).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'sync-drift',
      enter: async (page) => {
        await syncTab(page, 'Drift');
        await expect(page.getByRole('region', { name: /missing on the PBX/ }).locator('tbody tr').first()).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'certificates',
      enter: async (page) => {
        await page.goto(`${FAST}#/certificates`);
        await expect(page.getByRole('article', { name: 'contoso' })).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'rotation',
      enter: async (page) => {
        await page.goto(`${FAST}#/certificates/rotate/fabrikam`);
        await heading(page, /fabrikam/);
      },
    },
  ],
  [
    {
      id: 'disconnect',
      enter: async (page) => {
        await page.goto(`${FAST}#/dashboard/disconnect/contoso`);
        await expect(page.getByRole('region', { name: 'On the PBX' })).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'about',
      enter: async (page) => {
        await page.goto(`${FAST}#/about`);
        await page.getByRole('button', { name: 'Export diagnostics' }).click();
        await expect(page.getByTestId('diagnostics-exported')).toBeVisible();
        await expect(page.getByTestId('licences-npm').getByRole('listitem').first()).toBeVisible();
      },
    },
  ],
  [
    {
      // The demo started as CHINA (`pbx365-setup --demo --cloud china`): the sign-in step
      // names the cloud it talks to.
      id: 'demo-china-microsoft',
      enter: async (page) => {
        await page.goto('/?mock-demo=china&mock-profiles=none&mock-step-ms=10#/connect-pbx');
        await page.getByRole('button', { name: 'Connect' }).click();
        await expect(page.getByTestId('microsoft-cloud-name')).toBeVisible();
      },
    },
  ],
  [
    {
      id: 'update-available',
      enter: async (page) => {
        await page.goto(`${FAST}&mock-update=available#/dashboard`);
        await expect(page.getByTestId('update-notes')).toBeVisible();
      },
    },
  ],
];

export const SCREENS: readonly Screen[] = TOURS.flat();

/** What `make screenshots` renders: every tour, and the dashboard of a hundred profiles. */
export const SCREENSHOT_TOURS: readonly (readonly Screen[])[] = [...TOURS, manyProfilesTour(100)];

/**
 * Switches the UI language with the header's switch (the screens are entered with the English
 * names of their buttons: switch back to English before entering the next one).
 */
export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  if (LANGUAGES.length > 1) {
    await page.getByRole('banner').getByTestId('language-switch').selectOption(language);
  }
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/**
 * Switches the colour scheme with the header's theme toggle, as the admin would (the app keeps
 * the scheme it chose at start in data-theme, so the browser's preference alone changes nothing).
 */
export async function chooseScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('banner').locator('button[aria-pressed]');
  if (((await toggle.getAttribute('aria-pressed')) === 'true') !== (scheme === 'dark')) {
    await toggle.click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
  // Buttons and fields ease into their new colours: measure them once they are there.
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => !(animation instanceof CSSTransition) || animation.playState !== 'running'),
  );
}

/**
 * Runs `check` on every screen of every tour, in each language and colour scheme given, entering
 * each screen once. `label` names the screen, language and scheme, for messages and file names.
 */
export async function visitScreens(
  page: Page,
  tour: readonly Screen[],
  schemes: readonly ('light' | 'dark')[],
  check: (label: { screen: Screen; language: Language; scheme: 'light' | 'dark' }) => Promise<void>,
): Promise<void> {
  for (const screen of tour) {
    await screen.enter(page);
    for (const scheme of schemes) {
      await chooseScheme(page, scheme);
      for (const language of LANGUAGES) {
        await chooseLanguage(page, language);
        await check({ screen, language, scheme });
      }
      await chooseLanguage(page, 'en');
    }
  }
}
