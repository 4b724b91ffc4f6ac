/**
 * Camera siting: greedy time on a large instance and greedy quality on small ones.
 * Budgets (issue "Coverage and siting"): greedy siting for 10,000 candidates × 100,000 demand
 * cells under 10 s; greedy within 5 % of the optimum on small instances.
 *
 * Instances are seeded and synthetic but shaped like the real thing: demand on a 400 × 250 grid
 * (100,000 cells) concentrated in a few settlements over a sparse background, each candidate
 * seeing the cells within a radius of 8-12 cells of it (≈ 200-450 cells, a spatially coherent
 * viewshed stand-in), costs of 15,000-40,000 USD.
 * Baselines from the same run: plain (non-lazy) greedy for the time; for quality, the naive plan
 * of the k sites that see the most demand on their own (what greedy improves on), both measured
 * against the HiGHS optimum.
 */
import { coverageValue, greedySiting } from '../../server/coverage/siting-greedy.js';
import { exactSiting } from '../../server/coverage/siting-exact.js';
import type { SitingBudget, SitingProblem } from '../../server/coverage/siting-problem.js';
import { report } from './report.js';

/** mulberry32: small, seeded, good enough for synthetic instances. */
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

interface GridInstance {
  width: number;
  height: number;
  candidates: number;
  settlements: number;
  minRadius: number;
  maxRadius: number;
  count: number;
  seed: number;
}

/** A seeded siting instance on a grid: see the file comment. */
export function gridSitingProblem(g: GridInstance): SitingProblem {
  const r = rng(g.seed);
  const cells = g.width * g.height;
  const demand = new Float64Array(cells);
  for (let i = 0; i < cells; i++) demand[i] = r() < 0.2 ? 1 : 0; // scattered dwellings
  for (let s = 0; s < g.settlements; s++) {
    const cx = r() * g.width;
    const cy = r() * g.height;
    const spread = 3 + r() * 10;
    const people = 20 + Math.floor(r() * 200);
    const reach = Math.ceil(3 * spread);
    for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(g.height, cy + reach); y++) {
      for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(g.width, cx + reach); x++) {
        const d2 = (x - cx) ** 2 + (y - cy) ** 2;
        demand[y * g.width + x]! += Math.round(people * Math.exp(-d2 / (2 * spread * spread)));
      }
    }
  }

  const cost = new Float64Array(g.candidates);
  const coverOffsets = new Uint32Array(g.candidates + 1);
  const lists: Uint32Array[] = [];
  for (let j = 0; j < g.candidates; j++) {
    const cx = Math.floor(r() * g.width);
    const cy = Math.floor(r() * g.height);
    const radius = g.minRadius + r() * (g.maxRadius - g.minRadius);
    const seen: number[] = [];
    const R = Math.floor(radius);
    for (let y = Math.max(0, cy - R); y <= Math.min(g.height - 1, cy + R); y++) {
      for (let x = Math.max(0, cx - R); x <= Math.min(g.width - 1, cx + R); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) seen.push(y * g.width + x);
      }
    }
    lists.push(Uint32Array.from(seen));
    coverOffsets[j + 1] = coverOffsets[j]! + seen.length;
    cost[j] = 15_000 + 1_000 * Math.floor(r() * 26);
  }
  const coverCells = new Uint32Array(coverOffsets[g.candidates]!);
  lists.forEach((list, j) => coverCells.set(list, coverOffsets[j]!));
  return { demand, cost, coverOffsets, coverCells, budget: { count: g.count } };
}

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

async function largeInstance(): Promise<boolean> {
  const p = gridSitingProblem({
    width: 400,
    height: 250,
    candidates: 10_000,
    settlements: 60,
    minRadius: 8,
    maxRadius: 12,
    count: 100,
    seed: 20_240_611,
  });
  console.log(
    `      instance: ${p.cost.length.toLocaleString('en-US')} candidates × ${p.demand.length.toLocaleString('en-US')} cells, ` +
      `${p.coverCells.length.toLocaleString('en-US')} candidate–cell pairs, budget ${p.budget.count} cameras`,
  );
  // One-camera run first so both timed runs start with compiled code, as in a long-running server.
  let lazy = greedySiting({ ...p, budget: { count: 1 } });
  const lazyS = seconds(() => (lazy = greedySiting(p)));
  let plain = lazy;
  const plainS = seconds(() => (plain = greedySiting(p, { lazy: false })));
  const same =
    lazy.steps.every((s, k) => s.site === plain.steps[k]?.site) && lazy.steps.length === plain.steps.length;
  console.log(
    `      lazy: ${lazy.steps.length} sites, ${Math.round(lazy.coveredDemand).toLocaleString('en-US')} demand covered, ` +
      `${lazy.gainEvaluations.toLocaleString('en-US')} gain evaluations; plain: ${plain.gainEvaluations.toLocaleString('en-US')}; ` +
      `same plan: ${same}`,
  );
  const ok = report({
    name: 'greedy siting 10,000 candidates × 100,000 cells, 100 cameras',
    value: lazyS,
    unit: 's',
    budget: { value: 10, better: 'lower' },
    baseline: { name: 'plain greedy', value: plainS },
  });
  if (!same) console.log('MISS  lazy and plain greedy chose different plans');
  return ok && same;
}

/** The naive plan greedy improves on: sites by the demand they see on their own, while the budget allows. */
function standalonePlan(p: SitingProblem): number[] {
  const alone = Array.from(p.cost, (_, j) => [j, coverageValue(p, [j])] as const);
  alone.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const plan: number[] = [];
  let spent = 0;
  for (const [j] of alone) {
    if (plan.length >= (p.budget.count ?? Infinity)) break;
    if (spent + p.cost[j]! > (p.budget.dollars ?? Infinity)) continue;
    plan.push(j);
    spent += p.cost[j]!;
  }
  return plan;
}

async function smallInstances(label: string, budgets: SitingBudget[]): Promise<boolean> {
  const seeds = [1, 2, 3, 4, 5];
  let worst = Infinity;
  let worstNaive = Infinity;
  for (const seed of seeds) {
    for (const budget of budgets) {
      const p: SitingProblem = {
        ...gridSitingProblem({
          width: 50,
          height: 40,
          candidates: 60,
          settlements: 4,
          minRadius: 4,
          maxRadius: 8,
          count: 0,
          seed,
        }),
        budget,
      };
      const t0 = performance.now();
      const e = await exactSiting(p, { timeLimitS: 120 });
      const solveS = (performance.now() - t0) / 1000;
      const naive = coverageValue(p, standalonePlan(p));
      console.log(
        `      seed ${seed}, ${JSON.stringify(budget)}: greedy ${Math.round(e.greedy.coveredDemand)} ` +
          `(${e.greedy.rule}), optimum ${Math.round(e.optimum)}${e.provenOptimal ? '' : ' (time limit, not proven)'}, ` +
          `ratio ${e.greedyRatio.toFixed(4)}; HiGHS ${solveS.toFixed(1)} s`,
      );
      worst = Math.min(worst, e.greedyRatio);
      worstNaive = Math.min(worstNaive, e.optimum > 0 ? naive / e.optimum : 1);
    }
  }
  return report({
    name: `greedy / optimum, ${label}, worst of ${seeds.length * budgets.length} instances of 60 candidates × 2,000 cells`,
    value: worst,
    unit: 'of optimum',
    budget: { value: 0.95, better: 'higher' },
    baseline: { name: 'top standalone sites', value: worstNaive },
  });
}

export async function sitingBench(): Promise<boolean> {
  const large = await largeInstance();
  const byCount = await smallInstances('5 or 10 cameras', [{ count: 5 }, { count: 10 }]);
  const byDollars = await smallInstances('100,000 or 200,000 USD', [
    { dollars: 100_000 },
    { dollars: 200_000 },
  ]);
  return large && byCount && byDollars;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  sitingBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
