import type { Page } from '@playwright/test';

/**
 * What is wrong with the layout of the page as it is shown now, one sentence per problem (empty
 * when nothing is): a page that scrolls sideways, text cut off by its box, words broken between
 * letters, and buttons or links out of the window's width.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewportWidth = window.innerWidth;
    const describe = (element: Element): string => {
      const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      const classes = [...element.classList].join('.');
      return `<${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}> "${text}"`;
    };
    const shown = (element: Element): boolean => {
      const rect = element.getBoundingClientRect();
      // visually-hidden text is 1 px on purpose: it is for screen readers.
      return rect.width > 1 && rect.height > 1 && getComputedStyle(element).visibility !== 'hidden';
    };
    /** The nearest ancestor that scrolls sideways within its own box, if any. */
    const sidewaysScroller = (element: Element): Element | undefined => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const overflow = getComputedStyle(parent).overflowX;
        if ((overflow === 'auto' || overflow === 'scroll') && parent.scrollWidth > parent.clientWidth) {
          return parent;
        }
      }
      return undefined;
    };

    const root = document.documentElement;
    if (root.scrollWidth > viewportWidth) {
      problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a ${viewportWidth} px window`);
    }

    for (const element of document.body.querySelectorAll('*')) {
      if (!shown(element)) {
        continue;
      }
      const style = getComputedStyle(element);

      // Text cut off by its own box, with no title that tells the rest.
      const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
      if (
        clips &&
        element.scrollWidth > element.clientWidth + 1 &&
        (element.textContent ?? '').trim() !== '' &&
        !element.hasAttribute('title')
      ) {
        problems.push(`clipped text: ${describe(element)} needs ${element.scrollWidth} px, has ${element.clientWidth} px`);
      }

      // Buttons and links out of the window's width (unless a box of their own scrolls to them).
      if (element.matches('a[href], button, [role="button"], [role="tab"], [role="switch"]')) {
        const rect = element.getBoundingClientRect();
        const scroller = sidewaysScroller(element);
        const box = scroller ? scroller.getBoundingClientRect() : { left: 0, right: viewportWidth };
        const outside = scroller
          ? box.left < -0.5 || box.right > viewportWidth + 0.5
          : rect.left < -0.5 || rect.right > viewportWidth + 0.5;
        if (outside) {
          problems.push(`out of the window: ${describe(element)} spans ${Math.round(rect.left)}–${Math.round(rect.right)} px`);
        }
      }
    }

    // Words broken between letters: a piece of a word (between spaces, @, dots, hyphens, slashes)
    // that the browser laid out on more than one line. Chinese breaks between any two characters
    // by nature: a run of it is wrong only when its box is too narrow for two characters, so that
    // every character stands on a line of its own.
    const range = document.createRange();
    const lineCount = (node: Node, start: number, end: number): number => {
      range.setStart(node, start);
      range.setEnd(node, end);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const reported = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || reported.has(parent) || !shown(parent)) {
        continue;
      }
      const text = node.textContent ?? '';
      for (const match of text.matchAll(/[^\s@.\-/_:,;()\p{Script=Han}\p{P}]{2,}|\p{Script=Han}{2,}/gu)) {
        const lines = lineCount(node, match.index, match.index + match[0].length);
        const chinese = /\p{Script=Han}/u.test(match[0]);
        const oneCharacterWide = () =>
          parent.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(parent).fontSize);
        if (chinese ? lines === [...match[0]].length && oneCharacterWide() : lines > 1) {
          problems.push(`a word broken between letters: "${match[0]}" in ${describe(parent)}`);
          reported.add(parent);
          break;
        }
      }
    }
    return problems;
  });
}

/**
 * Fields, selects and switches whose edge is below 3:1 against what is behind them (WCAG 1.4.11),
 * one sentence each.
 */
export async function weakEdges(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (colour: string): [number, number, number, number] => {
      const parts = colour.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const luminance = ([r, g, b]: [number, number, number, number]) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const behind = (element: Element): [number, number, number, number] => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const colour = rgb(getComputedStyle(parent).backgroundColor);
        if (colour[3] > 0) {
          return colour;
        }
      }
      return [255, 255, 255, 1];
    };
    const problems: string[] = [];
    const controls = document.querySelectorAll(
      'input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]), select, textarea, [role="switch"]',
    );
    for (const control of controls) {
      if (!control.checkVisibility()) {
        continue;
      }
      const style = getComputedStyle(control);
      if (parseFloat(style.borderTopWidth) === 0) {
        continue;
      }
      const edge = luminance(rgb(style.borderTopColor));
      const ground = luminance(behind(control));
      const ratio = (Math.max(edge, ground) + 0.05) / (Math.min(edge, ground) + 0.05);
      if (ratio < 3) {
        const name = control.getAttribute('aria-label') ?? control.id ?? control.tagName;
        problems.push(`the edge of <${control.tagName.toLowerCase()}> ${name} is ${ratio.toFixed(2)}:1`);
      }
    }
    return problems;
  });
}
