/**
 * Exact camera siting for small instances: the maximum coverage integer programme solved by
 * HiGHS (Huangfu & Hall 2018; the `highs` package, HiGHS compiled to WebAssembly, runs offline),
 * used to measure how far greedy falls from the optimum.
 *
 *   maximise    Σ_i w_i y_i                      (w_i: effective demand, siting-problem.ts)
 *   subject to  y_i ≤ Σ_{j sees i} x_j           for every cell i   (a cell counts only if seen)
 *               Σ_j x_j ≤ K                      (count budget, if given)
 *               Σ_j c_j x_j ≤ B                  (dollar budget, if given)
 *               x_j, y_i ∈ {0, 1}
 *
 * Church & ReVelle (1974) give this formulation. Cells with no demand or that no candidate sees,
 * and candidates that cost more than B or see no demand, are left out: they cannot change the
 * optimum. The model is NP-hard in general; keep it to hundreds of candidates and a few thousand
 * cells, and set a time limit.
 */
import loadHighs from 'highs';
import type { Highs } from 'highs';
import {
  greedySiting,
  rankSites,
  coverageValue,
  type SitingResult,
  type SitingStep,
} from './siting-greedy.js';
import {
  candidateCount,
  effectiveDemand,
  validateSitingProblem,
  type SitingProblem,
} from './siting-problem.js';

let runtime: Promise<Highs> | undefined;

/** The WebAssembly solver, loaded once per process from node_modules/highs/build/highs.wasm. */
function highs(): Promise<Highs> {
  return (runtime ??= loadHighs());
}

export interface ExactOptions {
  /** Wall-clock limit for HiGHS, seconds. Default: none. */
  timeLimitS?: number;
  /** A greedy result for the same problem to compare; computed with greedySiting when omitted. */
  greedy?: SitingResult;
}

export interface ExactResult {
  /** Demand covered by the optimal sites (effective demand), recomputed from the chosen sites. */
  optimum: number;
  /** The objective HiGHS reports; equals `optimum` to within its tolerances (about 1e-6 absolute). */
  solverObjective: number;
  /** False when the time limit stopped HiGHS first: `optimum` is then only the best plan found. */
  provenOptimal: boolean;
  /** Chosen candidate indices, ascending; sites HiGHS switched on that add nothing are dropped. */
  sites: number[];
  /** The optimal sites as a ranked table (greedy order within the optimal set). */
  steps: SitingStep[];
  totalCost: number;
  /** The greedy plan it is compared with. */
  greedy: SitingResult;
  /** Greedy's shortfall as a fraction of the optimum, (optimum − greedy) / optimum; 0 when the optimum is 0. */
  gap: number;
  /** greedy / optimum; 1 when the optimum is 0. */
  greedyRatio: number;
}

/**
 * Solves the siting problem exactly with HiGHS and reports greedy's gap to the optimum.
 * Throws a ValidationError for a malformed problem, and an Error when HiGHS ends without a plan.
 * @example
 * const { optimum, gap } = await exactSiting(problem, { timeLimitS: 60 });
 */
export async function exactSiting(problem: SitingProblem, options: ExactOptions = {}): Promise<ExactResult> {
  validateSitingProblem(problem);
  const greedy = options.greedy ?? greedySiting(problem);
  const model = maxCoverageLp(problem);

  let sites: number[] = [];
  let solverObjective = 0;
  let provenOptimal = true;
  if (model.candidates.length > 0) {
    const solver = await highs();
    const solution = solver.solve(model.text, {
      output_flag: false,
      // HiGHS stops at 0.01 % relative gap by default; the comparison needs the optimum itself.
      // Its absolute gap (1e-6) and optimality tolerances (~1e-7) remain: demand differences
      // smaller than that are below what it can tell apart, so express demand in units ≫ 1e-6.
      mip_rel_gap: 0,
      ...(options.timeLimitS !== undefined ? { time_limit: options.timeLimitS } : {}),
    });
    provenOptimal = solution.Status === 'Optimal';
    if (!provenOptimal && solution.Status !== 'Time limit reached') {
      throw new Error(
        `HiGHS ended with status "${solution.Status}" on a ${model.candidates.length}-site model`,
      );
    }
    for (const j of model.candidates) {
      const x = solution.Columns[`x${j}`];
      if (x && 'Primal' in x && x.Primal > 0.5) sites.push(j);
    }
    if (!provenOptimal && sites.length === 0) {
      throw new Error('HiGHS reached its time limit before finding any plan');
    }
    solverObjective = solution.ObjectiveValue;
  }

  const steps = rankSites(problem, sites).filter((s) => s.gain > 0);
  sites = steps.map((s) => s.site).sort((a, b) => a - b);
  const optimum = coverageValue(problem, sites);
  const totalCost = sites.reduce((sum, j) => sum + problem.cost[j]!, 0);
  return {
    optimum,
    solverObjective,
    provenOptimal,
    sites,
    steps,
    totalCost,
    greedy,
    gap: optimum > 0 ? (optimum - greedy.coveredDemand) / optimum : 0,
    greedyRatio: optimum > 0 ? greedy.coveredDemand / optimum : 1,
  };
}

/**
 * The maximum coverage ILP in CPLEX LP format (as HiGHS reads it): columns `x<j>` for candidate
 * j and `y<i>` for cell i, rows `c<i>` (cell i seen), `count` and `dollars`.
 * `candidates` lists the candidate indices that have a column.
 */
export function maxCoverageLp(problem: SitingProblem): { text: string; candidates: number[] } {
  validateSitingProblem(problem);
  const value = effectiveDemand(problem);
  const nCells = value.length;
  const n = candidateCount(problem);
  const dollars = problem.budget.dollars ?? Infinity;
  const { coverOffsets: off, coverCells: cells } = problem;

  // Candidates worth a column, then the transpose cell → candidates restricted to them.
  const useful = new Uint8Array(n);
  const seers = new Uint32Array(nCells);
  for (let j = 0; j < n; j++) {
    if (problem.cost[j]! > dollars) continue;
    for (let k = off[j]!; k < off[j + 1]!; k++) {
      if (value[cells[k]!]! > 0) useful[j] = 1;
    }
    if (!useful[j]) continue;
    for (let k = off[j]!; k < off[j + 1]!; k++) seers[cells[k]!]!++;
  }
  const start = new Uint32Array(nCells + 1);
  for (let i = 0; i < nCells; i++) start[i + 1] = start[i]! + seers[i]!;
  const fill = start.slice(0, nCells);
  const bySeer = new Uint32Array(start[nCells]!);
  const candidates: number[] = [];
  for (let j = 0; j < n; j++) {
    if (!useful[j]) continue;
    candidates.push(j);
    for (let k = off[j]!; k < off[j + 1]!; k++) bySeer[fill[cells[k]!]!++] = j;
  }

  const objective: string[] = [];
  const rows: string[] = [];
  const ys: string[] = [];
  for (let i = 0; i < nCells; i++) {
    if (!(value[i]! > 0) || start[i] === start[i + 1]) continue;
    objective.push(`${num(value[i]!)} y${i}`);
    ys.push(`y${i}`);
    const terms = [`y${i}`];
    for (let k = start[i]!; k < start[i + 1]!; k++) terms.push(`- x${bySeer[k]}`);
    rows.push(` c${i}: ${wrap(terms)} <= 0`);
  }
  const xs = candidates.map((j) => `x${j}`);
  if (problem.budget.count !== undefined && xs.length > 0) {
    rows.push(` count: ${wrap(xs.map((x, k) => (k ? `+ ${x}` : x)))} <= ${problem.budget.count}`);
  }
  if (problem.budget.dollars !== undefined) {
    const paid = candidates.filter((j) => problem.cost[j]! > 0);
    const terms = paid.map((j, k) => `${k ? '+ ' : ''}${num(problem.cost[j]!)} x${j}`);
    if (terms.length > 0) rows.push(` dollars: ${wrap(terms)} <= ${num(problem.budget.dollars)}`);
  }
  const text = [
    'Maximize',
    ` obj: ${objective.length ? wrap(objective.map((t, k) => (k ? `+ ${t}` : t))) : '0 x0'}`,
    'Subject To',
    ...rows,
    'Binary',
    ...chunk([...xs, ...ys]).map((line) => ` ${line}`),
    'End',
    '',
  ].join('\n');
  return { text, candidates };
}

/** Shortest round-trip decimal; LP readers take exponents such as 1e-7. */
function num(v: number): string {
  return String(v);
}

/** Keeps lines short: some LP readers limit line length, and the file stays readable. */
function wrap(terms: string[]): string {
  return chunk(terms).join('\n   ');
}

function chunk(terms: string[], per = 12): string[] {
  const lines: string[] = [];
  for (let k = 0; k < terms.length; k += per) lines.push(terms.slice(k, k + per).join(' '));
  return lines;
}
