// @ts-check
// The real app in demo mode, driven through its window as an administrator would: the whole
// automatic setup, then the emulators are asked what they now hold, the doctor runs, a real
// "Sync now" (asked first, on the profile the card named) creates the users, and start at login
// writes the login item.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { TARGET_DIR, launchApp, screenshot } from '../tauri-driver.js';

// Signing in, registering the app, waiting for replication and syncing 250 users on a busy
// 2-core machine: each wait is generous, none is retried.
const STEP_TIMEOUT_MS = 60_000;

/** @type {Awaited<ReturnType<typeof launchApp>> | undefined} */
let app;

before(async () => {
  // The emulated sign-in approves itself: no person can click in the system browser here.
  app = await launchApp(['--demo'], { PBX365_DEMO_FOLLOW_SIGN_IN: '1' });
});

after(async () => {
  await app?.stop();
});

/** @returns {WebdriverIO.Browser} */
function window() {
  assert.ok(app, 'the app did not start');
  return app.browser;
}

/**
 * Calls one of the app's commands over the real IPC, as the UI does.
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
function invoke(command, args = {}) {
  return window().execute(
    // @ts-expect-error -- the Tauri global exists only in the app's web view
    (name, payload) => window.__TAURI_INTERNALS__.invoke(name, payload),
    command,
    args,
  );
}


/**
 * Clicks what `selector` finds. WebKitWebDriver aims its synthetic clicks as if the document
 * scrolled, but the app's pages scroll inside <main>: below the fold they land on nothing. The
 * element's own click() dispatches the same event to the same handler.
 * @param {string} selector
 */
async function press(selector) {
  const element = await window().$(selector);
  await element.waitForExist({ timeout: STEP_TIMEOUT_MS });
  await window().execute((target) => target.click(), element);
}

/** @param {string} label */
async function click(label) {
  const button = await window().$(`button=${label}`);
  await button.waitForEnabled({ timeout: STEP_TIMEOUT_MS });
  await press(`button=${label}`);
}

/**
 * Waits until the element's text contains `expected`; on a timeout the message shows what the
 * page said instead (the step's error, usually).
 * @param {string} selector
 * @param {string | RegExp} expected
 */
async function waitForText(selector, expected) {
  const browser = window();
  // Looked up afresh each time: the page may redraw the element (a stale one reads as "").
  const element = () => browser.$(selector);
  try {
    await element().waitForExist({ timeout: STEP_TIMEOUT_MS });
    await browser.waitUntil(
      async () => {
        const text = await element().getText();
        return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
      },
      { timeout: STEP_TIMEOUT_MS },
    );
  } catch {
    const alerts = await browser.$$('[role="alert"], [role="status"]').map((alert) => alert.getText());
    const said = (await element().isExisting()) ? JSON.stringify(await element().getText()) : 'nothing (not on the page)';
    screenshot(`failed-${selector.replace(/[^a-z0-9]+/gi, '-')}`);
    throw new Error(`${selector} never showed ${expected}; it says ${said}, alerts: ${JSON.stringify(alerts)}`);
  }
}

/** @param {string} heading */
async function continueTo(heading) {
  await press('[data-testid="continue"]');
  await waitForText('main h1', heading);
}

test('the demo setup completes through the window in four actions', async () => {
  const browser = window();
  await waitForText('main h1', 'Connect to the PBX');
  // Demo mode prefills the emulated PBX and its administrator; the admin only clicks Connect.
  await waitForText('[data-testid="demo-badge"]', 'Demo mode');
  // From here every click and Enter press in the window is counted (typing is not).
  await browser.execute(() => {
    const counted = { clicks: 0, enters: 0 };
    Object.assign(window, { pbx365Actions: counted });
    document.addEventListener('click', () => void (counted.clicks += 1), true);
    document.addEventListener('keydown', (event) => void (event.key === 'Enter' && (counted.enters += 1)), true);
  });
  const started = Date.now();

  await click('Connect');
  // Connected, the setup goes on to the Microsoft sign-in by itself, naming the PBX.
  await waitForText('main h1', 'Sign in to Microsoft');
  await waitForText('[data-testid="connect-status"]', 'Connected to');
  screenshot('setup-1-connected');

  await click('Sign in to Microsoft');
  // Signed in, the checklist (app registration, key pair, permissions, sync options) and the
  // review run by themselves.
  await waitForText('main h1', 'Review & apply');
  // The demo PBX plays PortSIP 22.6, whose Microsoft 365 integration needs User.ReadBasic.All.
  await waitForText('[data-check="microsoft"]', 'signed in as');
  await waitForText('[data-check="app-registration"] [data-testid="check-state"]', 'Checked');
  await waitForText('[data-check="key-pair"] [data-testid="check-state"]', 'Checked');
  await waitForText('[data-check="consent"] [data-testid="check-state"]', 'Checked');
  await waitForText('[data-check="sync-options"] [data-testid="check-finding"]', 'PBX time');
  await waitForText('[data-testid="changes-entra"]', 'Create the app registration');
  await waitForText('[data-testid="changes-entra"]', 'User.ReadBasic.All');
  screenshot('setup-2-review');

  // Apply asks first, naming the profile, the PBX and the tenant.
  await click('Apply');
  await waitForText('[data-testid="apply-confirm"] h2', /^Apply the changes to .+\?$/);
  await press('[data-testid="apply-confirm-confirm"]');
  await waitForText('[data-testid="applied"]', /[0-9a-f]{8}-[0-9a-f]{4}-/);
  screenshot('setup-3-applied');
  // Verification runs right after Apply, on the same screen.
  await waitForText('main', 'Every check passed');
  screenshot('setup-4-verified');
  const actions = await browser.execute(() => /** @type {any} */ (window).pbx365Actions);
  assert.deepEqual(actions, { clicks: 4, enters: 0 }, 'the setup took other actions than Connect, Sign in, Apply and its confirmation');
  console.log(`express setup through the window: ${Date.now() - started} ms from Connect to "Every check passed"`);
});

test('the emulators hold what the setup wrote, and the doctor passes', async () => {
  const held = await invoke('demo_inspect');
  assert.ok(held, 'demo_inspect answered nothing: the app is not in demo mode');
  // One app, the one the PBX is configured with.
  assert.equal(held.apps.length, 1, `apps: ${JSON.stringify(held.apps)}`);
  assert.equal(held.pbxApplicationId, held.apps[0]);
  assert.equal(held.pbxMs365.directory_id?.length, 36, `PBX /ms365: ${JSON.stringify(held.pbxMs365)}`);
  // The PBX signs with a key the app holds, and the app's permissions are granted.
  assert.ok(held.pbxCertificateThumbprint, 'the PBX has no certificate');
  assert.ok(
    held.keyThumbprints.includes(held.pbxCertificateThumbprint),
    `the app's keys ${JSON.stringify(held.keyThumbprints)} lack the PBX's ${held.pbxCertificateThumbprint}`,
  );
  assert.ok(held.grantedPermissions.includes('User.ReadBasic.All'), JSON.stringify(held.grantedPermissions));

  const [profile] = await invoke('profiles_list');
  assert.ok(profile, 'the setup saved no profile');
  const report = await invoke('doctor_run', { name: profile.name });
  const failing = report.checks.filter((/** @type {{ status: string }} */ check) => check.status !== 'pass');
  assert.deepEqual(failing, [], 'doctor checks that did not pass');
  assert.ok(report.checks.length >= 8, `only ${report.checks.length} checks ran`);
});

test('a returning admin edits one option without signing in again', async () => {
  const browser = window();
  const [profile] = await invoke('profiles_list');
  const signInsBefore = (await invoke('demo_inspect')).interactiveSignIns;
  await press('nav a[href="#/dashboard"]');
  await waitForText('main h1', 'Dashboard');
  // The card's Edit menu opens the setup of its own profile at the chosen step.
  await press(`a[href="#/edit/${encodeURIComponent(profile.name)}/sync-options"]`);
  await waitForText('main h1', 'Sync options');
  // The steps before it were done from the saved sign-ins; the form shows the saved options.
  await waitForText('li[data-step="microsoft-account"]', 'Done');
  /** @param {string} value */
  const setTime = (value) =>
    browser.execute((time) => {
      const field = /** @type {HTMLInputElement} */ (document.querySelector('#sync-time'));
      field.value = time;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
  await setTime('02:45');
  await waitForText('[data-testid="cron"]', '45 2 * * *');
  await click('Check the sync options');
  await waitForText('li[data-step="sync-options"]', 'Done');
  await continueTo('Review & apply');
  // The review runs by itself once the options are checked (it only reads).
  await waitForText('[data-testid="changes-pbx"]', 'Every day at 02:45, PBX time');

  // Changed after the review: the review is out of date and cannot be applied.
  await press('li[data-step="sync-options"] a');
  await waitForText('main h1', 'Sync options');
  await setTime('03:30');
  await waitForText('li[data-step="review-apply"]', 'Out of date');
  /** @param {string} hash */
  const open = (hash) => browser.execute((to) => void (window.location.hash = to), hash);
  await open('#/review-apply');
  await waitForText('[data-testid="review-stale"]', '“Sync options” changed since');
  const applyEnabled = await browser.execute(
    () => /** @type {HTMLButtonElement | undefined} */ ([...document.querySelectorAll('main button')].find((b) => b.textContent?.trim() === 'Apply'))?.disabled === false,
  );
  assert.equal(applyEnabled, false, 'a stale review can be applied');
  screenshot('returning-admin-stale-review');

  await open('#/sync-options');
  await waitForText('[data-testid="cron"]', '30 3 * * *');
  await click('Check the sync options');
  await waitForText('li[data-step="sync-options"]', 'Done');
  // Checked again, the review runs again by itself when its page opens.
  await press('li[data-step="review-apply"] a');
  await waitForText('[data-testid="changes-pbx"]', 'Every day at 03:30, PBX time');
  const rows = await browser.execute(() => document.querySelectorAll('main tbody tr').length);
  assert.equal(rows, 1, 'the review lists more than the one changed option');
  await click('Apply');
  await press('[data-testid="apply-confirm-confirm"]');
  await waitForText('[data-testid="applied"]', 'The changes were made');
  // Verification follows Apply on the same screen.
  await waitForText('main', 'Every check passed');
  screenshot('returning-admin-applied');
  const held = await invoke('demo_inspect');
  assert.equal(held.pbxMs365.sync_time, '30 3 * * *');
  assert.equal(held.interactiveSignIns, signInsBefore, 'the edit started an interactive Microsoft sign-in');
});

/**
 * The text of an element, visible or not (the screen-reader announcements are hidden).
 * @param {string} selector
 * @returns {Promise<string>}
 */
function textOf(selector) {
  return window().execute((css) => document.querySelector(css)?.textContent?.trim() ?? '', selector);
}

test('a card’s Sync opens its own profile, and Sync now asks first, then creates and binds the users', async () => {
  const browser = window();
  const before = (await invoke('demo_inspect')).pbxUsersBound;
  const [profile] = await invoke('profiles_list');
  await press('nav a[href="#/dashboard"]');
  await waitForText('main h1', 'Dashboard');
  await press(`a[aria-label="Sync ${profile.name}"]`);
  await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) === `#/sync/${profile.name}`, {
    timeout: STEP_TIMEOUT_MS,
    timeoutMsg: 'the card’s Sync did not open the Sync page of its profile',
  });
  await waitForText('main h1', 'Sync');
  // The header names the profile, its PBX (the demo's emulator) and its Microsoft 365 tenant's domain.
  // Read as text content: WebKitWebDriver reads the header's <dd> values as "" although they are
  // painted (the Playwright spec right-tenant checks they are visible).
  const acting = async () => ({
    name: await textOf('[data-testid="acting-profile"] [data-testid="profile-name"]'),
    pbx: await textOf('[data-testid="acting-pbx"]'),
    tenant: await textOf('[data-testid="acting-tenant"]'),
  });
  await browser.waitUntil(async () => (await acting()).name === profile.name, {
    timeout: STEP_TIMEOUT_MS,
    timeoutMsg: 'the header does not name the profile the Sync page acts on',
  });
  const header = await acting();
  assert.equal(header.pbx, `${new URL(profile.pbx.url).host} (demo)`);
  assert.match(header.tenant, /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);

  await press('#tab-run');
  await press('//*[@id="panel-run"]//button[normalize-space()="Sync now"]');
  // Asks first: a fresh dry run's counts, on this PBX; nothing is written until confirmed.
  await waitForText('[data-testid="sync-confirm"] h2', `Sync ${profile.name} now?`);
  await waitForText('[data-testid="plan-create"]', /^[1-9]\d* new PBX users created$/);
  await waitForText('[data-testid="sync-confirm"] [data-testid="target-pbx"]', new URL(profile.pbx.url).host);
  screenshot('sync-confirm');
  assert.equal((await invoke('demo_inspect')).pbxUsersBound, before, 'the PBX changed before Sync now was confirmed');
  await press('[data-testid="sync-confirm-confirm"]');
  await browser.waitUntil(async () => (await textOf('[data-testid="sync-announcement"]')).startsWith('Sync completed'), {
    timeout: STEP_TIMEOUT_MS,
    timeoutMsg: 'the sync did not complete',
  });
  const created = Number(await textOf('[data-testid="count-created"]'));
  const adopted = Number(await textOf('[data-testid="count-adopted"]'));
  assert.equal(Number(await textOf('[data-testid="count-failed"]')), 0);
  const bar = await window().execute(() => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
  assert.equal(bar, '100', 'the progress bar of a finished run is not full');
  await (await browser.$('//*[@id="panel-run"]//button[normalize-space()="Sync now"]')).waitForExist({
    timeout: STEP_TIMEOUT_MS,
  });
  // The X server shows what the web view painted: give it the frame after the run ended.
  await browser.pause(500);
  screenshot('sync-finished');
  assert.ok(created > 100, `only ${created} users created`);
  const after = (await invoke('demo_inspect')).pbxUsersBound;
  assert.equal(after - before, created + adopted, 'bound users on the PBX differ from the counts shown');
});

test('a certificate reminder, clicked on the desktop, opens the rotation screen of its profile', async () => {
  // The desktop's notification daemon, on the app's private session bus (make desktop-e2e
  // runs the tests in dbus-run-session); it clicks every notification it is shown.
  const daemon = spawn(join(TARGET_DIR, 'debug', 'examples', 'notification_daemon'), [], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: daemon.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const line = await lines.next();
      assert.ok(!line.done, 'the notification daemon stopped');
      return line.value;
    };
    assert.equal(await next(), 'ready');
    const [profile] = await invoke('profiles_list');

    // The demo's certificate is new; 360 days on, it has 5 days left: the 7-day reminder.
    await invoke('demo_check_reminders', { daysAhead: 360 });
    const [kind, appName, title, body, actions, hints] = (await next()).split('\t');
    assert.equal(kind, 'shown');
    assert.equal(appName, 'pbx365');
    assert.ok(title?.startsWith(`${profile.name}: `), title);
    assert.match(title ?? '', /certificate expires in [1-7] days?$/);
    assert.match(body ?? '', /Rotat/);
    assert.equal(actions?.split(',')[0], 'default');
    assert.match(hints ?? '', /urgency/);

    const browser = window();
    const rotation = `#/certificates/rotate/${encodeURIComponent(profile.name)}`;
    await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) === rotation, {
      timeout: STEP_TIMEOUT_MS,
      timeoutMsg: 'the clicked reminder did not open the rotation screen',
    });
    await waitForText('main h1', `Rotate the certificate of ${profile.name}`);
    // The screen signs in to the PBX again while the reminder check and the certificates list
    // may be doing the same: it must be ready to rotate, not refused.
    const rotate = await browser.$('button=Rotate certificate');
    await rotate.waitForExist({ timeout: STEP_TIMEOUT_MS, timeoutMsg: 'the rotation screen offered no rotation' });
    assert.equal(await (await browser.$('.panel-error')).isExisting(), false, 'the rotation screen shows an error');
    await browser.pause(500);
    screenshot('reminder-clicked-rotation');

    // Rotate asks first, naming the profile; cancelling changes nothing.
    const before = await invoke('demo_inspect');
    await rotate.click();
    await waitForText('[data-testid="rotate-confirm"] h2', `Rotate the certificate of ${profile.name}?`);
    screenshot('rotation-asks-first');
    await press('[data-testid="rotate-confirm-cancel"]');
    const after = await invoke('demo_inspect');
    assert.deepEqual(after.keyThumbprints, before.keyThumbprints, 'a cancelled rotation changed the app keys');
    assert.equal(after.pbxCertificateThumbprint, before.pbxCertificateThumbprint);
  } finally {
    daemon.stdin.end();
    await once(daemon, 'exit');
  }
});

test('start at login writes the login item, off by default, and removes it again', async () => {
  assert.ok(app);
  const browser = window();
  await press('nav a[href="#/certificates"]');
  await waitForText('main h1', 'Certificates');
  const toggle = await browser.$('button[role="switch"]');
  await toggle.waitForEnabled({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await toggle.getAttribute('aria-checked'), 'false');
  const autostart = join(app.home, '.config', 'autostart');
  assert.equal(existsSync(autostart) && readdirSync(autostart).length > 0, false);

  await press('button[role="switch"]');
  await browser.waitUntil(async () => (await toggle.getAttribute('aria-checked')) === 'true', {
    timeout: STEP_TIMEOUT_MS,
    timeoutMsg: `start at login was not switched on: ${await textOf('main [role="alert"]')}`,
  });
  const [entry] = readdirSync(autostart);
  assert.ok(entry?.endsWith('.desktop'), `autostart folder holds ${entry}`);
  const text = readFileSync(join(autostart, entry), 'utf8');
  assert.match(text, /^Exec=.*pbx365-setup.* --hidden$/m);
  screenshot('certificates-autostart-on');

  await press('button[role="switch"]');
  await browser.waitUntil(async () => (await toggle.getAttribute('aria-checked')) === 'false');
  assert.equal(readdirSync(autostart).length, 0, 'the login item was left behind');
});
