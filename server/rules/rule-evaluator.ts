/**
 * Live evaluation of a set of rules: the one code path for ingest-driven evaluation, periodic sweeps,
 * backtests and restarts. Deterministic: time comes only from the inputs and from `tick(now)`.
 *
 * - `ingestReading` / `ingestIncident` / `ingestCoverage` evaluate the new input at once (within the
 *   ingest request) and return the transitions it caused.
 * - `tick(now)` runs the periodic sweeps that are due. Sweeps sit on a fixed grid (multiples of
 *   sweepIntervalSeconds since the epoch) and a sweep at s comes before any input stamped s: every ingest
 *   first runs the sweeps due at or before its time. So the same inputs give the same transitions however
 *   often, and whenever, the caller ticks — as long as no input arrives stamped earlier than a tick already
 *   made. That is why a backtest (which ticks only at the end) equals live evaluation. Live, tick a little
 *   behind the wall clock (e.g. `tick(Date.now() - 2000)`) so readings still in flight are not late. A late
 *   input is still evaluated: at its own time, or at the latest time its key was evaluated if that is
 *   later, so one key's transitions never go back in time.
 * - `snapshot()` / `RuleEvaluator.restore()` carry the whole state (windows, baselines, alert states)
 *   across a restart as JSON; evaluating on from a restored snapshot equals never having stopped.
 *
 * The lead's wrappers: persist each returned AlertTransition (alerts / alert_events), publish it on SSE
 * and webhooks, call tick(Date.now()) every second or so, snapshot to disk or the database periodically.
 */
import {
  AlertSlot,
  lifecycleOf,
  type AlertSlotSnapshot,
  type AlertTransition,
  type AlertView,
  type EvidenceSource,
} from './alert-slot.js';
import { CameraFeed, QUALITY_CODES, type CameraFeedSnapshot, type CameraSubscriber } from './camera-feed.js';
import { CoverageLossRuntime } from './coverage-loss.js';
import { IncidentSurgeRuntime } from './incident-surge.js';
import type { CoverageInput, IncidentInput, ReadingInput } from './rule-inputs.js';
import type { RuleRuntime } from './rule-runtime.js';
import type { StoredRule } from './rule-schema.js';
import type { CameraRef } from './scope.js';
import { StaleSensorRuntime } from './stale-sensor.js';
import type { WindowStrategy } from './thermal-kernel.js';
import { ThermalRuleRuntime } from './thermal-rule-runtime.js';

export const DEFAULT_SWEEP_INTERVAL_SECONDS = 15;
/**
 * Scope key of the alert that reports a rule whose evaluation threw (a bug, or data the schema let
 * through): shown in the error state, never swallowed, and the other rules go on being evaluated.
 */
export const EVALUATION_FAULT_KEY = 'rule:evaluation';
export const SNAPSHOT_FORMAT = 'atalaya.rules.evaluator';
export const SNAPSHOT_VERSION = 1;

export interface RuleEvaluatorOptions {
  /** Enabled rules are run; disabled ones are ignored. Ids must be unique. */
  rules: readonly StoredRule[];
  /** The camera registry (scope membership, status, silence across restarts). */
  cameras?: readonly CameraRef[];
  /** Evaluation starts here, epoch ms: the first sweep is the first grid point after it. */
  startMs: number;
  /** Period of the sweeps, seconds. */
  sweepIntervalSeconds?: number;
  /** `rescan` re-scans raw windows on every input: the benchmark baseline and a cross-check. */
  strategy?: WindowStrategy;
  /** Builds each rule's runtime; createRuleRuntime unless a test needs a runtime that misbehaves. */
  runtimeFactory?: (rule: StoredRule, strategy: WindowStrategy) => RuleRuntime;
}

export interface EvaluatorStats {
  readings: number;
  /** Readings not newer than the camera's latest, dropped (windows need time order). */
  outOfOrderReadings: number;
  incidents: number;
  coverageUpdates: number;
  sweeps: number;
}

export interface EvaluatorSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  strategy: WindowStrategy;
  startMs: number;
  sweepIntervalMs: number;
  nextSweepAt: number;
  stats: EvaluatorStats;
  feeds: CameraFeedSnapshot[];
  rules: { id: string; fingerprint: string; state: unknown; fault?: AlertSlotSnapshot }[];
}

/** A runtime for one rule, by kind. */
export function createRuleRuntime(rule: StoredRule, strategy: WindowStrategy = 'incremental'): RuleRuntime {
  switch (rule.kind) {
    case 'thermal_threshold':
    case 'thermal_rate':
    case 'thermal_anomaly':
      return new ThermalRuleRuntime(rule, strategy);
    case 'incident_surge':
      return new IncidentSurgeRuntime(rule, strategy);
    case 'stale_sensor':
      return new StaleSensorRuntime(rule);
    case 'coverage_loss':
      return new CoverageLossRuntime(rule);
  }
}

export class RuleEvaluator {
  readonly startMs: number;
  readonly sweepIntervalMs: number;
  readonly strategy: WindowStrategy;
  readonly stats: EvaluatorStats = {
    readings: 0,
    outOfOrderReadings: 0,
    incidents: 0,
    coverageUpdates: 0,
    sweeps: 0,
  };
  private nextSweepAt: number;
  private runtimes: RuleRuntime[] = [];
  private fingerprints = new Map<string, string>();
  private readonly feeds = new Map<string, CameraFeed>();
  /** Per rule id, the alert that reports its evaluation throwing. */
  private faults = new Map<string, AlertSlot>();
  private readonly owners = new WeakMap<CameraSubscriber, RuleRuntime>();
  private readonly createRuntime: (rule: StoredRule, strategy: WindowStrategy) => RuleRuntime;

  constructor(options: RuleEvaluatorOptions) {
    if (!Number.isFinite(options.startMs))
      throw new RangeError(`startMs must be finite epoch milliseconds, got ${options.startMs}`);
    const interval = options.sweepIntervalSeconds ?? DEFAULT_SWEEP_INTERVAL_SECONDS;
    if (!(interval > 0)) throw new RangeError(`sweepIntervalSeconds must be positive, got ${interval}`);
    this.startMs = options.startMs;
    this.sweepIntervalMs = interval * 1000;
    this.strategy = options.strategy ?? 'incremental';
    this.createRuntime = options.runtimeFactory ?? createRuleRuntime;
    this.nextSweepAt = (Math.floor(options.startMs / this.sweepIntervalMs) + 1) * this.sweepIntervalMs;
    for (const camera of options.cameras ?? []) this.feeds.set(camera.id, new CameraFeed(camera));
    this.setRules(options.rules);
  }

  /** The next sweep's time, epoch ms. */
  get nextSweep(): number {
    return this.nextSweepAt;
  }

  /**
   * Replace the rule set. A rule whose id and definition are unchanged keeps its state; a new or edited
   * rule starts fresh (replay ruleWarmupSeconds of history into a fresh evaluator to warm it up).
   */
  setRules(rules: readonly StoredRule[]): void {
    const seen = new Set<string>();
    const kept = new Map(this.runtimes.map((r) => [r.rule.id, r]));
    const next: RuleRuntime[] = [];
    const fingerprints = new Map<string, string>();
    for (const rule of rules) {
      if (seen.has(rule.id)) throw new RangeError(`duplicate rule id: ${JSON.stringify(rule.id)}`);
      seen.add(rule.id);
      if (!rule.enabled) continue;
      const fp = ruleFingerprint(rule);
      const old = kept.get(rule.id);
      const keep = old && this.fingerprints.get(rule.id) === fp;
      next.push(keep ? old : this.createRuntime(rule, this.strategy));
      fingerprints.set(rule.id, fp);
    }
    const faults = new Map<string, AlertSlot>();
    for (const rt of next) {
      const f = this.faults.get(rt.rule.id);
      if (f && kept.get(rt.rule.id) === rt) faults.set(rt.rule.id, f);
    }
    this.runtimes = next;
    this.fingerprints = fingerprints;
    this.faults = faults;
    for (const feed of this.feeds.values()) this.subscribe(feed);
  }

  /** Add or update a camera of the registry (a status change, a new camera, a volcano assignment). */
  upsertCamera(camera: CameraRef): void {
    const feed = this.feeds.get(camera.id);
    if (feed) feed.ref = camera;
    this.subscribe(feed ?? this.addFeed(camera));
  }

  ingestReading(r: ReadingInput, out: AlertTransition[] = []): AlertTransition[] {
    const q = QUALITY_CODES[r.quality];
    if (q === undefined)
      throw new RangeError(
        `reading quality must be ok, obscured or invalid, got ${JSON.stringify(r.quality)}`,
      );
    return this.ingestReadingValues(r.cameraId, r.tsMs, r.maxTempC, r.meanTempC ?? NaN, q, out);
  }

  /** `ingestReading` without the object: `meanC` NaN when absent, `quality` a QUALITY_* code. */
  ingestReadingValues(
    cameraId: string,
    tsMs: number,
    maxC: number,
    meanC: number,
    quality: number,
    out: AlertTransition[] = [],
  ): AlertTransition[] {
    if (!Number.isFinite(tsMs))
      throw new RangeError(`reading time must be finite epoch milliseconds, got ${tsMs}`);
    this.sweepThrough(tsMs, out);
    const feed = this.feeds.get(cameraId) ?? this.addFeed({ id: cameraId });
    if (tsMs <= feed.lastTs) {
      this.stats.outOfOrderReadings++;
      return out;
    }
    this.stats.readings++;
    feed.push(tsMs, maxC, meanC, quality);
    const subs = feed.subscribers;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      try {
        sub.onReading(tsMs, maxC, meanC, quality, out);
      } catch (error) {
        this.fault(this.owners.get(sub), error, tsMs, out);
      }
    }
    return out;
  }

  /** A status ping from a camera (alive, no thermal frame): resets silence for stale-sensor rules only. */
  ingestHeartbeat(cameraId: string, tsMs: number, out: AlertTransition[] = []): AlertTransition[] {
    if (!Number.isFinite(tsMs))
      throw new RangeError(`heartbeat time must be finite epoch milliseconds, got ${tsMs}`);
    this.sweepThrough(tsMs, out);
    const feed = this.feeds.get(cameraId) ?? this.addFeed({ id: cameraId });
    if (tsMs <= feed.lastHeartbeatTs) return out;
    feed.lastHeartbeatTs = tsMs;
    for (const sub of feed.subscribers) {
      try {
        sub.onHeartbeat?.(tsMs, out);
      } catch (error) {
        this.fault(this.owners.get(sub), error, tsMs, out);
      }
    }
    return out;
  }

  ingestIncident(incident: IncidentInput, out: AlertTransition[] = []): AlertTransition[] {
    if (!Number.isFinite(incident.tsMs))
      throw new RangeError(
        `incident ${incident.id} time must be finite epoch milliseconds, got ${incident.tsMs}`,
      );
    this.sweepThrough(incident.tsMs, out);
    this.stats.incidents++;
    for (const rt of this.runtimes) {
      try {
        rt.onIncident(incident, out);
      } catch (error) {
        this.fault(rt, error, incident.tsMs, out);
      }
    }
    return out;
  }

  ingestCoverage(coverage: CoverageInput, out: AlertTransition[] = []): AlertTransition[] {
    if (!Number.isFinite(coverage.tsMs))
      throw new RangeError(`coverage time must be finite epoch milliseconds, got ${coverage.tsMs}`);
    this.sweepThrough(coverage.tsMs, out);
    this.stats.coverageUpdates++;
    for (const rt of this.runtimes) {
      try {
        rt.onCoverage(coverage, out);
      } catch (error) {
        this.fault(rt, error, coverage.tsMs, out);
      }
    }
    return out;
  }

  /** Run every sweep due at or before `nowMs`. */
  tick(nowMs: number, out: AlertTransition[] = []): AlertTransition[] {
    while (this.nextSweepAt <= nowMs) this.sweepOnce(out);
    return out;
  }

  /** Camera rule slots (rule × camera in its scope) that readings reach, summed over cameras. */
  cameraSubscriptions(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.subscribers.length;
    return n;
  }

  /** Alerts every rule has opened at least once, in their current state (open ones first to act on). */
  alerts(): AlertView[] {
    const views = this.runtimes.flatMap((rt) => rt.alerts());
    for (const f of this.faults.values()) views.push(f.view());
    return views;
  }

  snapshot(): EvaluatorSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      strategy: this.strategy,
      startMs: this.startMs,
      sweepIntervalMs: this.sweepIntervalMs,
      nextSweepAt: this.nextSweepAt,
      stats: { ...this.stats },
      feeds: Array.from(this.feeds.values(), (f) => f.snapshot()),
      rules: this.runtimes.map((rt) => ({
        id: rt.rule.id,
        fingerprint: this.fingerprints.get(rt.rule.id)!,
        state: rt.snapshot(),
        ...(this.faults.has(rt.rule.id) ? { fault: this.faults.get(rt.rule.id)!.snapshot() } : {}),
      })),
    };
  }

  /**
   * Rebuild an evaluator from a snapshot (after JSON round trip) with the current rules and registry.
   * Rules whose definition changed since the snapshot start fresh; cameras only in the snapshot come back.
   */
  static restore(
    snapshot: EvaluatorSnapshot,
    options: Pick<RuleEvaluatorOptions, 'rules' | 'cameras' | 'runtimeFactory'>,
  ): RuleEvaluator {
    if (snapshot.format !== SNAPSHOT_FORMAT || snapshot.version !== SNAPSHOT_VERSION) {
      throw new RangeError(
        `not a rules evaluator snapshot of version ${SNAPSHOT_VERSION}: ${JSON.stringify({ format: snapshot.format, version: snapshot.version })}`,
      );
    }
    const ev = new RuleEvaluator({
      rules: [],
      cameras: options.cameras ?? [],
      startMs: snapshot.startMs,
      sweepIntervalSeconds: snapshot.sweepIntervalMs / 1000,
      strategy: snapshot.strategy,
      ...(options.runtimeFactory ? { runtimeFactory: options.runtimeFactory } : {}),
    });
    ev.nextSweepAt = snapshot.nextSweepAt;
    Object.assign(ev.stats, snapshot.stats);
    for (const fs of snapshot.feeds) (ev.feeds.get(fs.id) ?? ev.addFeed({ id: fs.id })).restore(fs);
    ev.setRules(options.rules);
    const saved = new Map(snapshot.rules.map((r) => [r.id, r]));
    for (const rt of ev.runtimes) {
      const s = saved.get(rt.rule.id);
      if (!s || s.fingerprint !== ev.fingerprints.get(rt.rule.id)) continue;
      rt.restore(s.state);
      if (s.fault) ev.faultSlot(rt).restore(s.fault);
    }
    return ev;
  }

  /** Sweeps at or before t come before an input stamped t. */
  private sweepThrough(t: number, out: AlertTransition[]): void {
    while (this.nextSweepAt <= t) this.sweepOnce(out);
  }

  private sweepOnce(out: AlertTransition[]): void {
    const now = this.nextSweepAt;
    this.nextSweepAt += this.sweepIntervalMs;
    this.stats.sweeps++;
    for (const rt of this.runtimes) {
      try {
        rt.sweep(now, out);
      } catch (error) {
        this.fault(rt, error, now, out);
        continue;
      }
      // A clean sweep clears the rule's error alert: its evaluation works again.
      const f = this.faults.get(rt.rule.id);
      if (f && f.state.phase === 'error') {
        f.observe('clear', null, now, lifecycleOf(rt.rule.params), FAULT_EVIDENCE, '', out);
      }
    }
  }

  /** Put the rule's evaluation alert in the error state with the thrown message; other rules go on. */
  private fault(rt: RuleRuntime | undefined, error: unknown, at: number, out: AlertTransition[]): void {
    if (!rt) throw error;
    const message = error instanceof Error ? error.message : String(error);
    this.faultSlot(rt).observe(
      'error',
      null,
      at,
      lifecycleOf(rt.rule.params),
      FAULT_EVIDENCE,
      message,
      out,
      message,
    );
  }

  private faultSlot(rt: RuleRuntime): AlertSlot {
    let slot = this.faults.get(rt.rule.id);
    if (!slot) {
      slot = new AlertSlot(rt.rule, EVALUATION_FAULT_KEY, rt.rule.severity);
      this.faults.set(rt.rule.id, slot);
    }
    return slot;
  }

  private addFeed(camera: CameraRef): CameraFeed {
    const feed = new CameraFeed(camera);
    this.feeds.set(camera.id, feed);
    this.subscribe(feed);
    return feed;
  }

  private subscribe(feed: CameraFeed): void {
    const subs = [];
    for (const rt of this.runtimes) {
      const s = rt.attachCamera(feed);
      if (s) {
        subs.push(s);
        this.owners.set(s, rt);
      }
    }
    feed.subscribers = subs;
  }
}

const FAULT_EVIDENCE: EvidenceSource<string> = {
  evidence: (message, cause, now) => ({
    kind: 'evaluation',
    cause,
    error: message || null,
    evaluatedAt: new Date(now).toISOString(),
  }),
};

/** A canonical JSON of a rule (keys sorted), to tell whether a rule changed. */
export function ruleFingerprint(rule: StoredRule): string {
  return JSON.stringify(rule, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
