/**
 * CSV as RFC 4180 writes it, for the downloads (incidents, audit log, siting tables, gaps): fields
 * quoted when they hold a comma, quote, CR or LF (quotes doubled), null and undefined empty, lines
 * ending CRLF. COPY's own dialect is server/db/copy-csv.ts.
 */

/** One field: quoted when it holds a comma, quote, CR or LF (quotes doubled); null and undefined are empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a
 * leading apostrophe (OWASP "CSV injection"): exported text comes from the public. Numbers are left
 * alone (a negative longitude is data, not a formula).
 */
export function spreadsheetSafe(value: string | null): string | null {
  if (value === null) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** `csvField` of a value whose strings are made spreadsheetSafe first. */
export function safeCsvField(value: unknown): string {
  return csvField(typeof value === 'string' ? spreadsheetSafe(value) : value);
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: readonly unknown[], field: (value: unknown) => string = csvField): string {
  return `${values.map(field).join(',')}\r\n`;
}
