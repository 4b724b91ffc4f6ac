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

  it('scales the baseline count to one window', () => {
    // 48 incidents over one day is 2 an hour
    expect(
      usualCount(
        surgeRule({ windowSeconds: 3600, countAbove: 0, rateMultiplier: 2, baselineDays: 1 }).params as never,
        48,
      ),
    ).toBe(2);
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

  it('compares with k times the place’s usual rate: the same burst alerts in a quiet region, not in a busy one', () => {
    const rule = surgeRule({
      windowSeconds: 3600,
      countAbove: 5,
      rateMultiplier: 3,
      clearRateMultiplier: 1,
      baselineDays: 1,
    });
    const ev = createEvaluator([rule], [], 60);
    const history: IncidentInput[] = [];
    // Day 0: Quito one incident an hour (at hh:30), Samborondón five an hour (every 12 minutes). Neither
    // ever has more than 5 in an hour, so the empty baseline of the first day raises nothing.
    for (let k = 0; k < 24; k++) history.push(incident(k * 3600 + 1800, 'quito'));
    for (let k = 0; k < 120; k++) history.push(incident(k * 720 + 360, 'samborondon'));
    history.sort((a, b) => a.tsMs - b.tsMs);
    const out = ingest(ev, history);
    expect(out).toEqual([]);
    // Day 1: five extra incidents a minute apart in each region.
    const day1 = 86400;
    const burst = [60, 120, 180, 240, 300].flatMap((s) => [
      incident(day1 + s, 'quito'),
      incident(day1 + s, 'samborondon'),
    ]);
    ingest(ev, burst, out);
    // Quito at 86 700 s: the window (83 100, 86 700] holds 84 600 (23:30) + 5 = 6 > 5; the day before it,
    // (−3 300, 83 100], holds 23 → usual 23/24 an hour → 6 > 3 × 0.958: fires.
    // Samborondón: 5 + 5 = 10 > 5 too, but its usual is 115/24 ≈ 4.79 an hour and 10 < 3 × 4.79: never.
    expect(summary(out, true)).toEqual([
      'region:quito inactive>pending@86700',
      'region:quito pending>firing@86700',
    ]);
    expect(out[1]!.evidence).toMatchObject({ count: 6, baselineCount: 23, rateMultiplier: 3 });
    expect((out[1]!.evidence as { usualCount: number }).usualCount).toBeCloseTo(23 / 24, 12);
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
