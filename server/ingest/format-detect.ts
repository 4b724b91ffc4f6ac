import type { IngestSource } from './decode-text.js';
import { IngestFormatError, type IngestLimits, type ParsedRow } from './ingest-errors.js';
import { parseCsv } from './parse-csv.js';
import { parseGeoJson } from './parse-geojson.js';
import { parseNdjson } from './parse-ndjson.js';
import type { RecordSpec } from './record-schemas.js';

/**
 * The three wire formats. `geojson` also reads plain JSON (one record or an array of records),
 * which is what a single reading POSTed as application/json is.
 */
export const INGEST_FORMATS = ['csv', 'geojson', 'ndjson'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

const MEDIA_TYPES: Record<string, IngestFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/comma-separated-values': 'csv',
  // What browsers on Windows label a .csv upload with.
  'application/vnd.ms-excel': 'csv',
  'application/geo+json': 'geojson',
  'application/vnd.geo+json': 'geojson',
  'application/json': 'geojson',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/jsonlines': 'ndjson',
  'application/geo+json-seq': 'ndjson',
  'application/json-seq': 'ndjson',
};

const EXTENSIONS: Record<string, IngestFormat> = {
  csv: 'csv',
  geojson: 'geojson',
  json: 'geojson',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  geojsonl: 'ndjson',
  geojsons: 'ndjson',
  geojsonseq: 'ndjson',
};

// Types that say nothing about the content; the file name decides then.
const GENERIC = new Set(['application/octet-stream', 'text/plain', 'multipart/form-data']);

/**
 * The format of an input from its Content-Type (HTTP) or file name (CLI, uploads). A specific
 * content type wins; a generic one (application/octet-stream, text/plain) defers to the file
 * name's extension. A charset other than UTF-8 is refused: the parsers read UTF-8 only.
 *
 * @throws IngestFormatError `unsupported_format` when neither says a known format.
 * @example detectFormat({ contentType: 'text/csv; charset=utf-8' }) // 'csv'
 * @example detectFormat({ fileName: 'data/samples/readings.synthetic.ndjson' }) // 'ndjson'
 */
export function detectFormat(hint: { contentType?: string | null; fileName?: string | null }): IngestFormat {
  const [type = '', ...params] = (hint.contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw unsupported(`charset ${charset} is not supported; send UTF-8`);
  }
  const byType = MEDIA_TYPES[type];
  if (byType) return byType;
  const extension = /\.([a-z0-9]+)$/i.exec(hint.fileName ?? '')?.[1]?.toLowerCase();
  const byName = extension === undefined ? undefined : EXTENSIONS[extension];
  if (byName && (type === '' || GENERIC.has(type))) return byName;
  const what =
    type !== ''
      ? `content type "${type}"`
      : hint.fileName
        ? `file name "${hint.fileName}"`
        : 'an input with no content type';
  return unsupportedFor(what);
}

function unsupportedFor(what: string): never {
  throw unsupported(
    `cannot import ${what}: use CSV (text/csv, .csv), GeoJSON or JSON (application/geo+json, .geojson, .json) or NDJSON (application/x-ndjson, .ndjson)`,
  );
}

function unsupported(message: string): IngestFormatError {
  return new IngestFormatError('unsupported_format', [{ line: 1, field: null, message }]);
}

/** A streaming parser: source and record spec in, rows (line + record or errors) out. */
export type RowParser = <T>(
  source: IngestSource,
  spec: RecordSpec<T>,
  limits?: Partial<IngestLimits>,
) => AsyncGenerator<ParsedRow<T>>;

/** The parser for `format`. */
export function parserFor(format: IngestFormat): RowParser {
  switch (format) {
    case 'csv':
      return parseCsv;
    case 'geojson':
      return parseGeoJson;
    case 'ndjson':
      return parseNdjson;
  }
}
