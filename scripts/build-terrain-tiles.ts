/**
 * Builds the Terrarium-encoded Web Mercator elevation tiles MapLibre draws terrain and hillshade
 * from: tiles/terrain/{z}/{x}/{y}.png and tiles/terrain/tiles.json (TileJSON 3.0).
 *
 *   npm run build-terrain                 # import data/dem/*.tif if needed, build if needed
 *   npm run build-terrain -- --force      # rebuild even if up to date
 *
 * Idempotent and cheap when nothing changed: a GeoTIFF is re-imported into var/dem only when its
 * SHA-256 differs from the one its store recorded, and the tiles are rebuilt only when the
 * fingerprint of the stores and build settings differs from the one in tiles.json. A build is
 * written beside the old one and swapped in at the end, so a server never serves half a pyramid.
 *
 * MapLibre source (encoding must be given: MapLibre does not read it from TileJSON):
 *   { type: 'raster-dem', url: '/tiles/terrain/tiles.json', encoding: 'terrarium', tileSize: 256 }
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ValidationError } from '../server/errors.js';
import { readDemStoreHeader } from '../server/terrain/dem-store.js';
import { importDemGeoTiff } from '../server/terrain/import-geotiff.js';
import { encodePngRgb } from '../server/terrain/png-encode.js';
import { closeTerrain, openTerrain } from '../server/terrain/terrain.js';
import type { TerrainTilePlan } from '../server/terrain/terrain-tiles.js';
import { buildTerrainTiles, planTerrainTiles } from '../server/terrain/terrain-tiles.js';
import { encodeTerrarium, TILE_HEIGHT_STEP_M } from '../server/terrain/terrarium.js';

/** Bumped whenever the tiles a given input produces change, so that old pyramids are rebuilt. */
export const TERRAIN_BUILDER_VERSION = 2;
export const DEFAULT_TILE_URL = '/tiles/terrain/{z}/{x}/{y}.png';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildTerrainOptions {
  /** Store root, default var/dem. */
  demDir?: string;
  /** Tile output directory, default tiles/terrain. */
  outDir?: string;
  /** GeoTIFFs to import first when their store is missing or stale; default data/dem/*.tif. */
  importFiles?: string[];
  /** Lowest zoom written, default 0. */
  minzoom?: number;
  /** Highest zoom any store may reach (default: each store's native zoom). */
  maxzoomCap?: number;
  /** Rebuild even when tiles.json says the tiles are up to date. */
  force?: boolean;
  /** URL template written into tiles.json. */
  tileUrl?: string;
  log?: (line: string) => void;
}

export interface BuildTerrainResult {
  /** True when the tiles were already up to date and nothing was written. */
  upToDate: boolean;
  imported: string[];
  tiles: number;
  bytes: number;
  seconds: number;
  perZoom: Record<number, { tiles: number; bytes: number }>;
  tileJson: TerrainTileJson;
}

/** tiles.json: TileJSON 3.0.0 plus `encoding` (as the MapLibre source wants it) and build facts. */
export interface TerrainTileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  version: string;
  attribution: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  encoding: 'terrarium';
  tileSize: number;
  atalaya: {
    fingerprint: string;
    builder: number;
    tiles: number;
    bytes: number;
    sources: {
      name: string;
      file: string;
      sha256: string;
      licence: string | null;
      maxzoom: number;
      cellSizeM: number;
      bounds: number[];
    }[];
  };
}

/** Imports what is stale, then builds the tiles unless they are up to date. */
export async function buildTerrain(options: BuildTerrainOptions = {}): Promise<BuildTerrainResult> {
  const t0 = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const demDir = path.resolve(options.demDir ?? path.join(root, 'var', 'dem'));
  const outDir = path.resolve(options.outDir ?? path.join(root, 'tiles', 'terrain'));
  const importFiles = options.importFiles ?? defaultDemFiles();
  const tileUrl = options.tileUrl ?? DEFAULT_TILE_URL;

  const imported: string[] = [];
  for (const file of importFiles) {
    const name = path.basename(file).replace(/\.tiff?$/i, '');
    const storeDir = path.join(demDir, name);
    const sha = sha256File(file);
    const current = existsSync(path.join(storeDir, 'dem.json')) ? readDemStoreHeader(storeDir) : null;
    if (current?.source.sha256 === sha) continue;
    const t = performance.now();
    await importDemGeoTiff(file, demDir, { name });
    imported.push(file);
    log(
      `imported ${path.relative(root, file)} → ${path.relative(root, storeDir)} (${((performance.now() - t) / 1000).toFixed(2)} s)`,
    );
  }

  const terrain = openTerrain(demDir);
  try {
    const plan = planTerrainTiles(terrain, {
      ...(options.minzoom !== undefined && { minzoom: options.minzoom }),
      ...(options.maxzoomCap !== undefined && { maxzoomCap: options.maxzoomCap }),
    });
    const sources = terrain.stores.map((s, i) => ({
      name: s.header.name,
      file: path.relative(root, s.header.source.file) || s.header.source.file,
      sha256: s.header.source.sha256,
      licence: s.header.licence,
      maxzoom: plan.stores[i]!.maxzoom,
      cellSizeM: Math.round(plan.stores[i]!.cellSizeM * 10) / 10,
      bounds: s.header.bounds.map((v) => Math.round(v * 1e6) / 1e6),
    }));
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({
          builder: TERRAIN_BUILDER_VERSION,
          plan,
          tileUrl,
          stores: terrain.stores.map((s) => [
            s.header.name,
            s.header.source.sha256,
            s.header.geoTransform,
            s.header.crs,
          ]),
        }),
      )
      .digest('hex');

    const existing = readTileJson(outDir);
    if (
      !options.force &&
      existing?.atalaya?.fingerprint === fingerprint &&
      countPngs(outDir) === existing.atalaya.tiles
    ) {
      const seconds = (performance.now() - t0) / 1000;
      log(
        `terrain tiles up to date: ${existing.atalaya.tiles} tiles, ${mib(existing.atalaya.bytes)} in ${path.relative(root, outDir) || outDir} (${seconds.toFixed(2)} s)`,
      );
      return {
        upToDate: true,
        imported,
        tiles: existing.atalaya.tiles,
        bytes: existing.atalaya.bytes,
        seconds,
        perZoom: {},
        tileJson: existing,
      };
    }

    const tmpDir = `${outDir}.tmp-${process.pid}`;
    rmSync(tmpDir, { recursive: true, force: true });
    mkdirSync(tmpDir, { recursive: true });
    const perZoom: Record<number, { tiles: number; bytes: number }> = {};
    let bytes = 0;
    const tiles = buildTerrainTiles(terrain, plan, ({ z, x, y, heights }) => {
      const png = encodePngRgb(plan.tileSize, plan.tileSize, encodeTerrarium(heights, TILE_HEIGHT_STEP_M));
      const dir = path.join(tmpDir, String(z), String(x));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${y}.png`), png);
      bytes += png.length;
      const zs = (perZoom[z] ??= { tiles: 0, bytes: 0 });
      zs.tiles++;
      zs.bytes += png.length;
    });
    const tileJson = makeTileJson(
      plan,
      tileUrl,
      fingerprint,
      tiles,
      bytes,
      sources,
      terrain.stores.map((s) => s.header.attribution),
    );
    writeFileSync(path.join(tmpDir, 'tiles.json'), `${JSON.stringify(tileJson, null, 2)}\n`);
    // Built at start-up, tens of MiB: keep it out of git even where the root .gitignore does not.
    writeFileSync(path.join(tmpDir, '.gitignore'), '# built by npm run build-terrain; not committed\n*\n');
    const oldDir = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, oldDir);
    renameSync(tmpDir, outDir);
    rmSync(oldDir, { recursive: true, force: true });

    const seconds = (performance.now() - t0) / 1000;
    for (const [z, s] of Object.entries(perZoom)) log(`  z${z}: ${s.tiles} tiles, ${mib(s.bytes)}`);
    log(
      `terrain tiles: ${tiles} tiles, ${mib(bytes)}, z${plan.minzoom}–${plan.maxzoom} → ${path.relative(root, outDir) || outDir} in ${seconds.toFixed(2)} s`,
    );
    return { upToDate: false, imported, tiles, bytes, seconds, perZoom, tileJson };
  } finally {
    closeTerrain(terrain);
  }
}

function makeTileJson(
  plan: TerrainTilePlan,
  tileUrl: string,
  fingerprint: string,
  tiles: number,
  bytes: number,
  sources: TerrainTileJson['atalaya']['sources'],
  attributions: (string | null)[],
): TerrainTileJson {
  const [w, s, e, n] = plan.bounds.map((v) => Math.round(v * 1e6) / 1e6) as [number, number, number, number];
  const credits = [...new Set(attributions.filter((a): a is string => a !== null))];
  return {
    tilejson: '3.0.0',
    name: 'Atalaya terrain',
    description:
      'Terrarium-encoded elevation (height = R·256 + G + B/256 − 32768 m), in 0.25 m steps, bilinear from SRTM: 3″ corridor to its native zoom, 9″ mainland elsewhere; sea and no-data 0 m. No DEM for the Galápagos: no tiles there.',
    version: `${TERRAIN_BUILDER_VERSION}.0.0`,
    // A store imported without --attribution credits no one rather than a guessed source.
    attribution: credits.join('; '),
    scheme: 'xyz',
    tiles: [tileUrl],
    minzoom: plan.minzoom,
    maxzoom: plan.maxzoom,
    bounds: [w, s, e, n],
    center: [
      Math.round(((w + e) / 2) * 1e4) / 1e4,
      Math.round(((s + n) / 2) * 1e4) / 1e4,
      Math.min(7, plan.maxzoom),
    ],
    encoding: 'terrarium',
    tileSize: plan.tileSize,
    atalaya: { fingerprint, builder: TERRAIN_BUILDER_VERSION, tiles, bytes, sources },
  };
}

function defaultDemFiles(): string[] {
  const dir = path.join(root, 'data', 'dem');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.tiff?$/i.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function readTileJson(outDir: string): TerrainTileJson | null {
  try {
    return JSON.parse(readFileSync(path.join(outDir, 'tiles.json'), 'utf8')) as TerrainTileJson;
  } catch {
    return null;
  }
}

function countPngs(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = path.join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.png')) n++;
    }
  };
  if (existsSync(dir)) walk(dir);
  return n;
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

const USAGE = `Usage: npm run build-terrain -- [--force] [--minzoom Z] [--maxzoom Z]
                                  [--dem-dir DIR] [--out DIR] [--import FILE.tif]... [--no-import]
  --force      rebuild even when tiles.json matches the stores
  --minzoom    lowest zoom written (default 0)
  --maxzoom    cap every store's native zoom (default: 9 for the 9″ DEM, 11 for the 3″)
  --dem-dir    store root (default var/dem)
  --out        output directory (default tiles/terrain)
  --import     GeoTIFF to import when stale (repeatable; default data/dem/*.tif)
  --no-import  use the stores as they are`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opts: BuildTerrainOptions = {};
  const imports: string[] = [];
  let noImport = false;
  const fail = (message: string, code = 2): never => {
    console.error(`build-terrain: ${message}`);
    if (code === 2) console.error(USAGE);
    process.exit(code);
  };
  const intArg = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0 || n > 22)
      fail(`${flag} needs a zoom 0–22, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--force') opts.force = true;
    else if (a === '--no-import') noImport = true;
    else if (a === '--minzoom') opts.minzoom = intArg(a, argv[++i]);
    else if (a === '--maxzoom') opts.maxzoomCap = intArg(a, argv[++i]);
    else if (a === '--dem-dir' || a === '--out' || a === '--import') {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      if (a === '--dem-dir') opts.demDir = v;
      else if (a === '--out') opts.outDir = v;
      else imports.push(v as string);
    } else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (noImport) opts.importFiles = [];
  else if (imports.length > 0) opts.importFiles = imports;
  buildTerrain(opts).catch((err: unknown) => {
    if (err instanceof ValidationError) fail(err.message, 1);
    fail(err instanceof Error ? (err.stack ?? err.message) : String(err), 1);
  });
}
