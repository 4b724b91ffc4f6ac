import { describe, expect, it } from 'vitest';
import { IngestFormatError } from '../../server/ingest/ingest-errors.js';
import { parseNdjson } from '../../server/ingest/parse-ndjson.js';
import { recordSpec } from '../../server/ingest/record-schemas.js';
import { validateBatch } from '../../server/ingest/validate-batch.js';
import { byteChunks, collect, fixtureText, placesOf, sampleText, thrown } from './sources.js';

const known = new Set(['COTO-TH-01', 'TUNG-TH-01', 'SANG-TH-01']);
const readings = recordSpec('readings', { knownCameraIds: known });

describe('parseNdjson on good input', () => {
  it('reads the sample: 8 readings, the same instant in UTC whatever zone it was written in', async () => {
    const rows = await collect(parseNdjson([sampleText('readings.synthetic.ndjson')], readings));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0]).toEqual({
      line: 1,
      record: {
        cameraExternalId: 'COTO-TH-01',
        ts: '2024-05-01T11:00:00Z',
        maxTempC: 38.5,
        meanTempC: 4.2,
        quality: 'ok',
        synthetic: true,
      },
    });
  });

  it('reads CRLF, a BOM, blank lines, a GeoJSON-sequence RS and a last line without a line end', async () => {
    const text =
      '\ufeff{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":1}\r\n' +
      '\r\n' +
      '   \r\n' +
      '\u001e{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:10:00Z","max_temp_c":2}\r\n' +
      '{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:20:00Z","max_temp_c":3}';
    const rows = await collect(parseNdjson(byteChunks(text, 5), readings));
    expect(rows.map((r) => ('record' in r ? [r.line, r.record.maxTempC] : r))).toEqual([
      [1, 1],
      [4, 2],
      [5, 3],
    ]);
  });

  it('reads a GeoJSON Feature per line when its geometry is null', async () => {
    const line =
      '{"type":"Feature","geometry":null,"properties":{"camera_id":"TUNG-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":22}}';
    const rows = await collect(parseNdjson([line], readings));
    expect(rows).toEqual([
      { line: 1, record: expect.objectContaining({ cameraExternalId: 'TUNG-TH-01', maxTempC: 22 }) },
    ]);
  });
});

describe('parseNdjson on bad lines: each is reported and the next is read', () => {
  it('names the line and field of every bad line in the fixture', async () => {
    const report = await validateBatch(parseNdjson([fixtureText('readings-bad-lines.ndjson')], readings), {
      mode: 'skip-invalid',
      keys: readings,
    });
    expect(placesOf(report.rejected)).toEqual([
      { line: 2, field: null }, // not JSON: the object is cut off
      { line: 4, field: 'max_temp_c' }, // 1600 °C
      { line: 5, field: 'camera_id' }, // unknown camera
      { line: 6, field: 'ts' }, // no zone
      { line: 7, field: 'unit' }, // no unit field: the name carries it
      { line: 8, field: 'mean_temp_c' }, // mean above max
      { line: 9, field: 'max_temp_c' }, // "hot"
      { line: 10, field: null }, // an array, not an object
      { line: 12, field: 'ts' }, // 11:00Z is line 1's 06:00-05:00
    ]);
    expect(report.rejected[0]?.message).toMatch(/^is not valid JSON/);
    expect(report.rejected[1]?.message).toBe('must be in [-80, 1500] °C, got 1600');
    expect(report.rejected[2]?.message).toBe('is not a known camera external id, got "CHIMBO-TH-09"');
    expect(report.rejected[7]?.message).toBe('must be a JSON object (a record or a GeoJSON Feature), got []');
    expect(report.rejected[8]?.message).toBe('repeats the camera_id and ts of line 1');
    expect(report.acceptedLines).toEqual([1, 11]);
    expect([report.rows, report.validRows, report.rejectedRows]).toEqual([11, 2, 9]);
  });

  it('skips a line longer than the limit, however it is chunked, and reads on', async () => {
    const long = `{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":1,"x":"${'y'.repeat(300)}"}`;
    const good = '{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:10:00Z","max_temp_c":2}';
    const text = `${good}\n${long}\r\n${good.replace('11:10', '11:20')}\n${long}`;
    for (const size of [7, 64, 100_000]) {
      const rows = await collect(parseNdjson(byteChunks(text, size), readings, { maxRecordChars: 200 }));
      expect(rows.map((r) => ('errors' in r ? [r.line, r.errors[0]?.message] : [r.line, 'ok']))).toEqual([
        [1, 'ok'],
        [2, 'is longer than 200 characters'],
        [3, 'ok'],
        [4, 'is longer than 200 characters'],
      ]);
    }
  });

  it('accepts a line of exactly the limit, CR not counted', async () => {
    const line = '{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":1}';
    const rows = await collect(parseNdjson([`${line}\r\n`], readings, { maxRecordChars: line.length }));
    expect('record' in rows[0]!).toBe(true);
    const over = await collect(parseNdjson([`${line}\r\n`], readings, { maxRecordChars: line.length - 1 }));
    expect('errors' in over[0]!).toBe(true);
  });

  it('refuses bytes that are not UTF-8, naming their line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":1}\n'),
      Buffer.from('{"camera_id":"C\u00d3TO","ts":"2024-05-01T11:00:00Z","max_temp_c":1}\n', 'latin1'),
    ]);
    const error = (await thrown(() => collect(parseNdjson([bytes], readings)))) as IngestFormatError;
    expect(error).toBeInstanceOf(IngestFormatError);
    expect(error.issues[0]).toMatchObject({ line: 2, field: null });
  });
});

describe('parseNdjson at scale', () => {
  it('streams 200,000 lines in 64 KiB chunks with exact counts', async () => {
    const n = 200_000;
    const start = Date.UTC(2024, 4, 1);
    // Every 1000th line has a naive timestamp: 200 rejected, 199,800 accepted.
    async function* body() {
      let chunk = '';
      for (let i = 0; i < n; i++) {
        const ts = new Date(start + i * 10_000).toISOString();
        const zoned = i % 1000 === 999 ? ts.slice(0, 19) : ts;
        chunk += `{"camera_id":"COTO-TH-01","ts":"${zoned}","max_temp_c":${(20 + (i % 50) / 10).toFixed(1)}}\n`;
        if (chunk.length > 65_536) {
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      yield Buffer.from(chunk);
    }
    const report = await validateBatch(parseNdjson(body(), readings), {
      mode: 'skip-invalid',
      keys: readings,
    });
    expect(report.rows).toBe(n);
    expect(report.validRows).toBe(199_800);
    expect(report.accepted).toHaveLength(199_800);
    expect(report.rejectedRows).toBe(200);
    expect(report.rejected[0]).toMatchObject({ line: 1000, field: 'ts' });
    expect(report.rejected[199]).toMatchObject({ line: 200_000, field: 'ts' });
    expect(report.accepted[199_799]?.ts).toBe(
      new Date(start + 199_998 * 10_000).toISOString().replace('.000', ''),
    );
  });
});
