/**
 * Reports when the UI's first frame was drawn, as a Unix time in milliseconds on the page's
 * clock: the task after the first animation frame runs once that frame is painted. The desktop
 * app prints it only under PBX365_REPORT_FIRST_PAINT=1, for `make footprint` (scripts/footprint),
 * which compares it with when it started the process.
 */
export function reportFirstPaint(report: (paintedAtMs: number) => Promise<void>): void {
  requestAnimationFrame(() => {
    setTimeout(() => {
      // Only a measurement is lost if the report fails; the UI does not depend on it.
      report(performance.timeOrigin + performance.now()).catch(() => {});
    }, 0);
  });
}
