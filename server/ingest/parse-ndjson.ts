import { decodeText, type IngestSource } from './decode-text.js';
import { DEFAULT_LIMITS, type IngestLimits, type ParsedRow } from './ingest-errors.js';
import { checkJsonItem } from './json-record.js';
import type { RecordSpec } from './record-schemas.js';

/**
 * Parse newline-delimited JSON into rows of `spec`: one JSON object per line (a plain record or a
 * GeoJSON Feature), LF or CRLF line ends, blank lines skipped, a leading RS (GeoJSON text
 * sequences, RFC 8142) tolerated. Every line stands alone, so a bad line — not JSON, longer than
 * `maxRecordChars`, not an object — is reported and the next one is read.
 *
 * @throws IngestFormatError (from the iterator) only when the bytes are not UTF-8.
 * @example for await (const row of parseNdjson(fs.createReadStream(path), recordSpec('readings'))) …
 */
export async function* parseNdjson<T>(
  source: IngestSource,
  spec: RecordSpec<T>,
  limits: Partial<IngestLimits> = {},
): AsyncGenerator<ParsedRow<T>> {
  const max = limits.maxRecordChars ?? DEFAULT_LIMITS.maxRecordChars;
  let pending = '';
  let overlong = false;
  let line = 1;
  for await (const text of decodeText(source)) {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      from = nl + 1;
      const row = overlong ? tooLong<T>(line, max) : parseLine(pending + piece, line, spec, max);
      if (row) yield row;
      pending = '';
      overlong = false;
      line++;
    }
    if (!overlong) {
      pending += text.slice(from);
      // +1 leaves room for the \r of a CRLF line end.
      if (pending.length > max + 1) {
        overlong = true;
        pending = '';
      }
    }
  }
  const last = overlong ? tooLong<T>(line, max) : parseLine(pending, line, spec, max);
  if (last) yield last;
}

function parseLine<T>(raw: string, line: number, spec: RecordSpec<T>, max: number): ParsedRow<T> | null {
  if (raw.length - (raw.endsWith('\r') ? 1 : 0) > max) return tooLong(line, max);
  const text = (raw.charCodeAt(0) === 0x1e ? raw.slice(1) : raw).trim();
  if (text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, errors: [{ field: null, message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  return { line, ...checkJsonItem(spec, value) };
}

function tooLong<T>(line: number, max: number): ParsedRow<T> {
  return { line, errors: [{ field: null, message: `is longer than ${max} characters` }] };
}
