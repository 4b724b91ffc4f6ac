/**
 * scripts/viewshed.ts end to end on the fixtures of test/fixtures/coverage, whose shadows are
 * worked out by hand in make-fixtures.ts; the output is read back with GDAL when it is there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDemFile, readDem } from '../../server/coverage/dem-raster.js';
import { hasGdal } from './gdal-reference.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCRIPT = join(ROOT, 'scripts/viewshed.ts');
const WALL = join(ROOT, 'test/fixtures/coverage/wall-utm17s.tif');
const RIDGE = join(ROOT, 'test/fixtures/coverage/ridge-4326.tif');
const dir = mkdtempSync(join(tmpdir(), 'atalaya-viewshed-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
}

async function hiddenRowsAndCols(path: string) {
  const out = await readDem(await openDemFile(path));
  const rows = new Set<number>();
  const cols = new Set<number>();
  for (let r = 0; r < out.height; r++) {
    for (let c = 0; c < out.width; c++) {
      if (out.data[r * out.width + c] === 0) {
        rows.add(r);
        cols.add(c);
      }
    }
  }
  return { out, rows: [...rows].sort((a, b) => a - b), cols: [...cols].sort((a, b) => a - b) };
}

describe('npm run viewshed', () => {
  it('writes the ridge shadow of the degree fixture from --lon/--lat (negative values too)', async () => {
    // Cell (20, 50): lon −78.01 + 20.5/1200, lat 0.025 − 50.5/1200.
    const out = join(dir, 'ridge.tif');
    const res = run([
      '--dem',
      RIDGE,
      '--lon',
      '-77.99291667',
      '--lat',
      '-0.01708333',
      '--height',
      '10',
      '--curvature-coeff',
      '0',
      '--out',
      out,
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/observer cell \(20, 50\) ground 2000 m, eye 2010 m; 2173 visible cells/);
    const { out: vs, rows } = await hiddenRowsAndCols(out);
    expect([vs.width, vs.height]).toEqual([41, 61]);
    expect(rows).toEqual([34, 35, 36, 37, 38, 39, 40, 41]);
  });

  it('writes the wall shadow of the metric fixture from --x/--y, with target height and flat Earth', async () => {
    // Cell (20, 30) of a grid from (780000, 9930000) in 10 m cells: x 780205, y 9929695.
    const out = join(dir, 'wall.tif');
    const res = run([
      '--dem',
      WALL,
      '--x',
      '780205',
      '--y',
      '9929695',
      '--height',
      '10',
      '--target-height',
      '0',
      '--curvature-coeff',
      '0',
      '--out',
      out,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const { cols } = await hiddenRowsAndCols(out);
    expect(cols).toEqual([33, 34, 35, 36, 37]);
  });

  it("crops to the cells within range, on the DEM's grid", async () => {
    // 200 m in 10 m cells: 20 cells + 1 of margin either side of column 20, row 30 → columns
    // 0–41 (clipped at the west edge), rows 9–51: 42 × 43 cells.
    const out = join(dir, 'wall-range.tif');
    const res = run([
      '--dem',
      WALL,
      '--x',
      '780205',
      '--y',
      '9929695',
      '--height',
      '10',
      '--range',
      '200',
      '--out',
      out,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const vs = await readDem(await openDemFile(out));
    expect([vs.width, vs.height]).toEqual([42, 43]);
    expect(vs.geoTransform).toEqual([780000, 10, 0, 9930000 - 9 * 10, 0, -10]);
  });

  it('explains a bad call and exits 2', () => {
    const res = run([
      '--dem',
      WALL,
      '--lon',
      '-78',
      '--lat',
      '-1',
      '--height',
      '10',
      '--out',
      join(dir, 'x.tif'),
    ]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/the DEM is projected \(EPSG:32717\): give the observer as --x\/--y/);
    const bad = run([
      '--dem',
      RIDGE,
      '--lon',
      '-77.99',
      '--lat',
      'south',
      '--height',
      '10',
      '--out',
      join(dir, 'x.tif'),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--lat must be a number, got "south"/);
  });
});

describe.skipIf(!hasGdal())('npm run viewshed output in GDAL', () => {
  it("is a Byte GeoTIFF in EPSG:4326 on the DEM's grid", () => {
    const out = join(dir, 'ridge-gdal.tif');
    const res = run([
      '--dem',
      RIDGE,
      '--lon',
      '-77.99291667',
      '--lat',
      '-0.01708333',
      '--height',
      '10',
      '--range',
      '1000',
      '--out',
      out,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', out], { encoding: 'utf8' })) as {
      geoTransform: number[];
      coordinateSystem: { wkt: string };
      bands: { type: string }[];
    };
    expect(info.bands[0]?.type).toBe('Byte');
    expect(info.coordinateSystem.wkt).toMatch(/ID\["EPSG",4326\]\]$/);
    // 1000 m is 10.78 columns (92.77 m) and 10.85 rows (92.15 m): ⌈…⌉ + 1 = 12 cells either side.
    const [x0 = 0, px = 0, , y0 = 0, , py = 0] = info.geoTransform;
    expect(px).toBeCloseTo(1 / 1200, 12);
    expect(py).toBeCloseTo(-1 / 1200, 12);
    expect(x0).toBeCloseTo(-78.01 + 8 / 1200, 10);
    expect(y0).toBeCloseTo(0.025 - 38 / 1200, 10);
  });
});
