/**
 * The live side of the alert rules (issue "Alert rules"): one RuleEvaluator (server/rules) fed by ingest
 * and by a sweep timer, its transitions written to `alerts` / `alert_events` and published to the SSE
 * stream and any other listener (webhooks, CAP).
 *
 * - State lives in the database. The evaluator's whole state is snapshotted to
 *   `rule_evaluator_snapshots` every few minutes and at stop; a start restores it and replays what was
 *   stored since (readings are deduplicated by the evaluator per camera, incidents by id here); with no
 *   snapshot each rule is replayed over its own warm-up (ruleWarmupSeconds) of history, and the alerts
 *   open at its end are opened. Transitions are written once (alert_events_transition), so a restart
 *   loses no alert and duplicates none.
 * - Evaluation is driven by ingest (`onCommitted`, passed to runImport: a new reading is evaluated as soon
 *   as its batch commits) and a timer that ticks the evaluator `lagMs` behind the clock, so sweeps for
 *   conditions that depend on time passing (silence, resolution) run within a second of being due.
 * - Everything that touches the evaluator or writes alert_events runs in one queue, in order: event ids
 *   are committed in increasing order, which is what lets an SSE client resume from Last-Event-ID.
 * - An input that makes evaluation throw is logged and counted; the other inputs and rules go on.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/database.js';
import { liveTokenIds } from '../db/token-store.js';
import {
  actOnAlert,
  alignAlert,
  closeAlert,
  eventsAfter,
  openAlerts,
  persistTransition,
  recordEvaluations,
  type AlertActionInput,
  type AlertEventDto,
} from '../db/alert-store.js';
import {
  cameraRefs,
  incidentHistory,
  listRules,
  loadEvaluatorSnapshot,
  readingHistory,
  regionsOfPoints,
  ruleReferences,
  saveEvaluatorSnapshot,
  seedRules,
} from '../db/rule-store.js';
import type { IngestKind, IngestRecordOf } from '../ingest/record-schemas.js';
import type { Logger } from '../logger.js';
import type { AlertTransition, AlertView } from '../rules/alert-slot.js';
import { QUALITY_CODES } from '../rules/camera-feed.js';
import type { ReadingColumns } from '../rules/history-columns.js';
import { loadRulesYaml } from '../rules/load-rules-yaml.js';
import { isOpenPhase } from '../rules/rule-engine.js';
import { RuleEvaluator, ruleFingerprint, type EvaluatorSnapshot } from '../rules/rule-evaluator.js';
import type { CoverageInput, IncidentInput } from '../rules/rule-inputs.js';
import { ruleWarmupSeconds, type StoredRule } from '../rules/rule-schema.js';
import type { CameraRef } from '../rules/scope.js';
import { ruleWatchesCamera } from './alert-backtest.js';
import { alertPlace } from './alert-geometry.js';
import { publishTransition, type PublishOptions } from './alert-publisher.js';
import { asStoredReal } from './alert-stored-real.js';
import { AlertStream } from './alert-stream.js';

export const DEFAULT_RULES_FILE = path.resolve(import.meta.dirname, '../../data/rules.yaml');
export const SERVICE_SNAPSHOT_FORMAT = 'atalaya.alert-service';
const SERVICE_SNAPSHOT_VERSION = 1;
/** History is read back in slices of this many ms, so a long warm-up never holds it all at once. */
const REPLAY_SLICE_MS = 6 * 3_600_000;
/** Transitions written per transaction during a replay. */
const PERSIST_CHUNK = 500;
/** A warm-up also replays this much of every camera's readings, for their feeds (the evidence), ms. */
const FEED_WARMUP_MS = 3_600_000;
const NO_READINGS: ReadingColumns = {
  cameraIds: [],
  camera: new Uint32Array(0),
  ts: new Float64Array(0),
  maxC: new Float64Array(0),
  meanC: new Float64Array(0),
  quality: new Uint8Array(0),
};

export interface AlertServiceOptions {
  db: Database;
  log: Logger;
  /** Seeds an empty `alert_rules` on the first start (audited as actor `seed`); null seeds nothing. */
  rulesFile?: string | null;
  /** The wall clock, epoch ms. */
  clock?: () => number;
  /** How often the timer ticks the evaluator, ms (a tick with no sweep due costs nothing); 0: no timer. */
  tickEveryMs?: number;
  /** The evaluator runs this far behind the clock, so readings still in flight are not late, ms. */
  lagMs?: number;
  /** How often the evaluator's state is snapshotted (and open alerts reconciled), ms. */
  snapshotEveryMs?: number;
  /** A restart re-reads inputs stamped up to this long before the snapshot (late arrivals), ms. */
  replayMarginMs?: number;
  /** How often the camera registry (status, volcano, new cameras) is re-read, ms. */
  cameraRefreshEveryMs?: number;
  /** The sweep grid, seconds. */
  sweepIntervalSeconds?: number;
  /** The live stream's heartbeat, ms (default 15 s); revoked tokens' streams end at the next one. */
  streamHeartbeatMs?: number;
  /** CAP messages and webhook deliveries for each stored transition; none when absent. */
  publishing?: PublishOptions;
}

/** What the service keeps in `rule_evaluator_snapshots.state`. */
export interface AlertServiceSnapshot {
  format: typeof SERVICE_SNAPSHOT_FORMAT;
  version: typeof SERVICE_SNAPSHOT_VERSION;
  evaluator: EvaluatorSnapshot;
  /** Incidents already evaluated: [external id, epoch ms], so a retried batch does not count twice. */
  seenIncidents: [string, number][];
}

export interface AlertServiceStatus {
  /** Evaluating here, or relaying to the server that does. */
  running: boolean;
  /** `evaluating` (this server holds the evaluation), `relaying` (a follower) or `starting`. */
  role: 'evaluating' | 'relaying' | 'starting';
  rules: number;
  enabledRules: number;
  cameras: number;
  /** The evaluator's clock: its latest tick, ISO. */
  evaluatedTo: string | null;
  readings: number;
  incidents: number;
  sweeps: number;
  transitions: number;
  /** Inputs whose evaluation threw (logged with the input). */
  evaluationErrors: number;
  /** Transaction attempts that failed while writing transitions. */
  persistErrors: number;
  lastSnapshotAt: string | null;
  streamClients: number;
}

export type Committed = readonly (IngestRecordOf['readings'] | IngestRecordOf['incidents'])[];
export type AlertListener = (events: readonly AlertEventDto[]) => void;

/**
 * Where a server that does not evaluate (a follower: another server holds the evaluation lease, see
 * server/cluster) sends what would have been evaluated here.
 */
export interface EvaluationRelay {
  committed(records: Committed, kind: IngestKind): void;
  rulesChanged(actor: string): Promise<void>;
}
/** One evaluation pass ended: what fed it, how many inputs (readings, incidents, sweeps, figures), seconds. */
export type EvaluationObserver = (pass: {
  trigger: 'readings' | 'incidents' | 'sweep' | 'coverage';
  inputs: number;
  seconds: number;
}) => void;

export class AlertService {
  readonly stream: AlertStream;
  private readonly db: Database;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly lagMs: number;
  private readonly tickEveryMs: number;
  private readonly snapshotEveryMs: number;
  private readonly replayMarginMs: number;
  private readonly cameraRefreshEveryMs: number;
  private readonly sweepIntervalSeconds: number;
  private readonly rulesFile: string | null;

  private evaluator: RuleEvaluator | null = null;
  private rules: StoredRule[] = [];
  private cameras = new Map<string, CameraRef>();
  private readonly seenIncidents = new Map<string, number>();
  /** Camera ids seen in readings but not in the registry (not looked up again). */
  private readonly unregistered = new Set<string>();
  /** The evaluator's clock: the argument of its latest tick. */
  private evaluatedTo = -Infinity;
  private queue: Promise<unknown> = Promise.resolve();
  private ruleChanges: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private tickQueued = false;
  private lastSnapshotMs = -Infinity;
  private lastCameraRefreshMs = -Infinity;
  private lastSweeps = 0;
  private readonly listeners = new Set<AlertListener>();
  private readonly evaluationObservers = new Set<EvaluationObserver>();
  private counters = { transitions: 0, evaluationErrors: 0, persistErrors: 0 };

  private readonly publishing: PublishOptions | null;
  private relay: EvaluationRelay | null = null;

  constructor(options: AlertServiceOptions) {
    this.db = options.db;
    this.log = options.log;
    this.clock = options.clock ?? Date.now;
    this.lagMs = options.lagMs ?? 2000;
    this.tickEveryMs = options.tickEveryMs ?? 1000;
    this.snapshotEveryMs = options.snapshotEveryMs ?? 5 * 60_000;
    this.replayMarginMs = options.replayMarginMs ?? 15 * 60_000;
    this.cameraRefreshEveryMs = options.cameraRefreshEveryMs ?? 60_000;
    this.sweepIntervalSeconds = options.sweepIntervalSeconds ?? 15;
    this.rulesFile = options.rulesFile === undefined ? DEFAULT_RULES_FILE : options.rulesFile;
    this.publishing = options.publishing ?? null;
    this.stream = new AlertStream((afterId, limit) => eventsAfter(this.db, afterId, limit), {
      liveTokens: (ids) => liveTokenIds(this.db, ids),
      ...(options.streamHeartbeatMs ? { heartbeatMs: options.streamHeartbeatMs } : {}),
    });
    this.listeners.add((events) => this.stream.publish(events));
  }

  /** Pass to runImport as `onCommitted`: evaluates the committed readings and incidents. */
  readonly onCommitted = (records: Committed, kind: IngestKind): void => {
    if (this.relay && !this.evaluator) {
      this.relay.committed(records, kind);
      return;
    }
    this.enqueue(() => this.ingestNow(records, kind)).catch((error: unknown) => {
      this.log.error(
        { err: error, kind, records: records.length },
        'alert evaluation of an ingest batch failed',
      );
    });
  };

  /**
   * Regional coverage after cameras went offline or came back (server/coverage), for coverage_loss
   * rules. Not stored as history: a restart or a backtest does not see past coverage figures.
   */
  ingestCoverage(updates: readonly CoverageInput[]): Promise<void> {
    return this.enqueue(async () => {
      const ev = this.evaluator;
      if (!ev) return;
      const started = performance.now();
      const out: AlertTransition[] = [];
      for (const u of [...updates].sort((a, b) => a.tsMs - b.tsMs)) {
        try {
          ev.ingestCoverage(u, out);
        } catch (error) {
          this.evaluationFailed(error, { coverage: u });
        }
      }
      await this.persistAll(out);
      this.evaluated('coverage', updates.length, started);
    });
  }

  /**
   * Until start(), send committed inputs and rule changes to `relay` instead of evaluating them: this
   * server is a follower and another one evaluates (server/cluster). start() makes it the evaluator.
   */
  follow(relay: EvaluationRelay): void {
    this.relay = relay;
  }

  /** This server is about to evaluate: no more relaying (call before start). */
  stopFollowing(): void {
    this.relay = null;
  }

  /** Loads rules (seeding them on the first start), restores or warms up the evaluator, starts the timer. */
  async start(): Promise<void> {
    await this.enqueue(() => this.startNow());
    if (this.tickEveryMs > 0) {
      this.timer = setInterval(() => {
        if (this.tickQueued) return;
        this.tickQueued = true;
        this.tick()
          .catch((error: unknown) => this.log.error({ err: error }, 'alert sweep failed'))
          .finally(() => (this.tickQueued = false));
      }, this.tickEveryMs);
      this.timer.unref();
    }
  }

  /** Stops the timer, finishes queued work, snapshots the evaluator and ends the SSE streams. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.enqueue(async () => {
      if (this.evaluator) await this.snapshotNow();
      this.evaluator = null;
    });
    this.stream.closeAll();
  }

  /** Runs the sweeps due `lagMs` behind the clock and writes what they change (the timer calls this). */
  tick(): Promise<void> {
    return this.enqueue(() => this.tickNow());
  }

  /** The service's clock, epoch ms. */
  now(): number {
    return this.clock();
  }

  /** Resolves when everything queued so far is done. */
  whenIdle(): Promise<void> {
    return this.enqueue(async () => {});
  }

  /** Listens to every stored event (transitions and operator actions), in id order. */
  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears how long each evaluation pass took, for metrics; returns the function that stops it. */
  observeEvaluations(observer: EvaluationObserver): () => void {
    this.evaluationObservers.add(observer);
    return () => this.evaluationObservers.delete(observer);
  }

  /** An operator action, written (with its audit record) and published in event order. */
  act(
    alertId: number,
    input: AlertActionInput,
    ctx: { actor: string; requestId?: string | null },
  ): Promise<AlertEventDto> {
    return this.enqueue(async () => {
      const event = await this.db.transaction((tx) =>
        actOnAlert(tx, alertId, input, { ...ctx, nowMs: this.clock() }),
      );
      this.publish([event]);
      return event;
    });
  }

  /**
   * Re-reads the rules after the API changed them: unchanged rules keep their state; new and edited rules
   * are warmed up over their history first (outside the queue, so ingest is not held up), then swapped in;
   * open alerts of edited, disabled or deleted rules are brought in line, by `actor`.
   */
  applyRuleChanges(actor: string): Promise<void> {
    if (this.relay && !this.evaluator) return this.relay.rulesChanged(actor);
    const run = this.ruleChanges.then(() => this.applyRuleChangesNow(actor));
    this.ruleChanges = run.catch(() => undefined);
    return run;
  }

  status(): AlertServiceStatus {
    const ev = this.evaluator;
    return {
      // A follower's alert path works too: its inputs reach the evaluating server.
      running: ev !== null || this.relay !== null,
      role: ev !== null ? 'evaluating' : this.relay !== null ? 'relaying' : 'starting',
      rules: this.rules.length,
      enabledRules: this.rules.filter((r) => r.enabled).length,
      cameras: this.cameras.size,
      evaluatedTo: Number.isFinite(this.evaluatedTo) ? new Date(this.evaluatedTo).toISOString() : null,
      readings: ev?.stats.readings ?? 0,
      incidents: ev?.stats.incidents ?? 0,
      sweeps: ev?.stats.sweeps ?? 0,
      ...this.counters,
      lastSnapshotAt: Number.isFinite(this.lastSnapshotMs)
        ? new Date(this.lastSnapshotMs).toISOString()
        : null,
      streamClients: this.stream.size,
    };
  }

  /** The evaluator's view of every alert it holds (tests and diagnostics). */
  evaluatorAlerts(): AlertView[] {
    return this.evaluator?.alerts() ?? [];
  }

  // ---------------------------------------------------------------- inside the queue

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async startNow(): Promise<void> {
    if (this.evaluator) return;
    await this.loadRules(true);
    const now = this.clock();
    const tickTo = now - this.lagMs;
    let restored = await this.restoreSnapshot();
    if (!restored) {
      // No snapshot (the first start): each rule is replayed over its own warm-up of history up to now,
      // and the service goes on as if it had been restored at that instant.
      this.cameras = byId(await cameraRefs(this.db, { lastSeenBeforeMs: tickTo }));
      const enabled = this.rules.filter((r) => r.enabled);
      const warm = await this.warmUp(enabled, tickTo);
      const base = warm.feeds.snapshot();
      base.rules = [...warm.rules.values()].flatMap((w) => w.snapshot().rules);
      for (const [id, t] of warm.seen) this.seenIncidents.set(id, t);
      restored = {
        evaluator: RuleEvaluator.restore(base, { rules: this.rules, cameras: [...this.cameras.values()] }),
        evaluatedTo: tickTo,
        takenAt: now,
        freshRules: [],
      };
      this.log.info({ rules: enabled.length }, 'alert rules warmed up from stored history (no snapshot)');
    }
    const { evaluator, evaluatedTo, takenAt, freshRules } = restored;
    this.evaluator = evaluator;
    this.evaluatedTo = evaluatedTo;
    // Rules edited while the server was down restarted cold in the snapshot: warm them up first.
    if (freshRules.length > 0) {
      const warm = await this.warmUp(freshRules, evaluatedTo);
      this.swapIn(warm, freshRules);
    }
    // What was stored after the snapshot (or the warm-up): readings the evaluator has are dropped by it
    // per camera, incidents it has by id here; transitions already stored are found and not repeated.
    const out: AlertTransition[] = [];
    await this.replay(this.evaluator!, this.seenIncidents, evaluatedTo - this.replayMarginMs, {
      createdAfterMs: takenAt - this.replayMarginMs,
      out,
    });
    this.tickEvaluator(this.evaluator!, tickTo, out);
    await this.persistAll(out);
    this.log.info(
      { evaluatedTo: new Date(this.evaluatedTo).toISOString(), replayedTransitions: out.length },
      'alert evaluator running',
    );
    this.lastCameraRefreshMs = now;
    await this.reconcile(null, 'restart', null);
    await this.snapshotNow();
  }

  private async ingestNow(records: Committed, kind: IngestKind): Promise<void> {
    const ev = this.evaluator;
    if (!ev || records.length === 0) return; // stored; a later start replays them
    const started = performance.now();
    const out: AlertTransition[] = [];
    if (kind === 'readings') {
      const readings = records as readonly IngestRecordOf['readings'][];
      // A camera imported since the last refresh: learn its kind, volcano and region before its first reading.
      const unknown = readings.filter(
        (r) => !this.cameras.has(r.cameraExternalId) && !this.unregistered.has(r.cameraExternalId),
      );
      if (unknown.length > 0) {
        await this.refreshCameras();
        for (const r of unknown)
          if (!this.cameras.has(r.cameraExternalId)) this.unregistered.add(r.cameraExternalId);
      }
      // In time order, as a replay of the same batch from the database would see it.
      const order = readings
        .map((r, i) => ({ r, t: Date.parse(r.ts), i }))
        .sort((a, b) => a.t - b.t || a.i - b.i);
      for (const { r, t } of order) {
        try {
          ev.ingestReadingValues(
            r.cameraExternalId,
            t,
            asStoredReal(r.maxTempC),
            r.meanTempC === null ? NaN : asStoredReal(r.meanTempC),
            QUALITY_CODES[r.quality] ?? QUALITY_CODES.invalid,
            out,
          );
        } catch (error) {
          this.evaluationFailed(error, { reading: r });
        }
      }
    } else if (kind === 'incidents') {
      const fresh = (records as readonly IngestRecordOf['incidents'][])
        .filter((i) => !this.seenIncidents.has(i.externalId))
        .map((i) => ({ i, t: Date.parse(i.occurredAt) }))
        .sort((a, b) => a.t - b.t);
      // One point-in-region query per batch, and none when no rule counts incidents.
      const regions = this.rules.some((r) => r.enabled && r.kind === 'incident_surge')
        ? await regionsOfPoints(
            this.db,
            fresh.map(({ i }) => ({ lng: i.position[0], lat: i.position[1] })),
          )
        : [];
      fresh.forEach(({ i, t }, k) => {
        const input: IncidentInput = {
          id: i.externalId,
          tsMs: t,
          category: i.category,
          regionId: regions[k] ?? null,
          lng: i.position[0],
          lat: i.position[1],
        };
        this.seenIncidents.set(input.id, t);
        try {
          ev.ingestIncident(input, out);
        } catch (error) {
          this.evaluationFailed(error, { incident: input });
        }
      });
    }
    await this.persistAll(out);
    if (kind === 'readings' || kind === 'incidents') this.evaluated(kind, records.length, started);
  }

  private async tickNow(): Promise<void> {
    const ev = this.evaluator;
    if (!ev) return;
    const now = this.clock();
    if (now - this.lastCameraRefreshMs >= this.cameraRefreshEveryMs) {
      this.lastCameraRefreshMs = now;
      await this.refreshCameras();
    }
    const started = performance.now();
    const out: AlertTransition[] = [];
    this.tickEvaluator(ev, now - this.lagMs, out);
    await this.persistAll(out);
    if (ev.stats.sweeps !== this.lastSweeps) {
      // Ticks with no sweep due cost nothing and are not timed.
      this.evaluated('sweep', ev.stats.sweeps - this.lastSweeps, started);
      this.lastSweeps = ev.stats.sweeps;
      await this.recordOpenEvaluations(ev);
      this.pruneSeenIncidents();
    }
    if (now - this.lastSnapshotMs >= this.snapshotEveryMs) {
      await this.reconcile(null, 'periodic check', null);
      await this.snapshotNow();
    }
  }

  private tickEvaluator(ev: RuleEvaluator, toMs: number, out: AlertTransition[]): void {
    if (!(toMs > this.evaluatedTo)) return;
    try {
      ev.tick(toMs, out);
    } catch (error) {
      this.evaluationFailed(error, { sweepTo: new Date(toMs).toISOString() });
    }
    this.evaluatedTo = toMs;
  }

  private evaluated(
    trigger: Parameters<EvaluationObserver>[0]['trigger'],
    inputs: number,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    for (const observer of this.evaluationObservers) observer({ trigger, inputs, seconds });
  }

  private evaluationFailed(error: unknown, input: object): void {
    this.counters.evaluationErrors++;
    this.log.error({ err: error, ...input }, 'rule evaluation threw; the other inputs go on');
  }

  /** Writes transitions of saved rules in order, a chunk per transaction, and publishes what is new. */
  private async persistAll(transitions: readonly AlertTransition[]): Promise<void> {
    for (let i = 0; i < transitions.length; i += PERSIST_CHUNK) {
      const chunk = transitions.slice(i, i + PERSIST_CHUNK);
      const events = await this.withRetry(() =>
        this.db.transaction(async (tx) => {
          const stored: AlertEventDto[] = [];
          for (const t of chunk) {
            if (!/^\d+$/.test(t.ruleId)) continue; // drafts are never stored
            const e = await persistTransition(tx, t, alertPlace(t.scopeKey, t.kind));
            if (!e) continue;
            stored.push(e);
            if (this.publishing)
              await publishTransition(tx, t, { alertId: e.alertId, eventId: e.id }, this.publishing);
          }
          return stored;
        }),
      );
      this.counters.transitions += events.length;
      this.publish(events);
    }
  }

  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        this.counters.persistErrors++;
        if (attempt >= 3) throw error;
        this.log.warn({ err: error, attempt }, 'writing alert transitions failed; retrying');
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private publish(events: readonly AlertEventDto[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.log.error({ err: error }, 'an alert listener threw');
      }
    }
  }

  /**
   * Makes the open alerts in the database agree with the evaluator: rows it no longer holds open are
   * closed, alerts it holds open without a row are opened. `ruleIds` null: every rule.
   */
  private async reconcile(
    ruleIds: ReadonlySet<string> | null,
    reason: string,
    actor: string | null,
  ): Promise<void> {
    const ev = this.evaluator;
    if (!ev) return;
    const views = ev
      .alerts()
      .filter((v) => isOpenPhase(v.state) && /^\d+$/.test(v.ruleId) && (!ruleIds || ruleIds.has(v.ruleId)));
    const openInEvaluator = new Set(views.map((v) => `${v.ruleId}\u0000${v.scopeKey}`));
    const stored = await openAlerts(this.db, ruleIds ? [...ruleIds].map(Number) : undefined);
    const storedKeys = new Set(stored.map((a) => `${a.ruleId}\u0000${a.scopeKey}`));
    const toClose = stored.filter((a) => !openInEvaluator.has(`${a.ruleId}\u0000${a.scopeKey}`));
    const toAlign = views.filter(
      (v) =>
        !storedKeys.has(`${v.ruleId}\u0000${v.scopeKey}`) ||
        stored.some((a) => String(a.ruleId) === v.ruleId && a.scopeKey === v.scopeKey && a.state !== v.state),
    );
    if (toClose.length === 0 && toAlign.length === 0) return;
    const at = Number.isFinite(this.evaluatedTo) ? this.evaluatedTo : this.clock();
    const events = await this.db.transaction(async (tx) => {
      const out: AlertEventDto[] = [];
      for (const a of toClose) {
        const e = await closeAlert(tx, a.id, at, reason, actor);
        if (e) out.push(e);
      }
      for (const v of toAlign) {
        const e = await alignAlert(tx, v, at, reason, actor, alertPlace(v.scopeKey, v.kind));
        if (e) out.push(e);
      }
      return out;
    });
    if (events.length > 0) this.log.info({ reason, events: events.length }, 'open alerts reconciled');
    this.publish(events);
  }

  private async recordOpenEvaluations(ev: RuleEvaluator): Promise<void> {
    const open = ev
      .alerts()
      .filter((v) => isOpenPhase(v.state) && v.lastEvalAt !== null && /^\d+$/.test(v.ruleId))
      .map((v) => ({
        ruleId: Number(v.ruleId),
        scopeKey: v.scopeKey,
        lastEvalMs: v.lastEvalAt!,
        lastValue: v.lastValue !== null && Number.isFinite(v.lastValue) ? v.lastValue : null,
      }));
    if (open.length > 0) await this.db.transaction((tx) => recordEvaluations(tx, open));
  }

  private async snapshotNow(): Promise<void> {
    const ev = this.evaluator;
    if (!ev) return;
    const state: AlertServiceSnapshot = {
      format: SERVICE_SNAPSHOT_FORMAT,
      version: SERVICE_SNAPSHOT_VERSION,
      evaluator: ev.snapshot(),
      seenIncidents: [...this.seenIncidents],
    };
    const evaluatedTo = Number.isFinite(this.evaluatedTo) ? this.evaluatedTo : ev.startMs;
    await saveEvaluatorSnapshot(this.db, evaluatedTo, JSON.stringify(state));
    this.lastSnapshotMs = this.clock();
  }

  private async restoreSnapshot(): Promise<{
    evaluator: RuleEvaluator;
    evaluatedTo: number;
    takenAt: number;
    freshRules: StoredRule[];
  } | null> {
    const stored = await loadEvaluatorSnapshot(this.db);
    if (!stored) return null;
    try {
      const state = JSON.parse(stored.state) as AlertServiceSnapshot;
      if (state.format !== SERVICE_SNAPSHOT_FORMAT || state.version !== SERVICE_SNAPSHOT_VERSION) {
        throw new RangeError(
          `unknown snapshot ${JSON.stringify({ format: state.format, version: state.version })}`,
        );
      }
      const replayFrom = stored.evaluatedToMs - this.replayMarginMs;
      this.cameras = byId(await cameraRefs(this.db, { lastSeenBeforeMs: replayFrom }));
      const evaluator = RuleEvaluator.restore(state.evaluator, {
        rules: this.rules,
        cameras: [...this.cameras.values()],
      });
      this.seenIncidents.clear();
      for (const [id, t] of state.seenIncidents) this.seenIncidents.set(id, t);
      const saved = new Map(state.evaluator.rules.map((r) => [r.id, r.fingerprint]));
      const freshRules = this.rules.filter((r) => r.enabled && saved.get(r.id) !== ruleFingerprint(r));
      return { evaluator, evaluatedTo: stored.evaluatedToMs, takenAt: stored.takenAt.getTime(), freshRules };
    } catch (error) {
      this.log.warn({ err: error }, 'the alert evaluator snapshot cannot be used; warming up from history');
      return null;
    }
  }

  /**
   * Feeds stored inputs after `afterMs` (up to `toMs`, else whatever is stored by now, even stamped ahead
   * of the clock) into an evaluator in time order (readings before incidents at equal times, as backtests
   * do), slice by slice. Readings the evaluator already has are dropped by it; incidents in `seen` are
   * skipped. With `createdAfterMs`, incidents stored after that instant are fed too, whatever their time
   * (late arrivals). `readingsOf` limits the cameras read ('all' by default); `incidents` defaults to
   * whether any rule counts them.
   */
  private async replay(
    ev: RuleEvaluator,
    seen: Map<string, number>,
    afterMs: number,
    options: {
      toMs?: number;
      createdAfterMs?: number;
      readingsOf?: readonly string[] | 'all';
      incidents?: boolean;
      out: AlertTransition[];
    },
  ): Promise<void> {
    const withIncidents =
      options.incidents ?? this.rules.some((r) => r.enabled && r.kind === 'incident_surge');
    const cameraIds =
      options.readingsOf === 'all' || options.readingsOf === undefined ? undefined : options.readingsOf;
    const readAny = cameraIds === undefined || cameraIds.length > 0;
    let createdAfterMs = options.createdAfterMs;
    for (let from = afterMs; ; from += REPLAY_SLICE_MS) {
      const end = options.toMs ?? this.clock();
      const last = from + REPLAY_SLICE_MS >= end;
      const range =
        last && options.toMs === undefined
          ? { afterMs: from }
          : { afterMs: from, toMs: Math.min(from + REPLAY_SLICE_MS, end) };
      const readings = readAny ? await readingHistory(this.db, range, cameraIds) : NO_READINGS;
      const incidents = withIncidents
        ? (await incidentHistory(this.db, { ...range, createdAfterMs })).filter((i) => !seen.has(i.id))
        : [];
      createdAfterMs = undefined;
      this.feed(ev, readings, incidents, seen, options.out);
      if (last) return;
    }
  }

  private feed(
    ev: RuleEvaluator,
    r: Awaited<ReturnType<typeof readingHistory>>,
    incidents: readonly IncidentInput[],
    seen: Map<string, number>,
    out: AlertTransition[],
  ): void {
    let i = 0;
    let j = 0;
    const n = r.ts.length;
    while (i < n || j < incidents.length) {
      const tr = i < n ? r.ts[i]! : Infinity;
      const ti = j < incidents.length ? incidents[j]!.tsMs : Infinity;
      try {
        if (tr <= ti) {
          ev.ingestReadingValues(r.cameraIds[r.camera[i]!]!, tr, r.maxC[i]!, r.meanC[i]!, r.quality[i]!, out);
        } else {
          const incident = incidents[j]!;
          if (!seen.has(incident.id)) {
            seen.set(incident.id, ti);
            ev.ingestIncident(incident, out);
          }
        }
      } catch (error) {
        this.evaluationFailed(
          error,
          tr <= ti ? { replayReadingAt: tr } : { replayIncident: incidents[j]!.id },
        );
      }
      if (tr <= ti) i++;
      else j++;
    }
  }

  private async loadRules(seed: boolean): Promise<void> {
    if (seed && this.rulesFile) {
      const text = await readFile(this.rulesFile, 'utf8');
      const references = await ruleReferences(this.db);
      const defs = loadRulesYaml(text, { source: path.basename(this.rulesFile), references });
      const inserted = await seedRules(this.db, defs, 'seed');
      if (inserted > 0) this.log.info({ rules: inserted, file: this.rulesFile }, 'alert rules seeded');
    }
    const records = await listRules(this.db);
    for (const r of records) {
      if (!r.rule)
        this.log.error({ ruleId: r.id, issues: r.issues }, 'a stored alert rule is invalid; it is not run');
    }
    this.rules = records.flatMap((r) => (r.rule ? [r.rule] : []));
  }

  private async refreshCameras(): Promise<void> {
    const ev = this.evaluator;
    const refs = await cameraRefs(this.db);
    const newIds = refs.filter((c) => !this.cameras.has(c.id)).map((c) => c.id);
    // A camera new to the service: its silence counts from its latest stored reading.
    const lastSeen =
      newIds.length > 0
        ? byId(await cameraRefs(this.db, { externalIds: newIds, lastSeenBeforeMs: this.clock() + 1 }))
        : new Map<string, CameraRef>();
    for (const c of refs) {
      const old = this.cameras.get(c.id);
      const ref = old
        ? { ...c, lastSeenMs: old.lastSeenMs }
        : { ...c, lastSeenMs: lastSeen.get(c.id)?.lastSeenMs ?? null };
      if (
        old &&
        old.kind === ref.kind &&
        old.status === ref.status &&
        old.volcanoGvp === ref.volcanoGvp &&
        old.centerId === ref.centerId
      )
        continue;
      this.cameras.set(c.id, ref);
      ev?.upsertCamera(ref);
    }
  }

  private pruneSeenIncidents(): void {
    const keepMs = Math.max(
      3_600_000,
      ...this.rules
        .filter((r) => r.enabled && r.kind === 'incident_surge')
        .map((r) => ruleWarmupSeconds(r) * 1000),
    );
    const cutoff = this.evaluatedTo - keepMs - this.replayMarginMs;
    for (const [id, t] of this.seenIncidents) if (t < cutoff) this.seenIncidents.delete(id);
  }

  // ---------------------------------------------------------------- rule changes

  private async applyRuleChangesNow(actor: string): Promise<void> {
    const before = new Map(this.rules.map((r) => [r.id, r]));
    await this.loadRules(false);
    if (!this.evaluator) return;
    const fresh = this.rules.filter((r) => {
      const old = before.get(r.id);
      return r.enabled && !(old && old.enabled && ruleFingerprint(old) === ruleFingerprint(r));
    });
    const gone = [...before.values()].filter(
      (old) => old.enabled && !this.rules.some((r) => r.id === old.id && r.enabled),
    );
    // Warm the new and edited rules up outside the queue: a long history must not hold up ingest.
    const warmTo = this.clock() - this.lagMs;
    const warm = fresh.length > 0 ? await this.warmUp(fresh, warmTo) : null;
    await this.enqueue(async () => {
      if (!this.evaluator) return;
      if (warm) {
        // Level with the live evaluator: what was stored while warming up, then its clock.
        for (const rule of fresh) {
          const ev = warm.rules.get(rule.id)!;
          await this.replay(ev, new Map(warm.seen), warmTo - this.replayMarginMs, {
            createdAfterMs: warmTo - this.replayMarginMs,
            ...this.inputsOf(rule),
            out: [],
          });
          if (Number.isFinite(this.evaluatedTo)) ev.tick(this.evaluatedTo);
        }
        this.swapIn(warm, fresh);
      } else {
        this.evaluator.setRules(this.rules);
      }
      const reason = (id: string) =>
        gone.some((g) => g.id === id)
          ? 'rule disabled or deleted'
          : before.get(id)?.enabled === false
            ? 'rule enabled'
            : before.has(id)
              ? 'rule changed'
              : 'rule created';
      for (const r of [...fresh, ...gone]) await this.reconcile(new Set([r.id]), reason(r.id), actor);
    });
  }

  /** What a rule reads from history: the readings of the cameras it watches, incidents if it counts them. */
  private inputsOf(rule: StoredRule): { readingsOf: string[]; incidents: boolean } {
    const cameras = [...this.cameras.values()];
    return {
      readingsOf: cameras.filter((c) => ruleWatchesCamera(rule, c)).map((c) => c.id),
      incidents: rule.kind === 'incident_surge',
    };
  }

  /**
   * Each rule replayed over its own warm-up (ruleWarmupSeconds) of history up to `toMs`, in an evaluator
   * of its own reading only its inputs — a 14-day anomaly baseline does not make a 15-minute silence
   * rule sweep two weeks of every camera — plus the cameras' feeds (latest readings, for evidence).
   */
  private async warmUp(
    rules: readonly StoredRule[],
    toMs: number,
  ): Promise<{ feeds: RuleEvaluator; rules: Map<string, RuleEvaluator>; seen: Map<string, number> }> {
    const cameras = [...this.cameras.values()];
    const seen = new Map<string, number>();
    const evaluators = new Map<string, RuleEvaluator>();
    // Incidents are read once (with their regions: the costly part) for the longest incident warm-up.
    const surges = rules.filter((r) => r.kind === 'incident_surge');
    const incidents =
      surges.length > 0
        ? await incidentHistory(this.db, {
            afterMs: toMs - Math.max(...surges.map((r) => ruleWarmupSeconds(r) * 1000)) - 1,
            toMs,
          })
        : [];
    for (const rule of rules) {
      const startMs = toMs - ruleWarmupSeconds(rule) * 1000;
      const ev = new RuleEvaluator({
        rules: [rule],
        cameras: cameras.map((c) => ({
          ...c,
          lastSeenMs:
            c.lastSeenMs !== null && c.lastSeenMs !== undefined && c.lastSeenMs < startMs
              ? c.lastSeenMs
              : null,
        })),
        startMs,
        sweepIntervalSeconds: this.sweepIntervalSeconds,
      });
      const ruleSeen = new Map<string, number>();
      if (rule.kind === 'incident_surge') {
        const own = incidents.filter((i) => i.tsMs >= startMs);
        this.feed(ev, NO_READINGS, own, ruleSeen, []);
      } else {
        await this.replay(ev, ruleSeen, startMs - 1, { toMs, ...this.inputsOf(rule), out: [] });
      }
      ev.tick(toMs);
      for (const [id, t] of ruleSeen) seen.set(id, t);
      evaluators.set(rule.id, ev);
    }
    const feedsFrom = toMs - FEED_WARMUP_MS;
    const feeds = new RuleEvaluator({
      rules: [],
      cameras,
      startMs: feedsFrom,
      sweepIntervalSeconds: this.sweepIntervalSeconds,
    });
    await this.replay(feeds, new Map(), feedsFrom - 1, { toMs, incidents: false, out: [] });
    feeds.tick(toMs);
    return { feeds, rules: evaluators, seen };
  }

  /** Moves warmed-up rules' state into the live evaluator (unchanged rules keep theirs). */
  private swapIn(warm: { rules: Map<string, RuleEvaluator> }, fresh: readonly StoredRule[]): void {
    const merged = this.evaluator!.snapshot();
    const freshIds = new Set(fresh.map((r) => r.id));
    merged.rules = [
      ...merged.rules.filter((r) => !freshIds.has(r.id)),
      ...fresh.flatMap((r) => warm.rules.get(r.id)?.snapshot().rules ?? []),
    ];
    this.evaluator = RuleEvaluator.restore(merged, {
      rules: this.rules,
      cameras: [...this.cameras.values()],
    });
  }
}

function byId(cameras: readonly CameraRef[]): Map<string, CameraRef> {
  return new Map(cameras.map((c) => [c.id, c]));
}
