/**
 * The primary action of a screen as its default: Enter pressed where no control has the focus
 * (the page's heading after a page change, the page itself) presses `target`. Enter on a
 * control keeps its own meaning (a field submits its form, a button presses itself), and
 * nothing happens while a dialog is open or the action is disabled.
 */
export function defaultAction(target: HTMLButtonElement | HTMLAnchorElement, active: boolean = true) {
  let enabled = active;
  const onKey = (event: KeyboardEvent) => {
    if (!enabled || event.key !== 'Enter' || event.defaultPrevented || event.repeat || event.isComposing) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    const from = event.target instanceof Element ? event.target : null;
    if (from?.closest('input, textarea, select, button, a[href], summary, [contenteditable], [role="button"], dialog')) {
      return;
    }
    if (!target.isConnected || (target instanceof HTMLButtonElement && target.disabled) || document.querySelector('dialog[open]')) {
      return;
    }
    event.preventDefault();
    target.click();
  };
  document.addEventListener('keydown', onKey);
  return {
    update(next: boolean = true) {
      enabled = next;
    },
    destroy() {
      document.removeEventListener('keydown', onKey);
    },
  };
}
