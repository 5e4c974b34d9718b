/**
 * The shell's one polite live region (Announcer.svelte draws it). A screen announces the result
 * of an action here when focus does not move to the result itself (WCAG 4.1.3).
 */
class Announcements {
  text = $state('');

  /** Says `message` once; the same message twice in a row is said twice. */
  announce(message: string): void {
    // Emptied first, and refilled a moment later, so screen readers notice a repeated message.
    this.text = '';
    setTimeout(() => (this.text = message), 50);
  }
}

export const announcements = new Announcements();

export function announce(message: string): void {
  announcements.announce(message);
}

/** Moves focus to an action's result (a heading or summary), reachable by script only. */
export function focusResult(element: HTMLElement | null | undefined): void {
  if (!element) {
    return;
  }
  if (!element.hasAttribute('tabindex')) {
    element.setAttribute('tabindex', '-1');
  }
  element.focus();
}
