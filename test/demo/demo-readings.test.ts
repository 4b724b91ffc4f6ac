import { beforeAll, describe, expect, it } from 'vitest';
import type { Camera, Volcano } from '../../server/domain/types.js';
import { generateDemoCameras } from '../../server/demo/demo-cameras.js';
import {
  defaultThermalEpisodes,
  episodeExcessC,
  generateDemoReadings,
  summitAirC,
  type ReadingColumns,
  type ThermalEpisode,
} from '../../server/demo/demo-readings.js';
import { loadProvinces, loadVolcanoes } from './reference.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const END = Date.parse('2025-06-01T05:00:00Z');
const OK = 0;
const OBSCURED = 1;
const INVALID = 2;

let cameras: Camera[];
let volcanoes: Volcano[];
let readings: ReadingColumns;
let volcanoOf: Volcano[]; // per camera index of `readings.cameras`

beforeAll(() => {
  volcanoes = loadVolcanoes();
  cameras = generateDemoCameras({ provinces: loadProvinces(), volcanoes }, { seed: 911, endMs: END });
  readings = generateDemoReadings({ cameras, volcanoes }, { seed: 911, endMs: END });
  volcanoOf = readings.cameras.map((c) => volcanoes.find((v) => v.gvpNumber === c.volcanoGvp)!);
});

/** Local solar hour at a longitude: UTC + lon/15 h. */
function solarHour(ms: number, lon: number): number {
  const h = (ms / HOUR + lon / 15) % 24;
  return h < 0 ? h + 24 : h;
}

function episode(id: string): ThermalEpisode {
  const e = readings.episodes.find((x) => x.id === id);
  if (!e) throw new Error(`no episode ${id}`);
  return e;
}

function cameraIndexes(gvp: number): number[] {
  return readings.cameras.flatMap((c, j) => (c.volcanoGvp === gvp ? [j] : []));
}

/** Mean of max_temp_c over rows passing `keep`. */
function meanMax(keep: (i: number) => boolean): { mean: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < readings.length; i++) {
    if (!keep(i)) continue;
    sum += readings.maxTempC[i]!;
    n++;
  }
  return { mean: sum / n, n };
}

describe('generateDemoReadings: the series', () => {
  it('covers 30 days of whole minutes for the 41 thermal cameras, sorted by time then camera', () => {
    expect(readings.cameras).toHaveLength(41);
    let sorted = true;
    let aligned = true;
    for (let i = 0; i < readings.length; i++) {
      if (readings.timeMs[i]! % MIN !== 0) aligned = false;
      if (
        i > 0 &&
        (readings.timeMs[i]! < readings.timeMs[i - 1]! ||
          (readings.timeMs[i] === readings.timeMs[i - 1] && readings.camera[i]! <= readings.camera[i - 1]!))
      ) {
        sorted = false;
      }
    }
    expect(aligned).toBe(true);
    expect(sorted).toBe(true);
    expect(readings.timeMs[0]).toBe(END - 30 * DAY);
    expect(readings.timeMs[readings.length - 1]).toBe(END - MIN);
  });

  it('drops about 1.2 % of the minutes: short dropouts, a few long outages and the silent camera', () => {
    // By hand: 3 dropouts a day × (1 + E min(9, ⌊Exp(5)⌋) = 1 + Σ_{k=1..9} e^(−k/5) = 4.77 min) → 0.99 %;
    // a 1–6 h outage (mean 3.5 h) on at most 30 % of cameras → ≤ 0.15 %; one camera silent 19.5 h → 0.07 %.
    const missing = 1 - readings.length / (41 * 30 * 1440);
    expect(missing).toBeGreaterThan(0.009);
    expect(missing).toBeLessThan(0.0135);
  });

  it('lists every silence longer than a short dropout as ground truth: the outages and the silent camera', () => {
    // Short dropouts last at most 10 minutes (a gap of 11 minutes between rows); anything longer must lie
    // within a listed outage or episode silence, give or take a short dropout at either end.
    const listed = [...readings.outages, ...readings.episodes.flatMap((e) => e.silentCameras)].map((o) => ({
      ...o,
      index: readings.cameras.findIndex((c) => c.externalId === o.externalId),
    }));
    expect(listed.every((o) => o.index >= 0)).toBe(true);
    const last = new Float64Array(readings.cameras.length).fill(END - 30 * DAY - MIN);
    const unexplained: string[] = [];
    const check = (j: number, from: number, to: number) => {
      if (to - from <= 11 * MIN) return;
      const ok = listed.some((o) => o.index === j && o.fromMs <= from + 11 * MIN && o.toMs >= to - 11 * MIN);
      if (!ok)
        unexplained.push(
          `${readings.cameras[j]!.externalId} ${new Date(from).toISOString()}–${new Date(to).toISOString()}`,
        );
    };
    const rowsInside = new Array<number>(listed.length).fill(0);
    for (let i = 0; i < readings.length; i++) {
      const j = readings.camera[i]!;
      const t = readings.timeMs[i]!;
      check(j, last[j]!, t);
      last[j] = t;
      listed.forEach((o, k) => {
        if (o.index === j && t >= o.fromMs && t < o.toMs) rowsInside[k]! += 1;
      });
    }
    readings.cameras.forEach((_, j) => check(j, last[j]!, END));
    expect(unexplained).toEqual([]);
    expect(rowsInside.every((n) => n === 0)).toBe(true);
    expect(readings.outages.length).toBeGreaterThan(0);
  });

  it('marks about 0.05 % of the frames invalid, as dead (−40 °C) or glitched (200–600 °C) frames without a mean', () => {
    let invalid = 0;
    let malformed = 0;
    for (let i = 0; i < readings.length; i++) {
      if (readings.quality[i] !== INVALID) continue;
      invalid++;
      const max = readings.maxTempC[i]!;
      if (!(max === -40 || (max >= 200 && max <= 600)) || !Number.isNaN(readings.meanTempC[i]!)) malformed++;
    }
    expect(malformed).toBe(0);
    expect(invalid / readings.length).toBeGreaterThan(0.00035);
    expect(invalid / readings.length).toBeLessThan(0.00065);
  });

  it('keeps the values inside the schema CHECKs (−80…1500 °C) and the mean at or below the max', () => {
    let bad = 0;
    for (let i = 0; i < readings.length; i++) {
      const max = readings.maxTempC[i]!;
      const mean = readings.meanTempC[i]!;
      if (max < -80 || max > 1500) bad++;
      if (readings.quality[i] !== INVALID && !(mean <= max && mean >= -80)) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('generateDemoReadings: weather', () => {
  it('has the summit in cloud about 40 % of the time overall', () => {
    // By hand: onset 1/390 per minute × (1 + 2·(3√π/24) = 1.44 on average), clearing 1/180 → a stationary
    // share k·180/(k·180 + 270) for cloudiness k: 0.40 at k = 1, 0.52 at 1.6, 0.35 at 0.8; the camera mix
    // averages 0.41, plus ≈ 1 % of local fog.
    let obscured = 0;
    for (let i = 0; i < readings.length; i++) if (readings.quality[i] === OBSCURED) obscured++;
    const share = obscured / readings.length;
    expect(share).toBeGreaterThan(0.33);
    expect(share).toBeLessThan(0.5);
  });

  it('clouds the Amazon-facing Sangay and Reventador more than the Galápagos shields', () => {
    const share = (keep: (v: Volcano) => boolean) => {
      let n = 0;
      let obscured = 0;
      for (let i = 0; i < readings.length; i++) {
        if (!keep(volcanoOf[readings.camera[i]!]!)) continue;
        n++;
        if (readings.quality[i] === OBSCURED) obscured++;
      }
      return obscured / n;
    };
    const amazon = share((v) => v.name === 'Sangay' || v.name === 'Reventador'); // ≈ 0.52
    const galapagos = share((v) => v.position[0] < -85); // ≈ 0.35
    expect(amazon - galapagos).toBeGreaterThan(0.08);
  });

  it('holds obscured spells for hours (a Markov chain), not minute-to-minute flicker', () => {
    // Mean summit-cloud spell 180 min; local fog 60 min; dropouts cut a few.
    let spells = 0;
    let frames = 0;
    const last = new Int32Array(readings.cameras.length).fill(-1);
    const lastT = new Float64Array(readings.cameras.length);
    for (let i = 0; i < readings.length; i++) {
      const j = readings.camera[i]!;
      if (readings.quality[i] !== OBSCURED) {
        last[j] = -1;
        continue;
      }
      frames++;
      if (last[j] === -1 || readings.timeMs[i]! - lastT[j]! > 30 * MIN) spells++;
      last[j] = i;
      lastT[j] = readings.timeMs[i]!;
    }
    expect(frames / spells).toBeGreaterThan(90);
  });

  it('shows the Cotopaxi baseline of a snow-capped summit at night: about −5 °C', () => {
    // By hand: air at 5,911 m = 26 − 6 × 5.911 = −9.47 °C; vent excess +6; radiative cooling at solar 02–04 h
    // ≈ 2 × (0.5 + 0.5 cos 30°) = 1.87 → −5.3 °C, ± the cameras' view offsets (±2 °C each) and weather.
    expect(summitAirC(5911)).toBeCloseTo(-9.466, 3);
    const cotopaxi = episode('cotopaxi-gradual-rise');
    const { mean, n } = meanMax((i) => {
      const v = volcanoOf[readings.camera[i]!]!;
      const t = readings.timeMs[i]!;
      const h = solarHour(t, v.position[0]);
      return v.name === 'Cotopaxi' && readings.quality[i] === OK && h >= 2 && h < 4 && t < cotopaxi.startMs;
    });
    expect(n).toBeGreaterThan(500);
    expect(Math.abs(mean - -5.3)).toBeLessThan(2);
  });

  it('heats the slopes in the late morning in clear weather: about +9 °C between 02–04 h and 10–12 h solar', () => {
    // By hand for calm Chiles-Cerro Negro: 12 °C × mean clearness 0.75 × mean Gaussian bump over 10–12 h (0.94)
    // = 8.5 °C, minus 1.0 °C of cooling left at 11 h, against −1.87 °C at 03 h → +9.3 °C.
    const at = (from: number, to: number, quality: number) =>
      meanMax((i) => {
        const v = volcanoOf[readings.camera[i]!]!;
        const h = solarHour(readings.timeMs[i]!, v.position[0]);
        return v.name === 'Chiles-Cerro Negro' && readings.quality[i] === quality && h >= from && h < to;
      }).mean;
    const clear = at(10, 12, OK) - at(2, 4, OK);
    expect(clear).toBeGreaterThan(7.5);
    expect(clear).toBeLessThan(11);
    // In cloud the camera sees the cloud, near air temperature: no solar cycle.
    expect(Math.abs(at(10, 12, OBSCURED) - at(2, 4, OBSCURED))).toBeLessThan(1.5);
  });

  it('never shows the mountain through cloud: obscured frames stay near the summit air temperature', () => {
    // Obscured max = air − 2 °C + weather (σ 1.2) + noise (σ 0.3): far below air + 6 °C.
    let above = 0;
    for (let i = 0; i < readings.length; i++) {
      if (readings.quality[i] !== OBSCURED) continue;
      if (readings.maxTempC[i]! > summitAirC(volcanoOf[readings.camera[i]!]!.elevationM) + 6) above++;
    }
    expect(above).toBe(0);
  });
});

describe('generateDemoReadings: injected unrest (ground truth)', () => {
  it('places the default episodes: Cotopaxi rise in the last 30 days, Sangay spike and Reventador rise in the last 3', () => {
    const episodes = defaultThermalEpisodes(END, cameras);
    expect(episodes.map((e) => e.id)).toEqual([
      'cotopaxi-gradual-rise',
      'sangay-spike',
      'reventador-rise-stale-camera',
    ]);
    const [cotopaxi, sangay, reventador] = episodes as [ThermalEpisode, ThermalEpisode, ThermalEpisode];
    expect(cotopaxi.peakMs - cotopaxi.startMs).toBe(4 * DAY);
    expect(cotopaxi.deltaC).toBe(25);
    expect(sangay.peakMs - sangay.startMs).toBe(5 * MIN);
    expect(sangay.deltaC).toBe(80);
    expect(sangay.startMs).toBeGreaterThan(END - 3 * DAY);
    expect(reventador.startMs).toBeGreaterThan(END - 3 * DAY);
    expect(reventador.silentCameras).toHaveLength(1);
    expect(episodes.every((e) => e.label.includes('synthetic'))).toBe(true);
  });

  it('shapes an episode as a ramp, a plateau and a linear decay', () => {
    const e: ThermalEpisode = {
      ...defaultThermalEpisodes(END, cameras)[0]!,
      startMs: 0,
      peakMs: 100,
      endMs: 200,
      decayMs: 50,
      deltaC: 10,
    };
    expect([-1, 0, 50, 100, 150, 200, 225, 250, 300].map((t) => episodeExcessC(e, t))).toEqual([
      0, 0, 5, 10, 10, 10, 5, 0, 0,
    ]);
  });

  it('Sangay: +80 °C within minutes on every camera, where nothing came near before', () => {
    const e = episode('sangay-spike');
    const sangay = new Set(cameraIndexes(e.volcanoGvp));
    // Calm day max: air −5.7 + vent 35 + sun ≤ 12 + view ±2 + weather → < 50 °C; at the plateau +80 → ≥ 100 °C.
    let before = -Infinity;
    let duringMin = Infinity;
    const seenEarly = new Set<number>();
    for (let i = 0; i < readings.length; i++) {
      const j = readings.camera[i]!;
      if (!sangay.has(j) || readings.quality[i] !== OK) continue;
      const t = readings.timeMs[i]!;
      if (t >= e.startMs - DAY && t < e.startMs) before = Math.max(before, readings.maxTempC[i]!);
      if (t >= e.peakMs && t < e.endMs) duringMin = Math.min(duringMin, readings.maxTempC[i]!);
      if (t >= e.peakMs && t < e.peakMs + HOUR) seenEarly.add(j);
    }
    expect(before).toBeLessThan(50);
    expect(duringMin).toBeGreaterThan(100);
    // The sky is held clear around the onset, so every camera sees it within the first hour.
    expect(seenEarly.size).toBe(sangay.size);
  });

  it('Cotopaxi: the night-time max rises by about 25 °C over 4 days and comes back down', () => {
    const e = episode('cotopaxi-gradual-rise');
    const lon = volcanoes.find((v) => v.gvpNumber === e.volcanoGvp)!.position[0];
    const cams = new Set(cameraIndexes(e.volcanoGvp));
    const night = (from: number, to: number) =>
      meanMax((i) => {
        const t = readings.timeMs[i]!;
        const h = solarHour(t, lon);
        return (
          cams.has(readings.camera[i]!) &&
          readings.quality[i] === OK &&
          t >= from &&
          t < to &&
          (h < 5 || h >= 21)
        );
      }).mean;
    const calm = night(e.startMs - 10 * DAY, e.startMs);
    const plateau = night(e.peakMs, e.endMs);
    const after = night(e.endMs + e.decayMs, END);
    expect(Math.abs(plateau - calm - 25)).toBeLessThan(2);
    expect(Math.abs(after - calm)).toBeLessThan(2);
    // On the ramp each night frame should sit 25 °C × (t − start) / 4 days above the calm nights.
    let residual = 0;
    let n = 0;
    for (let i = 0; i < readings.length; i++) {
      const t = readings.timeMs[i]!;
      const h = solarHour(t, lon);
      if (!cams.has(readings.camera[i]!) || readings.quality[i] !== OK || t < e.startMs || t >= e.peakMs)
        continue;
      if (h >= 5 && h < 21) continue;
      residual += readings.maxTempC[i]! - calm - (25 * (t - e.startMs)) / (4 * DAY);
      n++;
    }
    expect(n).toBeGreaterThan(300);
    expect(Math.abs(residual / n)).toBeLessThan(2);
  });

  it('Reventador: one camera falls silent during the rise while the others keep reporting it', () => {
    const e = episode('reventador-rise-stale-camera');
    const silent = e.silentCameras[0]!;
    const silentIndex = readings.cameras.findIndex((c) => c.externalId === silent.externalId);
    expect(readings.cameras[silentIndex]?.volcanoGvp).toBe(e.volcanoGvp);
    let silentRows = 0;
    let silentRowsJustBefore = 0;
    const othersHot = new Set<number>();
    for (let i = 0; i < readings.length; i++) {
      const t = readings.timeMs[i]!;
      const j = readings.camera[i]!;
      if (j === silentIndex) {
        if (t >= silent.fromMs && t < silent.toMs) silentRows++;
        if (t >= silent.fromMs - 30 * MIN && t < silent.fromMs) silentRowsJustBefore++;
      } else if (volcanoOf[j]!.gvpNumber === e.volcanoGvp && readings.quality[i] === OK && t >= e.peakMs) {
        // Air at 3,562 m is 4.6 °C, vent +30, unrest +40 → ≈ 75 °C at night.
        if (readings.maxTempC[i]! > 60) othersHot.add(j);
      }
    }
    expect(silentRows).toBe(0);
    // Held clear and without dropouts from an hour before the onset: a reading every minute.
    expect(silentRowsJustBefore).toBe(30);
    expect(othersHot.size).toBe(cameraIndexes(e.volcanoGvp).length - 1);
    expect(silent.toMs).toBe(END);
  });
});

describe('generateDemoReadings: reproducibility and slices', () => {
  it('emits exactly the tail of the full series from a later instant (the 3-day start-up slice)', () => {
    const from = END - 3 * DAY;
    const slice = generateDemoReadings({ cameras, volcanoes }, { seed: 911, endMs: END, fromMs: from });
    let first = 0;
    while (readings.timeMs[first]! < from) first++;
    expect(slice.length).toBe(readings.length - first);
    let same = true;
    for (let i = 0; i < slice.length && same; i++) {
      const k = first + i;
      same =
        slice.camera[i] === readings.camera[k] &&
        slice.timeMs[i] === readings.timeMs[k] &&
        Object.is(slice.maxTempC[i], readings.maxTempC[k]) &&
        Object.is(slice.meanTempC[i], readings.meanTempC[k]) &&
        slice.quality[i] === readings.quality[k];
    }
    expect(same).toBe(true);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const a = generateDemoReadings({ cameras, volcanoes }, { seed: 5, endMs: END, days: 2 });
    const b = generateDemoReadings({ cameras, volcanoes }, { seed: 5, endMs: END, days: 2 });
    const c = generateDemoReadings({ cameras, volcanoes }, { seed: 6, endMs: END, days: 2 });
    expect(b.maxTempC).toEqual(a.maxTempC);
    expect(b.quality).toEqual(a.quality);
    expect(c.length === a.length && c.maxTempC.every((v, i) => Object.is(v, a.maxTempC[i]))).toBe(false);
  });

  it('names a volcano missing from the list', () => {
    expect(() => generateDemoReadings({ cameras, volcanoes: [] }, { seed: 1, endMs: END, days: 1 })).toThrow(
      /351110/,
    );
  });
});
