/**
 * Loads the seeded synthetic demo set (server/demo) with COPY. Loading replaces any earlier demo
 * set (rows with synthetic = true) in the same transaction; data an operator imported is untouched.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/database.js';
import {
  cameraCsv,
  CAMERA_COPY_COLUMNS,
  incidentCsvChunks,
  INCIDENT_COPY_COLUMNS,
  readingCsvChunks,
  READING_COPY_COLUMNS,
} from '../demo/demo-csv.js';
import { generateDemoData } from '../demo/demo-data.js';
import type { ProvinceCollection } from '../demo/land-mask.js';
import { demoDataPlan, type DemoDataSize } from '../demo/demo-slice.js';
import { parseVolcanoes } from './reference-data.js';
import { listDemStores } from '../terrain/dem-store.js';
import { closeTerrain, openTerrain, terrainAt } from '../terrain/terrain.js';

export interface DemoLoadResult {
  size: DemoDataSize;
  seed: string;
  endAt: string;
  cameras: number;
  incidents: number;
  readings: number;
  generateMs: number;
  loadMs: number;
}

/** Rows per COPY round trip. */
const COPY_ROWS = 50_000;

async function* asAsync(chunks: Iterable<string>): AsyncGenerator<string> {
  yield* chunks;
}

/** Whether a demo set is loaded already. */
export async function demoLoaded(db: Database): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM demo_datasets');
  return rows[0]!.n > 0;
}

/** Generates and loads the demo set ending at `endMs` (floored to the hour). */
export async function loadDemoData(
  db: Database,
  dataDir: string,
  options: {
    size: DemoDataSize;
    endMs: number;
    seed?: number | string;
    /**
     * DEM stores (npm run build-terrain, var/dem): when there are any, the thermal cameras are sited in
     * sight of their summit and tilted at it from the real ground; without, an assumed flank slope.
     */
    demRoot?: string;
  },
): Promise<DemoLoadResult> {
  const t0 = performance.now();
  const provinces = JSON.parse(
    await readFile(path.join(dataDir, 'provinces.geojson'), 'utf8'),
  ) as ProvinceCollection;
  const volcanoes = parseVolcanoes(await readFile(path.join(dataDir, 'volcanoes.csv'), 'utf8'));
  const plan = demoDataPlan(options.size, options.endMs, options.seed);
  const dem = options.demRoot ? demoElevation(options.demRoot) : undefined;
  let data: ReturnType<typeof generateDemoData>;
  try {
    data = generateDemoData(plan, {
      provinces,
      volcanoes,
      ...(dem ? { elevationAt: dem.elevationAt } : {}),
    });
  } finally {
    dem?.close();
  }
  const t1 = performance.now();

  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM thermal_readings WHERE synthetic');
    await tx.query('DELETE FROM incidents WHERE synthetic');
    await tx.query('DELETE FROM cameras WHERE synthetic');
    await tx.query('DELETE FROM demo_datasets');
    await tx.query('UPDATE volcanoes SET monitored = gvp_number = ANY($1::int[])', [
      data.groundTruth.monitoredVolcanoGvps,
    ]);
    await tx.copyFromCsv('cameras', CAMERA_COPY_COLUMNS, cameraCsv(data.cameras));
    const ids = await tx.query<{ id: number; external_id: string }>(
      'SELECT id, external_id FROM cameras WHERE external_id = ANY($1::text[])',
      [data.readings.cameras.map((c) => c.externalId)],
    );
    const idOf = new Map(ids.map((r) => [r.external_id, r.id]));
    const cameraIds = data.readings.cameras.map((c) => {
      const id = idOf.get(c.externalId);
      if (id === undefined) throw new Error(`Demo camera ${c.externalId} was not inserted`);
      return id;
    });
    await tx.copyFromCsv(
      'incidents',
      INCIDENT_COPY_COLUMNS,
      asAsync(incidentCsvChunks(data.incidents, COPY_ROWS)),
    );
    await tx.copyFromCsv(
      'thermal_readings',
      READING_COPY_COLUMNS,
      asAsync(readingCsvChunks(data.readings, cameraIds, COPY_ROWS)),
    );
    await tx.query(
      `INSERT INTO demo_datasets (size, seed, end_at, counts, ground_truth) VALUES ($1, $2, $3, $4, $5)`,
      [
        plan.size,
        String(plan.seed),
        new Date(plan.endMs).toISOString(),
        JSON.stringify({
          cameras: data.cameras.length,
          incidents: data.incidents.length,
          readings: data.readings.length,
        }),
        JSON.stringify(data.groundTruth),
      ],
    );
  });
  return {
    size: plan.size,
    seed: String(plan.seed),
    endAt: new Date(plan.endMs).toISOString(),
    cameras: data.cameras.length,
    incidents: data.incidents.length,
    readings: data.readings.length,
    generateMs: Math.round(t1 - t0),
    loadMs: Math.round(performance.now() - t1),
  };
}

/**
 * Ground heights from the DEM stores under `demRoot` (npm run build-terrain), or undefined when there are
 * none yet; `close` releases the stores once the demo set is generated.
 */
function demoElevation(
  demRoot: string,
): { elevationAt: (lon: number, lat: number) => number | null; close: () => void } | undefined {
  if (listDemStores(demRoot).length === 0) return undefined;
  const terrain = openTerrain(demRoot);
  return {
    elevationAt: (lon, lat) => terrainAt(terrain, lon, lat)?.heightM ?? null,
    close: () => closeTerrain(terrain),
  };
}
