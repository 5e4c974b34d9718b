import { defineConfig } from '@playwright/test';

// Debian's Chromium, not a browser build of Playwright's own (which cannot be downloaded here).
const CHROMIUM = process.env['PBX365_CHROMIUM'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './specs',
  outputDir: '../artifacts/e2e-results',
  globalSetup: './global-setup.ts',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  // One colour scheme: no flow depends on it. What does — contrast — accessibility.spec checks
  // on every screen in both schemes itself, and `make screenshots` renders every screen in both.
  projects: [{ name: 'light', use: { colorScheme: 'light' } }],
});
