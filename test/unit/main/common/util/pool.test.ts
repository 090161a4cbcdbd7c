import { describe, expect, it } from 'vitest';
import { pool } from '../../../../../main/common/util/pool';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('pool: at most `limit` calls at a time, results in order', () => {
  it('keeps the items order whatever order the calls end in, and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await pool([5, 1, 4, 2, 3], 2, async (x, i) => {
      running++;
      most = Math.max(most, running);
      for (let k = 0; k < x; k++) await tick();
      running--;
      return `${i}:${x}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(most).toBe(2);
  });

  it('starts nothing more once a call failed, and throws that failure', async () => {
    const started: number[] = [];
    const run = pool([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 1) throw new Error('read failed');
      return x;
    });
    await expect(run).rejects.toThrow('read failed');
    await tick();
    expect(started.length).toBeLessThan(6);
    expect(started).not.toContain(5);
  });

  it('an empty list or a limit under 1 still works', async () => {
    expect(await pool([], 4, async (x: number) => x)).toEqual([]);
    expect(await pool([1, 2], 0, async (x) => x * 2)).toEqual([2, 4]);
  });
});
