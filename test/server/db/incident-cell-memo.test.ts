/**
 * Remembered H3 cells count exactly what latLngToCell per point counts, warm or cold, past the memory
 * bound too; and the packed ids and positions the density query sends are read back exactly.
 */
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { IncidentCellMemo, unpackIdPositions } from '../../../server/db/incident-cell-memo.js';
import { createRng } from '../../../server/demo/random.js';

/** n points over mainland Ecuador's bounding box, ids 1…n. */
function points(n: number, seed: string) {
  const rng = createRng(seed);
  const ids = Float64Array.from({ length: n }, (_, i) => i + 1);
  const lngs = Float64Array.from({ length: n }, () => rng.uniform(-81, -75.2));
  const lats = Float64Array.from({ length: n }, () => rng.uniform(-5, 1.4));
  return { ids, lngs, lats };
}

/** The reference: one latLngToCell per point. */
function direct(lngs: Float64Array, lats: Float64Array, res: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < lngs.length; i++) {
    const cell = latLngToCell(lats[i]!, lngs[i]!, res);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts;
}

describe('IncidentCellMemo', () => {
  it('counts as latLngToCell does, at every density resolution, cold and warm', () => {
    const { ids, lngs, lats } = points(2000, 'memo');
    const memo = new IncidentCellMemo();
    for (let res = 3; res <= 8; res++) {
      const expected = direct(lngs, lats, res);
      expect(memo.count(ids, lngs, lats, res)).toEqual(expected);
      expect(memo.count(ids, lngs, lats, res)).toEqual(expected);
    }
    expect(memo.size).toBe(6 * 2000);
  });

  it('looks an id up instead of its position once its cell is known', () => {
    const memo = new IncidentCellMemo();
    const quito = latLngToCell(-0.2, -78.5, 5);
    memo.count([7], [-78.5], [-0.2], 5);
    // Incidents never move: the position is not read again (here a Guayaquil one under the same id).
    expect(memo.count([7], [-79.9], [-2.19], 5)).toEqual(new Map([[quito, 1]]));
  });

  it('stays exact past its bound, starting again empty', () => {
    const { ids, lngs, lats } = points(250, 'bound');
    const memo = new IncidentCellMemo(100);
    expect(memo.count(ids, lngs, lats, 7)).toEqual(direct(lngs, lats, 7));
    expect(memo.size).toBeLessThanOrEqual(100);
    expect(memo.count(ids, lngs, lats, 7)).toEqual(direct(lngs, lats, 7));
  });

  it('refuses a bad resolution, arrays of different lengths and a bound that cannot work', () => {
    const memo = new IncidentCellMemo();
    expect(() => memo.count([1], [0], [0], 16)).toThrow('Invalid H3 resolution: 16');
    expect(() => memo.count([1, 2], [0], [0], 5)).toThrow('differ in length: 2, 1, 1');
    expect(() => new IncidentCellMemo(0)).toThrow('maxEntries must be a positive integer, got 0');
  });
});

describe('unpackIdPositions', () => {
  it('reads big-endian int8 ids and float8 longitudes and latitudes', () => {
    const bytes = new Uint8Array(48);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(0, 42n, false);
    view.setFloat64(8, -78.5, false);
    view.setFloat64(16, -0.2, false);
    view.setBigInt64(24, 9_007_199_254_740_991n, false); // 2^53 − 1, the largest exact id
    view.setFloat64(32, -89.61, false);
    view.setFloat64(40, -0.9017, false);
    const { ids, lngs, lats } = unpackIdPositions(bytes);
    expect([...ids]).toEqual([42, 9_007_199_254_740_991]);
    expect([...lngs]).toEqual([-78.5, -89.61]);
    expect([...lats]).toEqual([-0.2, -0.9017]);
    expect(() => unpackIdPositions(new Uint8Array(23))).toThrow('multiple of 24 bytes, got 23');
  });
});
