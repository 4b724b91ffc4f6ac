import { describe, expect, it } from 'vitest';
import { detectFormat, parserFor } from '../../server/ingest/format-detect.js';
import { IngestFormatError } from '../../server/ingest/ingest-errors.js';
import { parseCsv } from '../../server/ingest/parse-csv.js';
import { parseGeoJson } from '../../server/ingest/parse-geojson.js';
import { parseNdjson } from '../../server/ingest/parse-ndjson.js';

describe('detectFormat', () => {
  it.each([
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['Text/CSV; Charset="UTF-8"', 'csv'],
    ['application/vnd.ms-excel', 'csv'],
    ['application/geo+json', 'geojson'],
    ['application/json', 'geojson'],
    ['application/x-ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/geo+json-seq', 'ndjson'],
  ])('reads content type %s as %s', (contentType, format) => {
    expect(detectFormat({ contentType })).toBe(format);
  });

  it.each([
    ['data/samples/cameras.synthetic.csv', 'csv'],
    ['incidents.synthetic.GEOJSON', 'geojson'],
    ['readings.json', 'geojson'],
    ['readings.synthetic.ndjson', 'ndjson'],
    ['readings.jsonl', 'ndjson'],
  ])('reads file name %s as %s', (fileName, format) => {
    expect(detectFormat({ fileName })).toBe(format);
  });

  it('lets a specific content type win over the file name, and a generic one defer to it', () => {
    expect(detectFormat({ contentType: 'text/csv', fileName: 'x.ndjson' })).toBe('csv');
    expect(detectFormat({ contentType: 'application/octet-stream', fileName: 'x.ndjson' })).toBe('ndjson');
    expect(detectFormat({ contentType: 'text/plain', fileName: 'x.geojson' })).toBe('geojson');
  });

  it.each([
    [{ contentType: 'application/xml' }, /content type "application\/xml"/],
    [{ fileName: 'cameras.xlsx' }, /file name "cameras.xlsx"/],
    [{}, /no content type/],
    [{ contentType: 'text/csv; charset=iso-8859-1' }, /charset iso-8859-1 is not supported/],
    [{ contentType: 'application/pdf', fileName: 'x.csv' }, /application\/pdf/],
  ])('refuses %j as unsupported', (hint, message) => {
    let error: unknown;
    try {
      detectFormat(hint);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestFormatError);
    expect((error as IngestFormatError).code).toBe('unsupported_format');
    expect((error as IngestFormatError).message).toMatch(message);
  });
});

describe('parserFor', () => {
  it('maps each format to its parser', () => {
    expect(parserFor('csv')).toBe(parseCsv);
    expect(parserFor('geojson')).toBe(parseGeoJson);
    expect(parserFor('ndjson')).toBe(parseNdjson);
  });
});
