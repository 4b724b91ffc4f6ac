/**
 * Incident density (GET /api/incidents/density's work) from the in-memory columns
 * (server/incidents/) against the SQL path it replaced (server/db/density-queries.ts, read in
 * chunks and counted with latLngToCell) as the same-run baseline, on seeded synthetic incidents:
 * 30 days around eight cities and scattered over the mainland. Budgets (issue "Trust": ≥ 1,000
 * req/s mixed with p99 < 250 ms on 2 cores): a city view at res 8 within 20 ms, a national view at
 * res 5 within 50 ms, per request with the data version's lookup included and no result cache.
 *
 *   npx tsx scripts/bench/incident-density-bench.ts
 *
 * PostgreSQL with BENCH_DATABASE_URL (or DATABASE_URL): BENCH_DENSITY_INCIDENTS (default 1,000,000)
 * incidents in `<name>_bench_density`. The embedded PGlite: BENCH_DENSITY_LITE_INCIDENTS (default
 * 250,000), printed for comparison without budgets. Figures are medians over warm runs.
 */
import type { Database } from '../../server/db/database.js';
import { incidentDensity } from '../../server/db/density-queries.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import { createRng } from '../../server/demo/random.js';
import { INCIDENT_CATEGORIES, type BBox } from '../../server/domain/types.js';
import { densityOf, type IncidentAggregateFilter } from '../../server/incidents/incident-columns.js';
import { IncidentSnapshot } from '../../server/incidents/incident-snapshot.js';
import { dropSiblingDatabase } from '../../server/ops/sibling-database.js';
import { freshBenchDatabase } from './bench-database.js';
import { report } from './report.js';

const PG_INCIDENTS = Number(process.env.BENCH_DENSITY_INCIDENTS ?? 1_000_000);
const LITE_INCIDENTS = Number(process.env.BENCH_DENSITY_LITE_INCIDENTS ?? 250_000);
const RUNS = 15;
const SQL_RUNS = 3;
const END = Date.UTC(2031, 5, 1);
const DAYS = 30;
const CITIES: [lng: number, lat: number, weight: number][] = [
  [-78.5, -0.2, 0.3], // Quito
  [-79.9, -2.19, 0.3], // Guayaquil
  [-79.0, -2.9, 0.08], // Cuenca
  [-78.62, -1.67, 0.04], // Riobamba
  [-80.72, -0.95, 0.05], // Manta
  [-79.2, -4.0, 0.04], // Loja
  [-78.12, 0.35, 0.04], // Ibarra
  [-79.47, -1.05, 0.05], // Quevedo
];
const WINDOW = { from: new Date(END - DAYS * 86_400_000), to: new Date(END) };
const QUITO_VIEW: BBox = [-78.65, -0.4, -78.35, 0];
const ECUADOR_VIEW: BBox = [-81.1, -5.1, -75.1, 1.5];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `n` seeded incidents as CSV chunks for COPY (external_id, category, priority, occurred_at, geom, synthetic). */
function* incidentCsv(n: number, chunk: number): Generator<string> {
  const rng = createRng('bench:incident-density');
  for (let start = 0; start < n; start += chunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(n, start + chunk); i++) {
      let lng: number;
      let lat: number;
      if (rng.chance(0.1)) {
        lng = rng.uniform(-80.9, -75.3);
        lat = rng.uniform(-4.9, 1.3);
      } else {
        let r = rng.next();
        let city = CITIES[0]!;
        for (const c of CITIES) {
          city = c;
          if ((r -= c[2]) < 0) break;
        }
        lng = city[0] + rng.normal(0, 0.06);
        lat = city[1] + rng.normal(0, 0.06);
      }
      const t = new Date(END - rng.uniform(0, DAYS * 86_400_000)).toISOString();
      const category = INCIDENT_CATEGORIES[rng.int(INCIDENT_CATEGORIES.length)]!;
      lines.push(`B${i},${category},${1 + rng.int(5)},${t},SRID=4326;POINT(${lng} ${lat}),true`);
    }
    yield lines.join('\n') + '\n';
  }
}

async function timeMs(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function bench(db: Database, label: string, n: number, budgeted: boolean): Promise<boolean> {
  await migrate(db);
  await db.exec('TRUNCATE incidents');
  const loadMs = await timeMs(async () => {
    for (const csv of incidentCsv(n, 100_000)) {
      await db.copyFromCsv(
        'incidents',
        ['external_id', 'category', 'priority', 'occurred_at', 'geom', 'synthetic'],
        csv,
      );
    }
  });
  if (db.kind === 'postgres') await db.exec('ANALYZE incidents');
  console.log(
    `  ${label}: ${n.toLocaleString('en-US')} synthetic incidents loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );

  const snapshot = new IncidentSnapshot(db);
  const fullMs = await timeMs(() => snapshot.current());
  report({ name: `incident columns, full read, ${label}`, value: fullMs, unit: 'ms' });

  let ok = true;
  const views: { name: string; filter: IncidentAggregateFilter; res: number; budgetMs: number }[] = [
    {
      name: 'city view (Quito, res 8, 30 days)',
      filter: { ...WINDOW, bbox: QUITO_VIEW },
      res: 8,
      budgetMs: 20,
    },
    {
      name: 'national view (res 5, 30 days)',
      filter: { ...WINDOW, bbox: ECUADOR_VIEW },
      res: 5,
      budgetMs: 50,
    },
  ];
  for (const view of views) {
    // First request at a resolution computes the cells of the rows it visits; later ones reuse them.
    let total = 0;
    const coldMs = await timeMs(async () => {
      total = densityOf((await snapshot.current()).columns, view.filter, view.res).total;
    });
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      warm.push(
        await timeMs(async () => densityOf((await snapshot.current()).columns, view.filter, view.res)),
      );
    }
    const sql: number[] = [];
    for (let i = 0; i < SQL_RUNS; i++) {
      sql.push(
        await timeMs(async () => {
          const d = await incidentDensity(db, view.filter, view.res);
          if (d.total !== total) throw new Error(`SQL counted ${d.total}, the columns ${total}`);
        }),
      );
    }
    const met = report({
      name: `density, ${view.name}, ${total.toLocaleString('en-US')} incidents, ${label}`,
      value: median(warm),
      unit: 'ms',
      ...(budgeted ? { budget: { value: view.budgetMs, better: 'lower' as const } } : {}),
      baseline: { name: 'SQL path', value: median(sql) },
    });
    console.log(`  first request at this resolution (cells computed): ${coldMs.toFixed(1)} ms`);
    ok = met && ok;
  }

  // What a write costs the next request: the version lookup, the delta read and the merge.
  const deltas: number[] = [];
  for (let i = 0; i < 5; i++) {
    await db.copyFromCsv(
      'incidents',
      ['external_id', 'category', 'priority', 'occurred_at', 'geom', 'synthetic'],
      Array.from(
        { length: 100 },
        (_, k) =>
          `D${i}-${k},fire,2,${new Date(END - 3_600_000 + k * 1000).toISOString()},SRID=4326;POINT(-78.5 -0.2),true`,
      ).join('\n') + '\n',
    );
    deltas.push(await timeMs(() => snapshot.current()));
  }
  const unchanged: number[] = [];
  for (let i = 0; i < RUNS; i++) unchanged.push(await timeMs(() => snapshot.current()));
  report({
    name: `incident columns, refresh after a 100-row insert, ${label}`,
    value: median(deltas),
    unit: 'ms',
  });
  report({
    name: `incident columns, version lookup when unchanged, ${label}`,
    value: median(unchanged),
    unit: 'ms',
  });
  return ok;
}

export async function incidentDensityBench(): Promise<boolean> {
  let ok = true;
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url) {
    const db = await freshBenchDatabase(url, 'bench_density', { statementTimeoutMs: 600_000 });
    try {
      ok = (await bench(db, 'PostgreSQL', PG_INCIDENTS, true)) && ok;
    } finally {
      await db.close();
      // A million rows are ~300 MB on disk: the database goes with the run.
      await dropSiblingDatabase(url, 'bench_density');
    }
  } else {
    console.log(
      'SKIP  PostgreSQL density: set BENCH_DATABASE_URL (or DATABASE_URL) to measure the budgeted figures',
    );
  }
  const lite = await openPGlite();
  try {
    await bench(lite, 'embedded PGlite', LITE_INCIDENTS, false);
  } finally {
    await lite.close();
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  incidentDensityBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
