import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from '../fixtures';
import { SCREENSHOT_TOURS, visitScreens } from '../screens';

const DIR = fileURLToPath(new URL('../../artifacts/screens/', import.meta.url));
const SIZES = [
  { width: 800, height: 600 },
  { width: 1920, height: 1080 },
] as const;

for (const tour of SCREENSHOT_TOURS) {
  test(`screenshots of ${tour.map((screen) => screen.id).join(', ')}`, async ({ page }) => {
    test.setTimeout(60_000 + tour.length * 20_000);
    mkdirSync(DIR, { recursive: true });
    await visitScreens(page, tour, ['light', 'dark'], async ({ screen, language, scheme }) => {
      for (const size of SIZES) {
        await page.setViewportSize(size);
        // A full-page shot of a scrolled page draws the sticky header where the viewport was.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({
          path: `${DIR}${screen.id}--${language}--${scheme}--${size.width}x${size.height}.png`,
          fullPage: true,
          animations: 'disabled',
          caret: 'hide',
        });
      }
      await page.setViewportSize(SIZES[1]);
    });
  });
}
