/**
 * npm run loadtest -- [--duration 60] [--rate 1050] [--sse 50] [--servers 1] [--workers 1]
 *                     [--url http://…[,http://…] --token atl_…] [--only tiles,ingest]
 *
 * Drives a realistic mix at Atalaya on 127.0.0.1 (issue "Trust", item 5): map reads (tiles, reference
 * layers, cameras, incident density and histogram, alerts, thermal series; traffic-mix.ts), thermal
 * readings from one gateway per regional center at the national rate (450 readings/s), and `--sse`
 * operators following the alert stream the whole time. Each class is an autocannon instance at its
 * share of the offered rate; latencies are every response time after a warm-up, throughput counts
 * the responses in the measured window.
 *
 * Without --url it starts server/main.ts on a fresh database with the demo slice: PostgreSQL/PostGIS
 * with DATABASE_URL — the budget applies: ≥ 1,000 req/s mixed, p99 < 250 ms overall and per class, no
 * errors — or the embedded database, whose figures (and requests timing out) are INFO. Bounded:
 * --duration seconds after a --warmup, and at most --max-requests requests. Exit code 1 on any error,
 * or a missed budget on PostgreSQL. `--servers 2` runs two servers clustered on the one PostgreSQL
 * (ATALAYA_CLUSTER) and spreads the connections over them, as a load balancer would; `--workers 2`
 * runs one server with ATALAYA_WORKERS=2 (two clustered processes sharing its port, one per core).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createRng } from '../../server/demo/random.js';
import { report } from '../bench/report.js';
import { coresUsed, cpuSnapshot, withChildren, type CpuSnapshot } from './cpu-usage.js';
import { httpCeiling, unloadedLatency } from './baselines.js';
import { scrapeEventLoopLag } from './event-loop-lag.js';
import { summarize } from './latency-summary.js';
import { openSseListeners } from './sse-listeners.js';
import { startServerUnderTest, type ServerUnderTest } from './server-under-test.js';
import { gatewayIngestClass, mapReadClasses, type TrafficClass, type World } from './traffic-mix.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUDGET = { throughput: 1000, p99Ms: 250 } as const;
/** Cotopaxi (GVP 352050): its thermal cameras are watched by the seeded threshold rules. */
const HOT_VOLCANO = 352050;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1050' },
    connections: { type: 'string', default: '32' },
    gateways: { type: 'string', default: '16' },
    sse: { type: 'string', default: '50' },
    'max-requests': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    servers: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
  },
});
function usage(message: string): never {
  console.error(`loadtest: ${message}`);
  process.exit(2);
}
const int = (name: keyof typeof values, min: number, max: number): number => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min || v > max)
    usage(`--${name} must be an integer in [${min}, ${max}]; got ${String(values[name])}`);
  return v;
};
const durationS = int('duration', 1, 3600);
const warmupS = int('warmup', 0, 600);
const readRate = int('rate', 1, 100_000);
const connections = int('connections', 1, 1000);
const gateways = int('gateways', 1, 100);
const sseCount = int('sse', 0, 10_000);
const workers = int('workers', 1, 64);
const maxRequests =
  values['max-requests'] === undefined
    ? Math.ceil((readRate + gateways) * (durationS + warmupS) * 1.2)
    : int('max-requests', 1, 1e9);
const say = (line: string) => console.log(`loadtest: ${line}`);

async function main(): Promise<number> {
  let server: ServerUnderTest | null = null;
  let urls: string[];
  let tokens: string[];
  let kind: 'postgres' | 'pglite' | 'remote';
  if (values.url) {
    urls = values.url.split(',').map((u) => u.replace(/\/$/, ''));
    const token = values.token ?? process.env.ATALAYA_TOKEN;
    if (!token) usage('--url needs an operator token for the gateways: --token atl_… or ATALAYA_TOKEN');
    tokens = Array.from({ length: gateways }, () => token);
    kind = 'remote';
  } else {
    server = await startServerUnderTest({
      databaseUrl: process.env.DATABASE_URL,
      tokens: gateways,
      // The load comes from 127.0.0.1: keep it exempt from the per-address and per-token rate limits
      // (server/config.ts), or the limiter, not the server, would set the figures.
      env: {
        LOG_LEVEL: values['log-level']!,
        ATALAYA_RATE_LIMIT_LOOPBACK: 'exempt',
        ATALAYA_WORKERS: String(workers),
      },
      keep: values.keep,
      servers: int('servers', 1, 8),
      ...(values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] } : {}),
      say,
    });
    ({ urls, tokens } = server);
    kind = server.kind;
  }
  try {
    return await drive(urls, tokens, kind, server?.pids ?? []);
  } finally {
    await server?.stop();
  }
}

interface Tally {
  cls: TrafficClass;
  times: number[];
  bytes: number;
  statuses: Map<number, number>;
  failures: Map<string, number>;
}

async function drive(
  urls: string[],
  tokens: string[],
  kind: 'postgres' | 'pglite' | 'remote',
  pids: readonly number[],
): Promise<number> {
  const url = urls[0]!;
  const world = await readWorld(url);
  const health = (await (await fetch(`${url}/api/health`)).json()) as {
    database?: { kind?: string; postgres?: string; postgis?: string };
  };
  const hot = (
    await getJson<{ features: { id: string }[] }>(`${url}/api/cameras?kind=thermal&volcano=${HOT_VOLCANO}`)
  ).features[0]?.id;
  // --only tiles,ingest: some classes alone (to find what is slow).
  const only = values.only?.split(',');
  const classes = [
    ...mapReadClasses(world, readRate, connections),
    gatewayIngestClass(world, tokens, {
      ...(hot ? { hotCameraId: hot } : {}),
      hotAfterMs: (warmupS + 5) * 1000,
    }),
  ].filter((c) => !only || only.includes(c.name));
  const offered = classes.reduce((s, c) => s + c.rate, 0);
  say(
    `${health.database?.kind ?? kind} (PostgreSQL ${health.database?.postgres ?? '?'}, PostGIS ${health.database?.postgis ?? '?'}); ` +
      `${world.cameraIds.length} cameras, ${world.tilePaths.length} tiles; offered ${offered} req/s ` +
      `(${readRate} map reads + ${gateways} gateway batches = ${world.cameraIds.length / 10} readings/s), ` +
      `${sseCount} SSE clients, ${warmupS} s warm-up + ${durationS} s`,
  );

  // The streams are spread over the servers: with several, each server fans out every event.
  // Baselines of this run, before the load: each class alone, one request at a time, and the HTTP
  // stack's ceiling on the same connections.
  const baselineRng = createRng('atalaya-loadtest-baseline');
  const unloaded = new Map<string, number[]>();
  for (const cls of classes) {
    const times: number[] = [];
    // Warm first (caches, the first density at each resolution), as the loaded run's warm-up does.
    await unloadedLatency(url, cls, baselineRng, 20);
    const s = await unloadedLatency(url, cls, baselineRng, 40, times);
    unloaded.set(cls.name, times);
    say(`unloaded ${cls.name}: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`);
  }
  const ceiling = await httpCeiling(urls, connections, 5);
  say(`HTTP stack ceiling (GET /api/health/live, ${connections} connections): ${ceiling.toFixed(0)} req/s`);

  const sse = await openSseListeners(urls, sseCount);
  const rng = createRng('atalaya-loadtest');
  const tallies: Tally[] = classes.map((cls) => ({
    cls,
    times: [],
    bytes: 0,
    statuses: new Map(),
    failures: new Map(),
  }));
  const started = performance.now();
  const windowStart = started + warmupS * 1000;
  // CPU over the measured window: the servers, this process, the machine (other work shows as the rest).
  let cpuAtStart: CpuSnapshot | null = null;
  let cpuAtEnd: CpuSnapshot | null = null;
  // Each server's processes (with ATALAYA_WORKERS, its workers), fixed as the window opens.
  let groups: number[][] = pids.map((pid) => [pid]);
  const cpuTimers = [
    setTimeout(() => {
      groups = pids.map(withChildren);
      cpuAtStart = cpuSnapshot(groups);
      // Resets the servers' event-loop delay histograms: the closing scrape covers the window.
      for (const u of urls) void scrapeEventLoopLag(u);
    }, warmupS * 1000),
    setTimeout(() => (cpuAtEnd = cpuSnapshot(groups)), (warmupS + durationS) * 1000),
  ];
  const windowEnd = windowStart + durationS * 1000;
  let readingsStored = 0;
  /** One autocannon instance of `connections` at `rate` for the class, started after `delayMs`. */
  const start = async (t: Tally, connections: number, rate: number, delayMs: number) => {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    let instance!: autocannon.Instance;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          // Several URLs: autocannon spreads the connections over them (its typings only say string).
          url: (urls.length === 1 ? url : urls) as string,
          connections,
          overallRate: rate,
          duration: warmupS + durationS + 1,
          maxOverallRequests: Math.max(connections, Math.ceil((maxRequests * rate) / offered)),
          timeout: 10,
          ...(t.cls.name === 'ingest' ? {} : { setupClient: discardBodies }),
          requests: [
            {
              setupRequest: (req) => Object.assign(req, t.cls.next(rng)),
              ...(t.cls.name === 'ingest'
                ? {
                    onResponse: (status: number, body: string) => {
                      if (status === 200)
                        readingsStored += (JSON.parse(body) as { stored: { inserted: number } }).stored
                          .inserted;
                    },
                  }
                : {}),
            },
          ],
        },
        (error: unknown, result) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
      );
    });
    // The typings omit the first argument (the client) that autocannon passes.
    (instance as unknown as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, status: number, bytes: number, ms: number) => {
        t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
        const now = performance.now();
        if (now >= windowStart && now < windowEnd) {
          t.times.push(ms);
          t.bytes += bytes;
        }
      },
    );
    instance.on('reqError', (error: Error & { code?: string }) => {
      const key = error.code ?? error.message;
      t.failures.set(key, (t.failures.get(key) ?? 0) + 1);
    });
    return done;
  };
  // autocannon paces each connection by the second, all from the same instant: a class of independent
  // clients (the gateways, each on its own clock) runs as one instance per client, started at its own
  // phase in the second, rather than all at the top of it with the burst of map reads.
  const runs = tallies.map((t) =>
    t.cls.independentClients
      ? Promise.all(
          Array.from({ length: t.cls.connections }, (_, i) =>
            start(t, 1, t.cls.rate / t.cls.connections, (i * 1000) / t.cls.connections),
          ),
        )
      : start(t, t.cls.connections, t.cls.rate, 0),
  );
  await Promise.all(runs);
  for (const t of cpuTimers) clearTimeout(t);
  const lags = await Promise.all(urls.map((u) => scrapeEventLoopLag(u)));
  const sseEvents = sse.events();
  const sseOpen = sse.open();
  const sseFailures = sse.failures();
  sse.close();
  const status = await getJson<Record<string, unknown>>(`${url}/api/alerts/status`).catch(() => null);

  // ------------------------------------------------------------------ report
  const where =
    kind === 'remote'
      ? urls.join(', ')
      : `${kind}, ${urls.length} server${urls.length > 1 ? 's' : ''}` +
        (workers > 1 ? ` of ${workers} workers (ATALAYA_WORKERS)` : '');
  console.log(`\n# loadtest: ${durationS} s on ${where}\n`);
  console.log('class        req/s     p50 ms   p99 ms   max ms   MB/s   errors');
  let errors = 0;
  let timeouts = 0;
  const all: number[] = [];
  for (const t of tallies) {
    const s = summarize(t.times);
    const bad = [...t.statuses].filter(([code]) => code < 200 || code >= 300).reduce((n, [, c]) => n + c, 0);
    // autocannon reports a timeout as a request error 'request timed out' (after 10 s).
    const failed = [...t.failures.values()].reduce((n, c) => n + c, 0);
    timeouts += t.failures.get('request timed out') ?? 0;
    errors += bad + failed;
    for (const x of t.times) all.push(x);
    const detail = [...t.statuses]
      .filter(([code]) => code < 200 || code >= 300)
      .map(([code, n]) => `${code}×${n}`)
      .concat([...t.failures].map(([why, n]) => `${why}×${n}`))
      .join(' ');
    console.log(
      `${t.cls.name.padEnd(10)} ${(s.count / durationS).toFixed(0).padStart(7)} ${ms(s.p50)} ${ms(s.p99)} ${ms(s.max)} ` +
        `${(t.bytes / durationS / 1e6).toFixed(1).padStart(6)}   ${bad + failed}${detail ? ` (${detail})` : ''}`,
    );
  }
  const overall = summarize(all);
  console.log(
    `${'overall'.padEnd(10)} ${(overall.count / durationS).toFixed(0).padStart(7)} ${ms(overall.p50)} ${ms(overall.p99)} ${ms(overall.max)}`,
  );
  console.log(
    `SSE: ${sseOpen} of ${sseCount} streams open to the end, events per stream ${sseEvents.length ? `${Math.min(...sseEvents)}–${Math.max(...sseEvents)}` : 'n/a'}; ` +
      `readings stored ${readingsStored}`,
  );
  for (const f of sseFailures.slice(0, 5)) console.log(`SSE failure: ${f}`);
  errors += sseFailures.length;
  if (status) console.log(`alert service: ${JSON.stringify(status)}`);
  lags.forEach((lag, i) => {
    if (lag)
      console.log(
        `event-loop delay${urls.length > 1 ? ` (server ${i + 1})` : ''}: p50 ${lag.p50Ms.toFixed(1)} ms, ` +
          `p99 ${lag.p99Ms.toFixed(1)} ms, max ${lag.maxMs.toFixed(1)} ms`,
      );
  });
  if (cpuAtStart && cpuAtEnd) {
    const c = coresUsed(cpuAtStart, cpuAtEnd);
    const servers = c.processes.map((v) => v.toFixed(2)).join(' + ');
    console.log(
      `CPU (cores of ${c.cores}): machine ${c.machine.toFixed(2)}` +
        (pids.length ? `, server${pids.length > 1 ? 's' : ''} ${servers}` : '') +
        `, load generator ${c.self.toFixed(2)}; the rest is the database and anything else running`,
    );
    // What the servers did per CPU-second they got: their capacity, whatever else shared the machine.
    const serverCores = c.processes.reduce((a, b) => a + b, 0);
    if (serverCores > 0)
      console.log(
        `server efficiency: ${(overall.count / durationS / serverCores).toFixed(0)} requests per server CPU-second`,
      );
  }
  console.log('');

  // The budget is for real PostGIS; the embedded database's figures are for information.
  const budgeted = kind !== 'pglite';
  let ok = true;
  ok =
    report({
      name: 'mixed throughput',
      value: overall.count / durationS,
      unit: 'req/s',
      baseline: { name: 'GET /api/health/live alone', value: ceiling },
      ...(budgeted ? { budget: { value: BUDGET.throughput, better: 'higher' as const } } : {}),
    }) && ok;
  ok =
    report({
      name: 'mixed p99 latency',
      value: overall.p99,
      unit: 'ms',
      baseline: { name: 'unloaded, one at a time', value: summarize([...unloaded.values()].flat()).p99 },
      ...(budgeted ? { budget: { value: BUDGET.p99Ms, better: 'lower' as const } } : {}),
    }) && ok;
  for (const t of tallies) {
    ok =
      report({
        name: `${t.cls.name} p99 latency`,
        value: summarize(t.times).p99,
        unit: 'ms',
        baseline: { name: 'unloaded', value: summarize(unloaded.get(t.cls.name) ?? []).p99 },
        ...(budgeted ? { budget: { value: BUDGET.p99Ms, better: 'lower' as const } } : {}),
      }) && ok;
  }
  // The embedded database is not sized for this load: there, requests that time out are information,
  // while wrong answers (non-2xx) and dropped streams still fail the run.
  const counted = budgeted ? errors : errors - timeouts;
  if (!budgeted && timeouts > 0)
    report({ name: 'requests timed out (embedded database overloaded)', value: timeouts, unit: '' });
  const errorsOk = report({
    name: budgeted ? 'errors' : 'errors other than timeouts',
    value: counted,
    unit: '',
    budget: { value: 0, better: 'lower' },
  });
  return errorsOk && (ok || !budgeted) ? 0 : 1;
}

/**
 * autocannon keeps every response body as a string, for onResponse; the reads never look at theirs,
 * and decoding ~50 MB/s of tiles as UTF-8 made the load generator, not the server, the bottleneck.
 */
function discardBodies(client: autocannon.Client): void {
  (
    client as unknown as { pipelinedRequests: { addBody: (data: Buffer) => void } }
  ).pipelinedRequests.addBody = () => undefined;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a').padStart(8);

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** Cameras and tiles the mix draws from; the regional centers' cities to centre views on. */
async function readWorld(url: string): Promise<World> {
  const cameras = await getJson<{ features: { id: string; properties: { kind: string } }[] }>(
    `${url}/api/cameras`,
  );
  const centers = (await readFile(path.join(ROOT, 'data/centers.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cols = line.split(',');
      return [Number(cols[4]), Number(cols[5])] as const;
    });
  const tiles: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(path.join(ROOT, 'tiles', dir), { withFileTypes: true }).catch(() => [])) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else if (/\.(png|geojson|json)$/.test(e.name)) tiles.push(rel);
    }
  };
  await walk('');
  if (cameras.features.length === 0) throw new Error('the server has no cameras: load the demo slice');
  if (tiles.length === 0) throw new Error(`no tiles under ${path.join(ROOT, 'tiles')}`);
  return {
    nowMs: Date.now(),
    cities: centers,
    cameraIds: cameras.features.map((f) => f.id),
    thermalCameraIds: cameras.features.filter((f) => f.properties.kind === 'thermal').map((f) => f.id),
    tilePaths: tiles,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('loadtest failed:', error);
    process.exit(1);
  },
);
