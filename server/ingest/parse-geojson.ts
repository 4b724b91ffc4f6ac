import { decodeText, type IngestSource } from './decode-text.js';
import { DEFAULT_LIMITS, type IngestLimits, type ParsedRow } from './ingest-errors.js';
import { JsonItemScanner, linesBefore, type JsonItem } from './json-items.js';
import { checkJsonItem } from './json-record.js';
import type { RecordSpec } from './record-schemas.js';

/**
 * Parse a GeoJSON (or plain JSON) body into rows of `spec`: a FeatureCollection, a single Feature,
 * a single plain record, or an array of Features or records. A FeatureCollection's features are
 * streamed one at a time (see {@link JsonItemScanner}), so memory is bounded by the largest
 * feature, not the body. Each row carries the line its item starts on and its index in the array.
 *
 * @throws IngestFormatError (from the iterator) when the document is not JSON or is cut short;
 *   rows already yielded must then be discarded (validateBatch does).
 * @example for await (const row of parseGeoJson(req, recordSpec('cameras'))) …
 */
export async function* parseGeoJson<T>(
  source: IngestSource,
  spec: RecordSpec<T>,
  limits: Partial<IngestLimits> = {},
): AsyncGenerator<ParsedRow<T>> {
  const scanner = new JsonItemScanner({ ...DEFAULT_LIMITS, ...limits });
  for await (const text of decodeText(source)) {
    for (const item of scanner.push(text)) yield toRow(item, spec);
  }
  for (const item of scanner.end()) yield toRow(item, spec);
}

function toRow<T>(item: JsonItem, spec: RecordSpec<T>): ParsedRow<T> {
  const place = item.index === undefined ? { line: item.line } : { line: item.line, index: item.index };
  if ('tooLong' in item) {
    return { ...place, errors: [{ field: null, message: `is longer than ${item.tooLong} characters` }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(item.text);
  } catch (error) {
    const line = item.line + linesBefore(item.text, error);
    return {
      ...place,
      line,
      errors: [{ field: null, message: `is not valid JSON: ${(error as Error).message}` }],
    };
  }
  return { ...place, ...checkJsonItem(spec, value) };
}
