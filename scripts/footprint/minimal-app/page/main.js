// After the first frame is drawn (the task after the first animation frame), report when it
// was and when the page started, as pbx365's UI does (ui/src/lib/first-paint.ts).
requestAnimationFrame(() =>
  setTimeout(() => {
    window.__TAURI__.core.invoke('report_first_paint', {
      navigationStartMs: performance.timeOrigin,
      paintedAtMs: performance.timeOrigin + performance.now(),
    });
  }, 0),
);
