// One import for components: `import { m, formatList } from '../i18n';`.
// Importing this module installs the UI's locale (locale.svelte.ts) before any message runs.
export { m } from '../paraglide/messages.js';
export type { Locale } from '../paraglide/runtime.js';
export { locales } from '../paraglide/runtime.js';
export { chooseLocale, currentLocale } from './locale.svelte';
export * from './format';
export { applyStepTitle, describeError } from './errors';
export { describeProgress } from './progress';
