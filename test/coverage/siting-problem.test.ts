import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../server/errors.js';
import { greedySiting } from '../../server/coverage/siting-greedy.js';
import {
  coverageFromLists,
  effectiveDemand,
  validateSitingProblem,
  type SitingProblem,
} from '../../server/coverage/siting-problem.js';

/** Three cells, two candidates: 0 sees cells 0-1, 1 sees cells 1-2. */
function createProblem(overrides: Partial<SitingProblem> = {}): SitingProblem {
  return {
    demand: Float64Array.from([1, 2, 3]),
    cost: Float64Array.from([100, 200]),
    coverOffsets: Uint32Array.from([0, 2, 4]),
    coverCells: Uint32Array.from([0, 1, 1, 2]),
    budget: { count: 1 },
    ...overrides,
  };
}

/** The fields a ValidationError names, or a failure if it throws anything else. */
function badFields(p: SitingProblem): string[] {
  try {
    validateSitingProblem(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => i.field);
  }
  return [];
}

describe('siting problem validation', () => {
  it('accepts a well-formed problem', () => {
    expect(badFields(createProblem())).toEqual([]);
    expect(badFields(createProblem({ budget: { dollars: 0 } }))).toEqual([]);
  });

  it.each<[string, Partial<SitingProblem>, string[], RegExp]>([
    ['negative demand', { demand: Float64Array.from([1, -2, 3]) }, ['demand.1'], /got -2/],
    ['NaN demand', { demand: Float64Array.from([1, NaN, 3]) }, ['demand.1'], /got NaN/],
    ['infinite cost', { cost: Float64Array.from([100, Infinity]) }, ['cost.1'], /got Infinity/],
    ['negative cost', { cost: Float64Array.from([-1, 200]) }, ['cost.0'], /got -1/],
    ['no budget', { budget: {} }, ['budget'], /neither/],
    ['fractional count', { budget: { count: 2.5 } }, ['budget.count'], /got 2.5/],
    ['negative count', { budget: { count: -1 } }, ['budget.count'], /got -1/],
    ['negative dollars', { budget: { dollars: -5 } }, ['budget.dollars'], /got -5/],
    ['short mask', { alreadyCovered: Uint8Array.from([1, 0]) }, ['alreadyCovered'], /got 2/],
    ['value above 1', { alreadyCoveredValue: 1.5 }, ['alreadyCoveredValue'], /got 1.5/],
    ['offsets too short', { coverOffsets: Uint32Array.from([0, 2]) }, ['coverOffsets'], /= 3, got 2/],
    ['offsets not from 0', { coverOffsets: Uint32Array.from([1, 2, 4]) }, ['coverOffsets.0'], /got 1/],
    ['offsets decreasing', { coverOffsets: Uint32Array.from([0, 3, 2]) }, ['coverOffsets.2'], /3 then 2/],
    [
      'offsets not ending at length',
      { coverOffsets: Uint32Array.from([0, 2, 3]) },
      ['coverOffsets.2'],
      /4, got 3/,
    ],
    ['cell out of range', { coverCells: Uint32Array.from([0, 1, 1, 3]) }, ['coverCells.3'], /cell 3.*only 3/],
    [
      'cell twice',
      { coverCells: Uint32Array.from([0, 1, 2, 2]) },
      ['coverCells.3'],
      /candidate 1 lists cell 2 twice/,
    ],
  ])('names the field for %s', (_, overrides, fields, message) => {
    const p = createProblem(overrides);
    expect(badFields(p)).toEqual(fields);
    expect(() => validateSitingProblem(p)).toThrow(message);
    // The solvers validate before touching the arrays.
    expect(() => greedySiting(p)).toThrow(ValidationError);
  });

  it('reports every bad field at once', () => {
    const p = createProblem({ demand: Float64Array.from([NaN, 0, 0]), budget: { count: -1, dollars: NaN } });
    expect(badFields(p)).toEqual(['demand.0', 'budget.count', 'budget.dollars']);
  });

  it('allows the same cell under different candidates', () => {
    expect(badFields(createProblem({ coverCells: Uint32Array.from([0, 1, 0, 1]) }))).toEqual([]);
  });
});

describe('coverageFromLists', () => {
  it('packs lists into CSR offsets and cells', () => {
    const { coverOffsets, coverCells } = coverageFromLists([[0, 1], [], [1, 2]]);
    expect([...coverOffsets]).toEqual([0, 2, 2, 4]);
    expect([...coverCells]).toEqual([0, 1, 1, 2]);
  });

  it('rejects an index that is not a cell', () => {
    expect(() => coverageFromLists([[0], [1.5]])).toThrow(/candidate 1 has cell index 1.5/);
    expect(() => coverageFromLists([[-1]])).toThrow(ValidationError);
  });
});

describe('effective demand of cells the existing network sees', () => {
  const seen = Uint8Array.from([1, 0, 1]);

  it('is zero by default', () => {
    expect([...effectiveDemand(createProblem({ alreadyCovered: seen }))]).toEqual([0, 2, 0]);
  });

  it('is the stated fraction of the demand otherwise', () => {
    const p = createProblem({ alreadyCovered: seen, alreadyCoveredValue: 0.25 });
    expect([...effectiveDemand(p)]).toEqual([0.25, 2, 0.75]);
    expect([...p.demand]).toEqual([1, 2, 3]);
  });
});
