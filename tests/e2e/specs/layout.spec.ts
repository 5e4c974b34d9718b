import { expect, test } from '../fixtures';
import { layoutProblems } from '../layout-checks';
import { SIZES, TOURS, visitScreens } from '../screens';

// The layout is the same in both colour schemes: it is measured in the light one.
for (const tour of TOURS) {
  test(`${tour.map((screen) => screen.id).join(', ')}: nothing cut, squeezed or sideways at 800×600, 960×640 and 1920×1080`, async ({ page }) => {
    test.setTimeout(30_000 + tour.length * 15_000);
    const found: string[] = [];
    await visitScreens(page, tour, ['light'], async ({ screen, language }) => {
      for (const size of SIZES) {
        await page.setViewportSize(size);
        // A layout pass after the resize (sticky and grid boxes settle in the next frame).
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        for (const problem of await layoutProblems(page)) {
          found.push(`${screen.id} (${language}) at ${size.width}×${size.height}: ${problem}`);
        }
      }
      await page.setViewportSize(SIZES[2]);
    });
    expect(found).toEqual([]);
  });
}
