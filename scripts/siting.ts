/**
 * npm run siting -- --area <area> (--count N | --dollars USD) [model options] [candidate options]
 *
 * Chooses sites for new cameras in an area, greedily, to see the most demand the network does
 * not see yet, and prints the ranked table (cost, marginal gain, cumulative coverage). Reads the
 * configured database (PGlite in var/db — stop the server first, it holds the lock — or
 * PostgreSQL with DATABASE_URL) and the terrain in var/dem (npm run build-terrain).
 *
 *   npm run siting -- --area cotopaxi --count 5
 *   npm run siting -- --area quito --dollars 20000 --kind ptz --hfov 360 --range 1500 --height 20
 *   npm run siting -- --area EC17 --count 3 --point -78.50,-0.20 --point -78.48,-0.15 --csv sites.csv
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SitingBody } from '../server/api/coverage-routes.js';
import { parseOrThrow } from '../server/api/validate.js';
import { newCoverageFeatureCollection } from '../server/coverage/coverage-export.js';
import { sitesFeatureCollection, sitingCsv, type SitingRow } from '../server/coverage/siting-table.js';
import { createCoverageService, type SitingRequest } from '../server/coverage/coverage-service.js';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { DEMO_UNIT_COST_USD } from '../server/demo/demo-cameras.js';
import { CAMERA_KINDS, type CameraKind } from '../server/domain/types.js';
import { AtalayaError, ValidationError } from '../server/errors.js';
import { loadReferenceData } from '../server/seed/load-reference.js';

const USAGE = `Usage: npm run siting -- --area <area> (--count N | --dollars USD | both) [options]
  --area <area>          province code or name (EC17, pichincha), volcano (cotopaxi: a 20 km disc), city
                         (quito), region (region:quito) or west,south,east,north
  --count <n>            most new cameras
  --dollars <usd>        most money, at the model's unit cost
  --kind <kind>          ${CAMERA_KINDS.join(' | ')} (default dome)
  --height <m>           mount height (default 10)
  --hfov <deg>           horizontal field of view, 360 for a PTZ or dome (default 360)
  --vfov <deg>           vertical field of view (default 40)
  --tilt <deg>           tilt, negative looks down (default -10; a 360° camera is not limited by it)
  --range <m>            useful range (default 1000)
  --resolution <px>      horizontal pixels (default 1920)
  --unit-cost <usd>      installed cost of one camera (default: the demo's assumed price of the kind)
  --demand <kind>        incidents (default) | area | population
  --point <lon,lat>      a site of your own (repeatable)
  --no-high-points --no-towns --no-roads   leave out a kind of generated site
  --max-high-points <n>  most DEM high points (default 60)
  --already-covered-value <0..1>  worth of a second look at a cell the network sees (default 0)
  --exact                also solve exactly (HiGHS) and print greedy's gap
  --csv <file>           write the table as CSV
  --geojson <file>       write the sites (points) and what each newly sees (polygons) as GeoJSON
  --dem <dir>            terrain stores (default var/dem)`;

const VALUE = [
  'area',
  'count',
  'dollars',
  'kind',
  'height',
  'hfov',
  'vfov',
  'tilt',
  'range',
  'resolution',
  'unit-cost',
  'demand',
  'point',
  'max-high-points',
  'already-covered-value',
  'csv',
  'geojson',
  'dem',
] as const;
const FLAGS = ['no-high-points', 'no-towns', 'no-roads', 'exact', 'help'] as const;

function fail(message: string, code = 2): never {
  console.error(`siting: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

/** `--name value` pairs (not node:util parseArgs: it refuses values starting with a dash, like −78.5). */
function parseCli(argv: string[]): { values: Map<string, string[]>; flags: Set<string> } {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const name = token.replace(/^--/, '');
    if (!token.startsWith('--')) fail(`unexpected argument ${JSON.stringify(token)}`);
    if ((FLAGS as readonly string[]).includes(name)) flags.add(name);
    else if ((VALUE as readonly string[]).includes(name)) {
      const v = argv[++i];
      if (v === undefined) fail(`${token} needs a value`);
      values.set(name, [...(values.get(name) ?? []), v]);
    } else fail(`unknown option ${token}`);
  }
  return { values, flags };
}

const { values, flags } = parseCli(process.argv.slice(2));
if (flags.has('help')) {
  console.log(USAGE);
  process.exit(0);
}
const one = (name: string) => values.get(name)?.at(-1);
const num = (name: string, fallback?: number): number | undefined => {
  const raw = one(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) fail(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  return v;
};

const area = one('area') ?? fail('--area is required');
const kind = (one('kind') ?? 'dome') as CameraKind;
const body = {
  area,
  budget: {
    ...(num('count') !== undefined ? { count: num('count') } : {}),
    ...(num('dollars') !== undefined ? { dollars: num('dollars') } : {}),
  },
  model: {
    kind,
    mountHeightM: num('height', 10),
    hfovDeg: num('hfov', 360),
    vfovDeg: num('vfov', 40),
    tiltDeg: num('tilt', -10),
    rangeM: num('range', 1000),
    resolutionHPx: num('resolution', 1920),
    unitCostUsd: num('unit-cost', DEMO_UNIT_COST_USD[kind] ?? 0),
  },
  demand: one('demand') ?? 'incidents',
  candidates: {
    points: (values.get('point') ?? []).map((p) => {
      const [lon, lat] = p.split(',').map(Number);
      if (!Number.isFinite(lon) || !Number.isFinite(lat))
        fail(`--point must be lon,lat, got ${JSON.stringify(p)}`);
      return { lon: lon!, lat: lat! };
    }),
    highPoints: !flags.has('no-high-points'),
    towns: !flags.has('no-towns'),
    roads: !flags.has('no-roads'),
    ...(num('max-high-points') !== undefined ? { maxHighPoints: num('max-high-points') } : {}),
  },
  ...(num('already-covered-value') !== undefined
    ? { alreadyCoveredValue: num('already-covered-value') }
    : {}),
  exact: flags.has('exact'),
};

let request: SitingRequest;
try {
  request = parseOrThrow(SitingBody, body, 'options') as SitingRequest;
} catch (error) {
  if (error instanceof ValidationError) {
    fail(error.issues.map((i) => `${cliName(i.field)}: ${i.message}`).join('; '));
  }
  throw error;
}

/** The CLI option behind a field of the request, for messages. */
function cliName(field: string): string {
  const names: Record<string, string> = {
    budget: '--count / --dollars',
    'budget.count': '--count',
    'budget.dollars': '--dollars',
    'model.kind': '--kind',
    'model.mountHeightM': '--height',
    'model.hfovDeg': '--hfov',
    'model.vfovDeg': '--vfov',
    'model.tiltDeg': '--tilt',
    'model.rangeM': '--range',
    'model.resolutionHPx': '--resolution',
    'model.unitCostUsd': '--unit-cost',
    demand: '--demand',
    alreadyCoveredValue: '--already-covered-value',
  };
  return names[field] ?? (field.startsWith('candidates.points') ? '--point' : `--${field}`);
}

const config = loadConfig();
const db = await openDatabase(config).catch((error: unknown) => fail((error as Error).message, 1));
try {
  await migrate(db);
  await loadReferenceData(db, config.referenceDir);
  const coverage = createCoverageService(db, {
    demRoot: one('dem') ?? path.resolve(import.meta.dirname, '..', 'var', 'dem'),
  });
  const t0 = performance.now();
  await coverage.ready();
  const r = await coverage.siting(request);
  const d = r.demand;
  console.log(
    `${r.area.name} [${r.area.kind} ${r.area.id}]: ${fmt(d.total)} ${d.unit} of demand in ${d.cells.toLocaleString('en-US')} cells, ` +
      `${fmt(d.coveredByNetwork)} (${d.coveredByNetworkPct ?? 0} %) seen by the network now`,
  );
  const m = r.model;
  console.log(
    `Model: ${m.kind}, ${m.mountHeightM} m mast, ${m.hfovDeg}° × ${m.vfovDeg}° tilt ${m.tiltDeg}°, ${m.rangeM} m, ${m.resolutionHPx} px, $${m.unitCostUsd.toLocaleString('en-US')} each. ` +
      `Candidates: ${r.candidates.cameras} cameras at ${r.candidates.sites} sites (${Object.entries(
        r.candidates.bySource,
      )
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )})${r.candidates.dropped ? `, ${r.candidates.dropped} dropped over the limit` : ''}. Rule: ${r.rule}.`,
  );
  printTable(r.table);
  console.log(
    `Total: ${r.totals.sites} sites, $${r.totals.costUsd.toLocaleString('en-US')}, +${fmt(r.totals.gain)} ${d.unit}, ` +
      `${r.totals.coveredPct ?? 0} % of the area's demand seen (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      `candidates ${r.timingsMs.candidates} ms, viewsheds ${r.timingsMs.footprints} ms, solve ${r.timingsMs.solve} ms)`,
  );
  if (r.exact) {
    console.log(
      `Exact optimum (HiGHS${r.exact.provenOptimal ? '' : ', time limit reached'}): ${fmt(r.exact.optimum)}; greedy is ${r.exact.greedyGapPct} % below it`,
    );
  }
  const csv = one('csv');
  if (csv) {
    writeFileSync(csv, sitingCsv(r.table));
    console.log(`→ ${csv}`);
  }
  const geojson = one('geojson');
  if (geojson) {
    const grid = await coverage.coverageGrid();
    const sites = sitesFeatureCollection(r.table);
    const cover = newCoverageFeatureCollection(grid, r.table, r.newCells);
    writeFileSync(
      geojson,
      JSON.stringify({ type: 'FeatureCollection', features: [...sites.features, ...cover.features] }),
    );
    console.log(`→ ${geojson}`);
  }
  coverage.close();
} catch (error) {
  if (error instanceof ValidationError)
    fail(error.issues.map((i) => `${cliName(i.field)}: ${i.message}`).join('; '));
  if (error instanceof AtalayaError) fail(error.message, 1);
  throw error;
} finally {
  await db.close();
}

function fmt(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function printTable(rows: readonly SitingRow[]): void {
  const header = [
    '#',
    'lon',
    'lat',
    'aim°',
    'site',
    'cost $',
    'total $',
    'gain',
    'gain %',
    'covered %',
    'new km²',
  ];
  const lines = rows.map((r) => [
    String(r.rank),
    r.lon.toFixed(5),
    r.lat.toFixed(5),
    String(r.azimuthDeg),
    `${r.source}: ${r.label}`,
    r.costUsd.toLocaleString('en-US'),
    r.cumulativeCostUsd.toLocaleString('en-US'),
    fmt(r.marginalGain),
    String(r.marginalGainPct ?? ''),
    String(r.cumulativeCoveredPct ?? ''),
    String(r.newAreaKm2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const left = new Set([4]);
  const fmtRow = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmtRow(header));
  for (const l of lines) console.log(fmtRow(l));
  if (rows.length === 0) console.log('(no site adds any demand within the budget)');
}
