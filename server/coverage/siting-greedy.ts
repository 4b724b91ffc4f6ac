/**
 * Greedy camera siting: pick, one at a time, the site that adds the most uncovered demand
 * (or, under a dollar budget, the most demand per dollar), with lazy evaluation.
 *
 * Guarantees, for the coverage objective of siting-problem.ts (monotone submodular):
 * - count budget K: the greedy value is ≥ (1 − (1 − 1/K)^K) ≥ (1 − 1/e) ≈ 0.632 of the optimum
 *   (Nemhauser, Wolsey & Fisher 1978); no polynomial algorithm does better unless P = NP
 *   (Feige 1998).
 * - dollar budget B: cost-benefit greedy alone can be arbitrarily bad (one cheap site with a high
 *   ratio blocks the one expensive site that sees everything), so the better of it and the best
 *   single affordable site is returned, which is ≥ (1 − 1/e)/2 ≈ 0.316 of the optimum
 *   (Khuller, Moss & Naor 1999; Leskovec et al. 2007, theorem 2).
 *
 * Lazy evaluation (Minoux 1978 "accelerated greedy"; CELF in Leskovec et al. 2007,
 * "Cost-effective outbreak detection in networks"): a site's marginal gain can only shrink as
 * sites are added (submodularity), so a gain computed in an earlier round is an upper bound.
 * Keep candidates in a max-heap on their last computed key; pop the top, and if its key is from
 * this round it beats every other bound and is the greedy choice; otherwise recompute it and
 * sift it down. Typically a handful of recomputations per round instead of all candidates.
 *
 * Ties are broken by the lower candidate index, in both the lazy and the plain version, so the
 * two return the same sites in the same order.
 */
import {
  candidateCount,
  effectiveDemand,
  validateSitingProblem,
  type SitingProblem,
} from './siting-problem.js';

/** One row of the ranked table: a chosen site and what it adds. */
export interface SitingStep {
  /** Candidate index. */
  site: number;
  /** Demand this site adds to those chosen before it (effective demand, see siting-problem.ts). */
  gain: number;
  /** Demand covered by this site and all before it. */
  coveredDemand: number;
  /** This site's cost, USD. */
  cost: number;
  /** Cost of this site and all before it, USD. */
  cumulativeCost: number;
  /** Cells this site is the first new site to see, outside the existing network: the map layer of what it adds. */
  newCells: Uint32Array;
  /** Cells the existing network sees that this site is the first new site to see again. */
  reinforcedCells: Uint32Array;
}

export interface SitingResult {
  /** Chosen sites in the order greedy took them, each with its marginal gain. */
  steps: SitingStep[];
  /** Total demand the chosen sites cover (effective demand). */
  coveredDemand: number;
  /** Total cost of the chosen sites, USD. */
  totalCost: number;
  /**
   * Which rule produced the plan: most gain per site (count budget only), most gain per dollar,
   * or the single best affordable site when it beats the cost-benefit plan.
   */
  rule: 'marginal-gain' | 'cost-benefit' | 'best-single-site';
  /** How many marginal gains were computed: the work lazy evaluation saves. */
  gainEvaluations: number;
}

export interface GreedyOptions {
  /** Lazy (CELF) evaluation; false recomputes every gain every round (the baseline). Default true. */
  lazy?: boolean;
}

/**
 * Chooses sites greedily within the budget and returns them in the order chosen.
 * Stops when the budget is spent or no affordable site adds demand (a camera that sees nothing
 * new is not worth buying). Throws a ValidationError for a malformed problem.
 * @example
 * greedySiting({ demand, cost, coverOffsets, coverCells, budget: { count: 100 } }).steps
 */
export function greedySiting(problem: SitingProblem, options: GreedyOptions = {}): SitingResult {
  validateSitingProblem(problem);
  const lazy = options.lazy ?? true;
  const count = problem.budget.count ?? Infinity;
  const dollars = problem.budget.dollars ?? Infinity;
  const byRatio = problem.budget.dollars !== undefined;
  const run = lazy ? lazyGreedy : plainGreedy;
  const state = new CoverState(problem);
  const picked = run(state, problem, byRatio, count, dollars);
  const result: SitingResult = {
    steps: picked.steps,
    coveredDemand: picked.steps.at(-1)?.coveredDemand ?? 0,
    totalCost: picked.steps.at(-1)?.cumulativeCost ?? 0,
    rule: byRatio ? 'cost-benefit' : 'marginal-gain',
    gainEvaluations: state.evaluations,
  };
  if (!byRatio || count < 1) return result;

  // Khuller, Moss & Naor: compare with the best single affordable site (its gain on an empty plan).
  let best = -1;
  for (let j = 0; j < picked.firstGain.length; j++) {
    if (problem.cost[j]! <= dollars && (best < 0 || picked.firstGain[j]! > picked.firstGain[best]!)) best = j;
  }
  if (best < 0 || !(picked.firstGain[best]! > result.coveredDemand)) return result;
  const steps = rankSites(problem, [best]);
  return {
    steps,
    coveredDemand: steps[0]!.coveredDemand,
    totalCost: steps[0]!.cumulativeCost,
    rule: 'best-single-site',
    gainEvaluations: state.evaluations,
  };
}

/**
 * Orders a given set of sites greedily (each next the one adding most demand), ignoring the
 * budget: the ranked table for any plan, e.g. an exact optimum or sites a user drew.
 * Sites that add nothing come last, with gain 0. Ties go to the lower index.
 */
export function rankSites(problem: SitingProblem, sites: readonly number[]): SitingStep[] {
  validateSitingProblem(problem);
  const n = candidateCount(problem);
  for (const j of sites) {
    if (!(Number.isInteger(j) && j >= 0 && j < n))
      throw new RangeError(`site ${j} is not a candidate index < ${n}`);
  }
  const state = new CoverState(problem);
  const left = [...new Set(sites)].sort((a, b) => a - b);
  const steps: SitingStep[] = [];
  while (left.length > 0) {
    let bestK = 0;
    let bestGain = -1;
    for (let k = 0; k < left.length; k++) {
      const g = state.gain(left[k]!);
      if (g > bestGain) {
        bestGain = g;
        bestK = k;
      }
    }
    steps.push(state.take(left[bestK]!, bestGain));
    left.splice(bestK, 1);
  }
  return steps;
}

/** Total effective demand a set of sites covers together (repeats count once). */
export function coverageValue(problem: SitingProblem, sites: readonly number[]): number {
  validateSitingProblem(problem);
  const state = new CoverState(problem);
  let total = 0;
  for (const j of new Set(sites)) total += state.take(j, state.gain(j)).gain;
  return total;
}

/** Demand still to be won at each cell, and the running plan. */
class CoverState {
  /** Effective demand of each cell not yet seen by a chosen site; 0 once seen. */
  private readonly residual: Float64Array;
  /** 1 once a chosen site sees the cell (even a zero-demand cell, for the map). */
  private readonly seen: Uint8Array;
  private covered = 0;
  private spent = 0;
  evaluations = 0;

  constructor(private readonly p: SitingProblem) {
    this.residual = effectiveDemand(p);
    this.seen = new Uint8Array(p.demand.length);
  }

  /** Marginal gain of site j. Summing a subset of the same non-negative terms in the same order
   * can only give less in floating point too (rounding is monotone), so lazy bounds stay valid. */
  gain(j: number): number {
    this.evaluations++;
    const cells = this.p.coverCells;
    const r = this.residual;
    let g = 0;
    for (let k = this.p.coverOffsets[j]!, end = this.p.coverOffsets[j + 1]!; k < end; k++) g += r[cells[k]!]!;
    return g;
  }

  take(j: number, gain: number): SitingStep {
    const cells = this.p.coverCells;
    const network = this.p.alreadyCovered;
    const fresh: number[] = [];
    const again: number[] = [];
    for (let k = this.p.coverOffsets[j]!, end = this.p.coverOffsets[j + 1]!; k < end; k++) {
      const i = cells[k]!;
      if (this.seen[i]) continue;
      this.seen[i] = 1;
      this.residual[i] = 0;
      (network?.[i] ? again : fresh).push(i);
    }
    const cost = this.p.cost[j]!;
    this.covered += gain;
    this.spent += cost;
    return {
      site: j,
      gain,
      coveredDemand: this.covered,
      cost,
      cumulativeCost: this.spent,
      newCells: Uint32Array.from(fresh),
      reinforcedCells: Uint32Array.from(again),
    };
  }
}

interface Picked {
  steps: SitingStep[];
  /** Each candidate's gain on the empty plan (−1 where not computed: unaffordable). */
  firstGain: Float64Array;
}

/** Heap key: gain, or gain per dollar (a free site that adds something outranks any paid one). */
function keyOf(gain: number, cost: number, byRatio: boolean): number {
  if (!byRatio) return gain;
  if (cost === 0) return gain > 0 ? Infinity : 0;
  return gain / cost;
}

function lazyGreedy(
  state: CoverState,
  p: SitingProblem,
  byRatio: boolean,
  count: number,
  dollars: number,
): Picked {
  const n = candidateCount(p);
  const firstGain = new Float64Array(n).fill(-1);
  const lastGain = new Float64Array(n);
  const round = new Int32Array(n);
  const heap = new MaxHeap(n);
  for (let j = 0; j < n; j++) {
    if (p.cost[j]! > dollars) continue;
    const g = state.gain(j);
    firstGain[j] = lastGain[j] = g;
    heap.add(keyOf(g, p.cost[j]!, byRatio), j);
  }
  heap.heapify();

  const steps: SitingStep[] = [];
  let left = dollars;
  while (steps.length < count && heap.size > 0) {
    const j = heap.topId();
    if (p.cost[j]! > left) {
      heap.pop(); // the budget only shrinks: it will never fit again
      continue;
    }
    if (round[j] === steps.length) {
      if (!(lastGain[j]! > 0)) break; // every other site's bound is no higher: nothing adds demand
      heap.pop();
      steps.push(state.take(j, lastGain[j]!));
      left -= p.cost[j]!;
      continue;
    }
    const g = state.gain(j);
    lastGain[j] = g;
    round[j] = steps.length;
    heap.replaceTopKey(keyOf(g, p.cost[j]!, byRatio));
  }
  return { steps, firstGain };
}

/** Every gain recomputed every round: the textbook greedy, kept as the benchmark's baseline. */
function plainGreedy(
  state: CoverState,
  p: SitingProblem,
  byRatio: boolean,
  count: number,
  dollars: number,
): Picked {
  const n = candidateCount(p);
  const firstGain = new Float64Array(n).fill(-1);
  const taken = new Uint8Array(n);
  const steps: SitingStep[] = [];
  let left = dollars;
  while (steps.length < count) {
    let best = -1;
    let bestKey = -Infinity;
    let bestGain = 0;
    for (let j = 0; j < n; j++) {
      if (taken[j] || p.cost[j]! > left) continue;
      const g = state.gain(j);
      if (steps.length === 0) firstGain[j] = g;
      const key = keyOf(g, p.cost[j]!, byRatio);
      if (key > bestKey) {
        bestKey = key;
        best = j;
        bestGain = g;
      }
    }
    if (best < 0 || !(bestGain > 0)) break;
    taken[best] = 1;
    steps.push(state.take(best, bestGain));
    left -= p.cost[best]!;
  }
  return { steps, firstGain };
}

/**
 * Binary max-heap of candidate ids on Float64 keys, ties to the lower id, in flat typed arrays.
 * Only what lazy greedy needs: bulk build, read and replace the top, pop.
 */
export class MaxHeap {
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  /** Appends without ordering; call heapify() once after the last add. */
  add(key: number, id: number): void {
    if (this.size >= this.keys.length) throw new RangeError(`heap full at capacity ${this.keys.length}`);
    if (Number.isNaN(key)) throw new RangeError(`heap key for id ${id} is NaN`);
    this.keys[this.size] = key;
    this.ids[this.size] = id;
    this.size++;
  }

  /** Restores heap order in O(n) (Floyd 1964). */
  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  topId(): number {
    if (this.size === 0) throw new RangeError('heap is empty');
    return this.ids[0]!;
  }

  topKey(): number {
    if (this.size === 0) throw new RangeError('heap is empty');
    return this.keys[0]!;
  }

  pop(): number {
    const id = this.topId();
    this.size--;
    this.keys[0] = this.keys[this.size]!;
    this.ids[0] = this.ids[this.size]!;
    this.siftDown(0);
    return id;
  }

  /** Changes the top's key and restores order (a lazy re-evaluation). */
  replaceTopKey(key: number): void {
    if (this.size === 0) throw new RangeError('heap is empty');
    if (Number.isNaN(key)) throw new RangeError(`heap key for id ${this.ids[0]} is NaN`);
    this.keys[0] = key;
    this.siftDown(0);
  }

  private above(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka > kb || (ka === kb && this.ids[a]! < this.ids[b]!);
  }

  private siftDown(i: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.above(r, l) ? r : l;
      if (!this.above(c, i)) return;
      const k = this.keys[i]!;
      const id = this.ids[i]!;
      this.keys[i] = this.keys[c]!;
      this.ids[i] = this.ids[c]!;
      this.keys[c] = k;
      this.ids[c] = id;
      i = c;
    }
  }
}
