import { describe, expect, it } from 'vitest';
import { parserFor } from '../../server/ingest/format-detect.js';
import { IngestFormatError, type ParsedRow } from '../../server/ingest/ingest-errors.js';
import { parseCsv } from '../../server/ingest/parse-csv.js';
import { recordSpec, type IngestRecordOf } from '../../server/ingest/record-schemas.js';
import { validateBatch } from '../../server/ingest/validate-batch.js';
import { fixtureText } from './sources.js';

type Reading = IngestRecordOf['readings'];
const readings = recordSpec('readings');

function reading(ts: string, maxTempC = 20): Reading {
  return { cameraExternalId: 'COTO-TH-01', ts, maxTempC, meanTempC: null, quality: 'ok', synthetic: false };
}

async function* rowsOf<T>(rows: ParsedRow<T>[], failWith?: Error): AsyncGenerator<ParsedRow<T>> {
  yield* rows;
  if (failWith) throw failWith;
}

const good1 = { line: 2, record: reading('2024-05-01T11:00:00Z') };
const bad3 = { line: 3, errors: [{ field: 'max_temp_c', message: 'must be a number, got "hot"' }] };
const good4 = { line: 4, record: reading('2024-05-01T11:10:00Z') };

describe('validateBatch modes', () => {
  it('all-or-nothing: one bad row and nothing is to be written, every bad row reported', async () => {
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4]), {
      mode: 'all-or-nothing',
      keys: readings,
    });
    expect(report).toEqual({
      mode: 'all-or-nothing',
      commit: false,
      accepted: [],
      acceptedLines: [],
      rows: 3,
      validRows: 2,
      rejectedRows: 1,
      rejected: [{ line: 3, field: 'max_temp_c', message: 'must be a number, got "hot"' }],
      omittedIssues: 0,
      fatal: null,
    });
  });

  it('all-or-nothing with no bad row: commit everything', async () => {
    const report = await validateBatch(rowsOf<Reading>([good1, good4]), {
      mode: 'all-or-nothing',
      keys: readings,
    });
    expect(report.commit).toBe(true);
    expect(report.accepted).toEqual([good1.record, good4.record]);
    expect(report.acceptedLines).toEqual([2, 4]);
  });

  it('skip-invalid: the good rows are to be written and the bad ones returned', async () => {
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4]), {
      mode: 'skip-invalid',
      keys: readings,
    });
    expect(report.commit).toBe(true);
    expect(report.acceptedLines).toEqual([2, 4]);
    expect(report.rejected).toEqual([
      { line: 3, field: 'max_temp_c', message: 'must be a number, got "hot"' },
    ]);
  });

  it('gives the same verdicts on a real file in both modes', async () => {
    const spec = recordSpec('cameras');
    const text = fixtureText('cameras-bad-rows.csv');
    const strict = await validateBatch(parseCsv([text], spec), { mode: 'all-or-nothing', keys: spec });
    const lenient = await validateBatch(parseCsv([text], spec), { mode: 'skip-invalid', keys: spec });
    expect(strict.rejected).toEqual(lenient.rejected);
    expect([strict.commit, strict.accepted.length]).toEqual([false, 0]);
    expect([lenient.commit, lenient.accepted.map((c) => c.externalId)]).toEqual([
      true,
      ['UIO-CH-001', 'CUE-CAL-003'],
    ]);
  });
});

describe('validateBatch duplicates', () => {
  it('keeps the first of two readings of one camera at one instant, written in two zones', async () => {
    const again = { line: 7, record: reading('2024-05-01T11:00:00Z', 25) };
    const report = await validateBatch(rowsOf<Reading>([good1, good4, again]), {
      mode: 'skip-invalid',
      keys: readings,
    });
    expect(report.acceptedLines).toEqual([2, 4]);
    expect(report.rejected).toEqual([
      { line: 7, field: 'ts', message: 'repeats the camera_id and ts of line 2' },
    ]);
  });

  it('does not look for duplicates without keys', async () => {
    const again = { line: 7, record: reading('2024-05-01T11:00:00Z', 25) };
    const report = await validateBatch(rowsOf<Reading>([good1, again]), { mode: 'skip-invalid' });
    expect(report.acceptedLines).toEqual([2, 7]);
  });
});

describe('validateBatch on a refused input', () => {
  it('reports a format error as fatal, with its issues after the rows read so far, and writes nothing', async () => {
    const fatal = new IngestFormatError('structure', [
      { line: 9, field: null, message: 'cannot be read as CSV: …' },
    ]);
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4], fatal), {
      mode: 'skip-invalid',
    });
    expect(report.fatal).toBe('structure');
    expect(report.commit).toBe(false);
    expect(report.accepted).toEqual([]);
    expect(report.rejected.map((r) => r.line)).toEqual([3, 9]);
  });

  it('lets other errors (a dropped connection) propagate', async () => {
    const reset = new Error('ECONNRESET');
    await expect(validateBatch(rowsOf<Reading>([good1], reset), { mode: 'skip-invalid' })).rejects.toBe(
      reset,
    );
  });

  it('refuses a batch over maxRows as too large, naming the first row beyond', async () => {
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4]), {
      mode: 'skip-invalid',
      maxRows: 2,
    });
    expect(report.fatal).toBe('too_large');
    expect(report.rejected.at(-1)).toEqual({
      line: 4,
      field: null,
      message: 'the batch has more than 2 rows; split it',
    });
  });

  it('keeps at most maxIssues issues and counts the rest', async () => {
    const bad = Array.from({ length: 5 }, (_, i) => ({
      line: i + 2,
      errors: [{ field: 'ts', message: 'x' }],
    }));
    const report = await validateBatch(rowsOf<Reading>(bad), { mode: 'skip-invalid', maxIssues: 3 });
    expect(report.rejected.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(report.omittedIssues).toBe(2);
    expect(report.rejectedRows).toBe(5);
  });
});

describe('validateBatch with a sink', () => {
  it('hands good records over as they come instead of collecting them', async () => {
    const seen: [string, number][] = [];
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4]), {
      mode: 'skip-invalid',
      sink: (r, line) => void seen.push([r.ts, line]),
    });
    expect(seen).toEqual([
      ['2024-05-01T11:00:00Z', 2],
      ['2024-05-01T11:10:00Z', 4],
    ]);
    expect([report.commit, report.accepted.length]).toEqual([true, 0]);
  });

  it('in all-or-nothing mode stops feeding the sink after the first bad row and says not to commit', async () => {
    const seen: number[] = [];
    const report = await validateBatch(rowsOf<Reading>([good1, bad3, good4]), {
      mode: 'all-or-nothing',
      sink: async (_r, line) => void seen.push(line),
    });
    expect(seen).toEqual([2]);
    expect(report.commit).toBe(false);
  });
});

describe('validateBatch with a source that gives up (a body over the HTTP size limit)', () => {
  it.each(['csv', 'geojson', 'ndjson'] as const)(
    'reports the source’s format error as fatal for %s',
    async (format) => {
      const tooBig = new IngestFormatError('too_large', [
        { line: 0, field: null, message: 'the body exceeds 10 bytes' },
      ]);
      async function* body() {
        yield Buffer.from(
          format === 'csv' ? 'camera_id,ts,max_temp_c\n' : format === 'geojson' ? '[\n' : '\n',
        );
        throw tooBig;
      }
      const report = await validateBatch(parserFor(format)(body(), readings), { mode: 'skip-invalid' });
      expect(report.fatal).toBe('too_large');
      expect(report.rejected).toEqual(tooBig.issues);
      expect(report.commit).toBe(false);
    },
  );
});
