import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `make screenshots` (not part of `make test`): every screen of screens.ts in both colour schemes
 * and every language, at 800×600 and 1920×1080, as tests/artifacts/screens/*.png.
 */
export default defineConfig({
  ...base,
  testDir: './screenshots',
  testMatch: '**/*.shots.ts',
  outputDir: '../artifacts/screenshot-results',
  projects: [{ name: 'screenshots' }],
});
