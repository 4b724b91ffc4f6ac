/**
 * The incidents as columns: the time window, categories and bbox select what the SQL selects, the
 * histogram and the H3 density count what was placed by hand, and a delta gives the same columns as
 * a rebuild from scratch.
 */
import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../server/demo/random.js';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../server/domain/types.js';
import {
  applyIncidentDelta,
  columnsFromRows,
  densityOf,
  histogramOf,
  mergeIdRanges,
  rowsOfLength,
  selectIncidents,
  warmCells,
  type IncidentColumns,
  type IncidentRows,
} from '../../server/incidents/incident-columns.js';

interface Row {
  id: number;
  /** ISO instant or epoch ms. */
  t: string | number;
  lng: number;
  lat: number;
  category?: IncidentCategory;
  synthetic?: boolean;
}

function rowsOf(list: readonly Row[]): IncidentRows {
  const rows = rowsOfLength(list.length);
  list.forEach((r, i) => {
    rows.ids[i] = r.id;
    rows.times[i] = typeof r.t === 'number' ? r.t : Date.parse(r.t);
    rows.lngs[i] = r.lng;
    rows.lats[i] = r.lat;
    rows.categories[i] = INCIDENT_CATEGORIES.indexOf(r.category ?? 'traffic');
    rows.synthetic[i] = r.synthetic ? 1 : 0;
  });
  return rows;
}

const columnsOf = (list: readonly Row[]) => columnsFromRows(rowsOf(list));
const ids = (c: IncidentColumns, picked: Uint32Array) => [...picked].map((i) => c.ids[i]);

describe('columnsFromRows', () => {
  it('orders rows by time, then id', () => {
    const c = columnsOf([
      { id: 5, t: '2031-03-01T02:00:00Z', lng: 0, lat: 0 },
      { id: 9, t: '2031-03-01T01:00:00Z', lng: 0, lat: 0 },
      { id: 3, t: '2031-03-01T02:00:00Z', lng: 0, lat: 0 },
      { id: 1, t: '2031-03-01T03:00:00Z', lng: 0, lat: 0 },
    ]);
    expect([...c.ids]).toEqual([9, 3, 5, 1]);
    expect(c.length).toBe(4);
  });

  it('refuses columns of different lengths and unknown categories', () => {
    const rows = rowsOfLength(2);
    expect(() => columnsFromRows({ ...rows, lats: new Float64Array(1) })).toThrow(
      'Incident columns differ in length: 2, 2, 2, 1, 2, 2',
    );
    rows.ids[1] = 77;
    rows.categories[1] = 6;
    expect(() => columnsFromRows(rows)).toThrow('Incident 77 has category index 6, outside 0…5');
  });
});

describe('selectIncidents', () => {
  const c = columnsOf([
    { id: 1, t: '2031-03-01T00:00:00Z', lng: -78.5, lat: 0, category: 'fire' },
    { id: 2, t: '2031-03-01T12:00:00Z', lng: -78.2, lat: 0.5, category: 'medical' },
    { id: 3, t: '2031-03-01T23:59:59.999Z', lng: -78, lat: 1, category: 'traffic' },
    { id: 4, t: '2031-03-02T00:00:00Z', lng: -78.2, lat: 0, category: 'fire' },
  ]);

  it('takes the window [from, to): the first instant in, the last out', () => {
    const window = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-02T00:00:00Z') };
    expect(ids(c, selectIncidents(c, window))).toEqual([1, 2, 3]);
    expect(ids(c, selectIncidents(c, { from: new Date('2031-03-01T00:00:00.001Z') }))).toEqual([2, 3, 4]);
    expect(ids(c, selectIncidents(c, { to: new Date('2031-03-01T12:00:00Z') }))).toEqual([1]);
    expect(ids(c, selectIncidents(c, {}))).toEqual([1, 2, 3, 4]);
  });

  it('filters by categories; none or an empty list means all', () => {
    expect(ids(c, selectIncidents(c, { category: ['fire', 'medical'] }))).toEqual([1, 2, 4]);
    expect(ids(c, selectIncidents(c, { category: [] }))).toEqual([1, 2, 3, 4]);
  });

  it("counts points on the bbox's edges and corners", () => {
    expect(ids(c, selectIncidents(c, { bbox: [-78.5, 0, -78, 1] }))).toEqual([1, 2, 3, 4]);
    expect(ids(c, selectIncidents(c, { bbox: [-78.4, 0.1, -78, 1] }))).toEqual([2, 3]);
  });

  it("rounds the bbox outwards to float4 as PostGIS's && does", () => {
    // Between 64° and 128° float4 values are 2^-17° ≈ 7.63e-6° apart. -78.5 and -78 are float4
    // values, so PostGIS's box of the envelope is exactly [-78.5, -78]; a point's box is rounded
    // outwards to the float4 values around it, so a point less than one float4 step outside the
    // envelope overlaps it, one more than a step outside does not.
    const step = 2 ** -17;
    const near = columnsOf([
      { id: 1, t: 0, lng: -78.5 - step / 2, lat: 0.5 },
      { id: 2, t: 0, lng: -78.5 - step * 1.5, lat: 0.5 },
      { id: 3, t: 0, lng: -78 + step / 2, lat: 0.5 },
      { id: 4, t: 0, lng: -78 + step * 1.5, lat: 0.5 },
      // Between 0.5 and 1, float4 values are 2^-24 apart.
      { id: 5, t: 0, lng: -78.2, lat: 1 + 2 ** -25 },
      { id: 6, t: 0, lng: -78.2, lat: 1 + 2 ** -22 },
    ]);
    expect(ids(near, selectIncidents(near, { bbox: [-78.5, 0, -78, 1] }))).toEqual([1, 3, 5]);
  });
});

describe('histogramOf', () => {
  it('counts per hour on the grid since 2000-01-01, the first bucket at or before from', () => {
    const c = columnsOf([
      { id: 1, t: '2031-03-01T00:10:00Z', lng: 0, lat: 0 }, // before from
      { id: 2, t: '2031-03-01T00:30:00Z', lng: 0, lat: 0, synthetic: true }, // at from
      { id: 3, t: Date.parse('2031-03-01T01:59:59.999Z') + 0.0005, lng: 0, lat: 0 }, // half a µs before 02:00
      { id: 4, t: '2031-03-01T02:00:00Z', lng: 0, lat: 0 },
      { id: 5, t: '2031-03-01T02:00:00Z', lng: 0, lat: 0 },
      { id: 6, t: '2031-03-01T03:00:00Z', lng: 0, lat: 0 }, // at to
    ]);
    const h = histogramOf(
      c,
      { from: new Date('2031-03-01T00:30:00Z'), to: new Date('2031-03-01T03:00:00Z') },
      3600,
    );
    expect(h).toEqual({
      from: '2031-03-01T00:30:00.000Z',
      to: '2031-03-01T03:00:00.000Z',
      bucketSeconds: 3600,
      total: 4,
      synthetic: 1,
      buckets: [
        { t: '2031-03-01T00:00:00.000Z', n: 1 },
        { t: '2031-03-01T01:00:00.000Z', n: 1 },
        { t: '2031-03-01T02:00:00.000Z', n: 2 },
      ],
    });
  });

  it('counts per 6 hours and per day with empty buckets, filtered by category', () => {
    const c = columnsOf([
      { id: 1, t: '2031-03-01T05:59:59Z', lng: 0, lat: 0, category: 'fire' },
      { id: 2, t: '2031-03-01T06:00:00Z', lng: 0, lat: 0, category: 'fire' },
      { id: 3, t: '2031-03-01T19:00:00Z', lng: 0, lat: 0, category: 'traffic' },
      { id: 4, t: '2031-03-03T01:00:00Z', lng: 0, lat: 0, category: 'fire' },
    ]);
    const window = { from: new Date('2031-03-01T03:00:00Z'), to: new Date('2031-03-02T00:00:00Z') };
    // 6-hour buckets since 2000-01-01T00:00Z start at 00, 06, 12 and 18 h UTC.
    expect(histogramOf(c, { ...window, category: ['fire'] }, 21600).buckets).toEqual([
      { t: '2031-03-01T00:00:00.000Z', n: 1 },
      { t: '2031-03-01T06:00:00.000Z', n: 1 },
      { t: '2031-03-01T12:00:00.000Z', n: 0 },
      { t: '2031-03-01T18:00:00.000Z', n: 0 },
    ]);
    const days = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-04T00:00:00Z') };
    expect(histogramOf(c, days, 86400).buckets.map((b) => b.n)).toEqual([3, 0, 1]);
  });

  it('refuses a bucket width that is not positive', () => {
    const c = columnsOf([]);
    expect(() => histogramOf(c, { from: new Date(0), to: new Date(1) }, 0)).toThrow(
      'Invalid bucket width: 0 s',
    );
  });
});

describe('densityOf', () => {
  // A res-5 cell over Quito and two of its neighbours (h3-js gridDisk); incidents at their centres.
  const quito = latLngToCell(-0.2, -78.5, 5);
  const a = '8566d30ffffffff';
  const b = '8566d377fffffff';
  const at = (cell: string, id: number, extra: Partial<Row> = {}): Row => {
    const [lat, lng] = cellToLatLng(cell);
    return { id, t: '2031-03-01T01:00:00Z', lng, lat, ...extra };
  };

  it('counts incidents per cell, most first, ties by index', () => {
    const c = columnsOf([
      at(quito, 1),
      at(b, 2),
      at(quito, 3, { synthetic: true }),
      at(a, 4),
      at(b, 5),
      at(quito, 6),
      at(a, 7, { category: 'fire' }),
    ]);
    expect(densityOf(c, {}, 5)).toEqual({
      res: 5,
      total: 7,
      synthetic: 1,
      // a and b tie; a comes first as a string ('8566d30…' < '8566d37…').
      cells: [
        { h3: quito, n: 3 },
        { h3: a, n: 2 },
        { h3: b, n: 2 },
      ],
    });
    // A second count reuses the remembered cells.
    expect(densityOf(c, { category: ['traffic'] }, 5).cells).toEqual([
      { h3: quito, n: 3 },
      { h3: b, n: 2 },
      { h3: a, n: 1 },
    ]);
  });

  it('counts at the finer resolution the cell of each position', () => {
    const c = columnsOf([at(quito, 1), at(a, 2)]);
    const cells = densityOf(c, {}, 8).cells.map((x) => x.h3);
    // Each res-5 centre lies in one res-8 cell of the same area: the centre's own res-8 cell.
    expect(cells.sort()).toEqual(
      [cellToLatLng(quito), cellToLatLng(a)].map(([lat, lng]) => latLngToCell(lat, lng, 8)).sort(),
    );
  });

  it('refuses resolutions outside 3…8', () => {
    expect(() => densityOf(columnsOf([]), {}, 2)).toThrow('Invalid density resolution: 2');
    expect(() => densityOf(columnsOf([]), {}, 9)).toThrow('Invalid density resolution: 9');
  });
});

describe('warmCells', () => {
  it('computes cells ahead in slices; counts stay those of cells computed on demand', () => {
    const rng = createRng('incident-columns:warm');
    const list: Row[] = Array.from({ length: 500 }, (_, i) => ({
      id: i + 1,
      t: i * 1000,
      lng: rng.uniform(-80.5, -77.5),
      lat: rng.uniform(-3, 0.5),
    }));
    const warmed = columnsOf(list);
    let row = 0;
    let slices = 0;
    while (row < warmed.length) {
      row = warmCells(warmed, 7, row, 128);
      slices++;
    }
    expect(slices).toBe(4); // 128 + 128 + 128 + 116
    expect(warmed.cellTables.get(7)!.cells.length).toBeGreaterThan(0);
    const cold = columnsOf(list);
    expect(densityOf(warmed, { bbox: [-79, -2, -78, 0] }, 7)).toEqual(
      densityOf(cold, { bbox: [-79, -2, -78, 0] }, 7),
    );
    // Every one of the 500 rows counted, each in the cell latLngToCell gives it.
    const expected = new Map<string, number>();
    for (const r of list) {
      const cell = latLngToCell(r.lat, r.lng, 7);
      expected.set(cell, (expected.get(cell) ?? 0) + 1);
    }
    expect(new Map(densityOf(warmed, {}, 7).cells.map((c) => [c.h3, c.n]))).toEqual(expected);
    expect(() => warmCells(warmed, 9, 0, 1)).toThrow('Invalid density resolution: 9');
  });
});

describe('mergeIdRanges', () => {
  it('sorts, joins overlapping and adjacent ranges, keeps gaps', () => {
    const r = mergeIdRanges([
      [10, 12],
      [1, 3],
      [4, 4],
      [11, 20],
      [30, 31],
    ]);
    expect([...r.lo]).toEqual([1, 10, 30]);
    expect([...r.hi]).toEqual([4, 20, 31]);
    expect(() => mergeIdRanges([[5, 4]])).toThrow('Invalid id range: [5, 4]');
  });
});

describe('applyIncidentDelta', () => {
  const quito = { lng: -78.5, lat: -0.2 };
  const guayaquil = { lng: -79.9, lat: -2.19 };
  const base: Row[] = [
    { id: 1, t: '2031-03-01T01:00:00Z', ...quito },
    { id: 2, t: '2031-03-01T02:00:00Z', ...quito },
    { id: 3, t: '2031-03-01T03:00:00Z', ...guayaquil },
  ];

  it('inserts in time order', () => {
    const c = columnsOf(base);
    const next = applyIncidentDelta(
      c,
      mergeIdRanges([[4, 5]]),
      rowsOf([
        { id: 5, t: '2031-03-01T00:30:00Z', ...quito },
        { id: 4, t: '2031-03-01T02:30:00Z', ...guayaquil },
      ]),
    );
    expect([...next.ids]).toEqual([5, 1, 2, 4, 3]);
    expect([...c.ids]).toEqual([1, 2, 3]); // the old columns are left as they were
  });

  it('moves an updated incident to its new cell, and deletes', () => {
    const c = columnsOf(base);
    const q = latLngToCell(quito.lat, quito.lng, 6);
    const g = latLngToCell(guayaquil.lat, guayaquil.lng, 6);
    expect(densityOf(c, {}, 6).cells).toEqual([
      { h3: q, n: 2 },
      { h3: g, n: 1 },
    ]);
    const moved = applyIncidentDelta(
      c,
      mergeIdRanges([[2, 2]]),
      rowsOf([{ id: 2, t: '2031-03-01T02:00:00Z', ...guayaquil }]),
    );
    expect(densityOf(moved, {}, 6).cells).toEqual([
      { h3: g, n: 2 },
      { h3: q, n: 1 },
    ]);
    const deleted = applyIncidentDelta(moved, mergeIdRanges([[1, 3]]), rowsOf([]));
    expect(deleted.length).toBe(0);
    expect(densityOf(deleted, {}, 6)).toEqual({ res: 6, total: 0, synthetic: 0, cells: [] });
  });

  it("keeps another writer's rows inside a range as the database gives them back", () => {
    // Writer A's insert logged ids 10…20; id 15 is writer B's, committed earlier. Re-reading the
    // range returns it again (and not A's id 12, rolled back): 15 is there once.
    const c = columnsOf([...base, { id: 15, t: '2031-03-01T04:00:00Z', ...quito }]);
    const next = applyIncidentDelta(
      c,
      mergeIdRanges([[10, 20]]),
      rowsOf([
        { id: 10, t: '2031-03-01T05:00:00Z', ...quito },
        { id: 15, t: '2031-03-01T04:00:00Z', ...quito },
        { id: 20, t: '2031-03-01T03:30:00Z', ...quito },
      ]),
    );
    expect([...next.ids]).toEqual([1, 2, 3, 20, 15, 10]);
  });

  it('refuses a row outside the changed ranges', () => {
    const c = columnsOf(base);
    expect(() => applyIncidentDelta(c, mergeIdRanges([[4, 9]]), rowsOf([{ id: 3, t: 0, ...quito }]))).toThrow(
      'Incident 3 is not in the changed id ranges',
    );
  });

  it('equals a rebuild from scratch after any sequence of random changes', () => {
    const rng = createRng('incident-columns:delta');
    const truth = new Map<number, Row>();
    const t0 = Date.parse('2031-03-01T00:00:00Z');
    const randomRow = (id: number): Row => ({
      id,
      // Whole minutes, so that equal times (ordered by id) are common.
      t: t0 + rng.int(600) * 60_000,
      lng: rng.uniform(-80.5, -77.5),
      lat: rng.uniform(-3, 0.5),
      category: INCIDENT_CATEGORIES[rng.int(INCIDENT_CATEGORIES.length)]!,
      synthetic: rng.chance(0.3),
    });
    let nextId = 1;
    let columns = columnsFromRows(rowsOfLength(0));
    const window = { from: new Date(t0 + 100 * 60_000), to: new Date(t0 + 400 * 60_000) };
    for (let step = 0; step < 120; step++) {
      const pairs: [number, number][] = [];
      const changes = 1 + rng.int(3);
      for (let k = 0; k < changes; k++) {
        const kind = rng.int(3);
        if (kind === 0 || truth.size === 0) {
          const n = 1 + rng.int(20);
          for (let j = 0; j < n; j++) truth.set(nextId + j, randomRow(nextId + j));
          pairs.push([nextId, nextId + n - 1]);
          nextId += n + rng.int(3); // ids a rolled-back writer drew are never seen
        } else {
          const lo = 1 + rng.int(nextId);
          const hi = Math.min(nextId, lo + rng.int(15));
          for (let id = lo; id <= hi; id++) {
            if (!truth.has(id)) continue;
            if (kind === 1) truth.set(id, { ...randomRow(id) });
            else truth.delete(id);
          }
          pairs.push([lo, hi]);
        }
      }
      const ranges = mergeIdRanges(pairs);
      const inRange = (id: number) => pairs.some(([lo, hi]) => id >= lo && id <= hi);
      const reread = [...truth.values()].filter((r) => inRange(r.id));
      columns = applyIncidentDelta(columns, ranges, rowsOf(reread));
      const rebuilt = columnsOf([...truth.values()]);
      expect([...columns.ids]).toEqual([...rebuilt.ids]);
      expect([...columns.times]).toEqual([...rebuilt.times]);
      expect([...columns.lngs]).toEqual([...rebuilt.lngs]);
      expect([...columns.lats]).toEqual([...rebuilt.lats]);
      expect([...columns.categories]).toEqual([...rebuilt.categories]);
      expect([...columns.synthetic]).toEqual([...rebuilt.synthetic]);
      if (step % 10 === 0) {
        // The remembered cells, carried through the deltas, count as cells computed afresh.
        for (const res of [5, 8]) {
          expect(densityOf(columns, window, res)).toEqual(densityOf(rebuilt, window, res));
        }
        expect(histogramOf(columns, window, 3600)).toEqual(histogramOf(rebuilt, window, 3600));
      }
    }
    expect(truth.size).toBeGreaterThan(100);
  });
});
