/**
 * Alert rules throughput (issue "Alert rules"), each figure against a naive evaluator in the same run
 * (strategy `rescan`: the same lifecycle, but every window re-scanned from the raw history on each input).
 *
 * 1. Live: the national network — 4,500 cameras, one reading each per 10 s (450 readings/s) — through the
 *    seeded rules of data/rules.yaml, sweeps included. Worst case: every camera sends thermal frames, so
 *    every reading reaches the network-wide anomaly, rate and stale-sensor rules (in reality most cameras
 *    send status pings that only the stale-sensor rules see). Budget: 10× headroom, ≥ 4,500 readings/s.
 * 2. Backtest: one rule over 30 days of one-minute readings from 40 cameras (1.73 M readings).
 *    Budget: ≤ 2 s.
 *
 * Run: npx tsx scripts/bench/rules-bench.ts   (BENCH_LIVE_MINUTES, BENCH_BACKTEST_DAYS to change the sizes)
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { backtestRule } from '../../server/rules/backtest.js';
import { QUALITY_OBSCURED, QUALITY_OK } from '../../server/rules/camera-feed.js';
import type { ReadingColumns } from '../../server/rules/history-columns.js';
import { loadRulesYaml } from '../../server/rules/load-rules-yaml.js';
import { RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import type { CameraRef } from '../../server/rules/scope.js';
import type { WindowStrategy } from '../../server/rules/thermal-kernel.js';
import { report } from './report.js';

const LIVE_MINUTES = Number(process.env.BENCH_LIVE_MINUTES ?? 30);
const BACKTEST_DAYS = Number(process.env.BENCH_BACKTEST_DAYS ?? 30);
const NATIONAL_CAMERAS = 4500;
const READING_PERIOD_MS = 10_000;
const START = Date.UTC(2025, 0, 1);
const VOLCANOES = [352050, 352080, 352090, 352010];
const CENTERS = [
  'quito',
  'samborondon',
  'cuenca',
  'portoviejo',
  'ambato',
  'ibarra',
  'machala',
  'esmeraldas',
  'babahoyo',
  'loja',
  'macas',
  'nueva_loja',
  'tena',
  'riobamba',
  'san_cristobal',
  'santo_domingo',
];

const seeded: StoredRule[] = loadRulesYaml(
  readFileSync(new URL('../../data/rules.yaml', import.meta.url), 'utf8'),
  { source: 'data/rules.yaml' },
).map((r, i) => ({
  ...r,
  id: String(i + 1),
}));

/** 4,500 cameras sending thermal frames: 40 on four volcanoes, the rest spread over the 16 regions. */
function nationalCameras(): CameraRef[] {
  return Array.from({ length: NATIONAL_CAMERAS }, (_, i) =>
    i < 40
      ? {
          id: `volcano-${i}`,
          kind: 'thermal',
          status: 'online',
          volcanoGvp: VOLCANOES[i % 4]!,
          centerId: 'ambato',
        }
      : { id: `camera-${i}`, kind: 'thermal', status: 'online', centerId: CENTERS[i % CENTERS.length]! },
  );
}

/**
 * A smooth daily cycle with noise, cloud, and a ten-minute hot spell every `hotEvery` ten-minute blocks
 * (288 ≈ one every two days per camera; 37 ≈ four a day, a draft rule that fires far too often).
 */
function temperature(camera: number, t: number, hotEvery = 288): { v: number; q: number } {
  const hour = (t % 86_400_000) / 3_600_000;
  const h = Math.imul(camera + 1, 2_654_435_761) ^ Math.floor(t / 60_000);
  const noise = ((h >>> 0) % 1000) / 1000;
  const sun = Math.max(0, Math.sin(((hour - 11) / 12) * Math.PI)) * 18;
  const hot = Math.floor(t / 600_000 + camera * 7) % hotEvery === 0 ? 70 : 0;
  const cloudy = Math.floor(t / 1_800_000 + camera * 7) % 11 === 0;
  return { v: Math.round((sun + noise * 3 + hot) * 10) / 10, q: cloudy ? QUALITY_OBSCURED : QUALITY_OK };
}

function liveRun(
  strategy: WindowStrategy,
  minutes: number,
): { readings: number; ruleEvaluations: number; seconds: number; transitions: number } {
  const cameras = nationalCameras();
  const ev = new RuleEvaluator({
    rules: seeded,
    cameras,
    startMs: START,
    sweepIntervalSeconds: 15,
    strategy,
  });
  const subscribed = ev.cameraSubscriptions() / cameras.length;
  const out: never[] = [];
  let transitions = 0;
  let readings = 0;
  const t0 = performance.now();
  for (let t = START; t < START + minutes * 60_000; t += READING_PERIOD_MS) {
    for (let c = 0; c < NATIONAL_CAMERAS; c++) {
      // The network's readings spread over the 10 s period.
      const ts = t + Math.floor((c * READING_PERIOD_MS) / NATIONAL_CAMERAS);
      const { v, q } = temperature(c, ts);
      ev.ingestReadingValues(cameras[c]!.id, ts, v, v / 3, q, out);
      readings++;
    }
    ev.tick(t + READING_PERIOD_MS - 1, out);
    transitions += out.length;
    out.length = 0;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { readings, ruleEvaluations: readings * subscribed, seconds, transitions };
}

function backtestColumns(days: number, hotEvery: number): ReadingColumns {
  const cams = 40;
  const n = days * 1440 * cams;
  const cols: ReadingColumns = {
    cameraIds: Array.from({ length: cams }, (_, i) => `thermal-${i}`),
    camera: new Uint32Array(n),
    ts: new Float64Array(n),
    maxC: new Float64Array(n),
    meanC: new Float64Array(n),
    quality: new Uint8Array(n),
  };
  let i = 0;
  for (let m = 0; m < days * 1440; m++) {
    for (let c = 0; c < cams; c++, i++) {
      const ts = START + m * 60_000 + c * 1000;
      const { v, q } = temperature(c, ts, hotEvery);
      cols.camera[i] = c;
      cols.ts[i] = ts;
      cols.maxC[i] = v;
      cols.meanC[i] = v / 3;
      cols.quality[i] = q;
    }
  }
  return cols;
}

function backtestSeconds(
  rule: StoredRule,
  cols: ReadingColumns,
  cameras: CameraRef[],
  strategy: WindowStrategy,
): { seconds: number; cpuSeconds: number; alerts: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = backtestRule(
    rule,
    { readings: cols, cameras },
    { fromMs: START, toMs: START + BACKTEST_DAYS * 86_400_000, startMs: START, strategy },
  );
  const cpu = process.cpuUsage(c0);
  return {
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    alerts: r.alerts.length,
  };
}

const results: boolean[] = [];

// ---------------------------------------------------------------- live
{
  const warm = liveRun('incremental', 2); // let the JIT settle
  void warm;
  const fast = liveRun('incremental', LIVE_MINUTES);
  const naive = liveRun('rescan', LIVE_MINUTES);
  console.log(
    `# live: ${fast.readings.toLocaleString('en-US')} readings (${LIVE_MINUTES} min of the national network), ${(fast.ruleEvaluations / fast.readings).toFixed(1)} rule slots per reading, ${fast.transitions} transitions`,
  );
  results.push(
    report({
      name: 'live evaluation, national network, seeded rules',
      value: fast.readings / fast.seconds,
      unit: 'readings/s',
      budget: { value: 4500, better: 'higher' },
      baseline: { name: 'rescan', value: naive.readings / naive.seconds },
    }),
  );
  console.log(
    `#   = ${Math.round(fast.ruleEvaluations / fast.seconds).toLocaleString('en-US')} rule evaluations/s; headroom over 450 readings/s: ${(fast.readings / fast.seconds / 450).toFixed(0)}×`,
  );
}

// ---------------------------------------------------------------- backtest
const cameras40: CameraRef[] = Array.from({ length: 40 }, (_, i) => ({
  id: `thermal-${i}`,
  kind: 'thermal',
  volcanoGvp: VOLCANOES[i % 4]!,
  centerId: 'ambato',
}));
for (const [label, hotEvery] of [
  ['a hot spell every ~2 days per camera', 288],
  ['stress: a draft that fires ~4× a day per camera', 37],
] as const) {
  const cols = backtestColumns(BACKTEST_DAYS, hotEvery);
  console.log(
    `# backtest (${label}): ${cols.ts.length.toLocaleString('en-US')} readings (${BACKTEST_DAYS} days × 40 cameras × 1/min)`,
  );
  for (const name of [
    'Fast thermal rise',
    'Thermal anomaly for the hour of day',
    'Cotopaxi summit hot spot',
  ]) {
    const rule = seeded.find((r) => r.name === name)!;
    backtestSeconds(rule, cols, cameras40, 'incremental'); // warm-up
    const fast = backtestSeconds(rule, cols, cameras40, 'incremental');
    const naive = backtestSeconds(rule, cols, cameras40, 'rescan');
    if (naive.alerts !== fast.alerts)
      throw new Error(`rescan found ${naive.alerts} alerts, incremental ${fast.alerts}`);
    results.push(
      report({
        name: `backtest ${rule.kind} "${name}", ${BACKTEST_DAYS} d × 40 cameras, ${fast.alerts} alerts`,
        value: fast.seconds,
        unit: 's',
        budget: { value: 2, better: 'lower' },
        baseline: { name: 'rescan', value: naive.seconds },
      }),
    );
    console.log(`#   cpu ${fast.cpuSeconds.toFixed(2)} s (rescan ${naive.cpuSeconds.toFixed(2)} s)`);
  }
}
console.log(
  `# load average during the run: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} cores`,
);

process.exitCode = results.every(Boolean) ? 0 : 1;
