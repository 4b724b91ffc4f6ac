/**
 * Exports: counts and DORI classes as GeoTIFF read back with geotiff.js, gaps and sites as
 * GeoJSON and CSV (RFC 4180), and the footprint cell codec of the database cache.
 */
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { coverageGrid, gridTierOf } from '../../server/coverage/coverage-grid.js';
import {
  bestDoriRaster,
  countsRaster,
  gapsCsv,
  gapsFeatureCollection,
  newCoverageFeatureCollection,
  toCsv,
} from '../../server/coverage/coverage-export.js';
import { encodeGeoTiff } from '../../server/coverage/geotiff-encode.js';
import { sitesFeatureCollection, sitingCsv, type SitingRow } from '../../server/coverage/siting-table.js';
import type { GapCluster } from '../../server/coverage/gap-polygons.js';
import { decodeCells, encodeCells } from '../../server/db/coverage-store.js';
import { degreeDem } from './synthetic-dem.js';

// Coarse 9″ tier 8 × 8 from (−78, 0); fine 3″ tier 12 × 12 over coarse columns 4–7, rows 2–5.
const grid = coverageGrid([
  gridTierOf(
    'coarse',
    degreeDem(8, 8, 0.0025, -78, 0, () => 0),
  ),
  gridTierOf(
    'fine',
    degreeDem(12, 12, 1 / 1200, -77.99, -0.005, () => 0),
  ),
]);
const coarse = (c: number, r: number) => 144 + r * 8 + c;
const fine = (c: number, r: number) => r * 12 + c;

describe('countsRaster', () => {
  it('writes counts on a tier, sampling the finer cells the tier does not own, as a GeoTIFF GDAL can read', async () => {
    const counts = new Uint16Array(grid.cellCount);
    counts[coarse(0, 0)] = 3;
    counts[coarse(3, 2)] = 1;
    // Coarse (4, 2) is owned by the fine tier: its value is that of the fine cell at its centre, (1, 1).
    counts[fine(1, 1)] = 7;
    counts[fine(0, 0)] = 9; // not at a coarse centre: not sampled
    const raster = countsRaster(grid, counts, 1, { col0: 0, col1: 6, row0: 0, row1: 4 });
    const tiff = await fromArrayBuffer(encodeGeoTiff(raster));
    const image = await tiff.getImage();
    expect([image.getWidth(), image.getHeight()]).toEqual([6, 4]);
    expect(image.getOrigin().slice(0, 2)).toEqual([-78, 0]);
    expect(image.getResolution().slice(0, 2)).toEqual([0.0025, -0.0025]);
    const [band] = (await image.readRasters()) as unknown as Uint16Array[];
    const at = (c: number, r: number) => band![r * 6 + c];
    expect([at(0, 0), at(3, 2), at(4, 2), at(5, 3), at(1, 1)]).toEqual([3, 1, 7, 0, 0]);
  });

  it('refuses an empty window', () => {
    expect(() =>
      countsRaster(grid, new Uint16Array(grid.cellCount), 1, { col0: 2, col1: 2, row0: 0, row1: 1 }),
    ).toThrow(/Empty/);
  });
});

describe('bestDoriRaster', () => {
  it('takes the best class of any camera at each cell', () => {
    const footprints = [
      { cells: Uint32Array.of(coarse(0, 0), coarse(1, 0)), dori: Uint8Array.of(1, 2), tier: 1 },
      { cells: Uint32Array.of(coarse(1, 0)), dori: Uint8Array.of(4), tier: 1 },
    ];
    const r = bestDoriRaster(grid, footprints, 1, { col0: 0, col1: 3, row0: 0, row1: 1 });
    expect(Array.from(r.data)).toEqual([1, 4, 0]);
    // Coarse (4, 2) belongs to the fine tier: it shows the fine cell at its centre, (1, 1).
    const fineOnly = [{ cells: Uint32Array.of(fine(0, 0), fine(1, 1)), dori: Uint8Array.of(4, 2), tier: 0 }];
    const s = bestDoriRaster(grid, fineOnly, 1, { col0: 3, col1: 6, row0: 2, row1: 3 });
    expect(Array.from(s.data)).toEqual([0, 2, 0]);
  });
});

const gap: GapCluster = {
  rank: 1,
  tier: 1,
  cells: Uint32Array.of(coarse(0, 0), coarse(1, 0)),
  demand: 12,
  areaM2: 2 * 278.3 * 276.4,
  centroid: [-77.9975, -0.00125],
  bbox: [-78, -0.0025, -77.995, 0],
};

describe('gaps out', () => {
  it('as GeoJSON polygons of their cells', () => {
    const fc = gapsFeatureCollection(grid, [gap], 'incidents');
    expect(fc.features).toHaveLength(1);
    const f = fc.features[0]!;
    expect(f.properties).toMatchObject({ rank: 1, demand: 12, demandKind: 'incidents', cells: 2 });
    // One rectangle over the two cells: x −78…−77.995, y −0.0025…0.
    const ring = f.geometry.coordinates[0]![0]!;
    expect(ring).toHaveLength(5);
    expect(new Set(ring.map((p) => p.join(',')))).toEqual(
      new Set(['-78,0', '-78,-0.0025', '-77.995,-0.0025', '-77.995,0']),
    );
  });

  it('as CSV, one row per gap', () => {
    expect(gapsCsv([gap], 'incidents').split('\r\n')).toEqual([
      'rank,demand_kind,demand,cells,area_km2,centroid_lon,centroid_lat,west,south,east,north',
      '1,incidents,12,2,0.1538,-77.9975,-0.00125,-78,-0.0025,-77.995,0',
      '',
    ]);
  });
});

describe('siting out', () => {
  const row: SitingRow = {
    rank: 1,
    lon: -78.5,
    lat: -0.2,
    azimuthDeg: 0,
    source: 'town',
    label: 'Quito, "norte"',
    costUsd: 3516.8,
    cumulativeCostUsd: 3516.8,
    marginalGain: 40,
    marginalGainPct: 12.5,
    cumulativeCovered: 100,
    cumulativeCoveredPct: null,
    newCells: 2,
    newAreaKm2: 0.154,
  };

  it('quotes fields with commas and quotes, leaves null empty', () => {
    const lines = sitingCsv([row]).split('\r\n');
    expect(lines[1]).toBe('1,-78.5,-0.2,0,town,"Quito, ""norte""",3516.8,3516.8,40,12.5,100,,2,0.154');
    expect(toCsv(['a'], [['x\ny']])).toBe('a\r\n"x\ny"\r\n');
  });

  it('gives the sites as points and what each newly sees as polygons', () => {
    expect(sitesFeatureCollection([row]).features[0]).toMatchObject({
      geometry: { type: 'Point', coordinates: [-78.5, -0.2] },
      properties: { rank: 1, label: 'Quito, "norte"' },
    });
    const fc = newCoverageFeatureCollection(grid, [row], [Uint32Array.of(coarse(0, 0))]);
    expect(fc.features[0]!.geometry.coordinates).toHaveLength(1);
  });
});

describe('footprint cell codec', () => {
  it('round-trips ascending cells, small steps in one byte', () => {
    const cells = Uint32Array.of(0, 1, 2, 130, 5_000_000, 4_294_967_295);
    const bytes = encodeCells(cells);
    // 0, 1, 1 (one byte each), 128 (two), 4,999,870 (four), 4,289,967,295 (five).
    expect(bytes.length).toBe(3 + 2 + 4 + 5);
    expect(Array.from(decodeCells(bytes, cells.length))).toEqual(Array.from(cells));
    expect(decodeCells(encodeCells(new Uint32Array(0)), 0)).toEqual(new Uint32Array(0));
  });

  it('refuses cells out of order and bytes that do not hold the count', () => {
    expect(() => encodeCells(Uint32Array.of(3, 3))).toThrow(/ascend/);
    const bytes = encodeCells(Uint32Array.of(1, 2));
    expect(() => decodeCells(bytes, 3)).toThrow(/end after 2/);
    expect(() => decodeCells(bytes, 1)).toThrow(/left over/);
  });
});
