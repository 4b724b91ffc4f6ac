/**
 * Ingest-to-SSE latency of the alert service at the national rate (issue "Alert rules"): 4,500 thermal
 * cameras × one reading every 10 s = 450 readings/s, POSTed in 100 ms batches to an in-process server on
 * 127.0.0.1 for BENCH_ALERT_SECONDS (30) s, against the seeded rule kinds over every camera (threshold,
 * rate, anomaly, stale sensor). One reading in 45 is hot: its threshold alert fires on that reading, and
 * the figure is the time from sending the batch to receiving the `firing` event on GET /api/alerts/stream.
 * Budget: p99 < 1 s. Baseline: the POST round trip of the same load with no rules loaded (the floor the
 * SSE latency stands on). Embedded PGlite always; PostgreSQL too with BENCH_DATABASE_URL (or DATABASE_URL).
 */
import type { Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import { insertRule } from '../../server/db/rule-store.js';
import { assertRule, type RuleDefinitionInput } from '../../server/rules/rule-schema.js';
import {
  readingsNdjson,
  startHarness,
  type Harness,
  type Reading,
} from '../../test/server/alerts/alert-harness.js';
import { createToken } from '../../server/db/token-store.js';
import { freshBenchDatabase } from './bench-database.js';
import { report } from './report.js';
import { createLogger } from '../../server/logger.js';

const CAMERAS = 4500;
const BATCH_MS = 100;
const PER_BATCH = (CAMERAS / 10_000) * BATCH_MS; // each camera once every 10 s
const SECONDS = Number(process.env.BENCH_ALERT_SECONDS ?? 30);
const BUDGET_P99_MS = 1000;

const RULES: RuleDefinitionInput[] = [
  {
    name: 'bench hot spot',
    kind: 'thermal_threshold',
    severity: 'yellow',
    scope: { type: 'all' },
    params: { thresholdC: 60, clearThresholdC: 45 },
  },
  {
    name: 'bench fast rise',
    kind: 'thermal_rate',
    severity: 'yellow',
    scope: { type: 'all' },
    params: { windowSeconds: 3600, ratePerHourC: 30, clearRatePerHourC: 10, minSamples: 30, forSeconds: 300 },
  },
  {
    name: 'bench anomaly',
    kind: 'thermal_anomaly',
    severity: 'yellow',
    scope: { type: 'all' },
    params: { baselineDays: 14, minBaselineDays: 7, k: 4, clearK: 2, minSigmaC: 2, forSeconds: 300 },
  },
  {
    name: 'bench silent',
    kind: 'stale_sensor',
    severity: 'yellow',
    scope: { type: 'all' },
    params: { maxSilenceSeconds: 900, cameraKinds: ['thermal'] },
  },
];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

interface Run {
  post: number[];
  sse: number[];
  hot: number;
}

/** Reads the SSE stream, timing each `firing` of the threshold rule against its reading's send time. */
async function listen(url: string, sent: Map<string, number>, latencies: number[], ruleId: number | null) {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/alerts/stream`, { signal: abort.signal });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.includes('event: firing')) continue;
          const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as {
            ruleId: number;
            scopeKey: string;
            event: { at: string };
          };
          if (data.ruleId !== ruleId) continue;
          const key = `${data.scopeKey.slice('camera:'.length)}|${data.event.at}`;
          const t = sent.get(key);
          if (t !== undefined) latencies.push(performance.now() - t);
        }
      }
    } catch {
      // closed
    }
  })();
  return () => abort.abort();
}

/** `hot`: one reading per batch at 90 °C (a threshold alert); the baseline sends none. */
async function load(
  h: Harness,
  token: string,
  ruleId: number | null,
  seconds: number,
  hot: boolean,
): Promise<Run> {
  const sent = new Map<string, number>();
  const run: Run = { post: [], sse: [], hot: 0 };
  const stop = await listen(h.url, sent, run.sse, ruleId);
  const pending: Promise<void>[] = [];
  const batches = (seconds * 1000) / BATCH_MS;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    // Keep the schedule: batch b leaves at b × 100 ms whatever the previous ones are doing.
    const wait = started + b * BATCH_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ts = Date.now();
    const readings: Reading[] = [];
    for (let i = 0; i < PER_BATCH; i++) {
      const camera = (b * PER_BATCH + i) % CAMERAS;
      const isHot = hot && i === b % PER_BATCH;
      readings.push({ camera: `BENCH-${camera}`, t: ts, maxC: isHot ? 90 : 20 + (camera % 7), meanC: 5 });
    }
    const t0 = performance.now();
    if (hot) {
      sent.set(`${readings[b % PER_BATCH]!.camera}|${new Date(ts).toISOString()}`, t0);
      run.hot++;
    }
    pending.push(
      fetch(`${h.url}/api/readings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', Authorization: `Bearer ${token}` },
        body: readingsNdjson(readings),
      }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`POST /api/readings answered ${res.status}`);
        run.post.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(pending);
  // Let the last events arrive.
  const deadline = performance.now() + 5000;
  while (ruleId !== null && run.sse.length < run.hot && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  stop();
  return run;
}

async function bench(db: Database, label: string): Promise<boolean> {
  await migrate(db);
  await db.exec(
    'TRUNCATE thermal_readings, incidents, cameras, alert_rules, rule_evaluator_snapshots CASCADE',
  );
  await db.query(
    `INSERT INTO cameras (external_id, name, kind, geom, mount_height_m, azimuth_deg, hfov_deg, vfov_deg, range_m,
                          resolution_h_px, resolution_v_px, synthetic)
     SELECT 'BENCH-' || i, 'bench ' || i, 'thermal', ST_SetSRID(ST_MakePoint(-78.4 + i * 1e-4, -0.7), 4326),
            5, 0, 30, 24, 15000, 640, 512, true
     FROM generate_series(0, $1 - 1) AS i`,
    [CAMERAS],
  );
  const token = (await createToken(db, 'alerts-bench', 'admin')).secret;

  let h = await startHarness(db, { rulesFile: null, tickEveryMs: 1000 });
  await load(h, token, null, 5, false); // warm-up (JIT, database caches), not measured
  const base = await load(h, token, null, SECONDS, false);
  await h.close();

  let thresholdId = 0;
  for (const rule of RULES) {
    const record = await db.transaction((tx) => insertRule(tx, assertRule(rule), { actor: 'bench' }));
    if (rule.kind === 'thermal_threshold') thresholdId = record.id;
  }
  h = await startHarness(db, { rulesFile: null, tickEveryMs: 1000 }, createLogger('warn'));
  const run = await load(h, token, thresholdId, SECONDS, true);
  const status = h.service.status();
  await h.close();

  const p50 = quantile(run.sse, 0.5);
  const p99 = quantile(run.sse, 0.99);
  console.log(
    `      ${label}: ${run.hot} hot readings, ${run.sse.length} firing events received; ${status.readings.toLocaleString('en-US')} readings and ${status.transitions.toLocaleString('en-US')} transitions stored by the service; POST p50 ${quantile(run.post, 0.5).toFixed(0)} ms, p99 ${quantile(run.post, 0.99).toFixed(0)} ms (no rules: p50 ${quantile(base.post, 0.5).toFixed(0)} ms)`,
  );
  report({
    name: `ingest-to-SSE latency p50, ${label}, ${CAMERAS} cameras × 1/10 s, ${RULES.length} rules`,
    value: p50,
    unit: 'ms',
    budget: { value: BUDGET_P99_MS, better: 'lower' },
    baseline: { name: 'POST round trip p50, no rules', value: quantile(base.post, 0.5) },
  });
  const ok = report({
    name: `ingest-to-SSE latency p99, ${label}, ${CAMERAS} cameras × 1/10 s, ${RULES.length} rules`,
    value: p99,
    unit: 'ms',
    budget: { value: BUDGET_P99_MS, better: 'lower' },
    baseline: { name: 'POST round trip p99, no rules', value: quantile(base.post, 0.99) },
  });
  const complete = run.sse.length === run.hot;
  if (!complete) console.log(`MISS  ${label}: ${run.hot - run.sse.length} firing events never arrived`);
  return ok && complete;
}

export async function alertsBench(): Promise<boolean> {
  let ok = true;
  const lite = await openPGlite();
  try {
    ok = (await bench(lite, 'embedded PGlite')) && ok;
  } finally {
    await lite.close();
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url) {
    const db = await freshBenchDatabase(url, 'bench_alerts');
    try {
      ok = (await bench(db, 'PostgreSQL/PostGIS')) && ok;
    } finally {
      await db.close();
    }
  } else {
    console.log('SKIP  PostgreSQL alert latency: set BENCH_DATABASE_URL (or DATABASE_URL)');
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  alertsBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
