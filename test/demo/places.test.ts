import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { PLACES, placeSpreadKm } from '../../server/demo/places.js';
import { ROADS, pointAlongRoad, roadLengthKm } from '../../server/demo/roads.js';
import { haversineKm, loadProvinces, turfInsideEcuador } from './reference.js';

describe('PLACES (assumed weights, labelled)', () => {
  const provinces = loadProvinces();

  it('puts every town inside the province it names (turf point-in-polygon)', () => {
    const wrong = PLACES.filter((p) => {
      const province = provinces.features.find((f) => f.properties?.name === p.province);
      return !province || !booleanPointInPolygon([p.lon, p.lat], province);
    }).map((p) => `${p.name} (${p.province})`);
    expect(wrong).toEqual([]);
  });

  it('covers all 24 provinces with positive weights and unique names', () => {
    expect(new Set(PLACES.map((p) => p.province)).size).toBe(24);
    expect(PLACES.every((p) => p.weight > 0)).toBe(true);
    expect(new Set(PLACES.map((p) => p.name)).size).toBe(PLACES.length);
  });

  it('runs the Galápagos on UTC−6 and the mainland on UTC−5', () => {
    for (const p of PLACES) expect(p.utcOffsetH).toBe(p.province === 'Galápagos' ? -6 : -5);
  });

  it('weights Guayaquil and Quito as the two largest cities, then Cuenca', () => {
    const byCity = new Map<string, number>();
    for (const p of PLACES) byCity.set(p.city, (byCity.get(p.city) ?? 0) + p.weight);
    const ranked = [...byCity].sort((a, b) => b[1] - a[1]).map(([city]) => city);
    expect(ranked.slice(0, 2).sort()).toEqual(['Guayaquil', 'Quito']);
    expect(ranked.slice(2, 4)).toContain('Cuenca');
  });

  it('grows the default kernel with the weight: 0.12·√w km within 0.5…5 km', () => {
    const town = {
      name: 't',
      city: 't',
      province: 'x',
      lon: 0,
      lat: 0,
      weight: 100,
      utcOffsetH: -5 as const,
    };
    expect(placeSpreadKm(town)).toEqual([1.2, 1.2]);
    expect(placeSpreadKm({ ...town, weight: 4 })).toEqual([0.5, 0.5]);
    expect(placeSpreadKm({ ...town, weight: 10_000 })).toEqual([5, 5]);
  });
});

describe('ROADS (approximate)', () => {
  const inside = turfInsideEcuador();

  it('routes every waypoint through Ecuador', () => {
    const outside = ROADS.flatMap((r) =>
      r.path.filter(([lon, lat]) => !inside(lon, lat)).map((p) => `${r.ref} ${p.join(',')}`),
    );
    expect(outside).toEqual([]);
  });

  it('keeps at least 90 % of each road on land (sampled every km)', () => {
    for (const road of ROADS) {
      const length = roadLengthKm(road);
      let on = 0;
      let n = 0;
      for (let km = 0; km <= length; km += 1, n++) {
        const { position } = pointAlongRoad(road, km);
        if (inside(position[0], position[1])) on++;
      }
      expect(on / n, `${road.ref} ${road.name}`).toBeGreaterThan(0.9);
    }
  });

  it('measures the Panamericana as its great-circle legs: longer than Tulcán–Macará as the crow flies, shorter than 1.4× it', () => {
    const e35 = ROADS.find((r) => r.ref === 'E35');
    expect(e35).toBeDefined();
    const path = e35!.path;
    let sum = 0;
    for (let i = 0; i + 1 < path.length; i++) sum += haversineKm(path[i]!, path[i + 1]!);
    // Flat-earth and haversine agree within 0.5 % at these latitudes.
    expect(Math.abs(roadLengthKm(e35!) - sum) / sum).toBeLessThan(0.005);
    const crow = haversineKm(path[0]!, path[path.length - 1]!); // ≈ 625 km
    expect(sum).toBeGreaterThan(crow);
    expect(sum).toBeLessThan(1.4 * crow);
  });

  it('interpolates along a road and reports the leg bearing', () => {
    const road = {
      ref: 'T',
      name: 'test',
      path: [
        [-78, 0],
        [-78, 0.1],
        [-77.9, 0.1],
      ] as [number, number][],
    };
    // First leg due north, 0.1° of latitude = 11.06 km; second leg due east.
    const a = pointAlongRoad(road, 5.5287);
    expect(a.position[0]).toBeCloseTo(-78, 9);
    expect(a.position[1]).toBeCloseTo(0.05, 4);
    expect(a.bearingDeg).toBeCloseTo(0, 6);
    const b = pointAlongRoad(road, 11.0574 + 1);
    expect(b.bearingDeg).toBeCloseTo(90, 1);
    expect(pointAlongRoad(road, 1e6).position).toEqual([-77.9, 0.1]);
  });
});
