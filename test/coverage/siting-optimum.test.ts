/**
 * Greedy and HiGHS against a brute-force enumeration of every affordable plan, on seeded random
 * instances small enough to enumerate. The brute force shares no code with the solvers: it
 * unions plain Sets of cells.
 */
import { describe, expect, it } from 'vitest';
import { greedySiting } from '../../server/coverage/siting-greedy.js';
import { exactSiting } from '../../server/coverage/siting-exact.js';
import {
  coverageFromLists,
  type SitingBudget,
  type SitingProblem,
} from '../../server/coverage/siting-problem.js';

/** mulberry32: a small seeded generator so each case is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Instance {
  weights: number[];
  network: boolean[];
  fraction: number;
  costs: number[];
  covers: number[][];
}

/** 12 candidates over 40 cells, each seeing 3-12 distinct random cells; integer weights and costs. */
function createInstance(seed: number, withNetwork: boolean): Instance {
  const r = rng(seed);
  const cells = 40;
  const weights = Array.from({ length: cells }, () => 1 + Math.floor(r() * 9));
  const network = Array.from({ length: cells }, () => withNetwork && r() < 0.25);
  const covers = Array.from({ length: 12 }, () => {
    const size = 3 + Math.floor(r() * 10);
    const set = new Set<number>();
    while (set.size < size) set.add(Math.floor(r() * cells));
    return [...set];
  });
  const costs = covers.map(() => 50 + 10 * Math.floor(r() * 20));
  return { weights, network, fraction: withNetwork ? 0.5 : 0, costs, covers };
}

function toProblem(x: Instance, budget: SitingBudget): SitingProblem {
  return {
    demand: Float64Array.from(x.weights),
    alreadyCovered: Uint8Array.from(x.network, (b) => (b ? 1 : 0)),
    alreadyCoveredValue: x.fraction,
    cost: Float64Array.from(x.costs),
    ...coverageFromLists(x.covers),
    budget,
  };
}

/** Demand of the union of the plan's cells, network cells at their fraction. */
function planValue(x: Instance, plan: number[]): number {
  const union = new Set(plan.flatMap((j) => x.covers[j]!));
  let v = 0;
  for (const i of union) v += x.network[i] ? x.fraction * x.weights[i]! : x.weights[i]!;
  return v;
}

/** Best value over all 2^12 plans within the budget. */
function bruteForce(x: Instance, budget: SitingBudget): number {
  const n = x.covers.length;
  let best = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    const plan = [...Array(n).keys()].filter((j) => mask & (1 << j));
    if (budget.count !== undefined && plan.length > budget.count) continue;
    const cost = plan.reduce((s, j) => s + x.costs[j]!, 0);
    if (budget.dollars !== undefined && cost > budget.dollars) continue;
    best = Math.max(best, planValue(x, plan));
  }
  return best;
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('greedy against the brute-force optimum (count budget)', () => {
  for (const seed of SEEDS) {
    for (const k of [1, 2, 3, 5]) {
      it(`seed ${seed}, ${k} cameras: ≥ 1 − (1 − 1/k)^k of the optimum, each step the best gain`, () => {
        const x = createInstance(seed, seed % 2 === 0);
        const p = toProblem(x, { count: k });
        const r = greedySiting(p);
        const plain = greedySiting(p, { lazy: false });
        expect(r.steps.map((s) => s.site)).toEqual(plain.steps.map((s) => s.site));

        const opt = bruteForce(x, { count: k });
        const sites = r.steps.map((s) => s.site);
        expect(r.coveredDemand).toBeCloseTo(planValue(x, sites), 9);
        expect(r.coveredDemand).toBeGreaterThanOrEqual((1 - (1 - 1 / k) ** k) * opt - 1e-9);
        expect(r.coveredDemand).toBeLessThanOrEqual(opt + 1e-9);
        // Every step took a site with the largest gain over the sites before it (ties: lower index).
        for (let t = 0; t < sites.length; t++) {
          const before = planValue(x, sites.slice(0, t));
          const gains = x.covers.map((_, j) => planValue(x, [...sites.slice(0, t), j]) - before);
          const best = Math.max(...gains);
          expect(r.steps[t]!.gain).toBeCloseTo(best, 9);
          expect(sites[t]).toBe(gains.findIndex((g) => Math.abs(g - best) < 1e-9));
        }
      });
    }
  }
});

describe('greedy against the brute-force optimum (dollar budget)', () => {
  for (const seed of SEEDS) {
    for (const dollars of [100, 300, 600]) {
      it(`seed ${seed}, ${dollars} USD: within budget and ≥ (1 − 1/e)/2 of the optimum`, () => {
        const x = createInstance(seed, seed % 2 === 1);
        const p = toProblem(x, { dollars });
        const r = greedySiting(p);
        const plain = greedySiting(p, { lazy: false });
        expect(r.steps.map((s) => s.site)).toEqual(plain.steps.map((s) => s.site));
        const sites = r.steps.map((s) => s.site);
        expect(r.totalCost).toBe(sites.reduce((s, j) => s + x.costs[j]!, 0));
        expect(r.totalCost).toBeLessThanOrEqual(dollars);
        expect(r.coveredDemand).toBeCloseTo(planValue(x, sites), 9);
        const opt = bruteForce(x, { dollars });
        expect(r.coveredDemand).toBeGreaterThanOrEqual(((1 - 1 / Math.E) / 2) * opt - 1e-9);
        expect(r.coveredDemand).toBeLessThanOrEqual(opt + 1e-9);
      });
    }
  }
});

describe('HiGHS against the brute-force optimum', () => {
  const budgets: SitingBudget[] = [{ count: 2 }, { count: 4 }, { dollars: 250 }, { count: 3, dollars: 400 }];
  for (const seed of SEEDS) {
    it(`seed ${seed}: equal optimum for ${budgets.length} budgets, plan within budget`, async () => {
      for (const budget of budgets) {
        const x = createInstance(seed, seed % 3 === 0);
        const e = await exactSiting(toProblem(x, budget));
        const opt = bruteForce(x, budget);
        expect(e.provenOptimal).toBe(true);
        expect(e.optimum).toBeCloseTo(opt, 9);
        expect(planValue(x, e.sites)).toBeCloseTo(opt, 9);
        if (budget.count !== undefined) expect(e.sites.length).toBeLessThanOrEqual(budget.count);
        if (budget.dollars !== undefined) expect(e.totalCost).toBeLessThanOrEqual(budget.dollars);
        expect(e.greedyRatio).toBeCloseTo(e.greedy.coveredDemand / opt, 12);
        expect(e.gap).toBeCloseTo(1 - e.greedyRatio, 12);
      }
    });
  }
});
