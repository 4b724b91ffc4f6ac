/**
 * gdal-bin as an independent reference for the coverage tests: run gdal_viewshed, warp a DEM
 * window to UTM, and count the cells where two visibility rasters agree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { DemRaster } from '../../server/coverage/dem-raster.js';
import { openDemFile, readDem } from '../../server/coverage/dem-raster.js';
import type { ViewshedResult } from '../../server/coverage/viewshed.js';

/** Whether gdal_viewshed is on the PATH (CI installs gdal-bin). */
export function hasGdal(): boolean {
  // gdal_viewshed --version prints the version, then its usage, and exits non-zero: only a
  // missing executable (ENOENT) means absent.
  return ['gdal_viewshed', 'gdalwarp', 'gdal_translate', 'gdaltransform', 'gdalinfo'].every(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'pipe' }).error === undefined,
  );
}

/** "3.6.2" → [3, 6, 2]. */
export function gdalVersion(): number[] {
  const out = execFileSync('gdalinfo', ['--version'], { encoding: 'utf8' });
  const m = /GDAL (\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`Cannot parse the GDAL version from ${JSON.stringify(out)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Before GDAL 3.10 gdal_viewshed gave the cells above and below the observer the observer's
 * ground as horizon (OSGeo/gdal#10205, fixed by #10227).
 */
export function gdalHasAdjacentCellBug(): boolean {
  const [major = 0, minor = 0] = gdalVersion();
  return major < 3 || (major === 3 && minor < 10);
}

/** Output values asked of gdal_viewshed: set explicitly, never its defaults. */
export const GDAL_VISIBLE = 1;
export const GDAL_INVISIBLE = 0;
export const GDAL_OUT_OF_RANGE = 2;

export interface GdalViewshedArgs {
  dem: string;
  out: string;
  x: number;
  y: number;
  observerHeightM: number;
  targetHeightM: number;
  rangeM: number;
  curvatureCoeff: number;
}

/** Runs gdal_viewshed and reads its output raster (a window of the DEM's grid). */
export async function runGdalViewshed(a: GdalViewshedArgs): Promise<DemRaster> {
  execFileSync(
    'gdal_viewshed',
    [
      '-q',
      ...['-ox', String(a.x), '-oy', String(a.y)],
      ...['-oz', String(a.observerHeightM), '-tz', String(a.targetHeightM)],
      ...['-md', String(a.rangeM), '-cc', String(a.curvatureCoeff)],
      ...['-vv', String(GDAL_VISIBLE), '-iv', String(GDAL_INVISIBLE), '-ov', String(GDAL_OUT_OF_RANGE)],
      a.dem,
      a.out,
    ],
    { stdio: 'pipe' },
  );
  return readDem(await openDemFile(a.out));
}

/** Warps a lon/lat window of a DEM to a UTM grid with bilinear resampling. */
export function warpToUtm(
  src: string,
  out: string,
  epsg: number,
  cellM: number,
  te: [number, number, number, number],
): void {
  execFileSync(
    'gdalwarp',
    [
      '-q',
      '-overwrite',
      '-t_srs',
      `EPSG:${epsg}`,
      '-tr',
      String(cellM),
      String(cellM),
      '-r',
      'bilinear',
      '-te',
      ...te.map(String),
      src,
      out,
    ],
    { stdio: 'pipe' },
  );
}

/** Copies a window of cells (gdal_translate -srcwin) and optionally relabels its georeference. */
export function translateWindow(
  src: string,
  out: string,
  srcwin: [number, number, number, number],
  relabel?: { srs: string; ullr: [number, number, number, number] },
): void {
  const args = ['-q', '-srcwin', ...srcwin.map(String)];
  if (relabel) args.push('-a_srs', relabel.srs, '-a_ullr', ...relabel.ullr.map(String));
  execFileSync('gdal_translate', [...args, src, out], { stdio: 'pipe' });
}

/** Projects lon/lat to another CRS with gdaltransform. */
export function gdalTransform(lon: number, lat: number, epsg: number): [number, number] {
  const out = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${epsg}`, '-output_xy'], {
    input: `${lon} ${lat}\n`,
    encoding: 'utf8',
  });
  const [x, y] = out.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(x) || !Number.isFinite(y))
    throw new Error(`gdaltransform gave ${JSON.stringify(out)}`);
  return [x as number, y as number];
}

export interface Agreement {
  /** Cells both call in range. */
  cells: number;
  agree: number;
  percent: number;
  /** Cells one calls in range and the other not. */
  rangeMismatch: number;
  visibleMine: number;
  visibleGdal: number;
}

/**
 * Compares a viewshed with gdal_viewshed's output cell by cell. The GDAL raster is a window of
 * the same grid: it is placed by its origin. The two grids are indexed by the same cell centres
 * (row/col offsets are whole numbers by construction).
 */
export function agreement(mine: ViewshedResult, gdal: DemRaster): Agreement {
  const gt = mine.geoTransform;
  const c0 = Math.round((gdal.geoTransform[0] - gt[0]) / gt[1]);
  const r0 = Math.round((gdal.geoTransform[3] - gt[3]) / gt[5]);
  let cells = 0;
  let agree = 0;
  let rangeMismatch = 0;
  let visibleMine = 0;
  let visibleGdal = 0;
  for (let r = 0; r < gdal.height; r++) {
    for (let c = 0; c < gdal.width; c++) {
      const g = gdal.data[r * gdal.width + c] as number;
      const mr = r + r0;
      const mc = c + c0;
      const inside = mr >= 0 && mc >= 0 && mr < mine.height && mc < mine.width;
      const i = mr * mine.width + mc;
      const inMine = inside && mine.inRange[i] === 1;
      const inGdal = g !== GDAL_OUT_OF_RANGE;
      if (inMine !== inGdal) rangeMismatch++;
      if (!inMine || !inGdal) continue;
      cells++;
      const v = mine.visible[i] as number;
      if (v === g) agree++;
      visibleMine += v;
      visibleGdal += g;
    }
  }
  return {
    cells,
    agree,
    percent: (100 * agree) / Math.max(1, cells),
    rangeMismatch,
    visibleMine,
    visibleGdal,
  };
}
