/** Where an alert is drawn and found by bbox, from its scope key. */
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { alertPlace, h3CellWkt } from '../../../server/alerts/alert-geometry.js';
import { alertTestDatabase } from './alert-harness.js';

describe('alertPlace', () => {
  it('puts thermal alerts at the watched volcano, other camera alerts at the camera', () => {
    expect(alertPlace('camera:COTO-TH-01', 'thermal_threshold')).toEqual({
      type: 'camera',
      cameraId: 'COTO-TH-01',
      atVolcano: true,
    });
    expect(alertPlace('camera:COTO-TH-01:obscured', 'thermal_anomaly')).toEqual({
      type: 'camera',
      cameraId: 'COTO-TH-01',
      atVolcano: true,
    });
    // Only thermal rules make ":obscured" keys; elsewhere colons belong to the camera id.
    expect(alertPlace('camera:UIO:obscured', 'stale_sensor')).toEqual({
      type: 'camera',
      cameraId: 'UIO:obscured',
      atVolcano: false,
    });
  });

  it('gives regions by center id, H3 cells as polygons, and nothing for keys without a place', () => {
    expect(alertPlace('region:quito', 'incident_surge')).toEqual({ type: 'region', centerId: 'quito' });
    const cell = latLngToCell(-0.2, -78.49, 7);
    expect(alertPlace(`h3:${cell}`, 'incident_surge')).toEqual({ type: 'polygon', wkt: h3CellWkt(cell) });
    expect(alertPlace('h3:not-a-cell', 'incident_surge')).toBeNull();
    expect(alertPlace('input:incident', 'incident_surge')).toBeNull();
    expect(alertPlace('camera:', 'stale_sensor')).toBeNull();
  });
});

describe('h3CellWkt', () => {
  it('is a closed hexagon around the point, of the area H3 publishes for resolution 7 (≈ 5.16 km²)', async () => {
    const cell = latLngToCell(-0.2, -78.49, 7);
    const wkt = h3CellWkt(cell);
    const ring = /^POLYGON\(\((.*)\)\)$/.exec(wkt)![1]!.split(', ');
    expect(ring).toHaveLength(7);
    expect(ring[0]).toBe(ring[6]);
    const db = await alertTestDatabase();
    const [row] = await db.query<{ valid: boolean; km2: number; inside: boolean }>(
      `SELECT ST_IsValid(g) AS valid, ST_Area(g::geography) / 1e6 AS km2,
              ST_Contains(g, ST_SetSRID(ST_MakePoint(-78.49, -0.2), 4326)) AS inside
       FROM (SELECT ST_GeomFromText($1, 4326) AS g) t`,
      [wkt],
    );
    expect(row!.valid).toBe(true);
    expect(row!.inside).toBe(true);
    // H3's table of average hexagon areas: 5.161 km² at resolution 7; cells vary by some percent.
    expect(row!.km2).toBeGreaterThan(5.161 * 0.85);
    expect(row!.km2).toBeLessThan(5.161 * 1.15);
  });
});
