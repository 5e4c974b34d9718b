import { defineConfig } from '@inlang/paraglide-js';

// Read by the Vite plugin (dev, build, vitest) and by `npm run i18n` (before svelte-check).
export default defineConfig({
  outdir: './src/lib/paraglide',
  // The UI decides the locale itself (src/lib/i18n/locale.svelte.ts overrides getLocale/setLocale):
  // the runtime's own strategy is only the fallback for code run outside the app, such as unit tests.
  strategy: ['baseLocale'],
  // svelte-check type-checks the message functions through these declarations.
  emitTsDeclarations: true,
  emitReadme: false,
  // Rewrite files in place instead of emptying the folder first: a compile running while
  // svelte-check or vitest reads the output (dev server, a second terminal) cannot pull it away.
  cleanOutdir: false,
});
