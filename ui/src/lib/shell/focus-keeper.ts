/**
 * Keeps keyboard focus from falling to <body> when the control that has it is disabled (an action
 * button while its action runs) or removed (a button replaced by its result): focus goes back to
 * the button once it is enabled again, or to the nearest region, form or heading still on the
 * page. Screens that know their result better move focus there themselves (a heading with tabindex="-1").
 */
const LANDING = 'section, article, form, [role="region"], [role="dialog"], main';

export function keepFocus(doc: Document): () => void {
  let last: HTMLElement | null = null;
  /** The ancestors `last` had when it got focus, nearest first: where to land if it goes. */
  let ancestors: HTMLElement[] = [];
  let waitingForEnabled = false;

  const onFocusIn = (event: FocusEvent) => {
    if (event.target instanceof HTMLElement && event.target !== doc.body) {
      last = event.target;
      ancestors = [];
      for (let parent = last.parentElement; parent; parent = parent.parentElement) {
        ancestors.push(parent);
      }
      waitingForEnabled = false;
    }
  };

  const lostFocus = () => doc.activeElement === null || doc.activeElement === doc.body;

  const observer = new MutationObserver(() => {
    if (last === null) {
      return;
    }
    // The browser moves focus off a disabled control only at its next rendering step, after
    // this callback: remember the control while it is disabled, whoever has focus now.
    if (last.isConnected && last.matches(':disabled')) {
      waitingForEnabled = true;
      return;
    }
    if (!lostFocus()) {
      return;
    }
    if (!last.isConnected) {
      const landing = ancestors.find((element) => element.isConnected && element.matches(LANDING));
      last = null;
      if (landing) {
        if (!landing.hasAttribute('tabindex')) {
          landing.setAttribute('tabindex', '-1');
        }
        landing.focus({ preventScroll: true });
      }
    } else if (waitingForEnabled) {
      waitingForEnabled = false;
      last.focus({ preventScroll: true });
    }
  });
  observer.observe(doc.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  doc.addEventListener('focusin', onFocusIn);
  return () => {
    observer.disconnect();
    doc.removeEventListener('focusin', onFocusIn);
  };
}
