/**
 * Agreement with an independent implementation: gdal_viewshed (gdal-bin) on windows of the real
 * SRTM DEMs in data/dem, cell by cell inside the range both compute.
 *
 * gdal_viewshed measures distances in the raster's CRS units, so it is meaningful only on a
 * projected grid. Two kinds of case:
 *  - UTM: a window warped to EPSG:32717 with gdalwarp; both tools read the same file.
 *  - degree grid: a window of the 3″ DEM read in EPSG:4326 by our reader (true ground distances
 *    from the ellipsoid), and the very same cells relabelled with a metric georeference
 *    (gdal_translate -a_ullr) for gdal_viewshed.
 *
 * gdal-bin before 3.10 marks the cells above and below the observer with the observer's ground
 * as horizon (OSGeo/gdal#10205). Our default does not; against such a GDAL the budget is checked
 * with adjacentHorizon 'observer-ground', and the default's agreement is printed beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDemFile, readDemAround } from '../../server/coverage/dem-raster.js';
import type { DemRaster } from '../../server/coverage/dem-raster.js';
import { metresPerDegree } from '../../server/coverage/ground-scale.js';
import { computeViewshed } from '../../server/coverage/viewshed.js';
import type { ViewshedOptions } from '../../server/coverage/viewshed.js';
import {
  agreement,
  gdalHasAdjacentCellBug,
  gdalTransform,
  hasGdal,
  runGdalViewshed,
  translateWindow,
  warpToUtm,
} from './gdal-reference.js';

const ANDES_3S = new URL('../../data/dem/central-andes-srtm-3s.tif', import.meta.url).pathname;
const ECUADOR_9S = new URL('../../data/dem/ecuador-srtm-9s.tif', import.meta.url).pathname;
const UTM_17S = 32717;
const BUDGET_PERCENT = 99;

interface Case {
  name: string;
  src: string;
  lon: number;
  lat: number;
  observerHeightM: number;
  targetHeightM: number;
  rangeM: number;
  curvatureCoeff: number;
  /** 'utm': warp to UTM 17S at this cell size; 'degrees': keep the source grid. */
  grid: { kind: 'utm'; cellM: number } | { kind: 'degrees' };
}

const CASES: Case[] = [
  {
    name: 'Cotopaxi summit, 3″ → UTM 90 m, 20 km',
    src: ANDES_3S,
    lon: -78.436,
    lat: -0.677,
    observerHeightM: 10,
    targetHeightM: 1.7,
    rangeM: 20000,
    curvatureCoeff: 0.85714,
    grid: { kind: 'utm', cellM: 90 },
  },
  {
    name: 'Quito valley, 3″ → UTM 90 m, 10 km',
    src: ANDES_3S,
    lon: -78.5,
    lat: -0.2,
    observerHeightM: 15,
    targetHeightM: 1.7,
    rangeM: 10000,
    curvatureCoeff: 0.85714,
    grid: { kind: 'utm', cellM: 90 },
  },
  {
    name: 'Tungurahua flank, 3″ → UTM 90 m, 15 km',
    src: ANDES_3S,
    lon: -78.47,
    lat: -1.43,
    observerHeightM: 5,
    targetHeightM: 1.7,
    rangeM: 15000,
    curvatureCoeff: 0.85714,
    grid: { kind: 'utm', cellM: 90 },
  },
  {
    name: 'Chimborazo, 9″ → UTM 280 m, 40 km, flat Earth',
    src: ECUADOR_9S,
    lon: -78.817,
    lat: -1.469,
    observerHeightM: 10,
    targetHeightM: 0,
    rangeM: 40000,
    curvatureCoeff: 0,
    grid: { kind: 'utm', cellM: 280 },
  },
  {
    name: 'Reventador, 3″ degree grid, 15 km',
    src: ANDES_3S,
    lon: -77.656,
    lat: -0.077,
    observerHeightM: 20,
    targetHeightM: 1.7,
    rangeM: 15000,
    curvatureCoeff: 0.85714,
    grid: { kind: 'degrees' },
  },
  {
    name: 'Sangay valley, 3″ degree grid, 20 km',
    src: ANDES_3S,
    lon: -78.45,
    lat: -2.05,
    observerHeightM: 30,
    targetHeightM: 1.7,
    rangeM: 20000,
    curvatureCoeff: 0.85714,
    grid: { kind: 'degrees' },
  },
];

const gdal = hasGdal();
if (!gdal) {
  console.warn(
    'SKIPPED viewshed-gdal: gdal_viewshed not found on PATH; install gdal-bin (apt-get install -y gdal-bin) to measure agreement',
  );
}

describe.skipIf(!gdal)('viewshed agreement with gdal_viewshed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-viewshed-gdal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rows: string[] = [];
  afterAll(() => {
    console.log(
      `viewshed vs gdal_viewshed (${gdalHasAdjacentCellBug() ? 'GDAL < 3.10' : 'GDAL ≥ 3.10'}):\n` +
        rows.join('\n'),
    );
  });

  for (const k of CASES) {
    it(`agrees on ≥ ${BUDGET_PERCENT}% of cells: ${k.name}`, async () => {
      const { demPath, gdalDemPath, x, y, gx, gy, onOurGrid } = prepare(k, dir);
      const dem = await readDemAround(await openDemFile(demPath), x, y, k.rangeM);
      const base: ViewshedOptions = {
        x,
        y,
        observerHeightM: k.observerHeightM,
        targetHeightM: k.targetHeightM,
        rangeM: k.rangeM,
        curvatureCoeff: k.curvatureCoeff,
      };
      const ref = await runGdalViewshed({
        x: gx,
        y: gy,
        observerHeightM: k.observerHeightM,
        targetHeightM: k.targetHeightM,
        rangeM: k.rangeM,
        curvatureCoeff: k.curvatureCoeff,
        dem: gdalDemPath,
        out: join(dir, `${slug(k.name)}-gdal.tif`),
      });
      const asGdal = agreement(
        computeViewshed(dem, {
          ...base,
          adjacentHorizon: gdalHasAdjacentCellBug() ? 'observer-ground' : 'own',
        }),
        onOurGrid(ref),
      );
      const byDefault = agreement(computeViewshed(dem, base), onOurGrid(ref));
      rows.push(
        `  ${k.name}: ${asGdal.percent.toFixed(3)}% of ${asGdal.cells} cells (GDAL's adjacent-cell convention), ` +
          `${byDefault.percent.toFixed(3)}% with our default; visible ${asGdal.visibleMine} vs ${asGdal.visibleGdal}; ` +
          `range mismatches ${asGdal.rangeMismatch}`,
      );
      expect(asGdal.cells).toBeGreaterThan(1000);
      expect(asGdal.visibleGdal).toBeGreaterThan(0);
      expect(asGdal.visibleGdal).toBeLessThan(asGdal.cells);
      expect(asGdal.percent).toBeGreaterThanOrEqual(BUDGET_PERCENT);
    });
  }
});

interface Prepared {
  /** The DEM our code reads and the one gdal_viewshed reads: the same cells. */
  demPath: string;
  gdalDemPath: string;
  /** The observer in each one's CRS. */
  x: number;
  y: number;
  gx: number;
  gy: number;
  /** gdal_viewshed's output georeferenced on the grid our code read. */
  onOurGrid: (ref: DemRaster) => DemRaster;
}

function prepare(k: Case, dir: string): Prepared {
  const s = slug(k.name);
  if (k.grid.kind === 'utm') {
    const [x, y] = gdalTransform(k.lon, k.lat, UTM_17S);
    const m = k.rangeM + 3000;
    const demPath = join(dir, `${s}-utm.tif`);
    warpToUtm(k.src, demPath, UTM_17S, k.grid.cellM, [x - m, y - m, x + m, y + m]);
    return { demPath, gdalDemPath: demPath, x, y, gx: x, gy: y, onOurGrid: (ref) => ref };
  }
  // Degree grid: a window of the source in EPSG:4326 for us, the same cells in metres for GDAL,
  // with the cell size of the ellipsoid at the observer's latitude.
  const pxDeg = 3 / 3600;
  const ox = -79.25 - pxDeg / 2;
  const oy = 0.5 + pxDeg / 2;
  const col = Math.floor((k.lon - ox) / pxDeg);
  const row = Math.floor((oy - k.lat) / pxDeg);
  const half = Math.ceil(k.rangeM / 90) + 4;
  const srcwin: [number, number, number, number] = [col - half, row - half, 2 * half + 1, 2 * half + 1];
  const demPath = join(dir, `${s}-deg.tif`);
  translateWindow(k.src, demPath, srcwin);
  const lat = oy - (row + 0.5) * pxDeg;
  const kk = metresPerDegree(lat);
  const ex = pxDeg * kk.east;
  const ny = pxDeg * kk.north;
  const ulx = 500000;
  const uly = 10000000;
  const gdalDemPath = join(dir, `${s}-metric.tif`);
  translateWindow(k.src, gdalDemPath, srcwin, {
    srs: `EPSG:${UTM_17S}`,
    ullr: [ulx, uly, ulx + srcwin[2] * ex, uly - srcwin[3] * ny],
  });
  const lon = ox + (col + 0.5) * pxDeg;
  // Cell (c, r) of the relabelled file is cell (c, r) of the degree window, whose origin is
  // that of srcwin in the source.
  const onOurGrid = (ref: DemRaster): DemRaster => {
    const c0 = Math.round((ref.geoTransform[0] - ulx) / ex);
    const r0 = Math.round((uly - ref.geoTransform[3]) / ny);
    return {
      ...ref,
      geoTransform: [ox + (srcwin[0] + c0) * pxDeg, pxDeg, 0, oy - (srcwin[1] + r0) * pxDeg, 0, -pxDeg],
    };
  };
  return {
    demPath,
    gdalDemPath,
    x: lon,
    y: lat,
    gx: ulx + (half + 0.5) * ex,
    gy: uly - (half + 0.5) * ny,
    onOurGrid,
  };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
