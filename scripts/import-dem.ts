/**
 * Imports a single-band GeoTIFF DEM (EPSG:4326 or WGS 84 / UTM) into the tiled DEM store that the
 * terrain tiles and the coverage code read windows from.
 *
 *   npm run import-dem -- data/dem/central-andes-srtm-3s.tif
 *   npm run import-dem -- my-survey.tif --name quito-lidar --licence "CC BY 4.0" --attribution "IGM"
 *
 * Writes var/dem/<name>/{dem.json,tiles.bin} (see server/terrain/dem-store.ts). A store with the
 * same name is replaced once the new one is complete.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../server/errors.js';
import { importDemGeoTiff } from '../server/terrain/import-geotiff.js';

const USAGE = `Usage: npm run import-dem -- <file.tif> [--name NAME] [--out-dir DIR]
                               [--licence TEXT] [--attribution TEXT] [--tile-size CELLS]
  --name         store name, default the file name without .tif
  --out-dir      store root, default var/dem
  --licence      terms of the data (known for the files in data/dem)
  --attribution  map credit (known for the files in data/dem)
  --tile-size    store tile side in cells, default 256`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VALUE_OPTIONS = ['name', 'out-dir', 'licence', 'attribution', 'tile-size'] as const;

function fail(message: string, code = 2): never {
  console.error(`import-dem: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const files: string[] = [];
  const opts: Partial<Record<(typeof VALUE_OPTIONS)[number], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--help' || token === '-h') {
      console.log(USAGE);
      return;
    }
    if (token.startsWith('--')) {
      const name = token.slice(2) as (typeof VALUE_OPTIONS)[number];
      if (!VALUE_OPTIONS.includes(name)) fail(`unknown option ${token}`);
      const value = argv[++i];
      if (value === undefined) fail(`${token} needs a value`);
      opts[name] = value;
    } else {
      files.push(token);
    }
  }
  if (files.length !== 1)
    fail(files.length === 0 ? 'give one GeoTIFF file' : `give one GeoTIFF file, got ${files.length}`);
  const tileSize = opts['tile-size'] === undefined ? undefined : Number(opts['tile-size']);
  if (tileSize !== undefined && !(Number.isInteger(tileSize) && tileSize >= 16 && tileSize <= 4096)) {
    fail(`--tile-size must be an integer from 16 to 4096, got ${JSON.stringify(opts['tile-size'])}`);
  }
  const file = files[0] as string;
  const outDir = path.resolve(opts['out-dir'] ?? path.join(root, 'var', 'dem'));
  const t0 = performance.now();
  const h = await importDemGeoTiff(file, outDir, {
    ...(opts.name !== undefined && { name: opts.name }),
    ...(opts.licence !== undefined && { licence: opts.licence }),
    ...(opts.attribution !== undefined && { attribution: opts.attribution }),
    ...(tileSize !== undefined && { tileSize }),
  });
  const seconds = (performance.now() - t0) / 1000;
  const [w, s, e, n] = h.bounds.map((v) => v.toFixed(4));
  console.log(
    `import-dem: ${file} → ${path.join(outDir, h.name)}\n` +
      `  ${h.width}×${h.height} ${h.sampleType} cells in ${h.tilesAcross}×${h.tilesDown} tiles of ${h.tileSize}, EPSG:${h.crs.epsg}, ` +
      `cell ${h.cellSizeM.east.toFixed(1)} × ${h.cellSizeM.north.toFixed(1)} m\n` +
      `  lon ${w}…${e}, lat ${s}…${n}; heights ${h.stats.min}…${h.stats.max} m, ${h.stats.nodataCells} nodata cells (${h.nodata})\n` +
      `  licence: ${h.licence ?? '(not given: pass --licence)'}; attribution: ${h.attribution ?? '(not given: pass --attribution)'}\n` +
      `  ${seconds.toFixed(2)} s`,
  );
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ValidationError) fail(err.message, 1);
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err), 1);
});
