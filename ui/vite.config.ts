import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import license from 'rollup-plugin-license';
import { defineConfig } from 'vitest/config';
import pkg from './package.json' with { type: 'json' };
import { groupByLicence } from './scripts/npm-licences';

// The Tauri CLI runs `npm run dev` and expects the dev server on this fixed port (devUrl in
// src-tauri/tauri.conf.json).
const TAURI_DEV_PORT = 1420;

export default defineConfig({
  // Paraglide compiles ui/messages/*.json into src/lib/paraglide/ (generated, not committed).
  plugins: [
    svelte(),
    paraglideVitePlugin({ project: './project.inlang' }),
    // The About screen's npm licences: the packages in the bundle, written with each build.
    license({
      thirdParty: {
        includePrivate: false,
        output: {
          file: fileURLToPath(new URL('./dist/third-party/npm.json', import.meta.url)),
          template: (dependencies) => JSON.stringify(groupByLicence(dependencies)),
        },
      },
    }),
  ],
  clearScreen: false,
  define: {
    __UI_VERSION__: JSON.stringify(pkg.version),
  },
  server: {
    host: 'localhost',
    port: TAURI_DEV_PORT,
    strictPort: true,
  },
  build: {
    // WebKitGTK on Linux, WebKit on macOS, WebView2 on Windows, Chromium for the browser tests.
    target: ['es2022', 'safari16', 'chrome120'],
    sourcemap: true,
    // Inlined assets would become data: URLs, which the app's Content Security Policy refuses.
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
