/**
 * Rows to CSV text for COPY … WITH (FORMAT csv). NULL is the empty unquoted field; every string
 * is quoted, so an empty string stays distinct from NULL.
 */
export type CopyValue = string | number | boolean | null | undefined;

function field(v: CopyValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Cannot COPY a non-finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return `"${v.replaceAll('"', '""')}"`;
}

/** One CSV line (with its newline) for COPY. */
export function csvLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += field(values[i]);
  }
  return `${line}\n`;
}

/** Many rows as one CSV text. */
export function csvText(rows: Iterable<readonly CopyValue[]>): string {
  let text = '';
  for (const row of rows) text += csvLine(row);
  return text;
}
