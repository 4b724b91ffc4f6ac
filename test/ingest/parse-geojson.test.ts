import { describe, expect, it } from 'vitest';
import { IngestFormatError } from '../../server/ingest/ingest-errors.js';
import { parseGeoJson } from '../../server/ingest/parse-geojson.js';
import { recordSpec } from '../../server/ingest/record-schemas.js';
import { validateBatch } from '../../server/ingest/validate-batch.js';
import { byteChunks, collect, fixtureText, placesOf, sampleText, thrown } from './sources.js';

const cameras = recordSpec('cameras');
const incidents = recordSpec('incidents');
const readings = recordSpec('readings');

const fire = (id: string, lon = -78.5126, lat = -0.2202) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties: { external_id: id, category: 'fire', occurred_at: '2024-05-01T07:42:00-05:00' },
});

async function fatal(text: string, spec = incidents): Promise<IngestFormatError> {
  const error = await thrown(() => collect(parseGeoJson([text], spec)));
  expect(error).toBeInstanceOf(IngestFormatError);
  return error as IngestFormatError;
}

describe('parseGeoJson on good input', () => {
  it('reads the camera sample: 5 features, indexed, on the lines they start', async () => {
    const rows = await collect(parseGeoJson([sampleText('cameras.synthetic.geojson')], cameras));
    expect(rows.every((r) => 'record' in r)).toBe(true);
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    // Each feature in the sample takes 19 lines with an id and 18 without; the first opens on line 5.
    expect(rows[0]?.line).toBe(5);
    const esmeraldas = rows[1];
    expect(esmeraldas && 'record' in esmeraldas && esmeraldas.record).toMatchObject({
      externalId: 'ESM-LP-002', // from the Feature's id
      position: [-79.655, 0.99],
      azimuthDeg: 0,
    });
  });

  it('gives the same rows whatever the chunking, down to one byte', async () => {
    const text = sampleText('incidents.synthetic.geojson');
    const whole = await collect(parseGeoJson([text], incidents));
    expect(await collect(parseGeoJson(byteChunks(text, 1), incidents))).toEqual(whole);
    expect(await collect(parseGeoJson(byteChunks(text, 7), incidents))).toEqual(whole);
    expect(whole).toHaveLength(5);
  });

  it('reads a single Feature, with a BOM and CRLF', async () => {
    const text = '\ufeff' + JSON.stringify(fire('INC-1'), null, 2).replace(/\n/g, '\r\n');
    const rows = await collect(parseGeoJson([text], incidents));
    expect(rows).toEqual([
      {
        line: 1,
        record: expect.objectContaining({ externalId: 'INC-1', occurredAt: '2024-05-01T12:42:00Z' }),
      },
    ]);
  });

  it('reads an array of Features and plain records alike', async () => {
    const plain = {
      external_id: 'INC-2',
      category: 'medical',
      occurred_at: '2024-05-01T08:00:00Z',
      lon: -79.9,
      lat: -2.19,
    };
    const rows = await collect(parseGeoJson([JSON.stringify([fire('INC-1'), plain])], incidents));
    expect(rows.map((r) => ('record' in r ? [r.index, r.record.externalId] : r))).toEqual([
      [0, 'INC-1'],
      [1, 'INC-2'],
    ]);
  });

  it('reads a single plain reading, as POSTed with application/json', async () => {
    const rows = await collect(
      parseGeoJson(['{"camera_id":"COTO-TH-01","ts":"2024-05-01T11:00:00Z","max_temp_c":38.5}'], readings),
    );
    expect(rows).toEqual([
      { line: 1, record: expect.objectContaining({ cameraExternalId: 'COTO-TH-01', maxTempC: 38.5 }) },
    ]);
  });

  it('finds "features" after other members, with nested arrays and tricky strings in the envelope', async () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      bbox: [-81, -5, -75, 1.5],
      name: 'brackets ] } [ { and "quotes" \\ and "features": [1,2]',
      features: [fire('INC-1'), fire('INC-2')],
      crs: { properties: { features: [] } },
    });
    const rows = await collect(parseGeoJson([text], incidents));
    expect(rows.map((r) => 'record' in r && r.record.externalId)).toEqual(['INC-1', 'INC-2']);
  });

  it('yields nothing for an empty FeatureCollection or array', async () => {
    expect(await collect(parseGeoJson(['{"type":"FeatureCollection","features":[]}'], incidents))).toEqual(
      [],
    );
    expect(await collect(parseGeoJson([' [ ] '], incidents))).toEqual([]);
  });
});

describe('parseGeoJson on bad features: line, index and field', () => {
  it('names each fault in the fixture (one feature per line)', async () => {
    const report = await validateBatch(
      parseGeoJson([fixtureText('incidents-bad-features.geojson')], incidents),
      {
        mode: 'skip-invalid',
        keys: incidents,
      },
    );
    expect(placesOf(report.rejected)).toEqual([
      { line: 3, index: 1, field: 'properties.occurred_at' },
      { line: 4, index: 2, field: 'geometry.type' },
      { line: 5, index: 3, field: 'geometry.coordinates' },
      { line: 6, index: 4, field: 'properties.category' },
      { line: 8, index: 6, field: 'geometry.coordinates[0]' },
      { line: 9, index: 7, field: 'properties.lat' },
    ]);
    expect(report.rejected.map((r) => r.message)).toEqual([
      'has no time zone: add Z for UTC or an offset such as -05:00 (mainland Ecuador); got "2024-05-01T07:42:00"',
      'must be "Point", got "LineString"',
      '(78.5126, -0.2202) is outside the import extent "Ecuador (mainland and Galápagos)"; a sign looks wrong (west longitudes are negative)',
      'must be one of traffic, medical, fire, security, natural_hazard, other; got "earthquake"',
      'must be a number, got "-78.5"',
      'must be absent: a Feature takes its position from geometry',
    ]);
    expect(report.acceptedLines).toEqual([2, 7]);
  });

  it('reports a feature that is not valid JSON on the line of the fault, and reads on', async () => {
    const text =
      '{"type":"FeatureCollection","features":[\n' +
      JSON.stringify(fire('INC-1')) +
      ',\n{"type":"Feature",\n"geometry":{"a" 1}}\n,' +
      JSON.stringify(fire('INC-3')) +
      ']}';
    const rows = await collect(parseGeoJson([text], incidents));
    expect(rows.map((r) => [r.line, r.index, 'record' in r])).toEqual([
      [2, 0, true],
      [4, 1, false], // the feature opens on line 3; the fault is on line 4
      [5, 2, true],
    ]);
    expect(rows[1] && 'errors' in rows[1] && rows[1].errors[0]?.message).toMatch(
      /^is not valid JSON: Expected ':' after property name/,
    );
  });

  it('falls back to the line a feature starts on when V8 gives no position', async () => {
    // V8 says "Unexpected token 'n', ..."geometry" null}" is not valid JSON" without a position.
    const text = '[\n{"type":"Feature",\n"geometry" null}]';
    const rows = await collect(parseGeoJson([text], incidents));
    expect(rows).toEqual([
      {
        line: 2,
        index: 0,
        errors: [{ field: null, message: expect.stringMatching(/^is not valid JSON: .*"geometry" null/) }],
      },
    ]);
  });

  it('skips a feature longer than the limit and reads on', async () => {
    const big = {
      ...fire('INC-2'),
      properties: { ...fire('INC-2').properties, description: 'x'.repeat(500) },
    };
    const text = JSON.stringify({ type: 'FeatureCollection', features: [fire('INC-1'), big, fire('INC-3')] });
    for (const size of [16, 100_000]) {
      const rows = await collect(parseGeoJson(byteChunks(text, size), incidents, { maxRecordChars: 400 }));
      expect(rows.map((r) => ('errors' in r ? r.errors[0]?.message : r.record.externalId))).toEqual([
        'INC-1',
        'is longer than 400 characters',
        'INC-3',
      ]);
    }
  });

  it('names the Feature id when it disagrees with properties.external_id', async () => {
    const rows = await collect(parseGeoJson([JSON.stringify({ ...fire('INC-1'), id: 'INC-9' })], incidents));
    expect(rows).toEqual([
      {
        line: 1,
        errors: [{ field: 'id', message: 'differs from properties.external_id ("INC-1"), got "INC-9"' }],
      },
    ]);
  });

  it('refuses a geometry on a reading and a bare geometry as an item', async () => {
    const reading = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-78.4, -0.6] },
      properties: {},
    };
    const [row] = await collect(parseGeoJson([JSON.stringify(reading)], readings));
    expect(row && 'errors' in row && row.errors[0]?.field).toBe('geometry');
    const [bare] = await collect(parseGeoJson(['[{"type":"Point","coordinates":[-78.5,-0.2]}]'], incidents));
    expect(bare && 'errors' in bare && bare.errors).toEqual([
      { field: 'type', message: 'must be "Feature" or absent, got "Point"' },
    ]);
  });
});

describe('parseGeoJson on broken documents: the whole input is refused', () => {
  it.each([
    ['empty input', '', 1, /is empty/],
    ['a number', '42', 1, /must be a JSON object or array/],
    ['a trailing comma', '{"type":"FeatureCollection","features":[{"a":1},\n]}', 2, /empty array element/],
    ['a doubled comma', '[{"a":1},,{"b":2}]', 1, /empty array element/],
    ['a cut-off body', '{"type":"FeatureCollection","features":[\n{"type":"Feature"', 2, /ends early/],
    ['an unterminated string', '[{"a":"b}]', 1, /ends early: a string is still open/],
    ['mismatched brackets', '[\n{"a":[1}]', 2, /closes nothing open/],
    ['content after the document', '[]\n[]', 2, /after the end/],
    ['a broken envelope', '{"type":"FeatureCollection" "features":[]}', 1, /is not valid JSON/],
    [
      'features without FeatureCollection',
      '{"type":"Feature","features":[]}',
      1,
      /must be "FeatureCollection"/,
    ],
    ['a FeatureCollection without features', '{"type":"FeatureCollection"}', 1, /without a "features" array/],
    [
      'two features arrays',
      '{"type":"FeatureCollection","features":[],"features":[]}',
      1,
      /second "features"/,
    ],
    [
      'a broken single Feature, on its line',
      '{"type":"Feature",\n"properties":{"a" 1}}',
      2,
      /is not valid JSON/,
    ],
  ])('%s', async (_what, text, line, message) => {
    const error = await fatal(text);
    expect(error.code).toBe('structure');
    expect(error.issues[0]?.line).toBe(line);
    expect(error.issues[0]?.message).toMatch(message);
  });

  it('refuses an envelope over the limit as too large', async () => {
    const text = JSON.stringify({ type: 'FeatureCollection', name: 'x'.repeat(2000), features: [] });
    const error = await thrown(() => collect(parseGeoJson([text], incidents, { maxEnvelopeChars: 1000 })));
    expect((error as IngestFormatError).code).toBe('too_large');
  });
});

describe('parseGeoJson at scale', () => {
  it('streams a FeatureCollection of 20,000 features in 64 KiB chunks', async () => {
    const n = 20_000;
    async function* body() {
      yield '{"type":"FeatureCollection","features":[';
      let chunk = '';
      for (let i = 0; i < n; i++) {
        // Every 100th point is in the Pacific, 5° west of the coast: 200 rejected.
        const lon = i % 100 === 99 ? -86 : -78.5 + (i % 10) / 100;
        chunk += (i ? ',\n' : '\n') + JSON.stringify(fire(`INC-${i}`, lon, -0.2));
        if (chunk.length > 65_536) {
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      yield Buffer.from(chunk + '\n]}');
    }
    const report = await validateBatch(parseGeoJson(body(), incidents), {
      mode: 'skip-invalid',
      keys: incidents,
    });
    expect([report.rows, report.validRows, report.rejectedRows]).toEqual([n, 19_800, 200]);
    expect(report.rejected[0]).toMatchObject({ line: 101, index: 99, field: 'geometry.coordinates' });
  });
});
