/**
 * What the ingest parsers report. A bad row is data (a {@link ParsedRow} with `errors`); a stream
 * that cannot be read any further — a broken header, an unterminated quote, bytes that are not
 * UTF-8 — is an {@link IngestFormatError}, thrown from the parser's iterator.
 */

/** One problem with one field of one row. `field` is named as in the source (CSV column,
 *  JSON property path); null when the problem is the whole row. */
export interface FieldIssue {
  field: string | null;
  message: string;
}

/** A {@link FieldIssue} placed in its source: `line` is 1-based; `index` is the 0-based position
 *  in a JSON array (a FeatureCollection's `features`), useful when the JSON is on one line. */
export interface RowIssue extends FieldIssue {
  line: number;
  index?: number;
}

/** One row out of a parser: a validated record, or the reasons it was rejected. */
export type ParsedRow<T> =
  { line: number; index?: number; record: T } | { line: number; index?: number; errors: FieldIssue[] };

/**
 * Why a whole input was refused:
 * - `unsupported_format`: no parser for the content type or file name (HTTP 415);
 * - `encoding`: the bytes are not UTF-8;
 * - `structure`: CSV or JSON syntax that cannot be resynchronised (unterminated quote, bad nesting);
 * - `header`: a CSV header with an unknown, duplicate or missing required column;
 * - `too_large`: a limit in {@link IngestLimits} was exceeded (HTTP 413).
 */
export type IngestFormatErrorCode = 'unsupported_format' | 'encoding' | 'structure' | 'header' | 'too_large';

/** The input as a whole cannot be imported; `issues` name the line and field (or column) at fault. */
export class IngestFormatError extends Error {
  override readonly name = 'IngestFormatError';
  readonly code: IngestFormatErrorCode;
  readonly issues: RowIssue[];

  constructor(code: IngestFormatErrorCode, issues: RowIssue[], options?: { cause?: unknown }) {
    super(issues.map(describeIssue).join('; ') || code, options);
    this.code = code;
    this.issues = issues;
  }
}

/** Limits that keep one hostile or mistaken input from exhausting memory. Lengths in UTF-16 code units. */
export interface IngestLimits {
  /** Longest CSV record, NDJSON line or single JSON item (one GeoJSON Feature). */
  maxRecordChars: number;
  /** Most columns in a CSV header. */
  maxColumns: number;
  /** Longest GeoJSON envelope: everything in a FeatureCollection except its features. */
  maxEnvelopeChars: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  // A camera row is ~200 characters and an incident's description is at most 2000 (DB CHECK).
  maxRecordChars: 64 * 1024,
  maxColumns: 64,
  maxEnvelopeChars: 1024 * 1024,
};

/** "line 12, field lat: …" — for logs and CLI output. */
export function describeIssue(issue: RowIssue): string {
  const where = issue.index === undefined ? `line ${issue.line}` : `line ${issue.line} (item ${issue.index})`;
  return issue.field === null
    ? `${where}: ${issue.message}`
    : `${where}, field ${issue.field}: ${issue.message}`;
}

/** A value quoted for an error message, cut short so one huge field cannot flood a report. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
