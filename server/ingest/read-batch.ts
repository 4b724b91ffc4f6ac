import type { IngestSource } from './decode-text.js';
import type { IngestLimits } from './ingest-errors.js';
import { parserFor, type IngestFormat } from './format-detect.js';
import {
  recordSpec,
  type IngestKind,
  type IngestRecordOf,
  type RecordSchemaOptions,
} from './record-schemas.js';
import { validateBatch, type BatchOptions, type BatchReport } from './validate-batch.js';

export interface ReadBatchOptions<T> extends RecordSchemaOptions, Omit<BatchOptions<T>, 'keys'> {
  format: IngestFormat;
  limits?: Partial<IngestLimits>;
}

/**
 * Parse and validate one input of `kind` — the single call behind POST /api/{kind} and
 * `npm run import -- {kind} <file>`. Pass the camera external ids from the database as
 * `knownCameraIds` for readings, and the volcano GVP numbers as `knownVolcanoGvps` for cameras.
 *
 * @example
 * const format = detectFormat({ contentType: req.headers['content-type'] });
 * const report = await readBatch('readings', req, { format, mode, knownCameraIds });
 */
export function readBatch<K extends IngestKind>(
  kind: K,
  source: IngestSource,
  options: ReadBatchOptions<IngestRecordOf[K]>,
): Promise<BatchReport<IngestRecordOf[K]>> {
  const spec = recordSpec(kind, options);
  const rows = parserFor(options.format)(source, spec, options.limits);
  return validateBatch(rows, { ...options, keys: spec });
}
