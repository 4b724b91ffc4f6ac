/**
 * npm run simulate -- [--url http://localhost:8080] [--token atl_…] [--speed 1] [--duration 600] [--seed N]
 *
 * Sends SYNTHETIC thermal readings (one a minute per thermal camera, the demo model: diurnal cycle,
 * cloud, dropouts) and incidents (the national rate, ~2,700 a day, with its daily rhythm) to a
 * running server through the public API, in real time or `--speed` times faster, for `--duration`
 * seconds of wall time. Each batch is retried, the same body, with exponential backoff until the server
 * takes it — through a server restart or a database outage (503): ingest is idempotent, so a retry after
 * a lost answer never duplicates a row. The last line counts the rows acknowledged.
 * The token (or ATALAYA_TOKEN) needs the operator or admin role.
 */
import { parseArgs } from 'node:util';
import type { Feature, FeatureCollection, Point } from 'geojson';
import { INCIDENT_CATEGORIES, READING_QUALITIES, type Camera, type Volcano } from '../server/domain/types.js';
import { generateDemoIncidents } from '../server/demo/demo-incidents.js';
import { generateDemoReadings } from '../server/demo/demo-readings.js';
import type { ProvinceCollection } from '../server/demo/land-mask.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:8080' },
    token: { type: 'string' },
    speed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '600' },
    seed: { type: 'string' },
    'incidents-per-day': { type: 'string', default: '2740' },
  },
});
function usage(message: string): never {
  console.error(`simulate: ${message}`);
  process.exit(2);
}
const base = values.url!;
const token =
  values.token ?? process.env.ATALAYA_TOKEN ?? usage('a token is required: --token atl_… or ATALAYA_TOKEN');
const speed = Number(values.speed);
const durationS = Number(values.duration);
const perDay = Number(values['incidents-per-day']);
if (!(speed > 0 && speed <= 10_000)) usage(`--speed must be in (0, 10000]; got ${values.speed}`);
if (!(durationS > 0 && durationS <= 7 * 86_400))
  usage(`--duration must be in (0, 604800] seconds; got ${values.duration}`);
if (!(perDay >= 0)) usage(`--incidents-per-day must be ≥ 0; got ${values['incidents-per-day']}`);
const seed = values.seed ?? String(Date.now());
const runId = seed.replace(/[^A-Za-z0-9]/g, '').slice(-10);

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"), capped at 30 s. */
const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(30_000, 500 * 2 ** attempt)));

/** GETs until the server answers: it may still be starting, or its database be down (503). */
async function getJson<T>(path: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(30_000) });
      if (res.ok) return (await res.json()) as T;
      if (res.status < 500 && res.status !== 429) throw new Error(`GET ${path}: ${res.status}`);
      console.warn(`simulate: GET ${path} answered ${res.status}; retrying`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('GET ')) throw error;
      console.warn(`simulate: GET ${path} failed (${(error as Error).message}); retrying`);
    }
    await backoff(attempt);
  }
}

interface Stored {
  received: number;
  inserted: number;
  unchanged: number;
}

/**
 * POSTs the same body until the server commits it: network errors, lost answers and 5xx (a database
 * restart) are retried, 4xx are not. Ingest is idempotent, so a batch that was committed but whose
 * answer was lost comes back `unchanged`, never twice.
 */
async function postWithRetry(path: string, contentType: string, body: string): Promise<Stored> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(new URL(path, base), {
        method: 'POST',
        headers: { 'Content-Type': contentType, Authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const answer = (await res.json()) as { stored?: Stored; detail?: string };
      if (res.ok && answer.stored) return answer.stored;
      if (res.status >= 400 && res.status < 500 && res.status !== 429)
        throw new Error(`${path}: ${res.status} ${answer.detail ?? ''}`);
      console.warn(`simulate: ${path} answered ${res.status}; retrying`);
    } catch (error) {
      if (error instanceof Error && /^\/api\/.*: 4\d\d/.test(error.message)) throw error;
      console.warn(`simulate: ${path} failed (${(error as Error).message}); retrying`);
    }
    await backoff(attempt);
  }
}

const startMs = Date.now();
const simSpanMs = durationS * 1000 * speed;
const simNow = () => startMs + (Date.now() - startMs) * speed;

const cameraFc = await getJson<FeatureCollection<Point>>(
  '/api/cameras?kind=thermal&status=online,maintenance',
);
const cameras: Camera[] = cameraFc.features.map((f: Feature<Point>) => {
  const p = f.properties as Omit<Camera, 'position'>;
  return { ...p, position: f.geometry.coordinates as [number, number] };
});
const volcanoFc = await getJson<FeatureCollection<Point>>('/api/volcanoes');
const volcanoes: Volcano[] = volcanoFc.features.map((f) => ({
  ...(f.properties as Omit<Volcano, 'position' | 'country' | 'volcanicRegion'>),
  country: 'Ecuador',
  volcanicRegion: '',
  position: f.geometry.coordinates as [number, number],
}));
const provinces = await getJson<ProvinceCollection>('/api/provinces');

// The generators work in whole days; only [start, start + span] of their output is sent.
const days = Math.ceil(simSpanMs / 86_400_000);
const endMs = startMs + days * 86_400_000;
const stopMs = startMs + simSpanMs;
const readings = generateDemoReadings(
  { cameras, volcanoes },
  { seed, endMs, days, fromMs: startMs, episodes: [] },
);
const incidents = generateDemoIncidents(
  { provinces },
  { seed, endMs, days, fromMs: startMs, count: Math.round(perDay * days), surges: [] },
);
console.log(
  `simulate: ${cameras.length} thermal cameras, ${readings.length} readings and ${incidents.length} incidents ` +
    `over ${(simSpanMs / 60_000).toFixed(0)} simulated minutes at ${speed}× (SYNTHETIC, seed ${seed})`,
);

let r = 0;
let i = 0;
/** Rows of batches the server acknowledged, and how many of them were new (not a retry's repeat). */
const acknowledged = { readings: 0, incidents: 0, inserted: 0, repeated: 0 };
const count = (kind: 'readings' | 'incidents', stored: Stored) => {
  acknowledged[kind] += stored.received;
  acknowledged.inserted += stored.inserted;
  acknowledged.repeated += stored.unchanged;
};
for (;;) {
  const now = Math.min(simNow(), stopMs);
  let ndjson = '';
  for (; r < readings.length && readings.timeMs[r]! <= now; r++) {
    const mean = readings.meanTempC[r]!;
    ndjson += `${JSON.stringify({
      camera_id: readings.cameras[readings.camera[r]!]!.externalId,
      ts: new Date(readings.timeMs[r]!).toISOString(),
      max_temp_c: Math.round(readings.maxTempC[r]! * 100) / 100,
      ...(Number.isNaN(mean) ? {} : { mean_temp_c: Math.round(mean * 100) / 100 }),
      quality: READING_QUALITIES[readings.quality[r]!],
      synthetic: true,
    })}\n`;
  }
  let csv = '';
  for (; i < incidents.length && incidents.timeMs[i]! <= now; i++) {
    csv += `SYN-SIM-${runId}-${incidents.serial[i]},${INCIDENT_CATEGORIES[incidents.category[i]!]},${incidents.priority[i]},${new Date(incidents.timeMs[i]!).toISOString()},${incidents.lon[i]!.toFixed(6)},${incidents.lat[i]!.toFixed(6)},Synthetic simulated incident,true\n`;
  }
  if (ndjson) count('readings', await postWithRetry('/api/readings', 'application/x-ndjson', ndjson));
  if (csv) {
    const header = 'external_id,category,priority,occurred_at,lon,lat,description,synthetic\n';
    count('incidents', await postWithRetry('/api/incidents', 'text/csv', header + csv));
  }
  if (ndjson || csv)
    console.log(
      `simulate: ${new Date(now).toISOString()} readings ${acknowledged.readings}, incidents ${acknowledged.incidents}`,
    );
  if (now >= stopMs) break;
  await new Promise((res) => setTimeout(res, 1000));
}
// The last line is for scripts and tests: every row of every acknowledged batch, new or repeated.
console.log(
  `simulate: done — acknowledged ${acknowledged.readings} readings and ${acknowledged.incidents} incidents ` +
    `(${acknowledged.inserted} new, ${acknowledged.repeated} already stored by a batch whose answer was lost); ` +
    `incident ids SYN-SIM-${runId}-…`,
);
