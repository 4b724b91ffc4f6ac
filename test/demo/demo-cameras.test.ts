import { beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../server/domain/types.js';
import {
  DEMO_UNIT_COST_USD,
  generateDemoCameras,
  selectMonitoredVolcanoes,
  thermalCameraCount,
} from '../../server/demo/demo-cameras.js';
import { PLACES } from '../../server/demo/places.js';
import {
  greatCircleBearing,
  haversineKm,
  loadProvinces,
  loadVolcanoes,
  turfInsideEcuador,
} from './reference.js';

const END = Date.parse('2025-06-01T05:00:00Z');
const input = () => ({ provinces: loadProvinces(), volcanoes: loadVolcanoes() });

describe('selectMonitoredVolcanoes', () => {
  it('keeps the 14 volcanoes of data/volcanoes.csv with an eruption since 1900 and a summit above sea level', () => {
    // Read off the CSV by hand: the submarine Galapagos Rift (1996, −2430 m) is out, Pinta (1928) and Santiago (1906) are in.
    expect(
      selectMonitoredVolcanoes(loadVolcanoes())
        .map((v) => v.name)
        .sort(),
    ).toEqual(
      [
        'Alcedo',
        'Azul, Cerro',
        'Chiles-Cerro Negro',
        'Cotopaxi',
        'Fernandina',
        'Guagua Pichincha',
        'Marchena',
        'Negra, Sierra',
        'Pinta',
        'Reventador',
        'Sangay',
        'Santiago',
        'Tungurahua',
        'Wolf',
      ].sort(),
    );
  });

  it('gives 4 cameras to the mainland volcanoes active since 2015, 3 to the other mainland ones, 2–3 in the Galápagos: 41', () => {
    // Mainland ≥2015: Reventador, Cotopaxi, Tungurahua, Sangay (4 each = 16); Chiles, Guagua Pichincha (3 each = 6);
    // Galápagos ≥2015: Fernandina, Wolf, Sierra Negra (3 each = 9); Alcedo, Cerro Azul, Pinta, Marchena, Santiago (2 each = 10).
    const total = selectMonitoredVolcanoes(loadVolcanoes()).reduce((s, v) => s + thermalCameraCount(v), 0);
    expect(total).toBe(16 + 6 + 9 + 10);
  });
});

describe('generateDemoCameras', () => {
  let cameras: Camera[];
  beforeAll(() => {
    cameras = generateDemoCameras(input(), { seed: 911, endMs: END });
  });

  it('makes exactly the asked number of cameras (4,500 by default), all labelled synthetic with unique SYN-CAM ids', () => {
    expect(cameras).toHaveLength(4500);
    expect(cameras.every((c) => c.synthetic && c.name.endsWith('(synthetic)'))).toBe(true);
    expect(cameras.every((c) => /^SYN-CAM-\d{6}$/.test(c.externalId))).toBe(true);
    expect(new Set(cameras.map((c) => c.externalId)).size).toBe(4500);
  });

  it('puts every camera inside Ecuador (turf point-in-polygon, independent of the generator)', () => {
    const inside = turfInsideEcuador();
    const outside = cameras.filter((c) => !inside(c.position[0], c.position[1])).map((c) => c.externalId);
    expect(outside).toEqual([]);
  });

  it('respects the cameras table CHECK constraints', () => {
    const violations = cameras.filter(
      (c) =>
        !(c.azimuthDeg >= 0 && c.azimuthDeg < 360) ||
        !(c.hfovDeg > 0 && c.hfovDeg <= 360) ||
        !(c.vfovDeg > 0 && c.vfovDeg <= 180) ||
        !(c.tiltDeg >= -90 && c.tiltDeg <= 90) ||
        !(c.rangeM > 0 && c.rangeM <= 50_000) ||
        !(c.mountHeightM >= 0 && c.mountHeightM <= 500) ||
        !(c.resolutionHPx > 0 && c.resolutionVPx > 0) ||
        !(c.unitCostUsd === null || c.unitCostUsd >= 0) ||
        !(
          c.installDate !== null &&
          /^\d{4}-\d{2}-\d{2}$/.test(c.installDate) &&
          c.installDate < '2025-06-01'
        ),
    );
    expect(violations).toEqual([]);
  });

  it('numbers the 41 thermal cameras first, on the monitored volcanoes, 5–15 km out (down to 1.5 km on the small islands)', () => {
    const volcanoes = new Map(loadVolcanoes().map((v) => [v.gvpNumber, v]));
    const thermal = cameras.filter((c) => c.kind === 'thermal');
    expect(thermal).toHaveLength(41);
    expect(cameras.slice(0, 41).every((c) => c.kind === 'thermal')).toBe(true);
    const perVolcano = new Map<number, number>();
    for (const c of thermal) {
      const v = volcanoes.get(c.volcanoGvp!);
      expect(v, c.externalId).toBeDefined();
      perVolcano.set(v!.gvpNumber, (perVolcano.get(v!.gvpNumber) ?? 0) + 1);
      const km = haversineKm(c.position, v!.position);
      const smallIsland = v!.name === 'Pinta' || v!.name === 'Marchena';
      expect(km, c.name).toBeGreaterThanOrEqual(smallIsland ? 1.5 : 4.95);
      expect(km, c.name).toBeLessThanOrEqual(15.05);
      // Aimed at the summit and able to reach it.
      const toSummit = greatCircleBearing(c.position, v!.position);
      const diff = Math.abs(((c.azimuthDeg - toSummit + 540) % 360) - 180);
      expect(diff, c.name).toBeLessThan(0.5);
      expect(c.rangeM).toBeGreaterThan(km * 1000);
      expect(c.rangeM).toBeGreaterThanOrEqual(15_000);
      expect(c.rangeM).toBeLessThanOrEqual(25_000 + 0.5);
      expect([c.resolutionHPx, c.resolutionVPx]).toEqual([640, 512]);
      // Looking up at the summit, through a lens narrower than 46°.
      expect(c.tiltDeg).toBeGreaterThan(0);
      expect(c.hfovDeg).toBeLessThan(46);
      expect(c.unitCostUsd).toBe(DEMO_UNIT_COST_USD.thermal);
      expect(c.status).toBe('online');
    }
    expect([...perVolcano.values()].every((n) => n >= 2 && n <= 4)).toBe(true);
    expect(perVolcano.size).toBe(14);
    expect(cameras.filter((c) => c.kind !== 'thermal').every((c) => c.volcanoGvp === null)).toBe(true);
  });

  it('with a DEM, stands no thermal camera behind a ridge: Cotopaxi walled off to the west gets only eastern cameras, aimed at the DEM summit', () => {
    const cotopaxi = loadVolcanoes().find((v) => v.name === 'Cotopaxi')!;
    const [sx, sy] = cotopaxi.position;
    const KM_PER_DEG = 111.2;
    // A cone (5,000 m, 150 m lower per km out) and, 3 to 4 km west of the summit, a 5,600 m wall: from
    // anywhere west of it the summit is out of sight; east of the summit the cone hides nothing.
    const elevationAt = (lon: number, lat: number): number => {
      const dx = (lon - sx) * KM_PER_DEG;
      const dy = (lat - sy) * KM_PER_DEG;
      if (dx <= -3 && dx >= -4) return 5600;
      return 5000 - 150 * Math.hypot(dx, dy);
    };
    const withDem = generateDemoCameras({ ...input(), elevationAt }, { seed: 911, endMs: END });
    const mine = withDem.filter((c) => c.volcanoGvp === cotopaxi.gvpNumber);
    expect(mine).toHaveLength(4);
    for (const c of mine) {
      const dxKm = (c.position[0] - sx) * KM_PER_DEG;
      expect(dxKm, c.name).toBeGreaterThan(-3);
      // tilt aims from the site's ground + mast at the 5,000 m DEM summit (not the 5,911 m of the GVP list)
      const distM = haversineKm(c.position, cotopaxi.position) * 1000;
      const ground = elevationAt(c.position[0], c.position[1]);
      const expected = (Math.atan2(5000 - ground - c.mountHeightM, distM) * 180) / Math.PI;
      expect(c.tiltDeg, c.name).toBeCloseTo(expected, 0);
    }
    // Without the DEM the same seed puts some of Cotopaxi's cameras west of the wall's line.
    const without = cameras.filter((c) => c.volcanoGvp === cotopaxi.gvpNumber);
    expect(without.some((c) => (c.position[0] - sx) * KM_PER_DEG < -3)).toBe(true);
  });

  it('mixes kinds: domes the most common, 360° for domes and PTZ, a narrower field for fixed cameras', () => {
    const count = (kind: string) => cameras.filter((c) => c.kind === kind).length;
    // Towns: 3,924 cameras (4,500 − 41 thermal − 535 road) at 60 / 15 / 25 %; roads: 535 at 65 % fixed, 35 % PTZ.
    expect(count('dome') / 3924).toBeGreaterThan(0.57);
    expect(count('dome') / 3924).toBeLessThan(0.63);
    expect(count('dome')).toBeGreaterThan(count('fixed'));
    expect(count('fixed')).toBeGreaterThan(count('ptz'));
    for (const c of cameras) {
      if (c.kind === 'dome' || c.kind === 'ptz') expect(c.hfovDeg).toBe(360);
      if (c.kind === 'fixed') expect(c.hfovDeg).toBeLessThanOrEqual(95);
    }
    expect(cameras.filter((c) => c.kind === 'dome').every((c) => c.unitCostUsd === 3516.8)).toBe(true);
  });

  it('ranges: 100–400 m in towns, up to 2 km for road PTZ', () => {
    const road = cameras.filter((c) => /^E\d/.test(c.name));
    const town = cameras.filter((c) => c.kind !== 'thermal' && !/^E\d/.test(c.name));
    expect(road.length).toBe(Math.round(4459 * 0.12));
    expect(town.every((c) => c.rangeM >= 100 && c.rangeM <= 400)).toBe(true);
    expect(road.filter((c) => c.kind === 'ptz').every((c) => c.rangeM >= 1000 && c.rangeM <= 2000)).toBe(
      true,
    );
    expect(
      road.filter((c) => c.kind === 'ptz').every((c) => c.mountHeightM >= 15 && c.mountHeightM <= 30),
    ).toBe(true);
  });

  it('clusters town cameras by the assumed weights: Quito and Guayaquil hold their share within 3 points', () => {
    const total = PLACES.reduce((s, p) => s + p.weight, 0);
    const share = (city: string) =>
      PLACES.filter((p) => p.city === city).reduce((s, p) => s + p.weight, 0) / total;
    const town = cameras.filter((c) => c.kind !== 'thermal' && !/^E\d/.test(c.name));
    const near = (lon: number, lat: number, km: number) =>
      town.filter((c) => haversineKm(c.position, [lon, lat]) < km).length;
    // Whole-city discs: Quito's strip within 22 km of its centre (includes the valleys), Guayaquil within 14 km.
    // Durán and Samborondón sit inside Guayaquil's disc, so add their weight to its share.
    const duran = PLACES.filter((p) => p.name === 'Durán' || p.name.startsWith('Samborondón')).reduce(
      (s, p) => s + p.weight,
      0,
    );
    const sangolqui = PLACES.filter((p) => p.name === 'Sangolquí').reduce((s, p) => s + p.weight, 0);
    expect(Math.abs(near(-78.5, -0.2, 22) / town.length - share('Quito') - sangolqui / total)).toBeLessThan(
      0.03,
    );
    expect(Math.abs(near(-79.9, -2.18, 14) / town.length - share('Guayaquil') - duran / total)).toBeLessThan(
      0.03,
    );
  });

  it('marks a few cameras offline or in maintenance', () => {
    const notOnline = cameras.filter((c) => c.status !== 'online').length / cameras.length;
    // 5.5 % of the non-thermal cameras; binomial standard error ≈ 0.34 %.
    expect(notOnline).toBeGreaterThan(0.04);
    expect(notOnline).toBeLessThan(0.07);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    expect(generateDemoCameras(input(), { seed: 911, endMs: END })).toEqual(cameras);
    const other = generateDemoCameras(input(), { seed: 912, endMs: END });
    expect(other.map((c) => c.position)).not.toEqual(cameras.map((c) => c.position));
  });

  it('keeps the thermal cameras whatever the count, and refuses a count below them', () => {
    const small = generateDemoCameras(input(), { seed: 911, endMs: END, count: 100 });
    expect(small).toHaveLength(100);
    expect(small.slice(0, 41)).toEqual(cameras.slice(0, 41));
    expect(() => generateDemoCameras(input(), { seed: 911, endMs: END, count: 40 })).toThrow(/40/);
  });
});
