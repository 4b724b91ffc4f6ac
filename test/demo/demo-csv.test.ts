import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../server/domain/types.js';
import {
  CAMERA_COPY_COLUMNS,
  INCIDENT_COPY_COLUMNS,
  READING_COPY_COLUMNS,
  cameraCsv,
  incidentCsvChunks,
  readingCsvChunks,
} from '../../server/demo/demo-csv.js';
import type { IncidentColumns, IncidentSurge } from '../../server/demo/demo-incidents.js';
import type { ReadingColumns } from '../../server/demo/demo-readings.js';

// Small hand-built inputs, so every expected field below is written out by hand.
const camera: Camera = {
  externalId: 'SYN-CAM-000001',
  name: 'Cotopaxi thermal "N" flank, east (synthetic)',
  kind: 'thermal',
  status: 'online',
  position: [-78.436123, -0.601234],
  mountHeightM: 4.5,
  azimuthDeg: 180,
  hfovDeg: 17.7,
  vfovDeg: 14.2,
  tiltDeg: 11.3,
  rangeM: 20000,
  resolutionHPx: 640,
  resolutionVPx: 512,
  installDate: '2016-04-27',
  unitCostUsd: 48000,
  volcanoGvp: 352050,
  synthetic: true,
};

const surge: IncidentSurge = {
  id: 's',
  label: 'Festival night, Quito (synthetic scenario)',
  center: [-78.49, -0.2],
  spreadKm: 1,
  startMs: 0,
  endMs: 1,
  count: 1,
  categoryShares: { security: 1 },
};

function incidents(): IncidentColumns {
  return {
    length: 3,
    serial: Float64Array.from([0, 1, 364_000_002]),
    lon: Float64Array.from([-78.5, -79.9, -90.315]),
    lat: Float64Array.from([-0.2, -2.19, -0.745]),
    timeMs: Float64Array.from([
      Date.parse('2025-05-31T23:59:59Z'),
      Date.parse('2025-06-01T00:00:00Z'),
      Date.parse('2025-06-01T09:05:07Z'),
    ]),
    category: Uint8Array.from([3, 4, 0]), // security, natural_hazard, traffic
    priority: Uint8Array.from([2, 1, 5]),
    place: Int16Array.from([-1, 3, 110]),
    surge: Uint8Array.from([1, 0, 0]),
    surges: [surge],
  };
}

function readings(): ReadingColumns {
  return {
    length: 3,
    camera: Uint16Array.from([0, 1, 0]),
    timeMs: Float64Array.from([
      Date.parse('2025-06-01T04:58:00Z'),
      Date.parse('2025-06-01T04:58:00Z'),
      Date.parse('2025-06-01T04:59:00Z'),
    ]),
    maxTempC: Float32Array.from([-3.47, 110.25, -40]),
    meanTempC: Float32Array.from([-8.1, 12.5, Number.NaN]),
    quality: Uint8Array.from([0, 0, 2]),
    cameras: [camera, { ...camera, externalId: 'SYN-CAM-000002' }],
    episodes: [],
    outages: [],
  };
}

const rows = (text: string) => parse(text, { relax_quotes: false }) as string[][];

describe('cameraCsv', () => {
  it('writes one CSV line per camera in CAMERA_COPY_COLUMNS order, quoting names and EWKT points', () => {
    const [row, ...rest] = rows(cameraCsv([camera]));
    expect(rest).toEqual([]);
    expect(row).toHaveLength(CAMERA_COPY_COLUMNS.length);
    expect(row).toEqual([
      'SYN-CAM-000001',
      'Cotopaxi thermal "N" flank, east (synthetic)',
      'thermal',
      'online',
      'SRID=4326;POINT(-78.436123 -0.601234)',
      '4.5',
      '180',
      '17.7',
      '14.2',
      '11.3',
      '20000',
      '640',
      '512',
      '2016-04-27',
      '48000.00',
      '352050',
      't',
    ]);
  });

  it('writes NULL (an empty unquoted field) for a missing install date, cost or volcano', () => {
    const line = cameraCsv([{ ...camera, installDate: null, unitCostUsd: null, volcanoGvp: null }]);
    // Unquoted empty fields: COPY's csv format reads them as NULL ("" would be an empty string).
    expect(line.endsWith(',512,,,,t\n')).toBe(true);
    const row = rows(line)[0]!;
    expect([row[13], row[14], row[15]]).toEqual(['', '', '']);
  });
});

describe('incidentCsvChunks', () => {
  it('writes ids, UTC instants, EWKT points and a synthetic description naming the surge', () => {
    const parsed = rows([...incidentCsvChunks(incidents())].join(''));
    expect(parsed).toHaveLength(3);
    expect(parsed.every((r) => r.length === INCIDENT_COPY_COLUMNS.length)).toBe(true);
    expect(parsed[0]).toEqual([
      'SYN-INC-0000000000',
      'security',
      '2',
      '2025-05-31 23:59:59+00',
      'SRID=4326;POINT(-78.5 -0.2)',
      'Synthetic demo incident: security. Surge: Festival night, Quito (synthetic scenario)',
      't',
    ]);
    expect(parsed[1]).toEqual([
      'SYN-INC-0000000001',
      'natural_hazard',
      '1',
      '2025-06-01 00:00:00+00',
      'SRID=4326;POINT(-79.9 -2.19)',
      'Synthetic demo incident: natural hazard',
      't',
    ]);
    expect(parsed[2]![0]).toBe('SYN-INC-0364000002');
    expect(parsed[2]![3]).toBe('2025-06-01 09:05:07+00');
  });

  it('splits the rows into chunks of the asked size', () => {
    const chunks = [...incidentCsvChunks(incidents(), 2)];
    expect(chunks.map((c) => c.split('\n').length - 1)).toEqual([2, 1]);
  });
});

describe('readingCsvChunks', () => {
  it('writes the given camera ids, two decimals, and NULL for the mean of an invalid frame', () => {
    const parsed = rows([...readingCsvChunks(readings(), [101, 102n])].join(''));
    expect(parsed).toEqual([
      ['101', '2025-06-01 04:58:00+00', '-3.47', '-8.10', 'ok', 't'],
      ['102', '2025-06-01 04:58:00+00', '110.25', '12.50', 'ok', 't'],
      ['101', '2025-06-01 04:59:00+00', '-40.00', '', 'invalid', 't'],
    ]);
    expect(parsed[0]).toHaveLength(READING_COPY_COLUMNS.length);
  });

  it('prints every temperature to two decimals within half a hundredth of its value', () => {
    const n = 20_000;
    const values = Float32Array.from({ length: n }, (_, i) => -80 + (i * 1580.123) / n);
    values[0] = -0.001;
    values[1] = 0.0051;
    values[2] = -0.0051;
    const cols: ReadingColumns = {
      ...readings(),
      length: n,
      camera: new Uint16Array(n),
      timeMs: new Float64Array(n),
      maxTempC: values,
      meanTempC: values,
      quality: new Uint8Array(n),
    };
    const parsed = rows([...readingCsvChunks(cols, [1, 2])].join(''));
    let bad = 0;
    parsed.forEach((row, i) => {
      const text = row[2]!;
      if (
        !/^-?\d+\.\d\d$/.test(text) ||
        Math.abs(Number(text) - values[i]!) > 0.005 + 1e-9 ||
        row[3] !== text
      )
        bad++;
    });
    expect(bad).toBe(0);
    expect(parsed.slice(0, 3).map((r) => r[2])).toEqual(['0.00', '0.01', '-0.01']);
  });

  it('refuses a camera id list of the wrong length, naming both counts', () => {
    expect(() => [...readingCsvChunks(readings(), [1])]).toThrow(/2 camera ids, got 1/);
  });
});
