import {
  IngestFormatError,
  type IngestFormatErrorCode,
  type ParsedRow,
  type RowIssue,
} from './ingest-errors.js';
import type { RecordSpec } from './record-schemas.js';

/** `all-or-nothing` (the default): one bad row refuses the batch. `skip-invalid`: good rows go in. */
export const IMPORT_MODES = ['all-or-nothing', 'skip-invalid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface BatchOptions<T> {
  mode: ImportMode;
  /** How duplicates inside the batch are found and named; no duplicate check without it. */
  keys?: Pick<RecordSpec<T>, 'duplicateKey' | 'duplicateField' | 'duplicateWhat'>;
  /** Most rows read before the batch is refused as `too_large`; default 1,000,000. */
  maxRows?: number;
  /** Most issues kept in the report (the rest are counted in `omittedIssues`); default 1000. */
  maxIssues?: number;
  /**
   * Receives each good record as it is read instead of collecting it in `accepted`, so the DB layer
   * can stream a large batch into COPY inside a transaction. The sink must then roll back unless
   * the report says `commit`. In all-or-nothing mode it is not called after the first bad row.
   */
  sink?: (record: T, line: number) => void | Promise<void>;
}

export interface BatchReport<T> {
  mode: ImportMode;
  /** Whether to write `accepted` (or keep what the sink wrote): no fatal error, and in
   *  all-or-nothing mode no rejected row either. */
  commit: boolean;
  /** Good records in input order, empty unless `commit` (and always empty with a sink). */
  accepted: T[];
  /** The source line of each record in `accepted`, to place errors the database finds. */
  acceptedLines: number[];
  /** Rows read, good rows among them (duplicates excluded), and rows rejected. */
  rows: number;
  validRows: number;
  rejectedRows: number;
  /** Why rows were rejected, in input order, one entry per field at fault; capped by maxIssues. */
  rejected: RowIssue[];
  omittedIssues: number;
  /** Set when the input as a whole was refused; its issues end `rejected`. */
  fatal: IngestFormatErrorCode | null;
}

/**
 * Collect parsed rows into a report for the DB layer: good records, rejected rows with line and
 * field, duplicates inside the batch (same external id, or same camera and instant; the first
 * occurrence is kept), and whether to commit. An {@link IngestFormatError} thrown by the parser is
 * caught and reported as `fatal`; any other error (a broken connection) propagates.
 *
 * @example
 * const report = await validateBatch(parseCsv(body, spec), { mode: 'skip-invalid', keys: spec });
 * if (report.commit) await copyCameras(db, report.accepted);
 */
export async function validateBatch<T>(
  rows: AsyncIterable<ParsedRow<T>>,
  options: BatchOptions<T>,
): Promise<BatchReport<T>> {
  const { mode, keys, sink } = options;
  const maxRows = options.maxRows ?? 1_000_000;
  const maxIssues = options.maxIssues ?? 1000;
  const report: BatchReport<T> = {
    mode,
    commit: false,
    accepted: [],
    acceptedLines: [],
    rows: 0,
    validRows: 0,
    rejectedRows: 0,
    rejected: [],
    omittedIssues: 0,
    fatal: null,
  };
  const firstLineOf = new Map<string, number>();
  const note = (issue: RowIssue) => {
    if (report.rejected.length < maxIssues) report.rejected.push(issue);
    else report.omittedIssues++;
  };
  const reject = (row: { line: number; index?: number }, field: string | null, message: string) =>
    note(
      row.index === undefined
        ? { line: row.line, field, message }
        : { line: row.line, index: row.index, field, message },
    );

  try {
    for await (const row of rows) {
      if (report.rows === maxRows) {
        throw new IngestFormatError('too_large', [
          { line: row.line, field: null, message: `the batch has more than ${maxRows} rows; split it` },
        ]);
      }
      report.rows++;
      if ('errors' in row) {
        report.rejectedRows++;
        for (const error of row.errors) reject(row, error.field, error.message);
        continue;
      }
      if (keys) {
        const key = keys.duplicateKey(row.record);
        const first = firstLineOf.get(key);
        if (first !== undefined) {
          report.rejectedRows++;
          reject(row, keys.duplicateField, `repeats the ${keys.duplicateWhat} of line ${first}`);
          continue;
        }
        firstLineOf.set(key, row.line);
      }
      report.validRows++;
      // In all-or-nothing mode, once a row is bad nothing will be written: stop keeping records.
      if (mode === 'all-or-nothing' && report.rejectedRows > 0) continue;
      if (sink) {
        await sink(row.record, row.line);
      } else {
        report.accepted.push(row.record);
        report.acceptedLines.push(row.line);
      }
    }
  } catch (error) {
    if (!(error instanceof IngestFormatError)) throw error;
    report.fatal = error.code;
    error.issues.forEach(note);
  }

  report.commit = report.fatal === null && (mode === 'skip-invalid' || report.rejectedRows === 0);
  if (!report.commit) {
    report.accepted = [];
    report.acceptedLines = [];
  }
  return report;
}
