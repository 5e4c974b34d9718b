import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { weakEdges } from '../layout-checks';
import { TOURS, visitScreens } from '../screens';

/** WCAG 2.1 A and AA, and axe's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** What the colour scheme changes: in the second scheme only these rules are run again. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/** Links that share a name but lead to different places ("Rotate…" three times). */
async function ambiguousLinks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const byName = new Map<string, Set<string>>();
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a[href]')) {
      // Links no one can reach now (a closed menu's, a hidden tab's) are not in the list.
      if (!link.checkVisibility({ visibilityProperty: true })) {
        continue;
      }
      const labelledBy = link.getAttribute('aria-labelledby');
      const name = (
        link.getAttribute('aria-label') ??
        (labelledBy ? labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : link.textContent) ??
        ''
      )
        .replace(/\s+/g, ' ')
        .trim();
      byName.set(name, (byName.get(name) ?? new Set()).add(link.getAttribute('href') ?? ''));
    }
    return [...byName].filter(([, targets]) => targets.size > 1).map(([name, targets]) => `"${name}" leads to ${[...targets].join(', ')}`);
  });
}

for (const tour of TOURS) {
  test(`axe finds nothing on ${tour.map((screen) => screen.id).join(', ')}; field edges 3:1, no two links share a name`, async ({ page }) => {
    test.setTimeout(30_000 + tour.length * 20_000);
    const found: string[] = [];
    await visitScreens(page, tour, ['light', 'dark'], async ({ screen, language, scheme }) => {
      const axe = new AxeBuilder({ page });
      const results = await (scheme === 'light' ? axe.withTags(TAGS) : axe.withRules(COLOUR_RULES)).analyze();
      for (const violation of results.violations) {
        const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' '));
        const why = (violation.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ');
        found.push(`${screen.id} (${language}, ${scheme}): ${violation.id}: ${violation.help} — ${where.join(' | ')}: ${why}`);
      }
      for (const edge of await weakEdges(page)) {
        found.push(`${screen.id} (${language}, ${scheme}): ${edge}`);
      }
      if (scheme === 'light') {
        for (const link of await ambiguousLinks(page)) {
          found.push(`${screen.id} (${language}): two links, one name: ${link}`);
        }
      }
    });
    expect(found).toEqual([]);
  });
}
