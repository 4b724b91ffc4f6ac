/**
 * Backtesting: run a saved or draft rule over stored history and return the alerts it would have raised,
 * with their transition times. It feeds the history through the live evaluator (rule-evaluator.ts) in time
 * order, sweeps included, so its answer is exactly what live evaluation of the same data gives
 * (test/rules/backtest.test.ts checks that).
 *
 * Warm-up: evaluation starts ruleWarmupSeconds before `fromMs` (the longest window or baseline of the rule),
 * so the windows are full at `fromMs`; the lead loads history from `startMs` on. Transitions before
 * `fromMs` are not reported, but an alert already open at `fromMs` is, with its real start.
 */
import type { Severity } from '../domain/types.js';
import type { AlertTransition } from './alert-slot.js';
import { assertReadingColumns, type ReadingColumns } from './history-columns.js';
import type { AlertPhase } from './rule-engine.js';
import { RuleEvaluator, type EvaluatorStats } from './rule-evaluator.js';
import type { CoverageInput, IncidentInput } from './rule-inputs.js';
import { ruleWarmupSeconds, type RuleDefinition, type StoredRule } from './rule-schema.js';
import type { CameraRef } from './scope.js';
import { lowerBound, type WindowStrategy } from './thermal-kernel.js';

export interface RuleHistory {
  /** Readings in time order. */
  readings?: ReadingColumns;
  incidents?: readonly IncidentInput[];
  coverage?: readonly CoverageInput[];
  /** The camera registry as it was (scope membership, kinds, statuses). */
  cameras?: readonly CameraRef[];
}

export interface BacktestOptions {
  /** Report from here, epoch ms. */
  fromMs: number;
  /** Up to here (inclusive), epoch ms. */
  toMs: number;
  /** Start evaluating here; fromMs − ruleWarmupSeconds(rule) when absent. History before it is ignored. */
  startMs?: number;
  sweepIntervalSeconds?: number;
  strategy?: WindowStrategy;
}

/** One alert (episode) the rule would have raised. */
export interface BacktestAlert {
  scopeKey: string;
  episode: number;
  severity: Severity;
  startedAt: number;
  firingAt: number | null;
  /** When it resolved (or closed without firing, after an error); null if still open at toMs. */
  endedAt: number | null;
  /** Its state at toMs. */
  state: AlertPhase;
  /** Evidence at the moment it fired (or went to error). */
  evidence: AlertTransition['evidence'];
  transitions: AlertTransition[];
}

export interface BacktestResult {
  ruleId: string;
  fromMs: number;
  toMs: number;
  startMs: number;
  /** Every transition in [fromMs, toMs], in evaluation order. */
  transitions: AlertTransition[];
  /** Alerts that fired or errored and were open at some time in [fromMs, toMs], by start time. */
  alerts: BacktestAlert[];
  stats: EvaluatorStats;
}

/** Replay a saved or draft (id 'draft') rule over history. */
export function backtestRule(
  rule: StoredRule | RuleDefinition,
  history: RuleHistory,
  options: BacktestOptions,
): BacktestResult {
  const { fromMs, toMs } = options;
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs <= toMs)) {
    throw new RangeError(`backtest needs finite fromMs ≤ toMs, got ${fromMs} .. ${toMs}`);
  }
  const stored: StoredRule = { ...rule, id: 'id' in rule ? rule.id : 'draft', enabled: true } as StoredRule;
  const startMs = options.startMs ?? fromMs - ruleWarmupSeconds(stored) * 1000;
  const evaluator = new RuleEvaluator({
    rules: [stored],
    cameras: history.cameras ?? [],
    startMs,
    sweepIntervalSeconds: options.sweepIntervalSeconds,
    strategy: options.strategy,
  });
  const all: AlertTransition[] = [];
  replayHistory(evaluator, history, startMs, toMs, all);
  return {
    ruleId: stored.id,
    fromMs,
    toMs,
    startMs,
    transitions: all.filter((t) => t.at >= fromMs),
    alerts: episodes(all, fromMs),
    stats: { ...evaluator.stats },
  };
}

/**
 * Feed history with startMs ≤ time ≤ toMs into an evaluator in time order (at equal times: readings, then
 * incidents, then coverage), then sweep up to toMs. Also how a restart without a snapshot warms up.
 */
export function replayHistory(
  evaluator: RuleEvaluator,
  history: RuleHistory,
  startMs: number,
  toMs: number,
  out: AlertTransition[],
): void {
  const r = history.readings;
  if (r) assertReadingColumns(r);
  const incidents = sortedByTime(history.incidents ?? []);
  const coverage = sortedByTime(history.coverage ?? []);
  const nr = r ? r.ts.length : 0;
  let i = r ? lowerBound(r.ts, nr, startMs) : 0;
  let j = incidents.findIndex((x) => x.tsMs >= startMs);
  let k = coverage.findIndex((x) => x.tsMs >= startMs);
  if (j < 0) j = incidents.length;
  if (k < 0) k = coverage.length;
  for (;;) {
    const tr = r && i < nr ? r.ts[i]! : Infinity;
    const ti = j < incidents.length ? incidents[j]!.tsMs : Infinity;
    const tc = k < coverage.length ? coverage[k]!.tsMs : Infinity;
    const t = Math.min(tr, ti, tc);
    if (!(t <= toMs)) break;
    if (tr === t) {
      const ids = r!.cameraIds;
      // Consecutive readings are the common case: stay in this loop while they come first.
      while (i < nr && r!.ts[i]! <= ti && r!.ts[i]! <= tc && r!.ts[i]! <= toMs) {
        evaluator.ingestReadingValues(
          ids[r!.camera[i]!]!,
          r!.ts[i]!,
          r!.maxC[i]!,
          r!.meanC[i]!,
          r!.quality[i]!,
          out,
        );
        i++;
      }
    } else if (ti === t) {
      evaluator.ingestIncident(incidents[j++]!, out);
    } else {
      evaluator.ingestCoverage(coverage[k++]!, out);
    }
  }
  evaluator.tick(toMs, out);
}

function episodes(all: readonly AlertTransition[], fromMs: number): BacktestAlert[] {
  const byEpisode = new Map<string, AlertTransition[]>();
  for (const t of all) {
    const key = `${t.episode}\u0000${t.scopeKey}`;
    const list = byEpisode.get(key);
    if (list) list.push(t);
    else byEpisode.set(key, [t]);
  }
  const alerts: BacktestAlert[] = [];
  for (const ts of byEpisode.values()) {
    const first = ts[0]!;
    const last = ts[ts.length - 1]!;
    const fired = ts.find((t) => t.to === 'firing');
    const errored = ts.find((t) => t.to === 'error');
    if (!fired && !errored) continue;
    const ended = last.to === 'resolved' || last.to === 'inactive' ? last.at : null;
    if (ended !== null && ended < fromMs) continue;
    alerts.push({
      scopeKey: first.scopeKey,
      episode: first.episode,
      severity: first.severity,
      startedAt: first.at,
      firingAt: fired ? fired.at : null,
      endedAt: ended,
      state: last.to,
      evidence: (fired ?? errored)!.evidence,
      transitions: ts,
    });
  }
  return alerts.sort(
    (a, b) => a.startedAt - b.startedAt || (a.scopeKey < b.scopeKey ? -1 : a.scopeKey > b.scopeKey ? 1 : 0),
  );
}

function sortedByTime<T extends { tsMs: number }>(xs: readonly T[]): readonly T[] {
  for (let i = 1; i < xs.length; i++)
    if (xs[i]!.tsMs < xs[i - 1]!.tsMs) return [...xs].sort((a, b) => a.tsMs - b.tsMs);
  return xs;
}
