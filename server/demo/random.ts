/**
 * A small seeded pseudo-random number generator for the synthetic demo data, so that the same
 * seed always gives the same cameras, incidents and readings on every machine.
 *
 * Core: sfc32 ("Small Fast Chaotic", Chris Doty-Humphrey, from the PractRand suite, public domain),
 * 128 bits of state, passes PractRand and BigCrush; seeded through splitmix32 so that nearby seeds
 * give unrelated streams. Reference: https://pracrand.sourceforge.net/ (RNG_engines.txt) and
 * https://github.com/bryc/code/blob/master/jshash/PRNGs.md (JavaScript forms of sfc32 and splitmix32).
 */

export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Normal (Gaussian) with the given mean and standard deviation, by Box–Muller. */
  normal(mean?: number, sd?: number): number;
  /** Poisson-distributed count with mean `lambda` ≥ 0. */
  poisson(lambda: number): number;
  /** Exponential with the given mean (> 0). */
  exponential(mean: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

/**
 * A seeded generator. The seed may be a number or a string; strings are hashed (FNV-1a, 32 bits)
 * so that streams can be named, e.g. `createRng('911:incidents:day:42')`, and one stream's use
 * never shifts another's.
 *
 * @example
 * const rng = createRng(911);
 * rng.normal(0, 1); // same value on every run
 */
export function createRng(seed: number | string): Rng {
  let s = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  const mix = (): number => {
    // splitmix32
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();

  const next = (): number => {
    // sfc32
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still carry the seed's structure: discard a few.
  for (let i = 0; i < 12; i++) next();

  let spare = 0;
  let hasSpare = false;
  const standardNormal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  };

  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    poisson: (lambda) => poisson(next, lambda),
    exponential: (mean) => -mean * Math.log(1 - next()),
    chance: (p) => next() < p,
  };
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A sampler of indices 0…n−1 with probability proportional to `weights` (non-negative, not all
 * zero): cumulative table and binary search, O(log n) a draw.
 *
 * @example
 * const pick = weightedSampler([1, 3]); // index 1 three times as often as index 0
 * pick(rng);
 */
export function weightedSampler(weights: ArrayLike<number>): (rng: Rng) => number {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] ?? 0;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`Invalid weight at index ${i}: ${w}`);
    total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new RangeError(`Weights must not all be zero (got ${n} weights)`);
  return (rng) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Draw an index from a small weight array without building a table (linear scan): for weights that
 * change on every draw, such as the category mix of one hour.
 */
export function pickWeighted(rng: Rng, weights: ArrayLike<number>, total: number): number {
  let target = rng.next() * total;
  const last = weights.length - 1;
  for (let i = 0; i < last; i++) {
    target -= weights[i] ?? 0;
    if (target < 0) return i;
  }
  return last;
}

function poisson(next: () => number, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`Invalid Poisson mean: ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda < 10) {
    // Knuth's multiplication method: fine for small means.
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  }
  // PTRS, transformed rejection with squeeze: W. Hörmann (1993), "The transformed rejection method
  // for generating Poisson random variables", Insurance: Mathematics and Economics 12(1), 39–45;
  // the same constants as NumPy's random_poisson_ptrs.
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = next() - 0.5;
    const v = next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - logFactorial(k)
    ) {
      return k;
    }
  }
}

const LOG_FACTORIALS = (() => {
  const table = new Float64Array(256);
  for (let i = 2; i < 256; i++) table[i] = (table[i - 1] as number) + Math.log(i);
  return table;
})();

/** ln(k!) — table below 256, Stirling's series above (error < 1e-12 there). */
function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIALS[k] as number;
  const n = k + 1;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n * n * n);
}
