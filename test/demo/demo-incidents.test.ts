import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_CATEGORIES } from '../../server/domain/types.js';
import {
  defaultIncidentSurges,
  generateDemoIncidents,
  incidentExternalId,
  type IncidentColumns,
} from '../../server/demo/demo-incidents.js';
import { CATEGORY_SHARES } from '../../server/demo/incident-rhythm.js';
import { haversineKm, loadProvinces, turfInsideEcuador } from './reference.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Midnight in Quito on 1 June 2025 (a Sunday), as a UTC instant.
const END = Date.parse('2025-06-01T05:00:00Z');
const provinces = () => ({ provinces: loadProvinces() });

/** Civil time of an incident from its longitude: the Galápagos (west of 85° W) run on UTC−6, the mainland on UTC−5. */
function localTime(lon: number, ms: number): Date {
  return new Date(ms + (lon < -85 ? -6 : -5) * HOUR);
}

function columnsEqual(a: IncidentColumns, b: IncidentColumns, offsetInB = 0): boolean {
  const keys = ['serial', 'lon', 'lat', 'timeMs', 'category', 'priority', 'place', 'surge'] as const;
  return keys.every((k) => {
    for (let i = 0; i < a.length; i++) if (a[k][i] !== b[k][i + offsetInB]) return false;
    return true;
  });
}

describe('generateDemoIncidents (100,000 over a year)', () => {
  let cols: IncidentColumns;
  beforeAll(() => {
    cols = generateDemoIncidents(provinces(), { seed: 911, endMs: END, count: 100_000 });
  });

  it('makes about the asked number: Poisson total, standard deviation √100,000 ≈ 316', () => {
    expect(Math.abs(cols.length - 100_000)).toBeLessThan(1600);
  });

  it('sorts incidents by time, inside [end − 365 days, end), on whole seconds, with unique SYN-INC ids', () => {
    let sorted = true;
    let wholeSeconds = true;
    for (let i = 0; i < cols.length; i++) {
      if (i > 0 && cols.timeMs[i]! < cols.timeMs[i - 1]!) sorted = false;
      if (cols.timeMs[i]! % 1000 !== 0) wholeSeconds = false;
    }
    expect(sorted).toBe(true);
    expect(wholeSeconds).toBe(true);
    expect(cols.timeMs[0]).toBeGreaterThanOrEqual(END - 365 * DAY);
    expect(cols.timeMs[cols.length - 1]).toBeLessThan(END);
    expect(new Set(cols.serial).size).toBe(cols.length);
    expect(incidentExternalId(cols, 0)).toMatch(/^SYN-INC-\d{10}$/);
  });

  it('puts every incident inside Ecuador (turf point-in-polygon, independent of the generator)', () => {
    const inside = turfInsideEcuador();
    let outside = 0;
    for (let i = 0; i < cols.length; i++) if (!inside(cols.lon[i]!, cols.lat[i]!)) outside++;
    expect(outside).toBe(0);
  });

  it('keeps the assumed category shares within one point', () => {
    const counts = new Array<number>(INCIDENT_CATEGORIES.length).fill(0);
    for (let i = 0; i < cols.length; i++) counts[cols.category[i]!]! += 1;
    INCIDENT_CATEGORIES.forEach((c, k) => {
      expect(Math.abs(counts[k]! / cols.length - CATEGORY_SHARES[c]), c).toBeLessThan(0.01);
    });
  });

  it('follows the daily rhythm: about 3× more incidents at 18:00 than at 04:00 local time', () => {
    // By hand from incident-rhythm.ts: Σ share·profile/mean(profile) is 1.41 at 18 h and 0.415 at 04 h; on
    // Saturday and Sunday 04 h is a weekend night (security ×1.6, traffic ×1.8, medical ×1.2 on 2 days of 7),
    // which lifts 04 h to ≈ 0.47 → ratio ≈ 3.0.
    const perHour = new Array<number>(24).fill(0);
    for (let i = 0; i < cols.length; i++)
      perHour[localTime(cols.lon[i]!, cols.timeMs[i]!).getUTCHours()]! += 1;
    const ratio = perHour[18]! / perHour[4]!;
    expect(ratio).toBeGreaterThan(2.6);
    expect(ratio).toBeLessThan(3.5);
    expect(Math.min(...perHour)).toBe(Math.min(perHour[2]!, perHour[3]!, perHour[4]!, perHour[5]!));
  });

  it('follows the weekly rhythm: security and traffic take a larger share on Friday and Saturday nights', () => {
    const security = INCIDENT_CATEGORIES.indexOf('security');
    const traffic = INCIDENT_CATEGORIES.indexOf('traffic');
    const tally = { weekend: [0, 0], weekday: [0, 0] };
    for (let i = 0; i < cols.length; i++) {
      const t = localTime(cols.lon[i]!, cols.timeMs[i]!);
      const h = t.getUTCHours();
      const dow = t.getUTCDay();
      if (h >= 5 && h < 20) continue;
      // Nights starting Friday or Saturday evening vs Monday–Wednesday evening.
      const eveningDow = h >= 20 ? dow : (dow + 6) % 7;
      const bucket =
        eveningDow === 5 || eveningDow === 6
          ? tally.weekend
          : eveningDow >= 1 && eveningDow <= 3
            ? tally.weekday
            : null;
      if (!bucket) continue;
      bucket[0]! += 1;
      if (cols.category[i] === security || cols.category[i] === traffic) bucket[1]! += 1;
    }
    const weekendShare = tally.weekend[1]! / tally.weekend[0]!;
    const weekdayShare = tally.weekday[1]! / tally.weekday[0]!;
    expect(weekendShare - weekdayShare).toBeGreaterThan(0.03);
    // More incidents per weekend night too (2 weekend nights vs 3 weekday nights in the tallies).
    expect(tally.weekend[0]! / 2).toBeGreaterThan(tally.weekday[0]! / 3);
  });

  it('weights locations to towns: most incidents within 15 km of a place, a few on the Galápagos', () => {
    let onPlaces = 0;
    let galapagos = 0;
    for (let i = 0; i < cols.length; i++) {
      if (cols.place[i]! >= 0) onPlaces++;
      if (cols.lon[i]! < -85) galapagos++;
    }
    // Road shares: 35 % of traffic (15 %) + 4 % of the rest ≈ 8.7 % on roads.
    expect(onPlaces / cols.length).toBeGreaterThan(0.88);
    expect(onPlaces / cols.length).toBeLessThan(0.94);
    // Galápagos weight 24 of 11,745 ≈ 0.2 %.
    expect(galapagos).toBeGreaterThan(100);
    expect(galapagos).toBeLessThan(350);
  });

  it('is exactly the tail of the full series when emitted from a later instant (the start-up slice)', () => {
    const from = END - 30 * DAY;
    const slice = generateDemoIncidents(provinces(), { seed: 911, endMs: END, count: 100_000, fromMs: from });
    let first = 0;
    while (cols.timeMs[first]! < from) first++;
    expect(slice.length).toBe(cols.length - first);
    expect(columnsEqual(slice, cols, first)).toBe(true);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const a = generateDemoIncidents(provinces(), { seed: 7, endMs: END, days: 20, count: 5000 });
    const b = generateDemoIncidents(provinces(), { seed: 7, endMs: END, days: 20, count: 5000 });
    const c = generateDemoIncidents(provinces(), { seed: 8, endMs: END, days: 20, count: 5000 });
    expect(a.length).toBe(b.length);
    expect(columnsEqual(a, b)).toBe(true);
    expect(a.length === c.length && columnsEqual(a, c)).toBe(false);
  });

  it('rejects bad options with the bad value', () => {
    expect(() => generateDemoIncidents(provinces(), { seed: 1, endMs: END, days: 0 })).toThrow(/days: 0/);
    expect(() => generateDemoIncidents(provinces(), { seed: 1, endMs: END, count: -5 })).toThrow(/-5/);
    const bad = { ...defaultIncidentSurges(END)[0]!, center: [-82, -1] as [number, number] };
    expect(() => generateDemoIncidents(provinces(), { seed: 1, endMs: END, surges: [bad] })).toThrow(/-82/);
  });
});

describe('defaultIncidentSurges', () => {
  const surges = defaultIncidentSurges(END);

  it('defines four labelled synthetic scenarios inside the year, the festival inside the last 30 days', () => {
    expect(surges.map((s) => s.id)).toEqual([
      'flood-guayas-los-rios',
      'ashfall-banos',
      'wildfires-loja',
      'festival-quito',
    ]);
    for (const s of surges) {
      expect(s.label).toMatch(/synthetic/);
      expect(s.startMs).toBeGreaterThanOrEqual(END - 365 * DAY);
      expect(s.endMs).toBeLessThanOrEqual(END);
    }
    const flood = surges[0]!;
    expect(flood.endMs - flood.startMs).toBe(3 * DAY);
    const festival = surges[3]!;
    expect(festival.startMs).toBeGreaterThanOrEqual(END - 30 * DAY);
    // 2025-05-24 is a Saturday; 20:00 in Quito is 01:00 UTC the next day.
    expect(new Date(festival.startMs).toISOString()).toBe('2025-05-25T01:00:00.000Z');
    expect(festival.endMs - festival.startMs).toBe(8 * HOUR);
  });

  it('scales the surge sizes with the yearly count', () => {
    expect(defaultIncidentSurges(END, 100_000).map((s) => s.count)).toEqual(
      surges.map((s) => Math.round(s.count / 10)),
    );
  });
});

describe('generateDemoIncidents at full scale (1,000,000)', () => {
  it('generates a year of about a million incidents and the surges stand out where and when the ground truth says', () => {
    const t0 = performance.now();
    const cols = generateDemoIncidents(provinces(), { seed: 911, endMs: END });
    const ms = performance.now() - t0;
    console.log(`1M incidents: ${cols.length} rows in ${ms.toFixed(0)} ms`);
    expect(Math.abs(cols.length - 1_000_000)).toBeLessThan(5000);

    for (const [k, s] of cols.surges.entries()) {
      // Count everything within 2σ of the centre during the surge, minus the same window a week earlier.
      // For a 2-D Gaussian, P(r < 2σ) = 1 − e^−2 = 0.865.
      const radius = 2 * s.spreadKm;
      const count = (from: number, to: number) => {
        let n = 0;
        for (let i = 0; i < cols.length; i++) {
          const t = cols.timeMs[i]!;
          if (t >= from && t < to && haversineKm([cols.lon[i]!, cols.lat[i]!], s.center) < radius) n++;
        }
        return n;
      };
      const during = count(s.startMs, s.endMs);
      const before = count(s.startMs - 7 * DAY, s.endMs - 7 * DAY);
      const expected = s.count * (1 - Math.exp(-2));
      expect((during - before) / expected, s.id).toBeGreaterThan(0.85);
      expect((during - before) / expected, s.id).toBeLessThan(1.15);
      expect(during / Math.max(1, before), s.id).toBeGreaterThan(3);

      // Every incident tagged with the surge lies inside its window and has one of its categories.
      const allowed = new Set(Object.keys(s.categoryShares));
      let misplaced = 0;
      for (let i = 0; i < cols.length; i++) {
        if (cols.surge[i] !== k + 1) continue;
        const t = cols.timeMs[i]!;
        if (t < s.startMs || t >= s.endMs || !allowed.has(INCIDENT_CATEGORIES[cols.category[i]!]!))
          misplaced++;
      }
      expect(misplaced, s.id).toBe(0);
    }
  });
});
