/**
 * The camera-siting instance: weighted maximum coverage under a count or dollar budget.
 *
 * Demand lives on cells (a raster flattened to one index, or any other set of places), each with
 * a weight (people, incidents per year, hectares of forest: whatever the planner wants seen).
 * Each candidate site would see a set of cells (its viewshed, clipped to the camera's useful
 * range) and costs dollars to install. Choosing sites to maximise the weight seen is the
 * maximum coverage problem (Church & ReVelle 1974, "The maximal covering location problem");
 * with costs it is the budgeted maximum coverage problem (Khuller, Moss & Naor 1999).
 *
 * Everything is in flat typed arrays so that 10,000 candidates × 100,000 cells (a few million
 * candidate–cell pairs) fit in tens of megabytes and can be scanned without allocation.
 */
import { ValidationError, type FieldIssue } from '../errors.js';

/** At least one of the two; with both, a selection must respect both. */
export interface SitingBudget {
  /** Largest number of sites to choose: a non-negative integer. */
  count?: number;
  /** Largest total installation cost, USD: finite and ≥ 0. */
  dollars?: number;
}

export interface SitingProblem {
  /** Demand weight of each cell, ≥ 0 and finite; its length is the number of cells. */
  demand: Float64Array;
  /**
   * Cells the existing network already sees (1) or not (0); omitted means none. Length = cells.
   */
  alreadyCovered?: Uint8Array;
  /**
   * What a cell the existing network already sees is still worth when a new site also sees it,
   * as a fraction of its demand in [0, 1]. Default 0: a second look adds nothing, so the existing
   * network's cells drop out of the objective. A value such as 0.3 models redundancy (a camera
   * may be offline, a second angle resolves occlusion by trees) with diminishing value: the first
   * new site that sees such a cell earns 0.3·w, later ones nothing, which keeps the objective a
   * weighted coverage function (monotone submodular) and so keeps the greedy guarantee and the ILP.
   */
  alreadyCoveredValue?: number;
  /** Installation cost of each candidate, USD, ≥ 0 and finite; its length is the number of candidates. */
  cost: Float64Array;
  /**
   * Cells each candidate sees, in compressed sparse rows: candidate j sees
   * `coverCells[coverOffsets[j] .. coverOffsets[j + 1])`. Length = candidates + 1, starts at 0,
   * non-decreasing, ends at coverCells.length.
   */
  coverOffsets: Uint32Array;
  /** Cell indices, each < demand.length, without repeats within one candidate (any order). */
  coverCells: Uint32Array;
  budget: SitingBudget;
}

/** Number of candidate sites in a problem. */
export function candidateCount(p: SitingProblem): number {
  return p.cost.length;
}

/**
 * The demand each cell is worth to a new site: its weight, or `alreadyCoveredValue` times its
 * weight where the existing network already sees it. This is the weight vector of the coverage
 * objective that both the greedy and the exact solver maximise.
 */
export function effectiveDemand(p: SitingProblem): Float64Array {
  const value = Float64Array.from(p.demand);
  const seen = p.alreadyCovered;
  if (seen) {
    const f = p.alreadyCoveredValue ?? 0;
    for (let i = 0; i < value.length; i++) if (seen[i]) value[i] = value[i]! * f;
  }
  return value;
}

/**
 * Checks a problem and throws a ValidationError naming every bad field (with the bad value)
 * rather than letting a malformed CSR index produce a silently wrong plan. O(cells + pairs).
 */
export function validateSitingProblem(p: SitingProblem): void {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const nCells = p.demand.length;
  const nCand = p.cost.length;

  for (let i = 0; i < nCells; i++) {
    const w = p.demand[i]!;
    if (!(w >= 0 && w < Infinity)) {
      bad(`demand.${i}`, `demand weight must be finite and ≥ 0, got ${w}`);
      break;
    }
  }
  for (let j = 0; j < nCand; j++) {
    const c = p.cost[j]!;
    if (!(c >= 0 && c < Infinity)) {
      bad(`cost.${j}`, `cost must be finite and ≥ 0 USD, got ${c}`);
      break;
    }
  }
  if (p.alreadyCovered && p.alreadyCovered.length !== nCells) {
    bad('alreadyCovered', `length must equal demand.length ${nCells}, got ${p.alreadyCovered.length}`);
  }
  const f = p.alreadyCoveredValue;
  if (f !== undefined && !(f >= 0 && f <= 1)) {
    bad('alreadyCoveredValue', `must be in [0, 1], got ${f}`);
  }

  const { count, dollars } = p.budget;
  if (count === undefined && dollars === undefined) {
    bad('budget', 'give a count, dollars or both, got neither');
  }
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
    bad('budget.count', `must be an integer ≥ 0, got ${count}`);
  }
  if (dollars !== undefined && !(dollars >= 0 && dollars < Infinity)) {
    bad('budget.dollars', `must be finite and ≥ 0 USD, got ${dollars}`);
  }

  if (checkCsr(p, bad)) checkCells(p, bad);

  if (issues.length > 0) {
    throw new ValidationError(
      `invalid siting problem: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

/** Offsets shape; returns whether the cell scan can index safely. */
function checkCsr(p: SitingProblem, bad: (field: string, message: string) => void): boolean {
  const off = p.coverOffsets;
  const nCand = p.cost.length;
  if (off.length !== nCand + 1) {
    bad('coverOffsets', `length must be cost.length + 1 = ${nCand + 1}, got ${off.length}`);
    return false;
  }
  if (off[0] !== 0) {
    bad('coverOffsets.0', `must be 0, got ${off[0]}`);
    return false;
  }
  for (let j = 0; j < nCand; j++) {
    if (off[j + 1]! < off[j]!) {
      bad(`coverOffsets.${j + 1}`, `offsets must not decrease, got ${off[j]} then ${off[j + 1]}`);
      return false;
    }
  }
  if (off[nCand] !== p.coverCells.length) {
    bad(`coverOffsets.${nCand}`, `must equal coverCells.length ${p.coverCells.length}, got ${off[nCand]}`);
    return false;
  }
  return true;
}

/** Cell indices in range and not repeated within a candidate (a repeat would count its demand twice). */
function checkCells(p: SitingProblem, bad: (field: string, message: string) => void): void {
  const nCells = p.demand.length;
  const off = p.coverOffsets;
  const cells = p.coverCells;
  const lastSeenBy = new Int32Array(nCells).fill(-1);
  for (let j = 0; j < p.cost.length; j++) {
    for (let k = off[j]!; k < off[j + 1]!; k++) {
      const i = cells[k]!;
      if (i >= nCells) {
        bad(`coverCells.${k}`, `candidate ${j} covers cell ${i}, but there are only ${nCells} cells`);
        return;
      }
      if (lastSeenBy[i] === j) {
        bad(`coverCells.${k}`, `candidate ${j} lists cell ${i} twice`);
        return;
      }
      lastSeenBy[i] = j;
    }
  }
}

/**
 * Packs per-candidate cell lists into the CSR arrays of a SitingProblem.
 * @example coverageFromLists([[0, 1], [1, 2]]) // offsets [0, 2, 4], cells [0, 1, 1, 2]
 */
export function coverageFromLists(lists: readonly ArrayLike<number>[]): {
  coverOffsets: Uint32Array;
  coverCells: Uint32Array;
} {
  const coverOffsets = new Uint32Array(lists.length + 1);
  for (let j = 0; j < lists.length; j++) coverOffsets[j + 1] = coverOffsets[j]! + lists[j]!.length;
  const coverCells = new Uint32Array(coverOffsets[lists.length]!);
  for (let j = 0; j < lists.length; j++) {
    const list = lists[j]!;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (!(Number.isInteger(i) && i >= 0 && i <= 0xffffffff)) {
        throw new ValidationError(`candidate ${j} has cell index ${i}, not a non-negative integer`, [
          { field: `lists.${j}.${k}`, message: `not a cell index: ${i}` },
        ]);
      }
      coverCells[coverOffsets[j]! + k] = i;
    }
  }
  return { coverOffsets, coverCells };
}
