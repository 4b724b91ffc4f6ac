/**
 * Atalaya's Prometheus metrics (prom-client), one registry per application instance: tests build
 * several apps in one process, and a process-wide registry would mix their counts.
 *
 * Counters and histograms are fed as things happen (HTTP requests, imports, rule evaluation passes);
 * the gauges that describe stored state (alerts by state, webhook outbox) are read from the database
 * when /metrics is scraped, so every server behind a load balancer reports the same shared figures.
 * Metric names follow https://prometheus.io/docs/practices/naming/ (base units: seconds, totals).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/database.js';

/** The alert service as the metrics see it (server/alerts/alert-service.ts). */
export interface AlertServiceGauges {
  status(): { running: boolean; streamClients: number };
}

/** One import ended (server/ingest/run-import.ts). */
export interface ImportObservation {
  kind: string;
  /** committed: rows written; refused: invalid rows, nothing written; failed: it threw. */
  outcome: 'committed' | 'refused' | 'failed';
  committedRows: number;
  rejectedRows: number;
  seconds: number;
}

/** One evaluation pass of the alert rules ended (server/alerts/alert-service.ts). */
export interface EvaluationObservation {
  /** What fed it: an ingest batch of readings or incidents, the sweep timer, coverage figures. */
  trigger: 'readings' | 'incidents' | 'sweep' | 'coverage';
  /** Readings, incidents, sweeps or coverage figures evaluated. */
  inputs: number;
  seconds: number;
}

// Request latencies from 5 ms to 30 s; 0.25 s is the load budget's p99 (issue "Trust", item 5).
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Imports run from one row (~10 ms) to millions of rows (minutes).
const IMPORT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];
// An evaluation pass is in-memory work plus the write of its transitions: 0.5 ms to seconds.
const EVALUATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

const ALERT_STATES = ['pending', 'firing', 'resolved', 'inactive', 'error'] as const;
const OUTBOX_STATES = ['pending', 'dead'] as const;

export class AtalayaMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'atalaya_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status (live streams: their lifetime)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  private readonly ingestCommitted = new Counter({
    name: 'atalaya_ingest_rows_committed_total',
    help: 'Rows committed by imports (API and CLI in this process), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly ingestRejected = new Counter({
    name: 'atalaya_ingest_rows_rejected_total',
    help: 'Invalid rows refused or skipped by imports, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly importDuration = new Histogram({
    name: 'atalaya_import_duration_seconds',
    help: 'Time from the start of an import to its commit or refusal, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: IMPORT_BUCKETS,
    registers: [this.registry],
  });

  private readonly evaluationDuration = new Histogram({
    name: 'atalaya_rule_evaluation_duration_seconds',
    help: 'Time of one evaluation pass of the alert rules (evaluator and transition writes), by trigger',
    labelNames: ['trigger'] as const,
    buckets: EVALUATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly evaluations = new Counter({
    name: 'atalaya_rule_evaluations_total',
    help: 'Inputs evaluated by the alert rules: readings, incidents, sweeps and coverage figures, by trigger',
    labelNames: ['trigger'] as const,
    registers: [this.registry],
  });

  private readonly alerts = new Gauge({
    name: 'atalaya_alerts',
    help: 'Stored alerts by state (read from the database at each scrape)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  private readonly outbox = new Gauge({
    name: 'atalaya_webhook_outbox',
    help: 'Webhook deliveries waiting (pending) or given up (dead) in the outbox',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  private readonly databaseUp = new Gauge({
    name: 'atalaya_database_up',
    help: '1 when the database answered this scrape, 0 when it did not',
    registers: [this.registry],
  });

  private readonly sseClients = new Gauge({
    name: 'atalaya_sse_clients',
    help: 'Clients connected to the live alert stream (GET /api/alerts/stream) of this server',
    registers: [this.registry],
  });

  private readonly alertServiceRunning = new Gauge({
    name: 'atalaya_alert_service_running',
    help: '1 once the alert service of this server has started evaluating',
    registers: [this.registry],
  });

  constructor(private readonly sources: { db?: Database; alerts?: AlertServiceGauges } = {}) {
    // Process CPU, memory, event-loop lag, GC, handles: prom-client's standard set.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts an import that ended (pass to observeImports). */
  readonly recordImport = (o: ImportObservation): void => {
    if (o.committedRows > 0) this.ingestCommitted.inc({ kind: o.kind }, o.committedRows);
    if (o.rejectedRows > 0) this.ingestRejected.inc({ kind: o.kind }, o.rejectedRows);
    this.importDuration.observe({ kind: o.kind, outcome: o.outcome }, o.seconds);
  };

  /** Times an evaluation pass (pass to AlertService.observeEvaluations). */
  readonly recordEvaluation = (o: EvaluationObservation): void => {
    this.evaluationDuration.observe({ trigger: o.trigger }, o.seconds);
    if (o.inputs > 0) this.evaluations.inc({ trigger: o.trigger }, o.inputs);
  };

  /**
   * Reads the gauges of stored and live state, then renders the registry in the Prometheus text format.
   * A database that does not answer leaves its gauges at their last values and sets atalaya_database_up 0.
   */
  async scrape(): Promise<string> {
    const status = this.sources.alerts?.status();
    this.sseClients.set(status?.streamClients ?? 0);
    this.alertServiceRunning.set(status?.running ? 1 : 0);
    const db = this.sources.db;
    if (db) {
      try {
        // Both counts run on indexes (alerts_state; the outbox's partial indexes on pending and dead).
        const alertRows = await db.query<{ state: string; n: number }>(
          'SELECT state, count(*)::int AS n FROM alerts GROUP BY state',
        );
        const outboxRows = await db.query<{ state: string; n: number }>(
          "SELECT state, count(*)::int AS n FROM webhook_outbox WHERE state IN ('pending', 'dead') GROUP BY state",
        );
        for (const state of ALERT_STATES)
          this.alerts.set({ state }, alertRows.find((r) => r.state === state)?.n ?? 0);
        for (const state of OUTBOX_STATES)
          this.outbox.set({ state }, outboxRows.find((r) => r.state === state)?.n ?? 0);
        this.databaseUp.set(1);
      } catch {
        this.databaseUp.set(0);
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
