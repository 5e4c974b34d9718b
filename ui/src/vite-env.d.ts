/// <reference types="svelte" />
/// <reference types="vite/client" />

/** The UI package version, for the browser preview where no app reports one. */
declare const __UI_VERSION__: string;
