// After the first frame is drawn (the task after the first animation frame), report when it
// was, as pbx365's UI does (ui/src/lib/first-paint.ts).
requestAnimationFrame(() =>
  setTimeout(() => {
    window.__TAURI__.core.invoke('report_first_paint', { paintedAtMs: performance.timeOrigin + performance.now() });
  }, 0),
);
