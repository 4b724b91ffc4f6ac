/**
 * The response cache behind the reference, camera and density routes: least recently used out first,
 * a time to live, one computation shared by concurrent requests, failures not kept, and a weight bound.
 */
import { describe, expect, it } from 'vitest';
import { bodyWeight, cachedBody, ResultCache } from '../../../server/api/result-cache.js';

function counter() {
  const calls: string[] = [];
  return {
    calls,
    compute:
      (key: string, value = key) =>
      () => {
        calls.push(key);
        return Promise.resolve(value);
      },
  };
}

describe('ResultCache', () => {
  it('computes a key once and serves it again until it expires', async () => {
    let now = 1000;
    const cache = new ResultCache<string>({ capacity: 4, ttlMs: 100, clock: () => now });
    const c = counter();
    expect(await cache.get('a', c.compute('a'))).toBe('a');
    now = 1099;
    expect(await cache.get('a', c.compute('a'))).toBe('a');
    expect(c.calls).toEqual(['a']);
    now = 1100; // 100 ms after it was computed: stale
    await cache.get('a', c.compute('a'));
    expect(c.calls).toEqual(['a', 'a']);
  });

  it('evicts the least recently used key past its capacity', async () => {
    const cache = new ResultCache<string>({ capacity: 2, ttlMs: 60_000 });
    const c = counter();
    await cache.get('a', c.compute('a'));
    await cache.get('b', c.compute('b'));
    await cache.get('a', c.compute('a')); // a is now the most recent
    await cache.get('c', c.compute('c')); // b goes
    expect(cache.size).toBe(2);
    await cache.get('a', c.compute('a'));
    await cache.get('b', c.compute('b'));
    expect(c.calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('shares one computation between concurrent requests for a key', async () => {
    const cache = new ResultCache<string>({ capacity: 4, ttlMs: 60_000 });
    let release!: (v: string) => void;
    let computations = 0;
    const compute = () => {
      computations++;
      return new Promise<string>((r) => (release = r));
    };
    const first = cache.get('k', compute);
    const second = cache.get('k', compute);
    release('v');
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    expect(computations).toBe(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = new ResultCache<string>({ capacity: 4, ttlMs: 60_000 });
    await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    await new Promise((r) => setImmediate(r));
    expect(cache.size).toBe(0);
    expect(await cache.get('k', () => Promise.resolve('v'))).toBe('v');
  });

  it('keeps the resolved entries under the weight bound, oldest out first', async () => {
    const cache = new ResultCache<string>({ capacity: 10, ttlMs: 60_000, maxWeight: 10, weigh: bodyWeight });
    const c = counter();
    await cache.get('a', c.compute('a', 'xxxx')); // 4
    await cache.get('b', c.compute('b', 'yyyy')); // 8
    await cache.get('c', c.compute('c', 'zzzz')); // 12 > 10: a goes
    expect(cache.totalWeight).toBe(8);
    await cache.get('b', c.compute('b'));
    await cache.get('a', c.compute('a'));
    expect(c.calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('refuses a capacity or time to live that cannot work', () => {
    expect(() => new ResultCache({ capacity: 0, ttlMs: 1 })).toThrow(
      'capacity must be a positive integer, got 0',
    );
    expect(() => new ResultCache({ capacity: 1, ttlMs: 0 })).toThrow('ttlMs must be positive, got 0');
  });
});

describe('cachedBody', () => {
  it('tags the body with the quoted base64url SHA-1 of its bytes', () => {
    // SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d (FIPS 180-2, appendix A.1), in base64url.
    const { body, etag } = cachedBody('abc');
    expect(etag).toBe('"qZk-NkcGgWq6PiVxeFDCbJzQ2J0"');
    expect(body.toString('utf8')).toBe('abc');
    // The bytes are UTF-8: "ñ" is two.
    expect(cachedBody('ñ').body.length).toBe(2);
  });
});
