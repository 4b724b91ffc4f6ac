import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { backtestRule, type RuleHistory } from '../../server/rules/backtest.js';
import { readingColumnsFrom } from '../../server/rules/history-columns.js';
import { loadRulesYaml } from '../../server/rules/load-rules-yaml.js';
import { isOpenPhase } from '../../server/rules/rule-engine.js';
import { RuleEvaluator, type EvaluatorSnapshot } from '../../server/rules/rule-evaluator.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import { createRandom, createRule, DAY, HOUR, MIN, S } from './rule-fixtures.js';
import {
  createSyntheticHistory,
  eventTime,
  HISTORY_START,
  mergedEvents,
  type HistoryEvent,
} from './synthetic-history.js';

const SWEEP_SECONDS = 15;
const seeded = loadRulesYaml(readFileSync(new URL('../../data/rules.yaml', import.meta.url), 'utf8')).map(
  (r, i): StoredRule => ({ ...r, id: `seed-${i}` }),
);
// Rules tuned to the synthetic data so every kind and every lifecycle feature changes state many times.
const lively: StoredRule[] = [
  createRule(
    {
      name: 'hot',
      kind: 'thermal_threshold',
      severity: 'yellow',
      scope: { type: 'all' },
      params: {
        thresholdC: 45,
        clearThresholdC: 35,
        forSeconds: 120,
        minFiringSeconds: 600,
        noData: 'resolve',
        noDataAfterSeconds: 600,
        obscuredAlertAfterSeconds: 3 * 3600,
      },
    },
    'hot',
  ),
  createRule(
    {
      name: 'hot mean',
      kind: 'thermal_threshold',
      severity: 'yellow',
      scope: { type: 'volcano', gvpNumber: 352050 },
      params: { field: 'mean', thresholdC: 15, forSeconds: 60, noData: 'alert', noDataAfterSeconds: 900 },
    },
    'hot-mean',
  ),
  createRule(
    {
      name: 'rise',
      kind: 'thermal_rate',
      severity: 'orange',
      scope: { type: 'all' },
      params: { windowSeconds: 1800, ratePerHourC: 60, clearRatePerHourC: 20, minSamples: 5, forSeconds: 60 },
    },
    'rise',
  ),
  createRule(
    {
      name: 'anomaly',
      kind: 'thermal_anomaly',
      severity: 'yellow',
      scope: { type: 'region', centerId: 'ambato' },
      params: { baselineDays: 1, minBaselineDays: 1, k: 3, clearK: 1, minSigmaC: 1, forSeconds: 300 },
    },
    'anomaly',
  ),
  createRule(
    {
      name: 'silent',
      kind: 'stale_sensor',
      severity: 'yellow',
      scope: { type: 'all' },
      params: { maxSilenceSeconds: 900, minFiringSeconds: 300 },
    },
    'silent',
  ),
  createRule(
    {
      name: 'surge',
      kind: 'incident_surge',
      severity: 'watch',
      scope: { type: 'all' },
      params: {
        windowSeconds: 3600,
        countAbove: 8,
        clearCountAtOrBelow: 4,
        rateMultiplier: 2,
        clearRateMultiplier: 1,
        baselineDays: 1,
      },
    },
    'surge',
  ),
  createRule(
    {
      name: 'cells',
      kind: 'incident_surge',
      severity: 'advisory',
      scope: { type: 'all' },
      params: {
        groupBy: 'h3',
        hexResolution: 8,
        windowSeconds: 1800,
        countAbove: 2,
        categories: ['traffic', 'medical', 'fire'],
      },
    },
    'cells',
  ),
  createRule(
    {
      name: 'coverage',
      kind: 'coverage_loss',
      severity: 'advisory',
      scope: { type: 'all' },
      params: { thresholdPercent: 50, clearThresholdPercent: 60, forSeconds: 600 },
    },
    'coverage',
  ),
];
const rules = [...seeded, ...lively];

const history = createSyntheticHistory(3);
const events = mergedEvents(history);
const backtestHistory: RuleHistory = {
  readings: readingColumnsFrom(history.readings),
  incidents: history.incidents,
  coverage: history.coverage,
  cameras: history.cameras,
};

function ingest(ev: RuleEvaluator, e: HistoryEvent, out: AlertTransition[]): void {
  if (e.kind === 'reading') ev.ingestReading(e.r, out);
  else if (e.kind === 'incident') ev.ingestIncident(e.i, out);
  else ev.ingestCoverage(e.c, out);
}

/** Live evaluation: one input at a time, with a clock ticking at irregular moments between inputs. */
function runLive(
  from: number,
  to: number,
  ev: RuleEvaluator,
  out: AlertTransition[] = [],
): AlertTransition[] {
  const rnd = createRandom(99);
  for (let k = from; k < to; k++) {
    const e = events[k]!;
    ingest(ev, e, out);
    const next = k + 1 < events.length ? eventTime(events[k + 1]!) : history.endMs;
    // The wall clock runs somewhere between this input and the next one.
    if (rnd() < 0.3) ev.tick(eventTime(e) + Math.floor(rnd() * (next - eventTime(e))), out);
  }
  return out;
}

function newLiveEvaluator(): RuleEvaluator {
  return new RuleEvaluator({
    rules,
    cameras: history.cameras,
    startMs: HISTORY_START,
    sweepIntervalSeconds: SWEEP_SECONDS,
  });
}

const liveEnd = (() => {
  const ev = newLiveEvaluator();
  const out = runLive(0, events.length, ev);
  ev.tick(history.endMs, out);
  return out;
})();

describe('backtest equals live evaluation', () => {
  it('the synthetic history exercises every rule kind and state', () => {
    const kinds = new Set(liveEnd.filter((t) => t.to === 'firing').map((t) => t.kind));
    expect(kinds).toEqual(
      new Set([
        'thermal_threshold',
        'thermal_rate',
        'thermal_anomaly',
        'stale_sensor',
        'incident_surge',
        'coverage_loss',
      ]),
    );
    const seen = new Set(liveEnd.map((t) => `${t.from}>${t.to}`));
    for (const edge of [
      'inactive>pending',
      'pending>inactive',
      'pending>firing',
      'firing>resolved',
      'resolved>pending',
      'firing>error',
      'error>firing',
      'inactive>error',
      'error>inactive',
    ]) {
      expect(seen).toContain(edge);
    }
    expect(liveEnd.some((t) => t.scopeKey.endsWith(':obscured') && t.to === 'firing')).toBe(true);
    expect(liveEnd.some((t) => t.cause === 'nodata')).toBe(true);
    expect(liveEnd.length).toBeGreaterThan(200);
  });

  it.each(rules.map((r) => [r.name, r] as const))(
    '%s: same transitions, times and evidence',
    (_name, rule) => {
      const result = backtestRule(rule, backtestHistory, {
        fromMs: HISTORY_START,
        toMs: history.endMs,
        startMs: HISTORY_START,
        sweepIntervalSeconds: SWEEP_SECONDS,
      });
      expect(result.transitions).toEqual(liveEnd.filter((t) => t.ruleId === rule.id));
    },
  );

  it('rescan windows give the same backtest as incremental ones', () => {
    for (const rule of lively) {
      const opts = {
        fromMs: HISTORY_START,
        toMs: history.endMs,
        startMs: HISTORY_START,
        sweepIntervalSeconds: SWEEP_SECONDS,
      };
      expect(backtestRule(rule, backtestHistory, { ...opts, strategy: 'rescan' }).transitions).toEqual(
        backtestRule(rule, backtestHistory, opts).transitions,
      );
    }
  });
});

describe('restart from a snapshot', () => {
  it('continuing from a JSON snapshot gives exactly the uninterrupted result', () => {
    for (const cut of [Math.floor(events.length * 0.37), Math.floor(events.length * 0.81)]) {
      const first = newLiveEvaluator();
      const out = runLive(0, cut, first);
      expect(first.alerts().some((a) => isOpenPhase(a.state))).toBe(true);
      const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as EvaluatorSnapshot;
      const restored = RuleEvaluator.restore(snapshot, { rules, cameras: history.cameras });
      runLive(cut, events.length, restored, out);
      restored.tick(history.endMs, out);
      expect(out).toEqual(liveEnd);
      expect(restored.alerts()).toEqual(
        (() => {
          const ev = newLiveEvaluator();
          runLive(0, events.length, ev);
          ev.tick(history.endMs);
          return ev.alerts();
        })(),
      );
    }
  });

  it('a rule edited while down starts fresh; the others keep their state', () => {
    const first = newLiveEvaluator();
    runLive(0, Math.floor(events.length / 2), first);
    const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as EvaluatorSnapshot;
    const edited = rules.map((r) =>
      r.id === 'hot' ? ({ ...r, params: { ...r.params, thresholdC: 1000 } } as StoredRule) : r,
    );
    const restored = RuleEvaluator.restore(snapshot, { rules: edited, cameras: history.cameras });
    const byRule = (ev: RuleEvaluator, id: string) => ev.alerts().filter((a) => a.ruleId === id);
    expect(byRule(restored, 'hot')).toEqual([]);
    expect(byRule(restored, 'rise')).toEqual(byRule(first, 'rise'));
    expect(byRule(first, 'hot').length).toBeGreaterThan(0);
  });

  it('refuses something that is not a snapshot', () => {
    expect(() => RuleEvaluator.restore({ format: 'nope', version: 1 } as never, { rules })).toThrow(
      /not a rules evaluator snapshot/,
    );
  });
});

describe('backtest results', () => {
  const rule = createRule({
    name: 'hot',
    kind: 'thermal_threshold',
    severity: 'orange',
    scope: { type: 'camera', cameraId: 'c1' },
    params: { thresholdC: 80, clearThresholdC: 70, forSeconds: 60 },
  });
  const t0 = Date.UTC(2025, 5, 1);
  // Hot from 10 to 20 minutes and from 40 to 45 minutes; one reading a minute.
  const readings = Array.from({ length: 60 }, (_, m) => ({
    cameraId: 'c1',
    tsMs: t0 + m * MIN,
    maxTempC: (m >= 10 && m < 20) || (m >= 40 && m < 45) ? 90 : 20,
    meanTempC: null,
    quality: 'ok' as const,
  }));
  const h: RuleHistory = { readings: readingColumnsFrom(readings), cameras: [{ id: 'c1' }] };

  it('lists the alerts the rule would have raised with their times', () => {
    const r = backtestRule(rule, h, { fromMs: t0, toMs: t0 + HOUR });
    expect(
      r.alerts.map((a) => ({
        start: (a.startedAt - t0) / MIN,
        firing: (a.firingAt! - t0) / MIN,
        end: (a.endedAt! - t0) / MIN,
        state: a.state,
      })),
    ).toEqual([
      { start: 10, firing: 11, end: 20, state: 'resolved' },
      { start: 40, firing: 41, end: 45, state: 'resolved' },
    ]);
    expect(r.alerts[0]!.evidence).toMatchObject({ thresholdC: 80, value: 90 });
    expect(r.ruleId).toBe('r1');
  });

  it('reports from fromMs on, with an alert already open then shown with its real start', () => {
    const r = backtestRule(rule, h, { fromMs: t0 + 15 * MIN, toMs: t0 + HOUR, startMs: t0 });
    expect(r.transitions.map((t) => `${t.from}>${t.to}@${(t.at - t0) / MIN}`)).toEqual([
      'firing>resolved@20',
      'resolved>pending@40',
      'pending>firing@41',
      'firing>resolved@45',
    ]);
    expect(r.alerts.map((a) => (a.startedAt - t0) / MIN)).toEqual([10, 40]);
  });

  it('runs a draft rule (no id) as "draft", even if disabled', () => {
    const { id: _id, ...draft } = { ...rule, enabled: false };
    const r = backtestRule(draft, h, { fromMs: t0, toMs: t0 + HOUR });
    expect(r.ruleId).toBe('draft');
    expect(r.alerts).toHaveLength(2);
  });

  it('refuses readings out of time order, naming the row', () => {
    const bad = readingColumnsFrom(readings);
    bad.ts[5] = t0;
    expect(() => backtestRule(rule, { readings: bad }, { fromMs: t0, toMs: t0 + HOUR })).toThrow(
      /not in time order at row 5/,
    );
  });

  it('starts its windows ruleWarmupSeconds before fromMs by default', () => {
    const r = backtestRule(rule, h, { fromMs: t0 + 30 * MIN, toMs: t0 + HOUR });
    // forSeconds 60 + noDataAfterSeconds 300 = 6 minutes of warm-up.
    expect(r.startMs).toBe(t0 + 24 * MIN);
    expect(DAY / S).toBe(86400);
  });
});
