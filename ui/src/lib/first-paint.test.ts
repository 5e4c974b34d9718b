import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FirstPaint, reportFirstPaint } from './first-paint';

describe('reportFirstPaint', () => {
  let frames: FrameRequestCallback[];

  beforeEach(() => {
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance', 'Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function drawFrame(): void {
    frames.splice(0).forEach((callback) => callback(performance.now()));
  }

  it('reports the wall-clock time once the first frame is drawn, not before', async () => {
    const reported: FirstPaint[] = [];
    reportFirstPaint(async (paint) => {
      reported.push(paint);
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(reported).toEqual([]);
    drawFrame();
    expect(reported).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    const [paint, ...more] = reported;
    expect(more).toEqual([]);
    expect(Math.abs((paint?.paintedAtMs ?? Number.NaN) - Date.now())).toBeLessThan(50);
    // The page started before its first frame: 100 ms of waiting lie between them.
    expect(paint?.navigationStartMs).toBe(performance.timeOrigin);
    expect((paint?.paintedAtMs ?? 0) - (paint?.navigationStartMs ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it('swallows a failed report (only the measurement is lost)', async () => {
    const report = vi.fn(async () => {
      throw new Error('no app');
    });
    reportFirstPaint(report);
    drawFrame();
    await vi.advanceTimersByTimeAsync(0);
    expect(report).toHaveBeenCalledOnce();
  });
});
