import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/providers/deadlines.js';
import { ManualClock } from '../support/index.js';

describe('Deadlines (the adapters’ per-process live maps)', () => {
  it('forgets a key once its deadline has passed', () => {
    const clock = new ManualClock();
    const live = new Deadlines<string>(clock.now);
    live.set('+447400123456', clock.now() + 300_000);
    clock.advance(299.999);
    expect(live.get('+447400123456')).toBe(clock.now() + 1);
    clock.advance(0.001);
    expect(live.get('+447400123456')).toBeUndefined();
    expect(live.size).toBe(0);
  });

  it('drops abandoned entries when it grows, without anyone reading them', () => {
    const clock = new ManualClock();
    const live = new Deadlines<number>(clock.now, 100, 10_000);
    for (let i = 0; i < 99; i++) live.set(i, clock.now() + 60_000);
    clock.advance(61);
    // Never read again (abandoned verifications): the next writes sweep them.
    for (let i = 100; i < 110; i++) live.set(i, clock.now() + 60_000);
    expect(live.size).toBe(10);
  });

  it('stays within its capacity under a flood of live entries, the oldest going first', () => {
    const clock = new ManualClock();
    const live = new Deadlines<number>(clock.now, 1000, 5000);
    for (let i = 0; i < 100_000; i++) live.set(i, clock.now() + 300_000);
    expect(live.size).toBeLessThanOrEqual(5000);
    expect(live.get(99_999)).toBeDefined();
    expect(live.get(0)).toBeUndefined();
  });
});
