/** Metres per degree on WGS 84 against the ellipsoid's closed forms and published tables. */
import { describe, expect, it } from 'vitest';
import { groundBearingDeg, groundDistanceDeg, metresPerDegree } from '../../server/coverage/ground-scale.js';

describe('metresPerDegree', () => {
  it('is a·π/180 east and a(1 − e²)·π/180 north at the equator', () => {
    // a = 6 378 137 m, e² = f(2 − f) = 0.00669437999014: 111 319.4908 m and 6 335 439.327·π/180 = 110 574.2758 m.
    const k = metresPerDegree(0);
    expect(k.east).toBeCloseTo(111319.4908, 3);
    expect(k.north).toBeCloseTo(110574.2758, 3);
  });

  it('matches the classic series for WGS 84 at 45°: 78 846.81 m of longitude and 111 131.78 m of latitude per degree', () => {
    // 111 412.84 cos φ − 93.5 cos 3φ + 0.118 cos 5φ and 111 132.954 − 559.822 cos 2φ + 1.175 cos 4φ.
    const k = metresPerDegree(45);
    expect(k.east).toBeCloseTo(78846.81, 1);
    expect(k.north).toBeCloseTo(111131.78, 1);
  });
});

describe('groundDistanceDeg and groundBearingDeg', () => {
  it('measure a 3″ step east and north near Quito', () => {
    const east = groundDistanceDeg(-78.5, -0.2, -78.5 + 1 / 1200, -0.2);
    expect(east).toBeCloseTo((111319.4908 * Math.cos((0.2 * Math.PI) / 180)) / 1200, 2);
    expect(groundBearingDeg(-78.5, -0.2, -78.4, -0.2)).toBeCloseTo(90, 10);
    expect(groundBearingDeg(-78.5, -0.2, -78.5, -0.3)).toBeCloseTo(180, 10);
    expect(groundBearingDeg(-78.5, -0.2, -78.6, -0.2)).toBeCloseTo(270, 10);
  });
});
