import { describe, expect, it } from 'vitest';
import { eachBounded } from './fill';

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('eachBounded', () => {
  it('works on every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachBounded([...Array(23).keys()], 4, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await tick(item % 3);
      running -= 1;
      done.push(item);
    });
    expect(most).toBe(4);
    expect([...done].sort((a, b) => a - b)).toEqual([...Array(23).keys()]);
  });

  it('starts the items in their order and copes with fewer items than the limit', async () => {
    const started: string[] = [];
    await eachBounded(['a', 'b'], 4, async (item) => {
      started.push(item);
    });
    expect(started).toEqual(['a', 'b']);
    await eachBounded([], 4, async () => {
      throw new Error('no item, no work');
    });
  });
});
