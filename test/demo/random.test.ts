import { describe, expect, it } from 'vitest';
import { createRng, hashString, pickWeighted, weightedSampler } from '../../server/demo/random.js';

describe('createRng', () => {
  it('reproduces the published sfc32 stream seeded by splitmix32 (reference values from an independent Python implementation)', () => {
    // Python: splitmix32 → (a, b, c, d), sfc32, first 12 outputs discarded, t / 2**32.
    const rng = createRng(911);
    expect([rng.next(), rng.next(), rng.next()]).toEqual([
      0.4601421756669879, 0.6807707594707608, 0.22654887661337852,
    ]);
    const named = createRng('911:incidents:day:0');
    expect(named.next()).toBe(0.18096782034263015);
  });

  it('hashes strings with 32-bit FNV-1a (published test vector: "abc" → 0x1a47e90b)', () => {
    expect(hashString('abc')).toBe(0x1a47e90b);
    expect(hashString('')).toBe(0x811c9dc5);
  });

  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng('x');
    const b = createRng('x');
    const c = createRng('y');
    const sa = Array.from({ length: 100 }, () => a.next());
    const sb = Array.from({ length: 100 }, () => b.next());
    const sc = Array.from({ length: 100 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(1);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      sq += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    const mean = sum / n;
    // Standard error of the mean: sqrt(1/12 / n) ≈ 0.0009; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0045);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
  });

  it('draws normals with the asked mean and standard deviation', () => {
    const rng = createRng(2);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal(10, 2);
      sum += x;
      sq += x * x;
      if (Math.abs(x - 10) > 4) beyond2++;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean - 10)).toBeLessThan(0.03);
    expect(Math.abs(sd - 2)).toBeLessThan(0.03);
    // P(|Z| > 2) = 0.0455 for a normal.
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.004);
  });

  it.each([0.5, 3, 9.9, 10, 50, 120, 5000])(
    'draws Poisson counts with mean and variance λ = %s',
    (lambda) => {
      const rng = createRng(`poisson:${lambda}`);
      const n = 50_000;
      let sum = 0;
      let sq = 0;
      let malformed = 0;
      for (let i = 0; i < n; i++) {
        const k = rng.poisson(lambda);
        if (!Number.isInteger(k) || k < 0) malformed++;
        sum += k;
        sq += k * k;
      }
      expect(malformed).toBe(0);
      const mean = sum / n;
      const variance = sq / n - mean * mean;
      // Standard errors: mean sqrt(λ/n), variance ≈ λ·sqrt(2/n); allow 5.
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * lambda * Math.sqrt(2 / n) + 0.01);
    },
  );

  it('matches the Poisson probability mass function at the mode (PTRS branch)', () => {
    // P(X = 50 | λ = 50) = e^-50 50^50 / 50! = 0.05632 (ln 50! = 148.4778).
    const expected = Math.exp(-50 + 50 * Math.log(50) - 148.477767);
    expect(expected).toBeCloseTo(0.05632, 4);
    const rng = createRng('pmf');
    const n = 200_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (rng.poisson(50) === 50) hits++;
    // Binomial standard error sqrt(p(1−p)/n) ≈ 0.00052.
    expect(Math.abs(hits / n - expected)).toBeLessThan(0.0026);
  });

  it('returns 0 for λ = 0 and rejects invalid means with the bad value', () => {
    const rng = createRng(3);
    expect(rng.poisson(0)).toBe(0);
    expect(() => rng.poisson(-1)).toThrow(/-1/);
    expect(() => rng.poisson(Number.NaN)).toThrow(/NaN/);
  });
});

describe('weightedSampler', () => {
  it('draws each index in proportion to its weight and never a zero-weight index', () => {
    const rng = createRng(4);
    const pick = weightedSampler([1, 0, 3]);
    const counts = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[pick(rng)]! += 1;
    expect(counts[1]).toBe(0);
    // Expected shares 1/4 and 3/4; binomial standard error ≈ 0.0014.
    expect(Math.abs(counts[0]! / n - 0.25)).toBeLessThan(0.007);
  });

  it('rejects negative, non-finite or all-zero weights, naming the bad value', () => {
    expect(() => weightedSampler([1, -2])).toThrow(/index 1: -2/);
    expect(() => weightedSampler([Number.POSITIVE_INFINITY])).toThrow(/Infinity/);
    expect(() => weightedSampler([0, 0])).toThrow(/zero/);
  });
});

describe('pickWeighted', () => {
  it('draws from changing weights by a linear scan', () => {
    const rng = createRng(5);
    const weights = new Float64Array([0, 2, 2]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(rng, weights, 4)]! += 1;
    expect(counts[0]).toBe(0);
    expect(Math.abs(counts[1]! / 10_000 - 0.5)).toBeLessThan(0.03);
  });
});
