/**
 * The retention job: plans with retention-policy.ts from the open alerts and enabled rules, then
 * deletes what is past the policy in small batches (server/db/retention-store.ts) and writes one
 * audit row with the counts. Runs daily in the server (server/main.ts) and on demand with
 * `npm run retention -- [--dry-run]` (scripts/retention.ts).
 *
 * Two servers on one PostgreSQL may both run it: deletes of the same old rows are idempotent, the
 * second run finds nothing left and says so in its audit row.
 */
import { performance } from 'node:perf_hooks';
import { appendAudit } from '../db/audit-store.js';
import type { Database } from '../db/database.js';
import {
  camerasWithReadingsBefore,
  countIncidentsBefore,
  countReadingsBefore,
  deleteIncidentsBatch,
  deleteReadingsBatch,
  enabledRuleFacts,
  openAlertFacts,
} from '../db/retention-store.js';
import { retentionPlan, type RetentionPolicy } from './retention-policy.js';

/** Rows per delete statement: ≈ 50–200 ms each on PGlite, a few ms on PostgreSQL. */
export const RETENTION_BATCH_ROWS = 5000;
/** How often the server runs the job, ms. */
export const RETENTION_INTERVAL_MS = 86_400_000;
/** The server's first run comes this long after it starts, out of the start-up rush, ms. */
export const RETENTION_FIRST_RUN_MS = 10 * 60_000;

export interface RetentionOptions {
  /** Count what would go, delete nothing, write no audit row. */
  dryRun?: boolean;
  /** Rows per delete statement (default RETENTION_BATCH_ROWS). */
  batchRows?: number;
  /** Pause between batches, ms, so a busy server's other queries get their turn (default 0). */
  pauseMs?: number;
  /** The clock, epoch ms (default Date.now()). */
  now?: number;
  /** Who the audit row names (default `retention-job`). */
  actor?: string;
  log?: { info(obj: object, msg?: string): void };
  /** Stops the run between batches (server shutdown); what was deleted so far is still audited. */
  signal?: AbortSignal;
}

export interface RetentionReport {
  dryRun: boolean;
  policy: RetentionPolicy;
  ranAt: string;
  readings: {
    cutoff: string | null;
    /** Cameras keeping older readings as evidence of open alerts, and from when. */
    keptForOpenAlerts: { camera: string; since: string }[];
    /** Deleted (or, in a dry run, that would be). */
    deleted: number;
  };
  incidents: { cutoff: string | null; deleted: number };
  notes: string[];
  batches: number;
  /** True when the run was stopped before it finished (see RetentionOptions.signal). */
  stopped: boolean;
  ms: number;
}

/** Plans and carries out one retention run on a database; see the file comment. */
export async function runRetention(
  db: Database,
  policy: RetentionPolicy,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const t0 = performance.now();
  const now = options.now ?? Date.now();
  const limit = options.batchRows ?? RETENTION_BATCH_ROWS;
  if (!(Number.isInteger(limit) && limit > 0))
    throw new RangeError(`batchRows must be a positive integer, got ${limit}`);
  const dryRun = options.dryRun ?? false;
  const plan = retentionPlan(policy, now, await enabledRuleFacts(db), await openAlertFacts(db));
  const pause = () =>
    options.pauseMs
      ? new Promise((r) => setTimeout(r, options.pauseMs))
      : new Promise((r) => setImmediate(r));
  let batches = 0;

  let readings = 0;
  if (plan.readings.cutoff) {
    const keep = new Map(plan.readings.keep.map((k) => [k.cameraExternalId, k.since]));
    for (const camera of await camerasWithReadingsBefore(db, plan.readings.cutoff)) {
      if (options.signal?.aborted) break;
      const kept = keep.get(camera.externalId);
      const before = kept && kept < plan.readings.cutoff ? kept : plan.readings.cutoff;
      if (dryRun) {
        readings += await countReadingsBefore(db, camera.id, before);
        continue;
      }
      for (;;) {
        const n = await deleteReadingsBatch(db, camera.id, before, limit);
        batches++;
        readings += n;
        if (n < limit || options.signal?.aborted) break;
        await pause();
      }
    }
  }

  let incidents = 0;
  if (plan.incidents.cutoff && !options.signal?.aborted) {
    if (dryRun) incidents = await countIncidentsBefore(db, plan.incidents.cutoff);
    else {
      for (;;) {
        const n = await deleteIncidentsBatch(db, plan.incidents.cutoff, limit);
        batches++;
        incidents += n;
        if (n < limit || options.signal?.aborted) break;
        await pause();
      }
    }
  }

  const report: RetentionReport = {
    dryRun,
    policy,
    ranAt: new Date(now).toISOString(),
    readings: {
      cutoff: plan.readings.cutoff?.toISOString() ?? null,
      keptForOpenAlerts: plan.readings.keep.map((k) => ({
        camera: k.cameraExternalId,
        since: k.since.toISOString(),
      })),
      deleted: readings,
    },
    incidents: { cutoff: plan.incidents.cutoff?.toISOString() ?? null, deleted: incidents },
    notes: plan.notes,
    batches,
    stopped: options.signal?.aborted ?? false,
    ms: Math.round(performance.now() - t0),
  };
  if (!dryRun) {
    await appendAudit(db, {
      actor: options.actor ?? 'retention-job',
      action: 'retention.run',
      entity: 'retention',
      after: report,
    });
  }
  options.log?.info(report, dryRun ? 'retention dry run' : 'retention run');
  return report;
}
