/**
 * Viewshed of one camera on a GeoTIFF DEM, written as a 0/1 GeoTIFF on the DEM's grid.
 *
 *   npm run viewshed -- --dem data/dem/central-andes-srtm-3s.tif --lon -78.436 --lat -0.677 \
 *     --height 10 --range 20000 --out /tmp/cotopaxi.tif
 *
 * Heights mean what gdal_viewshed's do: --height is -oz (eye above the ground of the observer's
 * cell), --target-height is -tz, --curvature-coeff is -cc. The output covers the cells within
 * range (a window of the DEM's grid, like gdal_viewshed's) unless --full-extent is given.
 */
import { writeFileSync } from 'node:fs';
import type { DemRaster } from '../server/coverage/dem-raster.js';
import { openDemFile, readDem, readDemAround } from '../server/coverage/dem-raster.js';
import { DORI_CLASSES, doriRaster } from '../server/coverage/dori.js';
import { encodeGeoTiff } from '../server/coverage/geotiff-encode.js';
import {
  computeViewshed,
  DEFAULT_CURVATURE_COEFF,
  DEFAULT_TARGET_HEIGHT_M,
} from '../server/coverage/viewshed.js';
import { observerCells } from '../server/coverage/cell-geometry.js';

const USAGE = `Usage: npm run viewshed -- --dem <tif> (--lon <deg> --lat <deg> | --x <m> --y <m>) --height <m> --out <tif>
  [--target-height <m>]       target above ground (gdal_viewshed -tz), default ${DEFAULT_TARGET_HEIGHT_M}
  [--range <m>]               ground distance limit, default unlimited
  [--azimuth <deg> --hfov <deg>]  horizontal field of view (omit, or hfov 360, for all around)
  [--tilt <deg> --vfov <deg>] vertical field of view (negative tilt looks down)
  [--curvature-coeff <cc>]    drop cc·d²/2R (gdal_viewshed -cc), default ${DEFAULT_CURVATURE_COEFF}; 0 for a flat Earth
  [--full-extent]             write the whole DEM extent, not only the window within range
  [--quality-out <tif> --resolution <px> [--lens-hfov <deg>]]
                              also write pixel density (px/m, Float32, nodata -1) at visible cells
                              and print the DORI classes (EN 62676-4); --lens-hfov defaults to --hfov`;

const VALUE_OPTIONS = [
  'dem',
  'lon',
  'lat',
  'x',
  'y',
  'height',
  'target-height',
  'range',
  'azimuth',
  'hfov',
  'tilt',
  'vfov',
  'curvature-coeff',
  'out',
  'quality-out',
  'resolution',
  'lens-hfov',
] as const;
const FLAG_OPTIONS = ['full-extent', 'help'] as const;
type OptionName = (typeof VALUE_OPTIONS)[number] | (typeof FLAG_OPTIONS)[number];

/**
 * `--name value` pairs. Not node:util parseArgs: it refuses values starting with a dash, and
 * every longitude in Ecuador is negative.
 */
function parseCli(argv: string[]): Partial<Record<OptionName, string | true>> {
  const out: Partial<Record<OptionName, string | true>> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const name = token.replace(/^--/, '');
    if (!token.startsWith('--')) fail(`unexpected argument ${JSON.stringify(token)}`);
    if ((FLAG_OPTIONS as readonly string[]).includes(name)) {
      out[name as OptionName] = true;
    } else if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      const value = argv[++i];
      if (value === undefined) fail(`${token} needs a value`);
      out[name as OptionName] = value;
    } else {
      fail(`unknown option ${token}`);
    }
  }
  return out;
}

const values = parseCli(process.argv.slice(2));

function fail(message: string, code = 2): never {
  console.error(`viewshed: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

function num(name: OptionName, fallback?: number): number {
  const raw = values[name];
  if (raw === undefined || raw === true) {
    if (fallback !== undefined) return fallback;
    fail(`--${name} is required`);
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) fail(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  return v;
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const demPath = values.dem;
  const outPath = values.out;
  const qualityPath = values['quality-out'];
  if (typeof demPath !== 'string') fail('--dem is required');
  if (typeof outPath !== 'string') fail('--out is required');
  const source = await openDemFile(demPath);
  const geographic = source.crs.kind === 'geographic';
  if (geographic && (values.x !== undefined || values.y !== undefined))
    fail('the DEM is in degrees: give --lon/--lat');
  if (!geographic && (values.lon !== undefined || values.lat !== undefined)) {
    fail(`the DEM is projected (EPSG:${source.crs.epsg}): give the observer as --x/--y in its metres`);
  }
  const x = geographic ? num('lon') : num('x');
  const y = geographic ? num('lat') : num('y');
  const rangeM = num('range', Infinity);
  const hasSector = values.azimuth !== undefined || values.hfov !== undefined;
  const hfov = hasSector ? num('hfov') : 360;
  const hasTilt = values.tilt !== undefined || values.vfov !== undefined;

  const t0 = performance.now();
  const dem: DemRaster = values['full-extent']
    ? await readDem(source)
    : await readDemAround(source, x, y, rangeM);
  const t1 = performance.now();
  const vs = computeViewshed(dem, {
    x,
    y,
    observerHeightM: num('height'),
    targetHeightM: num('target-height', DEFAULT_TARGET_HEIGHT_M),
    rangeM,
    curvatureCoeff: num('curvature-coeff', DEFAULT_CURVATURE_COEFF),
    sector: hasSector ? { azimuthDeg: num('azimuth'), hfovDeg: hfov } : null,
    verticalLimits: hasTilt ? { tiltDeg: num('tilt'), vfovDeg: num('vfov') } : null,
  });
  const t2 = performance.now();
  writeFileSync(
    outPath,
    Buffer.from(
      encodeGeoTiff({
        width: vs.width,
        height: vs.height,
        data: vs.visible,
        geoTransform: vs.geoTransform,
        crs: vs.crs,
      }),
    ),
  );

  const { eastPerCol, northPerRow } = observerCells(dem, x, y);
  let areaM2 = 0;
  for (let r = 0; r < vs.height; r++) {
    const cellArea = Math.abs((eastPerCol[r] as number) * (northPerRow[r] as number));
    for (let c = 0; c < vs.width; c++) areaM2 += (vs.visible[r * vs.width + c] as number) * cellArea;
  }
  console.log(
    `viewshed: observer cell (${vs.observer.col}, ${vs.observer.row}) ground ${vs.observer.groundM} m, eye ${vs.observer.eyeM} m; ` +
      `${vs.visibleCells} visible cells (${(areaM2 / 1e6).toFixed(2)} km²) of ${vs.width}×${vs.height}; ` +
      `read ${(t1 - t0).toFixed(0)} ms, computed ${(t2 - t1).toFixed(0)} ms → ${outPath}`,
  );

  if (typeof qualityPath === 'string') {
    const lens = values['lens-hfov'] !== undefined ? num('lens-hfov') : hfov;
    if (lens >= 180)
      fail(
        `pixel density needs the lens's own field of view: give --lens-hfov (the camera's hfov is ${hfov}°)`,
      );
    const q = doriRaster(dem, vs, x, y, {
      resolutionHPx: num('resolution'),
      lensHfovDeg: lens,
      targetHeightM: num('target-height', DEFAULT_TARGET_HEIGHT_M),
    });
    const density = q.pxPerM.map((v) => (Number.isNaN(v) ? -1 : v));
    writeFileSync(
      qualityPath,
      Buffer.from(
        encodeGeoTiff({
          width: vs.width,
          height: vs.height,
          data: density,
          geoTransform: vs.geoTransform,
          crs: vs.crs,
          nodata: -1,
        }),
      ),
    );
    console.log(
      `quality: ${DORI_CLASSES.map((name, i) => `${name} ${q.counts[i]}`).join(', ')} cells → ${qualityPath}`,
    );
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err), 1));
