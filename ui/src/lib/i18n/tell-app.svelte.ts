import type { Backend } from '../backend';
import { currentLocale, isSavedChoice } from './locale.svelte';

/**
 * Tells the app the window's language at once and after every switch, so the tray, which the app
 * draws, speaks it too (the app keeps a saved choice for starting hidden in the tray). Call while
 * a component is being set up.
 */
export function tellAppTheLanguage(backend: Pick<Backend, 'setUiLanguage'>): void {
  $effect(() => {
    backend.setUiLanguage(currentLocale(), isSavedChoice()).catch(() => {
      // The tray keeps its words until the next switch; nothing in the window depends on them.
    });
  });
}
