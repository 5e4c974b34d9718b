/**
 * The shell's one polite live region (Announcer.svelte draws it). The convention: after an
 * action, focus moves to its result (a heading with tabindex="-1", as the history's run detail
 * does) or stays on the action's button (focus-keeper.ts) and the result is announced here
 * (WCAG 4.1.3).
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
