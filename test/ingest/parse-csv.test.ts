import { describe, expect, it } from 'vitest';
import { IngestFormatError } from '../../server/ingest/ingest-errors.js';
import { parseCsv } from '../../server/ingest/parse-csv.js';
import { recordSpec } from '../../server/ingest/record-schemas.js';
import { validateBatch } from '../../server/ingest/validate-batch.js';
import { byteChunks, collect, fixtureText, placesOf, sampleText, thrown } from './sources.js';

const cameras = recordSpec('cameras');
const incidents = recordSpec('incidents');
const readings = recordSpec('readings', {
  knownCameraIds: new Set(['COTO-TH-01', 'TUNG-TH-01', 'SANG-TH-01']),
});

describe('parseCsv on good files', () => {
  it('reads the camera sample: 7 cameras on lines 2–8', async () => {
    const rows = await collect(parseCsv([sampleText('cameras.synthetic.csv')], cameras));
    expect(rows.map((r) => ('record' in r ? r.line : -r.line))).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps a quoted comma inside its field', async () => {
    const rows = await collect(parseCsv([sampleText('cameras.synthetic.csv')], cameras));
    const malecon = rows[1];
    expect(malecon && 'record' in malecon && malecon.record.name).toBe(
      'Guayaquil – Malecón 2000, Torre Morisca',
    );
  });

  it('numbers a row by the line it starts on when a quoted field spans lines', async () => {
    const rows = await collect(parseCsv([sampleText('incidents.synthetic.csv')], incidents));
    // INC-…105 starts on line 6 and ends on line 7; INC-…106 is on line 8.
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 8, 9]);
    const lahar = rows[4];
    expect(lahar && 'record' in lahar && lahar.record.description).toBe(
      'Flujo de lodo en quebrada, vía Baños–Penipe\ncerrada por precaución',
    );
  });

  it('reads the same records with CRLF line ends and a byte order mark', async () => {
    const lf = sampleText('incidents.synthetic.csv');
    const crlfBom = '\ufeff' + lf.replace(/\n/g, '\r\n');
    const a = await collect(parseCsv([lf], incidents));
    const b = await collect(parseCsv(byteChunks(crlfBom, 4096), incidents));
    // The quoted description keeps its own line break as written: CRLF.
    expect(b.map((r) => r.line)).toEqual(a.map((r) => r.line));
    const strip = (rows: typeof a) =>
      rows.map((r) =>
        'record' in r ? { ...r.record, description: r.record.description?.replace(/\r\n/g, '\n') } : r,
      );
    expect(strip(b)).toEqual(strip(a));
  });

  it('reads UTF-8 split inside characters, one byte at a time', async () => {
    const text = sampleText('cameras.synthetic.csv');
    const whole = await collect(parseCsv([text], cameras));
    const bytewise = await collect(parseCsv(byteChunks(text, 1), cameras));
    expect(bytewise).toEqual(whole);
    expect(bytewise[2] && 'record' in bytewise[2] && bytewise[2].record.name).toBe(
      'Cuenca – Parque Calderón',
    );
  });

  it('reads a semicolon-delimited export, header in any case and order, blank and empty rows skipped', async () => {
    const text = [
      'TS;Camera_ID;Max_Temp_C',
      '2024-05-01T11:00:00Z;COTO-TH-01;38.5',
      '',
      ';;',
      '2024-05-01T11:10:00Z;COTO-TH-01;41',
    ].join('\n');
    const rows = await collect(parseCsv([text], readings));
    expect(rows).toEqual([
      { line: 2, record: expect.objectContaining({ cameraExternalId: 'COTO-TH-01', maxTempC: 38.5 }) },
      { line: 5, record: expect.objectContaining({ ts: '2024-05-01T11:10:00Z', maxTempC: 41 }) },
    ]);
  });

  it('yields nothing for a header without rows', async () => {
    expect(await collect(parseCsv(['camera_id,ts,max_temp_c\n'], readings))).toEqual([]);
  });
});

describe('parseCsv on bad rows: each report names the line and the field', () => {
  it('cameras: bad number, out of extent, unknown kind, decimal comma, swapped, missing azimuth, duplicate', async () => {
    const report = await validateBatch(parseCsv([fixtureText('cameras-bad-rows.csv')], cameras), {
      mode: 'skip-invalid',
      keys: cameras,
    });
    expect(placesOf(report.rejected)).toEqual([
      { line: 3, field: 'mount_height_m' },
      { line: 4, field: 'lon,lat' },
      { line: 5, field: 'kind' },
      { line: 6, field: 'lat' },
      { line: 8, field: 'lon,lat' },
      { line: 9, field: 'azimuth_deg' },
      { line: 10, field: 'external_id' },
    ]);
    expect(report.rejected.map((r) => r.message)).toEqual([
      'must be a number, got "eight"',
      '(-74, -0.92) is outside the import extent "Ecuador (mainland and Galápagos)"',
      'must be one of dome, fixed, ptz, thermal; got "bullet"',
      'must use a point as the decimal separator, got "-0,1800"',
      '(-2.8972, -79.0046) is outside the import extent "Ecuador (mainland and Galápagos)"; lon and lat look swapped',
      'is required when hfov_deg is below 360 (got hfov_deg 90)',
      'repeats the external_id of line 2',
    ]);
    expect(report.acceptedLines).toEqual([2, 7]);
  });

  it('incidents: naive and date-only timestamps, priority, category, latitude, impossible date', async () => {
    const report = await validateBatch(parseCsv([fixtureText('incidents-bad-rows.csv')], incidents), {
      mode: 'skip-invalid',
      keys: incidents,
    });
    expect(placesOf(report.rejected)).toEqual([
      { line: 3, field: 'occurred_at' },
      { line: 4, field: 'priority' },
      { line: 5, field: 'category' },
      { line: 8, field: 'lat' },
      { line: 9, field: 'occurred_at' },
      { line: 10, field: 'occurred_at' },
    ]);
    expect(report.rejected[0]?.message).toMatch(/^has no time zone/);
    expect(report.rejected[3]?.message).toBe('must be in [-90, 90] °, got 95');
    expect(report.acceptedLines).toEqual([2, 6]);
  });

  it('counts lines right after a CRLF inside a quoted field (csv-parse alone counts it twice)', async () => {
    const text =
      'camera_id,ts,max_temp_c\r\nCOTO-TH-01,"2024-05-01T11:00:00Z\r\n",1\r\nCOTO-TH-01,2024-05-01T11:10:00Z,bad\r\n';
    const rows = await collect(parseCsv([text], readings));
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows[1]).toEqual({
      line: 4,
      errors: [{ field: 'max_temp_c', message: 'must be a number, got "bad"' }],
    });
  });

  it('a row with too few or too many fields is refused alone', async () => {
    const text =
      'camera_id,ts,max_temp_c\nCOTO-TH-01,2024-05-01T11:00:00Z\nCOTO-TH-01,2024-05-01T11:00:00Z,1,2\nCOTO-TH-01,2024-05-01T11:00:00Z,3\n';
    const rows = await collect(parseCsv([text], readings));
    expect(rows).toEqual([
      { line: 2, errors: [{ field: null, message: 'has 2 fields where the header has 3' }] },
      { line: 3, errors: [{ field: null, message: 'has 4 fields where the header has 3' }] },
      { line: 4, record: expect.objectContaining({ maxTempC: 3 }) },
    ]);
  });
});

describe('parseCsv on bad files: the whole input is refused', () => {
  it('names a missing required column', async () => {
    const error = await thrown(() =>
      collect(
        parseCsv(
          ['external_id,category,occurred_at,lon\nINC-1,fire,2024-05-01T10:00:00Z,-78.5\n'],
          incidents,
        ),
      ),
    );
    expect(error).toBeInstanceOf(IngestFormatError);
    expect((error as IngestFormatError).code).toBe('header');
    expect((error as IngestFormatError).issues).toEqual([
      { line: 1, field: 'lat', message: 'is a required column and is missing from the header' },
    ]);
  });

  it('names unknown and duplicate columns, with hints', async () => {
    const error = (await thrown(() =>
      collect(parseCsv(['camera_id,ts,ts,max_temp_f,unit\n'], readings)),
    )) as IngestFormatError;
    expect(placesOf(error.issues)).toEqual([
      { line: 1, field: 'ts' },
      { line: 1, field: 'max_temp_f' },
      { line: 1, field: 'unit' },
      { line: 1, field: 'max_temp_c' },
    ]);
    expect(error.issues[0]?.message).toBe('appears twice in the header');
    expect(error.issues[1]?.message).toMatch(/use "max_temp_c"/);
  });

  it('counts the header line after a BOM and leading blank lines', async () => {
    const error = (await thrown(() =>
      collect(parseCsv(['\ufeff\n\nexternal_id,category\n'], incidents)),
    )) as IngestFormatError;
    expect(error.issues[0]).toMatchObject({ line: 3, field: 'occurred_at' });
  });

  it('refuses an empty file', async () => {
    const error = (await thrown(() => collect(parseCsv([''], incidents)))) as IngestFormatError;
    expect(error.code).toBe('header');
    expect(error.issues[0]?.message).toBe('is empty: expected a header line');
  });

  it('stops at an unterminated quote, naming the line of the record it opens', async () => {
    const text =
      'camera_id,ts,max_temp_c\nCOTO-TH-01,2024-05-01T11:00:00Z,1\nCOTO-TH-01,"2024-05-01T11:10:00Z,2\nCOTO-TH-01,2024-05-01T11:20:00Z,3\n';
    const error = (await thrown(() => collect(parseCsv([text], readings)))) as IngestFormatError;
    expect(error.code).toBe('structure');
    expect(error.issues[0]).toEqual({
      line: 3,
      field: null,
      message: 'cannot be read as CSV: a quote opened on this line is never closed',
    });
  });

  it('stops at a quote in the middle of a field on its line', async () => {
    const text =
      'camera_id,ts,max_temp_c\nCOTO-TH-01,2024-05-01T11:00:00Z,1\nCOTO-TH-01,"2024-05-01T11:10:00Z"x,2\n';
    const error = (await thrown(() => collect(parseCsv([text], readings)))) as IngestFormatError;
    expect(error.issues[0]?.line).toBe(3);
  });

  it('stops at a record longer than the limit', async () => {
    const text = `camera_id,ts,max_temp_c\nCOTO-TH-01,${'x'.repeat(200)},1\n`;
    const error = (await thrown(() =>
      collect(parseCsv([text], readings, { maxRecordChars: 100 })),
    )) as IngestFormatError;
    expect(error.code).toBe('too_large');
    expect(error.issues[0]?.line).toBe(2);
  });

  it('refuses a header with more columns than the limit', async () => {
    const header = Array.from({ length: 65 }, (_, i) => `c${i}`).join(',');
    const error = (await thrown(() => collect(parseCsv([`${header}\n`], readings)))) as IngestFormatError;
    expect(error.code).toBe('too_large');
  });

  it('refuses Latin-1 bytes, naming their line', async () => {
    // "Cañar" in ISO-8859-1: ñ is the single byte 0xF1, not valid UTF-8.
    const latin1 = Buffer.from(
      'external_id,category,occurred_at,lon,lat,description\nINC-1,fire,2024-05-01T10:00:00Z,-78.85,-2.55,Ca\u00f1ar\n',
      'latin1',
    );
    const error = (await thrown(() => collect(parseCsv([latin1], incidents)))) as IngestFormatError;
    expect(error.code).toBe('encoding');
    expect(error.issues[0]?.line).toBe(2);
  });
});

describe('parseCsv as a stream', () => {
  it('stops reading the source when the consumer stops', async () => {
    let produced = 0;
    let closed = false;
    async function* source() {
      try {
        yield 'camera_id,ts,max_temp_c\n';
        for (let i = 0; i < 10_000; i++) {
          produced++;
          yield `COTO-TH-01,2024-05-01T11:00:00Z,${i}\n`;
        }
      } finally {
        closed = true;
      }
    }
    for await (const row of parseCsv(source(), recordSpec('readings'))) {
      expect(row.line).toBe(2);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(10_000);
  });
});
