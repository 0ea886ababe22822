import { describe, expect, it } from 'vitest';
import { WorkLimiter } from './work-limiter.ts';

describe('WorkLimiter', () => {
  it('runs at most its slots at once, in arrival order, and frees a slot when work fails', async () => {
    const limiter = new WorkLimiter(2);
    let now = 0;
    let peak = 0;
    const order: number[] = [];
    const job = (i: number) =>
      limiter.run(async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        now--;
        if (i === 1) throw new Error('fails');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => job(i)));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results[1]!.status).toBe('rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a limiter without slots', () => {
    expect(() => new WorkLimiter(0)).toThrow();
  });
});
