// @ts-check
// The tray menu is drawn by the app, outside the web view: WebDriver cannot see it, and the
// virtual display has no tray host to show it. What can be seen is the app receiving the
// window's language over the real IPC: a language chosen in the window is the copy the app keeps
// beside the profiles, which words the tray (and words it at the next start, hidden in the tray).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp } from '../tauri-driver.js';

// The demo's folder (its profiles) is made here, where the test can read it.
const TMP = mkdtempSync(join(tmpdir(), 'pbx365-tray-language-'));

/** @type {Awaited<ReturnType<typeof launchApp>> | undefined} */
let app;

before(async () => {
  app = await launchApp(['--demo'], { TMPDIR: TMP });
});

after(async () => {
  await app?.stop();
  rmSync(TMP, { recursive: true, force: true });
});

/** The language the app keeps (`null`: none chosen); `undefined` before the demo's folder exists. */
function keptLanguage() {
  const demo = readdirSync(TMP).find((name) => name.startsWith('pbx365-demo-'));
  if (demo === undefined) return undefined;
  const path = join(TMP, demo, 'profiles', 'ui-language');
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

test('a language chosen in the window is kept by the app, which words the tray in it', async () => {
  assert.ok(app);
  const { browser } = app;
  await browser.$('[data-testid="app-version"]').waitForDisplayed({ timeout: 30_000 });
  const shown = await browser.$('html').getAttribute('lang');
  // The OS language is not a choice: the app keeps none.
  assert.equal(keptLanguage(), null);

  const other = shown === 'zh-CN' ? 'en' : 'zh-CN';
  await browser.$('[data-testid="language-switch"]').selectByAttribute('value', other);
  await browser.waitUntil(async () => (await browser.$('html').getAttribute('lang')) === other, {
    timeoutMsg: `the window did not switch to ${other}`,
  });
  await browser.waitUntil(async () => keptLanguage() === other, {
    timeout: 10_000,
    timeoutMsg: `the app did not keep ${other} (kept: ${keptLanguage()})`,
  });
});
