/**
 * Ingest throughput: thermal readings and incidents through the production path (COPY into a
 * staging table, idempotent merge) against row-by-row INSERT in the same run, on the embedded
 * database and, with BENCH_DATABASE_URL (or DATABASE_URL), on PostgreSQL/PostGIS.
 * Budgets (issue "Data in"): ≥ 100,000 readings/s and ≥ 50,000 incidents/s into real PostGIS.
 */
import type { Database } from '../../server/db/database.js';
import {
  stageCameras,
  stageIncidents,
  stageReadings,
  type ReadingRow,
} from '../../server/db/ingest-store.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import type { Camera, Incident, IncidentCategory } from '../../server/domain/types.js';
import { freshBenchDatabase } from './bench-database.js';
import { report } from './report.js';

const READINGS = Number(process.env.BENCH_READINGS ?? 500_000);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 250_000);
const BASELINE_ROWS = 3_000;
const CAMERAS = 40;

function cameras(): Camera[] {
  return Array.from({ length: CAMERAS }, (_, i) => ({
    externalId: `BENCH-${i}`,
    name: `bench ${i}`,
    kind: 'thermal',
    status: 'online',
    position: [-78.4 + i * 0.01, -0.7],
    mountHeightM: 10,
    azimuthDeg: 0,
    hfovDeg: 45,
    vfovDeg: 35,
    tiltDeg: 5,
    rangeM: 15000,
    resolutionHPx: 640,
    resolutionVPx: 512,
    installDate: null,
    unitCostUsd: null,
    volcanoGvp: null,
    synthetic: true,
  }));
}

function readings(ids: number[], n: number, startMs: number): ReadingRow[] {
  const rows: ReadingRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const cam = ids[i % ids.length]!;
    const t = startMs + Math.floor(i / ids.length) * 60_000;
    rows[i] = {
      cameraId: cam,
      ts: new Date(t).toISOString(),
      maxTempC: 5 + (i % 97) / 10,
      meanTempC: 2,
      quality: 'ok',
      synthetic: true,
    };
  }
  return rows;
}

const CATS: IncidentCategory[] = ['traffic', 'medical', 'fire', 'security', 'natural_hazard'];
function incidents(prefix: string, n: number): Incident[] {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    category: CATS[i % CATS.length]!,
    priority: (i % 5) + 1,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 30_000).toISOString(),
    position: [-79.9 + (i % 1000) * 1e-4, -2.19 + (i % 777) * 1e-4],
    description: null,
    synthetic: true,
  }));
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const CHUNK = 50_000;

async function bench(
  db: Database,
  label: string,
  budgets?: { readings: number; incidents: number },
): Promise<boolean> {
  await migrate(db);
  await db.exec('TRUNCATE thermal_readings, incidents, cameras CASCADE');
  await db.transaction(async (tx) => {
    const s = await stageCameras(tx);
    await s.append(cameras());
    await s.merge();
  });
  const ids = (await db.query<{ id: number }>('SELECT id FROM cameras ORDER BY id')).map((r) => r.id);

  // Baseline: one INSERT per reading, in one transaction (the kindest row-by-row case).
  const base = readings(ids, BASELINE_ROWS, Date.UTC(2025, 0, 1));
  const baseSeconds = await timed(() =>
    db.transaction(async (tx) => {
      for (const r of base) {
        await tx.query(
          'INSERT INTO thermal_readings (camera_id, ts, max_temp_c, mean_temp_c, quality, synthetic) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
          [r.cameraId, r.ts, r.maxTempC, r.meanTempC, r.quality, r.synthetic],
        );
      }
    }),
  );
  const rows = readings(ids, READINGS, Date.UTC(2026, 0, 1));
  const copySeconds = await timed(() =>
    db.transaction(async (tx) => {
      const s = await stageReadings(tx);
      for (let i = 0; i < rows.length; i += CHUNK) await s.append(rows.slice(i, i + CHUNK));
      const counts = await s.merge();
      if (counts.inserted !== rows.length)
        throw new Error(`expected ${rows.length} inserted, got ${counts.inserted}`);
    }),
  );
  const ok1 = report({
    name: `readings ingest, ${label} (${READINGS.toLocaleString('en-US')} rows)`,
    value: READINGS / copySeconds,
    unit: 'rows/s',
    ...(budgets ? { budget: { value: budgets.readings, better: 'higher' as const } } : {}),
    baseline: { name: 'row-by-row INSERT', value: BASELINE_ROWS / baseSeconds },
  });

  const baseInc = incidents('BASE', BASELINE_ROWS);
  const baseIncSeconds = await timed(() =>
    db.transaction(async (tx) => {
      for (const i of baseInc) {
        await tx.query(
          `INSERT INTO incidents (external_id, category, priority, occurred_at, geom, synthetic)
          VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7) ON CONFLICT DO NOTHING`,
          [i.externalId, i.category, i.priority, i.occurredAt, i.position[0], i.position[1], i.synthetic],
        );
      }
    }),
  );
  const inc = incidents('COPY', INCIDENTS);
  const incSeconds = await timed(() =>
    db.transaction(async (tx) => {
      const s = await stageIncidents(tx);
      for (let i = 0; i < inc.length; i += CHUNK) await s.append(inc.slice(i, i + CHUNK));
      const counts = await s.merge();
      if (counts.inserted !== inc.length)
        throw new Error(`expected ${inc.length} inserted, got ${counts.inserted}`);
    }),
  );
  const ok2 = report({
    name: `incidents ingest, ${label} (${INCIDENTS.toLocaleString('en-US')} rows)`,
    value: INCIDENTS / incSeconds,
    unit: 'rows/s',
    ...(budgets ? { budget: { value: budgets.incidents, better: 'higher' as const } } : {}),
    baseline: { name: 'row-by-row INSERT', value: BASELINE_ROWS / baseIncSeconds },
  });
  return ok1 && ok2;
}

export async function ingestBench(): Promise<boolean> {
  let ok = true;
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url) {
    const db = await freshBenchDatabase(url, 'bench', { statementTimeoutMs: 600_000 });
    try {
      ok = (await bench(db, 'PostgreSQL/PostGIS', { readings: 100_000, incidents: 50_000 })) && ok;
    } finally {
      await db.close();
    }
  } else {
    console.log(
      'SKIP  PostgreSQL ingest: set BENCH_DATABASE_URL (or DATABASE_URL) to measure the budgeted figures',
    );
  }
  // The embedded database has no stated budget: its figures are printed for comparison.
  const lite = await openPGlite();
  try {
    await bench(lite, 'embedded PGlite');
  } finally {
    await lite.close();
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ingestBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
