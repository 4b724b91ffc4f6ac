import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageValue, greedySiting, MaxHeap, rankSites } from '../../server/coverage/siting-greedy.js';
import { exactSiting } from '../../server/coverage/siting-exact.js';
import {
  coverageFromLists,
  type SitingBudget,
  type SitingProblem,
} from '../../server/coverage/siting-problem.js';

/** A hand-solved instance: the expected numbers in each case are worked out in its description. */
interface HandFixture {
  description: string;
  demand: number[];
  cost: number[];
  covers: number[][];
  alreadyCovered?: number[];
  cases: {
    budget: SitingBudget;
    alreadyCoveredValue?: number;
    rule?: string;
    greedySites: number[];
    greedyGains: number[];
    greedyCumulativeCost?: number[];
    greedyValue: number;
    newCells?: number[][];
    reinforcedCells?: number[][];
    optimumSites?: number[];
    optimum: number;
  }[];
}

const FIXTURES = ['two-rows', 'cost-benefit-trap', 'skip-unaffordable', 'already-covered'];

function load(name: string): HandFixture {
  const url = new URL(`../fixtures/coverage/siting/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as HandFixture;
}

function problemOf(f: HandFixture, c: HandFixture['cases'][number]): SitingProblem {
  return {
    demand: Float64Array.from(f.demand),
    cost: Float64Array.from(f.cost),
    ...coverageFromLists(f.covers),
    ...(f.alreadyCovered ? { alreadyCovered: Uint8Array.from(f.alreadyCovered) } : {}),
    ...(c.alreadyCoveredValue !== undefined ? { alreadyCoveredValue: c.alreadyCoveredValue } : {}),
    budget: c.budget,
  };
}

describe('greedy siting on hand-solved instances', () => {
  for (const name of FIXTURES) {
    const f = load(name);
    f.cases.forEach((c, n) => {
      describe(`${name} case ${n} (budget ${JSON.stringify(c.budget)})`, () => {
        const p = problemOf(f, c);

        for (const lazy of [true, false]) {
          it(`${lazy ? 'lazy' : 'plain'} greedy takes the sites and gains worked out by hand`, () => {
            const r = greedySiting(p, { lazy });
            expect(r.steps.map((s) => s.site)).toEqual(c.greedySites);
            expect(r.steps.map((s) => s.gain)).toEqual(c.greedyGains);
            expect(r.coveredDemand).toBe(c.greedyValue);
            if (c.rule) expect(r.rule).toBe(c.rule);
            if (c.greedyCumulativeCost) {
              expect(r.steps.map((s) => s.cumulativeCost)).toEqual(c.greedyCumulativeCost);
            }
            if (c.newCells) expect(r.steps.map((s) => [...s.newCells])).toEqual(c.newCells);
            if (c.reinforcedCells) {
              expect(r.steps.map((s) => [...s.reinforcedCells])).toEqual(c.reinforcedCells);
            }
          });
        }

        it('HiGHS finds the optimum worked out by hand, and the gap to greedy', async () => {
          const e = await exactSiting(p);
          expect(e.provenOptimal).toBe(true);
          expect(e.optimum).toBe(c.optimum);
          if (c.optimumSites) expect(e.sites).toEqual(c.optimumSites);
          expect(e.gap).toBeCloseTo((c.optimum - c.greedyValue) / c.optimum, 12);
          expect(e.solverObjective).toBeCloseTo(c.optimum, 6);
        });
      });
    });
  }

  it('two-rows: greedy with two cameras reaches 12/14 of the optimum, above 1 − (1 − 1/2)² = 3/4', async () => {
    const f = load('two-rows');
    const e = await exactSiting(problemOf(f, f.cases[0]!));
    expect(e.greedyRatio).toBeCloseTo(12 / 14, 12);
    expect(e.steps.map((s) => s.gain)).toEqual([7, 7]);
  });
});

describe('greedy siting rules', () => {
  const unit = (lists: number[][], cells: number, budget: SitingBudget, cost?: number[]): SitingProblem => ({
    demand: new Float64Array(cells).fill(1),
    cost: cost ? Float64Array.from(cost) : new Float64Array(lists.length).fill(1),
    ...coverageFromLists(lists),
    budget,
  });

  it('breaks ties by the lower candidate index, lazy and plain alike, whatever the listing order', () => {
    // 1 and 3 see three cells each, disjoint; 0 and 2 see two cells each, inside them.
    const p = unit(
      [
        [0, 1],
        [2, 3, 4],
        [3, 4],
        [0, 1, 5],
      ],
      6,
      { count: 2 },
    );
    for (const lazy of [true, false]) {
      expect(greedySiting(p, { lazy }).steps.map((s) => s.site)).toEqual([1, 3]);
    }
    // Identical candidates: the first one wins, the copies add nothing and are not bought.
    const copies = unit(
      [
        [0, 1],
        [0, 1],
        [0, 1],
      ],
      2,
      { count: 3 },
    );
    for (const lazy of [true, false]) {
      expect(greedySiting(copies, { lazy }).steps.map((s) => s.site)).toEqual([0]);
    }
  });

  it('stops buying when nothing adds demand', () => {
    const p: SitingProblem = {
      demand: Float64Array.from([0, 0, 4]),
      cost: Float64Array.from([1, 1, 1]),
      ...coverageFromLists([[0], [1], [2]]),
      budget: { count: 3 },
    };
    expect(greedySiting(p).steps.map((s) => s.site)).toEqual([2]);
  });

  it('a count of zero buys nothing; a dollar budget below every cost buys nothing', () => {
    expect(greedySiting(unit([[0]], 1, { count: 0 })).steps).toEqual([]);
    const r = greedySiting(unit([[0], [1]], 2, { dollars: 5 }, [6, 7]));
    expect(r.steps).toEqual([]);
    expect(r.coveredDemand).toBe(0);
  });

  it('with nothing affordable or a count of zero, the optimum is 0 and greedy has no gap', async () => {
    for (const budget of [{ count: 0 }, { dollars: 5 }]) {
      const e = await exactSiting(unit([[0], [1]], 2, budget, [6, 7]));
      expect([e.optimum, e.sites, e.gap, e.greedyRatio]).toEqual([0, [], 0, 1]);
    }
  });

  it('a free site that adds demand is bought first under a dollar budget', () => {
    // Site 1 is free and sees one cell; site 0 costs 2 and sees three (1.5 per dollar).
    const r = greedySiting(unit([[0, 1, 2], [3]], 4, { dollars: 2 }, [2, 0]));
    expect(r.steps.map((s) => s.site)).toEqual([1, 0]);
    expect(r.totalCost).toBe(2);
    expect(r.coveredDemand).toBe(4);
  });

  it('respects a count and a dollar budget together', () => {
    // Three cheap sites of 2 cells each at 1 USD; dollars allow all three, the count only two.
    const r = greedySiting(
      unit(
        [
          [0, 1],
          [2, 3],
          [4, 5],
        ],
        6,
        { count: 2, dollars: 100 },
      ),
    );
    expect(r.steps.map((s) => s.site)).toEqual([0, 1]);
  });

  it('lazy evaluation computes fewer gains than the plain greedy on the same plan', () => {
    // Ten disjoint sites of decreasing size: each round only the top needs re-evaluation.
    const lists = Array.from({ length: 10 }, (_, j) => Array.from({ length: 10 - j }, (_, k) => j * 10 + k));
    const p = unit(lists, 100, { count: 5 });
    const lazy = greedySiting(p);
    const plain = greedySiting(p, { lazy: false });
    expect(lazy.steps.map((s) => s.site)).toEqual([0, 1, 2, 3, 4]);
    expect(plain.steps.map((s) => s.site)).toEqual([0, 1, 2, 3, 4]);
    // Plain: 10 + 9 + 8 + 7 + 6 = 40. Lazy: 10 at start, then one re-evaluation per later round.
    expect(plain.gainEvaluations).toBe(40);
    expect(lazy.gainEvaluations).toBe(14);
  });

  it('rankSites orders any plan by marginal gain and puts sites that add nothing last', () => {
    const p = unit([[0], [0, 1, 2], [1, 2, 3, 4], [5]], 6, { count: 4 });
    const steps = rankSites(p, [0, 1, 2, 3]);
    // 2 sees 4 new cells; then 0, 1 and 3 add one each (tie → 0), then 3 (cell 5); 1 adds nothing.
    expect(steps.map((s) => [s.site, s.gain])).toEqual([
      [2, 4],
      [0, 1],
      [3, 1],
      [1, 0],
    ]);
    expect(steps.map((s) => s.coveredDemand)).toEqual([4, 5, 6, 6]);
    expect(coverageValue(p, [1, 2, 2])).toBe(5);
    expect(() => rankSites(p, [4])).toThrow(/site 4/);
  });
});

describe('MaxHeap', () => {
  it('pops keys in decreasing order, ties to the lower id', () => {
    const keys = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const h = new MaxHeap(keys.length);
    keys.forEach((k, id) => h.add(k, id));
    h.heapify();
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop());
    // By hand: 9(5) 6(7) 5(4) 5(8) 5(10) 4(2) 3(0) 3(9) 2(6) 1(1) 1(3).
    expect(out).toEqual([5, 7, 4, 8, 10, 2, 0, 9, 6, 1, 3]);
  });

  it('re-sorts after the top key is lowered, and refuses NaN keys', () => {
    const h = new MaxHeap(3);
    h.add(10, 0);
    h.add(8, 1);
    h.add(Infinity, 2);
    h.heapify();
    expect(h.topId()).toBe(2);
    h.replaceTopKey(9);
    expect([h.pop(), h.pop(), h.pop()]).toEqual([0, 2, 1]);
    expect(() => h.topId()).toThrow(/empty/);
    expect(() => new MaxHeap(1).add(NaN, 7)).toThrow(/id 7/);
  });
});
