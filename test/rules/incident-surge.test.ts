import { cellToLatLng, getResolution, greatCircleDistance } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { IncidentCategory } from '../../server/domain/types.js';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { classifyIncidentSurge, usualCount } from '../../server/rules/incident-surge.js';
import type { RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import type { IncidentInput } from '../../server/rules/rule-inputs.js';
import { createEvaluator, createRule, summary, S } from './rule-fixtures.js';

function surgeRule(params: Record<string, unknown>, id = 'surge', scope: unknown = { type: 'all' }) {
  return createRule(
    { name: `surge ${id}`, kind: 'incident_surge', severity: 'watch', scope, params } as never,
    id,
  );
}

let nextId = 0;
function incident(
  seconds: number,
  regionId: string | null,
  extra: Partial<IncidentInput> = {},
): IncidentInput {
  return {
    id: `i${nextId++}`,
    tsMs: seconds * S,
    category: 'traffic' as IncidentCategory,
    regionId,
    lng: -78.5,
    lat: -0.2,
    ...extra,
  };
}

function ingest(
  ev: RuleEvaluator,
  incidents: IncidentInput[],
  out: AlertTransition[] = [],
): AlertTransition[] {
  for (const i of incidents) ev.ingestIncident(i, out);
  return out;
}

describe('classifyIncidentSurge', () => {
  const p = surgeRule({
    windowSeconds: 3600,
    countAbove: 3,
    clearCountAtOrBelow: 1,
    rateMultiplier: 3,
    clearRateMultiplier: 1,
    baselineDays: 1,
  }).params as never;
  it('needs both the count floor and the multiple of the usual count to match', () => {
    expect(classifyIncidentSurge(p, 4, 1)).toBe('match'); // 4 > 3 and 4 > 3·1
    expect(classifyIncidentSurge(p, 4, 2)).toBe('hold'); // 4 ≤ 3·2, but above the clear lines 1 and 1·2
    expect(classifyIncidentSurge(p, 3, 0)).toBe('hold');
    expect(classifyIncidentSurge(p, 1, 0)).toBe('clear');
    expect(classifyIncidentSurge(p, 3, 3)).toBe('clear'); // at or below 1 × usual
  });

  it('takes the mean over the baseline days inside known history, and NaN with too few of them', () => {
    const params = surgeRule({ windowSeconds: 3600, countAbove: 0, rateMultiplier: 2, baselineDays: 4 })
      .params as never;
    // 12 incidents in the same hour over 3 days is 4 a window; 3 days ≥ the ⌈4/2⌉ = 2 needed
    expect(usualCount(params, 12, 3)).toBe(4);
    expect(usualCount(params, 3, 1)).toBeNaN(); // 1 day < 2
    expect(usualCount(params, 0, 2)).toBe(0); // two known quiet days: a quiet place, not an unknown one
  });

  it('never matches on an unknown usual count (NaN), but can still clear by count', () => {
    const p = surgeRule({
      windowSeconds: 3600,
      countAbove: 3,
      clearCountAtOrBelow: 1,
      rateMultiplier: 3,
      baselineDays: 2,
    }).params as never;
    expect(classifyIncidentSurge(p, 100, NaN)).toBe('hold');
    expect(classifyIncidentSurge(p, 1, NaN)).toBe('clear');
  });
});

describe('incident surge per region', () => {
  it('fires when the count in the window passes N and resolves as the window empties', () => {
    const ev = createEvaluator(
      [surgeRule({ windowSeconds: 3600, countAbove: 3, clearCountAtOrBelow: 1 })],
      [],
      60,
    );
    const out = ingest(ev, [
      incident(0, 'quito'),
      incident(600, 'quito'),
      incident(700, 'cuenca'),
      incident(800, null), // outside every region
      incident(1200, 'quito'),
      incident(1800, 'quito'),
    ]);
    ev.tick(6000 * S, out);
    // Window (t − 3600, t]: 4 at 1800 s; 3 from 3600 s (the 0 s one leaves), 2 from 4200 s, 1 at 4800 s → clear.
    expect(summary(out, true)).toEqual([
      'region:quito inactive>pending@1800',
      'region:quito pending>firing@1800',
      'region:quito firing>resolved@4800',
    ]);
    expect(out[1]!.evidence).toMatchObject({ count: 4, countAbove: 3, windowSeconds: 3600 });
    expect((out[1]!.evidence as { incidents: { id: string }[] }).incidents).toHaveLength(4);
  });

  it('counts only the listed categories', () => {
    const ev = createEvaluator(
      [surgeRule({ windowSeconds: 3600, countAbove: 1, categories: ['fire'] })],
      [],
      60,
    );
    const out = ingest(ev, [
      incident(0, 'quito'),
      incident(10, 'quito'),
      incident(20, 'quito', { category: 'fire' }),
      incident(30, 'quito', { category: 'fire' }),
    ]);
    expect(summary(out)).toEqual(['inactive>pending@30', 'pending>firing@30']);
  });

  it('only counts its own region when scoped to one', () => {
    const ev = createEvaluator(
      [surgeRule({ windowSeconds: 3600, countAbove: 1 }, 'r', { type: 'region', centerId: 'cuenca' })],
      [],
      60,
    );
    const out = ingest(ev, [
      incident(0, 'quito'),
      incident(10, 'quito'),
      incident(20, 'cuenca'),
      incident(30, 'cuenca'),
    ]);
    expect(summary(out, true)).toEqual([
      'region:cuenca inactive>pending@30',
      'region:cuenca pending>firing@30',
    ]);
  });

  it('counts a late incident in its place', () => {
    const ev = createEvaluator([surgeRule({ windowSeconds: 600, countAbove: 2 })], [], 60);
    const out = ingest(ev, [incident(0, 'quito'), incident(500, 'quito'), incident(300, 'quito')]);
    // At 500 s (the clock does not go back): 0, 300 and 500 are all within (−100, 500].
    expect(summary(out)).toEqual(['inactive>pending@500', 'pending>firing@500']);
  });

  it('compares with k times the place’s usual count at that time of day: the same burst alerts in a quiet region, not in a busy one', () => {
    const rule = surgeRule({
      windowSeconds: 3600,
      countAbove: 5,
      rateMultiplier: 3,
      clearRateMultiplier: 1,
      baselineDays: 1,
    });
    const ev = createEvaluator([rule], [], 60);
    const day1 = 86_400;
    const history: IncidentInput[] = [];
    // Day 0 and the morning of day 1: Quito one incident an hour (at hh:30), Samborondón five an hour (every
    // 12 minutes from 00:06). Neither ever has more than 5 in an hour.
    for (let t = 1800; t < day1 + 43_200; t += 3600) history.push(incident(t, 'quito'));
    for (let t = 360; t < day1 + 43_200; t += 720) history.push(incident(t, 'samborondon'));
    // Day 1, 12:01 to 12:05: five extra incidents a minute apart in each region.
    for (const s of [60, 120, 180, 240, 300]) {
      history.push(incident(day1 + 43_200 + s, 'quito'), incident(day1 + 43_200 + s, 'samborondon'));
    }
    history.sort((a, b) => a.tsMs - b.tsMs);
    const out = ingest(ev, history);
    // Quito at 12:05 on day 1 (129 900 s): the window (126 300, 129 900] holds 11:30 (127 800) + 5 = 6 > 5;
    // the same window a day earlier, (39 900, 43 500], holds 11:30 (41 400): usual 1 → 6 > 3 × 1: fires.
    // Samborondón: 5 regular (11:06 … 11:54) + 5 = 10 > 5 too, but its usual is 5 and 10 ≤ 3 × 5: never.
    expect(summary(out, true)).toEqual([
      'region:quito inactive>pending@129900',
      'region:quito pending>firing@129900',
    ]);
    expect(out[1]!.evidence).toMatchObject({
      count: 6,
      baselineCount: 1,
      baselineDaysUsed: 1,
      usualCount: 1,
      rateMultiplier: 3,
    });
  });

  it('compares a nightly peak with the same hour of earlier nights, not with the daily mean', () => {
    const rule = surgeRule({ windowSeconds: 3600, countAbove: 5, rateMultiplier: 3, baselineDays: 2 });
    const ev = createEvaluator([rule], [], 60);
    const history: IncidentInput[] = [];
    // Three days: one incident an hour at hh:30, and every night ten more between 01:00 and 01:09.
    for (let day = 0; day < 3; day++) {
      for (let h = 0; h < 24; h++) history.push(incident(day * 86_400 + h * 3600 + 1800, 'quito'));
      for (let m = 0; m < 10; m++) history.push(incident(day * 86_400 + 3600 + m * 60, 'quito'));
    }
    history.sort((a, b) => a.tsMs - b.tsMs);
    // Night 0 has no baseline (history starts at 00:30 of day 0). Nights 1 and 2 hold at most 10 + 1 in an
    // hour, against a usual of 10 or 11 at that hour: never 3 times more. Against the daily mean
    // (34 a day ≈ 1.4 an hour) every night would fire.
    expect(ingest(ev, history)).toEqual([]);
  });

  it('does not read the time before its first incident as calm: a burst with no known baseline does not fire', () => {
    const rule = surgeRule({ windowSeconds: 3600, countAbove: 5, rateMultiplier: 3, baselineDays: 2 });
    const ev = createEvaluator([rule], [], 60);
    const burst = Array.from({ length: 20 }, (_, i) => incident(3600 + i * 30, 'quito'));
    expect(ingest(ev, burst)).toEqual([]);
    // Two days later the same burst is compared with day 1's one incident at that hour (86 400 + 3 600 s);
    // day 0's window starts before the first incident, so it is left out: 1 known day ≥ ⌈2/2⌉, usual 1,
    // and 20 > 3 × 1 fires.
    const later = [incident(86_400 + 3600, 'quito')];
    const burst2 = Array.from({ length: 20 }, (_, i) => incident(2 * 86_400 + 3600 + i * 30, 'quito'));
    const out = ingest(ev, [...later, ...burst2]);
    expect(summary(out, true)[0]).toMatch(/^region:quito inactive>pending@/);
  });
});

describe('incident surge per H3 cell', () => {
  it('alerts for the cell with the cluster, keyed by its resolution-7 cell', () => {
    const ev = createEvaluator(
      [surgeRule({ groupBy: 'h3', hexResolution: 7, windowSeconds: 1800, countAbove: 2 })],
      [],
      60,
    );
    const quito = { lng: -78.5126, lat: -0.2202 }; // Plaza Grande
    const guayaquil = { lng: -79.8862, lat: -2.1894 };
    const out = ingest(ev, [
      incident(0, 'quito', quito),
      incident(60, 'samborondon', guayaquil),
      incident(120, 'quito', { lng: quito.lng + 0.0002, lat: quito.lat }),
      incident(180, 'samborondon', guayaquil),
      incident(240, 'quito', { lng: quito.lng, lat: quito.lat - 0.0002 }),
      incident(2400, 'samborondon', guayaquil), // the first two have left the 30-minute window
    ]);
    // Three in the Quito cell by 240 s; the window (t − 1800, t] drops the 0 s one at 1800 s: 2 ≤ 2, resolved.
    expect(summary(out)).toEqual(['inactive>pending@240', 'pending>firing@240', 'firing>resolved@1800']);
    const key = out[0]!.scopeKey;
    expect(key).toMatch(/^h3:[0-9a-f]{15}$/);
    const cell = key.slice(3);
    expect(getResolution(cell)).toBe(7);
    // Its centre is within a resolution-7 cell's size (edge ≈ 1.4 km) of the plaza.
    const [lat, lng] = cellToLatLng(cell);
    expect(greatCircleDistance([lat, lng], [quito.lat, quito.lng], 'km')).toBeLessThan(1.5);
  });

  it('reports an incident it cannot place as an error of the rule, and clears it with the next good one', () => {
    const ev = createEvaluator(
      [surgeRule({ groupBy: 'h3', hexResolution: 7, windowSeconds: 1800, countAbove: 5 })],
      [],
      60,
    );
    const out = ingest(ev, [incident(0, 'quito', { lng: NaN }), incident(10, 'quito')]);
    expect(summary(out, true)).toEqual([
      'input:incident inactive>error@0',
      'input:incident error>inactive@10',
    ]);
    expect(out[0]!.message).toMatch(/has no valid position: \(NaN, -0.2\)/);
  });
});
