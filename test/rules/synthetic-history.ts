/**
 * A few days of made-up but lively history for equivalence tests (live vs backtest, snapshot vs
 * uninterrupted, incremental vs rescan): thermal cameras with a daily sun cycle, noise, hot episodes, long
 * cloud, a silent spell and a corrupt frame; incidents with a surge; coverage changes. Not a test file.
 */
import type { IncidentCategory, ReadingQuality } from '../../server/domain/types.js';
import type { CoverageInput, IncidentInput, ReadingInput } from '../../server/rules/rule-inputs.js';
import type { CameraRef } from '../../server/rules/scope.js';
import { createRandom, DAY, HOUR, MIN } from './rule-fixtures.js';

export const HISTORY_START = Date.UTC(2025, 2, 1);

export interface SyntheticHistory {
  cameras: CameraRef[];
  readings: ReadingInput[];
  incidents: IncidentInput[];
  coverage: CoverageInput[];
  endMs: number;
}

const CATEGORIES: IncidentCategory[] = ['traffic', 'medical', 'fire', 'security', 'natural_hazard', 'other'];

export function createSyntheticHistory(days: number, seed = 1): SyntheticHistory {
  const rnd = createRandom(seed);
  const endMs = HISTORY_START + days * DAY;
  const cameras: CameraRef[] = [
    { id: 'cotopaxi-n', kind: 'thermal', status: 'online', volcanoGvp: 352050, centerId: 'ambato' },
    { id: 'cotopaxi-s', kind: 'thermal', status: 'online', volcanoGvp: 352050, centerId: 'ambato' },
    { id: 'tungurahua', kind: 'thermal', status: 'online', volcanoGvp: 352080, centerId: 'ambato' },
    { id: 'sangay', kind: 'thermal', status: 'online', volcanoGvp: 352090, centerId: 'macas' },
    { id: 'reventador', kind: 'thermal', status: 'online', volcanoGvp: 352010, centerId: 'nueva_loja' },
    {
      id: 'quito-dome-1',
      kind: 'dome',
      status: 'online',
      centerId: 'quito',
      lastSeenMs: HISTORY_START - 5 * MIN,
    },
  ];
  const readings: ReadingInput[] = [];
  cameras.slice(0, 5).forEach((cam, c) => {
    const base = [0, -2, 1, 40, 30][c]!;
    let cloud = 0;
    let hot = 0;
    let silentUntil = -Infinity;
    for (let t = HISTORY_START; t < endMs; t += MIN) {
      if (t < silentUntil) continue;
      if (rnd() < 0.0003) {
        silentUntil = t + (10 + rnd() * 50) * MIN; // a link down for 10–60 minutes
        continue;
      }
      const hour = ((t - HISTORY_START) % DAY) / HOUR;
      const sun = Math.max(0, Math.sin(((hour - 11) / 12) * Math.PI)) * 18; // afternoon in UTC ≈ midday local
      // A forced clear, hot spell with a corrupt frame in it, so a firing alert meets an error.
      if (c === 1 && t === HISTORY_START + DAY + 11 * HOUR) {
        hot = 120;
        cloud = 0;
      }
      if (hot > 0) hot--;
      else if (rnd() < 0.0015) hot = Math.floor(20 + rnd() * 120);
      if (cloud > 0) cloud--;
      else if (hot === 0 && rnd() < 0.004) cloud = Math.floor(rnd() < 0.1 ? 300 + rnd() * 600 : rnd() * 90);
      const v = base + sun + (rnd() - 0.5) * 3 + (hot > 0 ? 60 + rnd() * 40 : 0);
      const corrupt =
        c === 1 &&
        (t === HISTORY_START + 2 * DAY + 7 * HOUR || t === HISTORY_START + DAY + 12 * HOUR + 5 * MIN);
      // Two corrupt frames: one at night, one in the forced hot spell.
      const quality: ReadingQuality = corrupt
        ? 'ok'
        : cloud > 0
          ? rnd() < 0.9
            ? 'obscured'
            : 'invalid'
          : 'ok';
      const maxTempC = corrupt ? NaN : Math.round(v * 10) / 10;
      readings.push({
        cameraId: cam.id,
        tsMs: t,
        maxTempC,
        meanTempC: quality === 'ok' ? Math.round((v / 3) * 10) / 10 : null,
        quality,
      });
    }
  });
  readings.sort((a, b) => a.tsMs - b.tsMs);

  const incidents: IncidentInput[] = [];
  const places = [
    { regionId: 'quito', lng: -78.5126, lat: -0.2202, perHour: 6 },
    { regionId: 'samborondon', lng: -79.8862, lat: -2.1894, perHour: 8 },
    { regionId: 'ambato', lng: -78.6167, lat: -1.2491, perHour: 2 },
  ];
  let n = 0;
  for (let t = HISTORY_START; t < endMs; t += MIN) {
    for (const p of places) {
      const surge =
        p.regionId === 'ambato' && t > HISTORY_START + DAY + 15 * HOUR && t < HISTORY_START + DAY + 17 * HOUR
          ? 15
          : 1;
      if (rnd() < (p.perHour * surge) / 60) {
        incidents.push({
          id: `inc-${n++}`,
          tsMs: t + Math.floor(rnd() * 59) * 1000,
          category: CATEGORIES[Math.floor(rnd() * CATEGORIES.length)]!,
          regionId: p.regionId,
          lng: p.lng + (rnd() - 0.5) * 0.02,
          lat: p.lat + (rnd() - 0.5) * 0.02,
        });
      }
    }
  }
  incidents.sort((a, b) => a.tsMs - b.tsMs);

  const coverage: CoverageInput[] = [];
  for (let t = HISTORY_START + 3 * HOUR; t < endMs; t += 5 * HOUR) {
    coverage.push({
      regionId: 'quito',
      tsMs: t,
      coveredFraction: Math.round(rnd() * 100) / 100,
      offlineCameraIds: ['quito-dome-1'],
    });
  }
  return { cameras, readings, incidents, coverage, endMs };
}

export type HistoryEvent =
  | { kind: 'reading'; r: ReadingInput }
  | { kind: 'incident'; i: IncidentInput }
  | { kind: 'coverage'; c: CoverageInput };

/** All inputs merged in time order; at equal times readings, then incidents, then coverage (as backtest does). */
export function mergedEvents(h: SyntheticHistory): HistoryEvent[] {
  const events: [number, number, HistoryEvent][] = [
    ...h.readings.map((r, i): [number, number, HistoryEvent] => [r.tsMs, i, { kind: 'reading', r }]),
    ...h.incidents.map((i, k): [number, number, HistoryEvent] => [i.tsMs, 1e9 + k, { kind: 'incident', i }]),
    ...h.coverage.map((c, k): [number, number, HistoryEvent] => [c.tsMs, 2e9 + k, { kind: 'coverage', c }]),
  ];
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return events.map((e) => e[2]);
}

export function eventTime(e: HistoryEvent): number {
  return e.kind === 'reading' ? e.r.tsMs : e.kind === 'incident' ? e.i.tsMs : e.c.tsMs;
}
