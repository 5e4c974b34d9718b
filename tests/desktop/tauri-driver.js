// @ts-check
// Starts tauri-driver (which starts WebKitWebDriver) on free loopback ports, and opens a
// WebdriverIO session on the real pbx365-setup binary.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = `${REPO}tests/artifacts/desktop/`;
export const TARGET_DIR = process.env.CARGO_TARGET_DIR ?? `${REPO}target`;
const APP = process.env.PBX365_SETUP_BIN ?? join(TARGET_DIR, 'debug/pbx365-setup');
const TAURI_DRIVER = process.env.PBX365_TAURI_DRIVER ?? `${REPO}.tools/bin/tauri-driver`;
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Saves the virtual display as `ARTIFACTS/<name>.png`. Taken from the X server, not through
 * WebDriver: WebKitWebDriver's screenshot command never answers on some pages of the app.
 * @param {string} name
 */
export function screenshot(name) {
  execFileSync('import', ['-window', 'root', `${ARTIFACTS}${name}.png`], { timeout: 30_000 });
}

/** @returns {Promise<number>} a port that was free a moment ago */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** @param {number} port */
async function waitUntilListening(port) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not accepting connections yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`tauri-driver did not answer on port ${port} within ${STARTUP_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * @param {string[]} args command-line arguments for pbx365-setup
 * @param {Record<string, string>} [env] extra environment for the app
 * @returns {Promise<{ browser: WebdriverIO.Browser, stop: () => Promise<void>, home: string }>}
 */
export async function launchApp(args, env = {}) {
  for (const [what, path, fix] of [
    ['the app', APP, 'build it with `make desktop-build`'],
    ['tauri-driver', TAURI_DRIVER, 'install it with scripts/bootstrap'],
  ]) {
    if (!existsSync(path)) {
      throw new Error(`${what} is missing at ${path}: ${fix}`);
    }
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const log = createWriteStream(`${ARTIFACTS}tauri-driver.log`);
  // A throwaway home: the app starts with no saved settings, web storage or profiles, and
  // leaves nothing behind on the machine.
  const home = mkdtempSync(join(tmpdir(), 'pbx365-desktop-'));
  const driver = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      ...env,
    },
  });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const stopDriver = () => {
    driver.kill();
    log.end();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(port);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      // A driver that died must fail the test, not hang it.
      connectionRetryTimeout: 90_000,
      connectionRetryCount: 0,
      capabilities: {
        // No browserName: tauri-driver refuses sessions that ask for a browser.
        'tauri:options': { application: APP, args },
        'wdio:enforceWebDriverClassic': true,
      },
    });
    return {
      browser,
      home,
      stop: async () => {
        try {
          await browser.deleteSession();
        } finally {
          stopDriver();
        }
      },
    };
  } catch (error) {
    stopDriver();
    throw error;
  }
}
