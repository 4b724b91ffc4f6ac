/**
 * UTM on WGS 84 against gdaltransform (GDAL/PROJ): `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32717`.
 */
import { describe, expect, it } from 'vitest';
import { centralMeridian, lonLatToUtm, utmToLonLat, utmZoneOfEpsg } from '../../server/terrain/utm.js';

const Z17S = { zone: 17, south: true };
/** [lon, lat, easting, northing] from gdaltransform. */
const REFERENCE: [number, number, number, number][] = [
  [-78.436, -0.677, 785385.104772996, 9925095.63657176], // Cotopaxi
  [-81, -1, 500000, 9889469.84119762], // on the central meridian
  [-79.5, 0.3, 666929.368996716, 10033170.4599743], // north of the equator, still in the 327xx grid
  [-75.2, -5.0, 1144046.66571624, 9444487.20761983], // 5.8° east of the central meridian, past the zone
];

describe('UTM zone 17S', () => {
  it('has central meridian −81° and comes from EPSG:32717; 32617 is 17N; 3857 is not UTM', () => {
    expect(centralMeridian(17)).toBe(-81);
    expect(utmZoneOfEpsg(32717)).toEqual(Z17S);
    expect(utmZoneOfEpsg(32617)).toEqual({ zone: 17, south: false });
    expect(utmZoneOfEpsg(3857)).toBeNull();
    expect(utmZoneOfEpsg(32761)).toBeNull();
  });

  it.each(REFERENCE)('projects (%f, %f) as PROJ does, to a millimetre', (lon, lat, x, y) => {
    const p = lonLatToUtm(lon, lat, Z17S);
    expect(Math.abs(p.x - x)).toBeLessThan(0.001);
    expect(Math.abs(p.y - y)).toBeLessThan(0.001);
  });

  it.each(REFERENCE)('inverts (%f, %f) to 1e-9°', (lon, lat, x, y) => {
    const q = utmToLonLat(x, y, Z17S);
    expect(q.lon).toBeCloseTo(lon, 9);
    expect(q.lat).toBeCloseTo(lat, 9);
  });
});
