import { describe, expect, it } from 'vitest';
import {
  backoffCeilingMs,
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  parseRetryAfterMs,
  retryDelayMs,
  type RetryPolicy,
} from '../../server/alerts/webhook-backoff.js';

const POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 10 };

/** mulberry32, a small seeded PRNG, so the bounds check is repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backoff with full jitter (Brooker, AWS Architecture Blog 2015)', () => {
  it('doubles the ceiling from the base after each failure until the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((f) => backoffCeilingMs(f, POLICY))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffCeilingMs(5000, POLICY)).toBe(8000); // 2^4999 overflows to Infinity; the cap holds
  });

  it('draws the wait uniformly in [0, ceiling): random 0 → 0, random ½ → half the ceiling', () => {
    expect([1, 2, 3, 4, 5].map((f) => retryDelayMs(f, POLICY, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5].map((f) => retryDelayMs(f, POLICY, () => 0.5))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect(retryDelayMs(4, POLICY, () => 0.999999)).toBe(7999);
  });

  it('stays within [0, ceiling) for many draws, and spreads over the window', () => {
    const random = seeded(42);
    for (let f = 1; f <= 8; f++) {
      const ceiling = backoffCeilingMs(f, POLICY);
      let lowHalf = 0;
      for (let i = 0; i < 500; i++) {
        const d = retryDelayMs(f, POLICY, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
        if (d < ceiling / 2) lowHalf++;
      }
      // Binomial(500, ½): 250 ± 5σ (σ ≈ 11.2).
      expect(lowHalf).toBeGreaterThan(194);
      expect(lowHalf).toBeLessThan(306);
    }
  });

  it('default policy: ceilings over the 29 retries sum to 68,894 s (2+4+…+2048 s, then 18 × 3600 s)', () => {
    let sum = 0;
    for (let f = 1; f < DEFAULT_RETRY_POLICY.maxAttempts; f++)
      sum += backoffCeilingMs(f, DEFAULT_RETRY_POLICY);
    expect(sum).toBe((4094 + 18 * 3600) * 1000);
  });

  it('honours Retry-After when longer than the jittered wait, never beyond the cap', () => {
    expect(nextAttemptAt(1_000_000, 1, POLICY, () => 0, 5000)).toBe(1_005_000);
    expect(nextAttemptAt(1_000_000, 1, POLICY, () => 0.5, 100)).toBe(1_000_500);
    expect(nextAttemptAt(1_000_000, 1, POLICY, () => 0, 36_000_000)).toBe(1_008_000);
    expect(nextAttemptAt(1_000_000, 2, POLICY, () => 0.5, null)).toBe(1_001_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfterMs('120', 0)).toBe(120_000);
    // RFC 9110's example date, one minute after "now".
    expect(parseRetryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 48, 37))).toBe(60_000);
    expect(parseRetryAfterMs('soon', 0)).toBeNull();
    expect(parseRetryAfterMs(null, 0)).toBeNull();
  });

  it('refuses a bad random source or policy, naming the value', () => {
    expect(() => retryDelayMs(1, POLICY, () => 1)).toThrow(/got 1/);
    expect(() => backoffCeilingMs(0, POLICY)).toThrow(/got 0/);
    expect(() => backoffCeilingMs(1, { ...POLICY, maxDelayMs: 10 })).toThrow(/"maxDelayMs":10/);
  });
});
