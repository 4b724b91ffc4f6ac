/**
 * When to try a failed webhook delivery again: capped exponential backoff with "full jitter", from
 * Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 *
 *   sleep = random_between(0, min(cap, base · 2^attempt))
 *
 * Full jitter spreads the retries of many deliveries that failed together (a receiver that went down
 * takes every pending delivery with it) evenly over the window, so they do not all come back at once when
 * it returns. Pure: the random source and the clock are passed in.
 */

export interface RetryPolicy {
  /** The first retry's window, ms: after the first failure the wait is uniform in [0, base). */
  baseDelayMs: number;
  /** No wait is longer than this, ms (the cap), Retry-After included. */
  maxDelayMs: number;
  /** Attempts in all, the first included; a delivery that fails this many times is dead (kept, visible). */
  maxAttempts: number;
}

/**
 * 2 s, doubling, capped at 1 h, 30 attempts. The 29 waits have ceilings 2, 4, 8 … 2048 s (failures 1–11)
 * then 3600 s (failures 12–29): 68,894 s (19.1 h) in all. A full-jitter wait averages half its ceiling,
 * so a receiver can be down about 9.6 h (34,447 s) on average before a delivery is declared dead; dead
 * deliveries stay in the outbox, visible, for an operator to requeue.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  baseDelayMs: 2000,
  maxDelayMs: 3_600_000,
  maxAttempts: 30,
};

/**
 * The backoff ceiling after `failures` failed attempts: min(maxDelayMs, baseDelayMs · 2^(failures − 1)).
 * @example backoffCeilingMs(3, { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 10 }) === 4000
 */
export function backoffCeilingMs(failures: number, policy: RetryPolicy): number {
  checkPolicy(policy);
  if (!Number.isInteger(failures) || failures < 1)
    throw new RangeError(`failures must be an integer ≥ 1, got ${failures}`);
  // 2^(failures−1) overflows to Infinity for huge counts; min() with the cap handles it.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
}

/**
 * A full-jitter wait after `failures` failed attempts, ms: uniform in [0, ceiling), whole milliseconds.
 * @param random a source of uniform numbers in [0, 1) (Math.random live, a seeded one in tests)
 * @example retryDelayMs(2, policy, () => 0.5) === policy.baseDelayMs  // half of base · 2
 */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = backoffCeilingMs(failures, policy);
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${u}`);
  return Math.floor(u * ceiling);
}

/**
 * When the next attempt is due, epoch ms: now + the jittered wait, but not before a receiver's
 * Retry-After (honoured up to maxDelayMs, so a receiver cannot park a delivery forever).
 * @param now epoch ms
 * @param retryAfterMs what the receiver asked for (429/503 Retry-After), ms from now; null if nothing
 */
export function nextAttemptAt(
  now: number,
  failures: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs: number | null = null,
): number {
  const jittered = retryDelayMs(failures, policy, random);
  const asked =
    retryAfterMs !== null && Number.isFinite(retryAfterMs) && retryAfterMs > 0
      ? Math.min(retryAfterMs, policy.maxDelayMs)
      : 0;
  return now + Math.max(jittered, asked);
}

/**
 * A Retry-After header (RFC 9110 §10.2.3) as ms from `now`: delay-seconds or an HTTP-date; null when absent
 * or unreadable.
 * @example parseRetryAfterMs('120', 0) === 120_000
 */
export function parseRetryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h) * 1000;
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function checkPolicy(p: RetryPolicy): void {
  if (
    !(p.baseDelayMs > 0) ||
    !(p.maxDelayMs >= p.baseDelayMs) ||
    !Number.isInteger(p.maxAttempts) ||
    p.maxAttempts < 1
  ) {
    throw new RangeError(
      `retry policy needs baseDelayMs > 0, maxDelayMs ≥ baseDelayMs and maxAttempts ≥ 1, got ${JSON.stringify(p)}`,
    );
  }
}
