// @ts-check
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { launchApp, screenshot } from '../tauri-driver.js';

// The version every crate of the workspace, the app included, is built with.
const CARGO_TOML = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8');
const VERSION = /\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(CARGO_TOML)?.[1];

/** @type {Awaited<ReturnType<typeof launchApp>> | undefined} */
let app;

before(async () => {
  app = await launchApp(['--demo']);
});

after(async () => {
  await app?.stop();
});

test('the window opens and shows what the app reports over IPC', async () => {
  assert.ok(app);
  assert.ok(VERSION, 'no [workspace.package] version in Cargo.toml');
  const { browser } = app;

  const version = await browser.$('[data-testid="app-version"]');
  await version.waitForDisplayed({ timeout: 30_000 });
  assert.equal(await version.getText(), `pbx365 Setup ${VERSION}`);
  // Only the app's own `app_info` answer can say demo mode: the browser mock never does.
  assert.equal(await browser.$('[data-testid="demo-badge"]').getText(), 'Demo mode');
  assert.equal(await browser.$("//*[contains(text(), 'Browser preview')]").isExisting(), false);
  assert.equal(await browser.getTitle(), 'pbx365 Setup');
  assert.equal(await browser.$('main h1').getText(), 'Connect to the PBX');
  screenshot('main-window-light');

  // A fresh home has no saved theme, and the virtual display's desktop prefers light.
  const toggle = await browser.$('button[aria-pressed]');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  await browser.waitUntil(async () => (await browser.$('html').getAttribute('data-theme')) === 'dark', {
    timeoutMsg: 'the theme toggle did not switch the window to dark',
  });
  screenshot('main-window-dark');
});

test('the rail opens the first wizard step and holds back a step whose prerequisites are not met', async () => {
  assert.ok(app);
  const { browser } = app;
  await browser.$('nav a[href="#/connect-pbx"]').click();
  await browser.waitUntil(async () => (await browser.$('main h1').getText()) === 'Connect to the PBX', {
    timeoutMsg: 'the Connect step did not open',
  });
  assert.equal(await browser.$('nav a[href="#/connect-pbx"]').getAttribute('aria-current'), 'step');
  // Nothing is connected yet: Verify is not a link, and says why.
  assert.equal(await browser.$('nav a[href="#/verify"]').isExisting(), false);
  const verify = browser.$('nav li[data-step="verify"] .locked');
  assert.ok(await verify.isExisting(), 'the Verify step is not shown as held back');
  assert.match(await verify.getAttribute('title'), /first/);
});

test('the page runs under the strict Content Security Policy, with frozen prototypes', async () => {
  assert.ok(app);
  const { browser } = app;
  const probe = await browser.execute(() => {
    let evalResult;
    try {
      // eslint-disable-next-line no-eval -- the point is that the policy refuses it
      evalResult = String(globalThis.eval('1 + 1'));
    } catch (error) {
      evalResult = error instanceof Error ? error.name : String(error);
    }
    return { evalResult, prototypeFrozen: Object.isFrozen(Object.prototype) };
  });
  assert.deepEqual(probe, { evalResult: 'EvalError', prototypeFrozen: true });
});
