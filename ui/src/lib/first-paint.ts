/** When the page started (its navigation start) and when it drew its first frame, as Unix ms. */
export interface FirstPaint {
  navigationStartMs: number;
  paintedAtMs: number;
}

/**
 * Reports when the UI's first frame was drawn, on the page's clock: the task after the first
 * animation frame runs once that frame is painted. The navigation start beside it splits the
 * time from launch into the WebView's part (up to the navigation) and the page's own. The
 * desktop app prints it only under PBX365_REPORT_FIRST_PAINT=1, for `make footprint`
 * (scripts/footprint), which compares it with when it started the process.
 */
export function reportFirstPaint(report: (paint: FirstPaint) => Promise<void>): void {
  requestAnimationFrame(() => {
    setTimeout(() => {
      // Only a measurement is lost if the report fails; the UI does not depend on it.
      report({
        navigationStartMs: performance.timeOrigin,
        paintedAtMs: performance.timeOrigin + performance.now(),
      }).catch(() => {});
    }, 0);
  });
}
