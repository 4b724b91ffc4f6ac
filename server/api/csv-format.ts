/**
 * CSV as RFC 4180 writes it, in the columns of the import formats (data/samples/README.md): what is
 * exported can be imported again unchanged.
 */

/** One field: quoted when it holds a comma, quote, CR or LF (quotes doubled); null is empty. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: readonly (string | number | boolean | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a
 * leading apostrophe (OWASP "CSV injection"): exported descriptions come from the public. Numbers are
 * left alone (a negative longitude is data, not a formula).
 */
export function spreadsheetSafe(value: string | null): string | null {
  if (value === null) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
