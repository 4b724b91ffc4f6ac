import { describe, expect, it } from 'vitest';
import { checkRecord } from '../../server/ingest/check-record.js';
import { extentFromBBoxes } from '../../server/ingest/extent.js';
import { recordSpec, verticalFov } from '../../server/ingest/record-schemas.js';

// A fixed camera at Cuenca's Parque Calderón, as a CSV row would give it (all strings).
function cuencaCamera(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    external_id: 'CUE-CAL-003',
    name: 'Cuenca – Parque Calderón',
    kind: 'fixed',
    lon: '-79.0046',
    lat: '-2.8972',
    mount_height_m: '6',
    azimuth_deg: '200',
    hfov_deg: '90',
    range_m: '120',
    resolution_h_px: '1920',
    resolution_v_px: '1080',
    ...overrides,
  };
}

function errorsOf(result: ReturnType<typeof checkRecord>) {
  return 'errors' in result ? result.errors : [];
}

describe('camera schema', () => {
  const cameras = recordSpec('cameras');

  it('fills the documented defaults and derives vfov from hfov and the aspect ratio', () => {
    const result = checkRecord(cameras, cuencaCamera());
    expect('record' in result && result.record).toMatchObject({
      externalId: 'CUE-CAL-003',
      kind: 'fixed',
      status: 'online',
      position: [-79.0046, -2.8972],
      azimuthDeg: 200,
      tiltDeg: 0,
      installDate: null,
      unitCostUsd: null,
      volcanoGvp: null,
      synthetic: false,
    });
    // 2·atan(tan(45°)·1080/1920) = 2·atan(0.5625) = 2 × 29.3578° = 58.7155°
    expect('record' in result && result.record.vfovDeg).toBeCloseTo(58.7155, 3);
  });

  it('computes vfov for a square sensor as hfov itself', () => {
    expect(verticalFov(40, 1000, 1000)).toBeCloseTo(40, 10);
  });

  it('defaults azimuth to 0 for a 360° camera, and requires it otherwise', () => {
    const ptz = checkRecord(
      cameras,
      cuencaCamera({ kind: 'ptz', hfov_deg: '360', azimuth_deg: '', vfov_deg: '30' }),
    );
    expect('record' in ptz && ptz.record.azimuthDeg).toBe(0);
    const fixed = checkRecord(cameras, cuencaCamera({ azimuth_deg: '' }));
    expect(errorsOf(fixed)).toEqual([
      { field: 'azimuth_deg', message: 'is required when hfov_deg is below 360 (got hfov_deg 90)' },
    ]);
  });

  it('requires vfov when hfov is 180° or more, where the aspect ratio says nothing', () => {
    const result = checkRecord(cameras, cuencaCamera({ hfov_deg: '360', azimuth_deg: '' }));
    expect(errorsOf(result).map((e) => e.field)).toEqual(['vfov_deg']);
  });

  it('mirrors the database CHECKs at their edges', () => {
    expect(
      'record' in
        checkRecord(cameras, cuencaCamera({ azimuth_deg: '359.9', tilt_deg: '-90', range_m: '50000' })),
    ).toBe(true);
    const bad = checkRecord(
      cameras,
      cuencaCamera({
        azimuth_deg: '360',
        tilt_deg: '-91',
        range_m: '50001',
        mount_height_m: '-1',
        hfov_deg: '0',
      }),
    );
    expect(
      errorsOf(bad)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['azimuth_deg', 'hfov_deg', 'mount_height_m', 'range_m', 'tilt_deg']);
  });

  it('reports every bad field of a row, not just the first', () => {
    const result = checkRecord(
      cameras,
      cuencaCamera({ kind: 'bullet', mount_height_m: 'eight', status: 'broken' }),
    );
    expect(errorsOf(result).map((e) => e.field)).toEqual(['kind', 'status', 'mount_height_m']);
  });

  it('checks volcano_gvp against the known volcanoes when given', () => {
    const spec = recordSpec('cameras', { knownVolcanoGvps: new Set([352050]) });
    expect('record' in checkRecord(spec, cuencaCamera({ volcano_gvp: '352050' }))).toBe(true);
    expect(errorsOf(checkRecord(spec, cuencaCamera({ volcano_gvp: '999999' })))).toEqual([
      { field: 'volcano_gvp', message: 'is not a known volcano GVP number, got 999999' },
    ]);
  });

  it('refuses a position outside the extent, naming a swap or a lost sign', () => {
    const swapped = errorsOf(checkRecord(cameras, cuencaCamera({ lon: '-2.8972', lat: '-79.0046' })));
    expect(swapped).toEqual([
      {
        field: 'lon,lat',
        message:
          '(-2.8972, -79.0046) is outside the import extent "Ecuador (mainland and Galápagos)"; lon and lat look swapped',
      },
    ]);
    const sign = errorsOf(checkRecord(cameras, cuencaCamera({ lon: '79.0046' })));
    expect(sign[0]?.message).toMatch(/a sign looks wrong/);
    const lima = errorsOf(checkRecord(cameras, cuencaCamera({ lon: '-77.04', lat: '-12.05' })));
    expect(lima[0]?.message).toBe(
      '(-77.04, -12.05) is outside the import extent "Ecuador (mainland and Galápagos)"',
    );
  });

  it('takes a configured extent', () => {
    const cuencaOnly = recordSpec('cameras', {
      extent: extentFromBBoxes('Azuay', [[-79.8, -3.7, -78.4, -2.4]]),
    });
    expect('record' in checkRecord(cuencaOnly, cuencaCamera())).toBe(true);
    expect(
      errorsOf(checkRecord(cuencaOnly, cuencaCamera({ lon: '-78.5126', lat: '-0.2202' })))[0]?.message,
    ).toMatch(/outside the import extent "Azuay"/);
  });

  it('refuses unknown columns, pointing at the one meant', () => {
    const result = checkRecord(cameras, { ...cuencaCamera(), tilt: '-10', lng: '-79', azimut_deg: '3' });
    expect(errorsOf(result)).toEqual([
      {
        field: 'tilt',
        message:
          'unknown camera field "tilt": the unit is part of the name, use "tilt_deg" and convert values to its unit',
      },
      { field: 'lng', message: 'unknown camera field "lng": did you mean "lon"?' },
      { field: 'azimut_deg', message: 'unknown camera field "azimut_deg": did you mean "azimuth_deg"?' },
    ]);
  });
});

describe('incident schema', () => {
  const incidents = recordSpec('incidents');
  const base = {
    external_id: 'INC-1',
    category: 'traffic',
    occurred_at: '2024-05-01T07:42:00-05:00',
    lon: '-78.615',
    lat: '-0.932',
  };

  it('stores the instant in UTC and leaves optional fields null', () => {
    const result = checkRecord(incidents, base);
    expect('record' in result && result.record).toEqual({
      externalId: 'INC-1',
      category: 'traffic',
      priority: null,
      occurredAt: '2024-05-01T12:42:00Z',
      position: [-78.615, -0.932],
      description: null,
      synthetic: false,
    });
  });

  it('limits priority to 1…5 and description to 2000 characters', () => {
    expect(errorsOf(checkRecord(incidents, { ...base, priority: '0' }))).toEqual([
      { field: 'priority', message: 'must be in [1, 5], got 0' },
    ]);
    expect(errorsOf(checkRecord(incidents, { ...base, description: 'x'.repeat(2001) }))).toEqual([
      { field: 'description', message: 'must be at most 2000 characters, got 2001' },
    ]);
    expect('record' in checkRecord(incidents, { ...base, description: 'x'.repeat(2000) })).toBe(true);
  });
});

describe('reading schema', () => {
  const readings = recordSpec('readings', { knownCameraIds: new Set(['COTO-TH-01']) });
  const base = { camera_id: 'COTO-TH-01', ts: '2024-05-01T06:00:00-05:00', max_temp_c: '38.5' };

  it('defaults quality to ok and mean to null', () => {
    const result = checkRecord(readings, base);
    expect('record' in result && result.record).toEqual({
      cameraExternalId: 'COTO-TH-01',
      ts: '2024-05-01T11:00:00Z',
      maxTempC: 38.5,
      meanTempC: null,
      quality: 'ok',
      synthetic: false,
    });
  });

  it('keeps temperatures within −80…1500 °C, the DB CHECK', () => {
    expect('record' in checkRecord(readings, { ...base, max_temp_c: '1500', mean_temp_c: '-80' })).toBe(true);
    expect(errorsOf(checkRecord(readings, { ...base, max_temp_c: '1500.5' }))).toEqual([
      { field: 'max_temp_c', message: 'must be in [-80, 1500] °C, got 1500.5' },
    ]);
    expect(errorsOf(checkRecord(readings, { ...base, mean_temp_c: '-80.1' })).map((e) => e.field)).toEqual([
      'mean_temp_c',
    ]);
  });

  it('refuses a frame mean above its maximum', () => {
    expect(errorsOf(checkRecord(readings, { ...base, mean_temp_c: '40' }))).toEqual([
      { field: 'mean_temp_c', message: 'must not exceed max_temp_c (38.5 °C), got 40' },
    ]);
  });

  it('refuses unknown cameras when the known ids are given, and accepts any without them', () => {
    expect(errorsOf(checkRecord(readings, { ...base, camera_id: 'CHIMBO-TH-09' }))).toEqual([
      { field: 'camera_id', message: 'is not a known camera external id, got "CHIMBO-TH-09"' },
    ]);
    expect('record' in checkRecord(recordSpec('readings'), { ...base, camera_id: 'CHIMBO-TH-09' })).toBe(
      true,
    );
    const byFunction = recordSpec('readings', { knownCameraIds: (id) => id.startsWith('COTO') });
    expect('record' in checkRecord(byFunction, base)).toBe(true);
  });

  it('explains that there is no unit column', () => {
    expect(errorsOf(checkRecord(readings, { ...base, unit: 'K' }))[0]).toEqual({
      field: 'unit',
      message:
        'unknown reading field "unit": there is no unit column; units are part of the column names (max_temp_c is in °C, range_m in metres), so convert values before import',
    });
    expect(errorsOf(checkRecord(readings, { ...base, max_temp_k: '300' }))[0]?.message).toMatch(
      /use "max_temp_c"/,
    );
  });
});
