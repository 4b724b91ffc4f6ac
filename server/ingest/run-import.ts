/**
 * The one ingest path behind POST /api/{cameras,incidents,readings} and `npm run import`: parse
 * and validate the stream (read-batch.ts), COPY the good rows in chunks inside one transaction
 * while reading, and commit only when the batch is acceptable. Nothing is acknowledged before it
 * is committed, and a failure at any point leaves none of the batch visible.
 */
import type { Database, Queryable } from '../db/database.js';
import { appendAudit } from '../db/audit-store.js';
import { cameraIdMap } from '../db/camera-id-map.js';
import {
  stageCameras,
  stageIncidents,
  stageReadings,
  type StagedBatch,
  type StoreCounts,
} from '../db/ingest-store.js';
import type { IngestSource } from './decode-text.js';
import type { IngestFormat } from './format-detect.js';
import type { RowIssue } from './ingest-errors.js';
import { readBatch } from './read-batch.js';
import type { IngestKind, IngestRecordOf } from './record-schemas.js';
import type { ImportMode } from './validate-batch.js';

export interface ImportRequest {
  kind: IngestKind;
  format: IngestFormat;
  mode: ImportMode;
  /** Who sends it, for the audit log. */
  actor: string;
  requestId?: string;
  /**
   * Called after the commit with the records the batch carried (readings and incidents only), so
   * the rule evaluator sees new data within a second of its arrival. Never called on rollback.
   */
  onCommitted?: (
    records: readonly (IngestRecordOf['readings'] | IngestRecordOf['incidents'])[],
    kind: IngestKind,
  ) => void;
}

export interface ImportResult {
  kind: IngestKind;
  mode: ImportMode;
  /** True when the accepted rows were committed. */
  committed: boolean;
  rows: number;
  validRows: number;
  rejectedRows: number;
  /** What happened to the committed rows; null when nothing was committed. */
  stored: StoreCounts | null;
  rejected: RowIssue[];
  omittedIssues: number;
  fatal: string | null;
}

/** Most rows in one batch: a month of one-minute readings from 100 cameras. */
const MAX_ROWS = 5_000_000;

/** Rows COPYed per round trip: large enough to amortise it, small enough to bound memory. */
const CHUNK_ROWS = 20_000;

class Rollback extends Error {}

/** How one import on a database ended, for whoever observes that database (metrics). */
export interface ImportOutcome {
  kind: IngestKind;
  /** committed: rows written; refused: the batch was not acceptable, nothing written; failed: it threw. */
  outcome: 'committed' | 'refused' | 'failed';
  committedRows: number;
  rejectedRows: number;
  seconds: number;
}

// Keyed by database so that each application instance (tests build several) hears only its own imports.
const observers = new WeakMap<Database, Set<(o: ImportOutcome) => void>>();

/** Hears every import on `db` once it ends; returns the function that stops listening. */
export function observeImports(db: Database, observer: (o: ImportOutcome) => void): () => void {
  let set = observers.get(db);
  if (!set) observers.set(db, (set = new Set()));
  set.add(observer);
  return () => set.delete(observer);
}

function notify(db: Database, outcome: ImportOutcome): void {
  for (const observer of observers.get(db) ?? []) observer(outcome);
}

async function openStage<K extends IngestKind>(
  tx: Queryable,
  kind: K,
  cameraIds: ReadonlyMap<string, number>,
): Promise<StagedBatch<IngestRecordOf[K]>> {
  if (kind === 'cameras') return (await stageCameras(tx)) as StagedBatch<IngestRecordOf[K]>;
  if (kind === 'incidents') return (await stageIncidents(tx)) as StagedBatch<IngestRecordOf[K]>;
  const readings = await stageReadings(tx);
  return {
    append: (rows) =>
      readings.append(
        (rows as unknown as IngestRecordOf['readings'][]).map((r) => ({
          cameraId: cameraIds.get(r.cameraExternalId)!,
          ts: r.ts,
          maxTempC: r.maxTempC,
          meanTempC: r.meanTempC,
          quality: r.quality,
          synthetic: r.synthetic,
        })),
      ),
    merge: () => readings.merge(),
  };
}

/** Imports one input of `kind`; see the module comment for the guarantees. */
export async function runImport(
  db: Database,
  source: IngestSource,
  request: ImportRequest,
): Promise<ImportResult> {
  const { kind, format, mode } = request;
  const started = performance.now();
  let result: ImportResult | undefined;
  const keep = request.onCommitted !== undefined && kind !== 'cameras';
  const committedRecords: (IngestRecordOf['readings'] | IngestRecordOf['incidents'])[] = [];
  try {
    await db.transaction(async (tx) => {
      const cameras = kind === 'readings' ? await cameraIdMap(db, tx) : null;
      const cameraIds = cameras?.ids ?? new Map<string, number>();
      const volcanoRows =
        kind === 'cameras' ? await tx.query<{ gvp: number }>('SELECT gvp_number AS gvp FROM volcanoes') : [];
      const stage = await openStage(tx, kind, cameraIds);
      let chunk: IngestRecordOf[typeof kind][] = [];
      const report = await readBatch(kind, source, {
        format,
        mode,
        maxRows: MAX_ROWS,
        ...(cameras ? { knownCameraIds: cameras.known } : {}),
        ...(kind === 'cameras' ? { knownVolcanoGvps: new Set(volcanoRows.map((v) => v.gvp)) } : {}),
        sink: async (record) => {
          if (keep) committedRecords.push(record as IngestRecordOf['readings'] | IngestRecordOf['incidents']);
          chunk.push(record);
          if (chunk.length >= CHUNK_ROWS) {
            const full = chunk;
            chunk = [];
            await stage.append(full);
          }
        },
      });
      result = {
        kind,
        mode,
        committed: false,
        rows: report.rows,
        validRows: report.validRows,
        rejectedRows: report.rejectedRows,
        stored: null,
        rejected: report.rejected,
        omittedIssues: report.omittedIssues,
        fatal: report.fatal,
      };
      if (!report.commit) throw new Rollback();
      await stage.append(chunk);
      const stored = await stage.merge();
      // A batch without a single row changed nothing and leaves no record. Cameras, which an
      // import overwrites, are recorded one by one with their values before and after.
      const changes = stage.changes?.() ?? [];
      const replaced = changes.filter((c) => c.before !== null);
      if (stored.received > 0)
        await appendAudit(tx, {
          actor: request.actor,
          action: `${kind}.import`,
          entity: kind,
          ...(replaced.length > 0
            ? { before: { [kind]: Object.fromEntries(replaced.map((c) => [c.key, c.before])) } }
            : {}),
          after: {
            format,
            mode,
            ...stored,
            rejectedRows: report.rejectedRows,
            ...(changes.length > 0
              ? { [kind]: Object.fromEntries(changes.map((c) => [c.key, c.after])) }
              : {}),
          },
          requestId: request.requestId ?? null,
        });
      result.stored = stored;
      result.committed = true;
    });
  } catch (error) {
    if (!(error instanceof Rollback)) {
      const seconds = (performance.now() - started) / 1000;
      notify(db, { kind, outcome: 'failed', committedRows: 0, rejectedRows: 0, seconds });
      throw error;
    }
  }
  notify(db, {
    kind,
    outcome: result!.committed ? 'committed' : 'refused',
    committedRows: result!.committed ? result!.validRows : 0,
    rejectedRows: result!.rejectedRows,
    seconds: (performance.now() - started) / 1000,
  });
  if (result?.committed && keep) request.onCommitted!(committedRecords, kind);
  return result!;
}
