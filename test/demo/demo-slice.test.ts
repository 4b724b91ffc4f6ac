import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../server/demo/demo-data.js';
import { DEFAULT_DEMO_SEED, demoDataPlan } from '../../server/demo/demo-slice.js';
import { loadProvinces, loadVolcanoes } from './reference.js';

const DAY = 86_400_000;

describe('demoDataPlan', () => {
  it('keeps all cameras, the last 30 days of incidents and the last 3 days of readings in the slice', () => {
    const plan = demoDataPlan('slice', Date.parse('2025-06-01T12:34:56Z'));
    const end = Date.parse('2025-06-01T12:00:00Z'); // floored to the hour
    expect(plan).toEqual({
      size: 'slice',
      seed: DEFAULT_DEMO_SEED,
      endMs: end,
      cameras: { count: 4500 },
      incidents: { count: 1_000_000, days: 365, fromMs: end - 30 * DAY },
      readings: { days: 30, fromMs: end - 3 * DAY },
    });
  });

  it('emits every series from its start in the full set', () => {
    const plan = demoDataPlan('full', Date.parse('2025-06-01T12:00:00Z'), 'other');
    expect(plan.seed).toBe('other');
    expect(plan.incidents.fromMs).toBe(plan.endMs - 365 * DAY);
    expect(plan.readings.fromMs).toBe(plan.endMs - 30 * DAY);
  });

  it('rejects an unknown size or a bad end instant, naming it', () => {
    expect(() => demoDataPlan('huge' as 'full', 0)).toThrow(/huge/);
    expect(() => demoDataPlan('slice', Number.NaN)).toThrow(/NaN/);
  });
});

describe('generateDemoData with the start-up slice', () => {
  const plan = demoDataPlan('slice', Date.parse('2025-06-01T05:00:00Z'));
  const data = generateDemoData(plan, { provinces: loadProvinces(), volcanoes: loadVolcanoes() });

  it('is small enough for a first start: 4,500 cameras, ≈ 81,000 incidents, ≈ 174,000 readings', () => {
    expect(data.cameras).toHaveLength(4500);
    // Background 1,000,000 − 4,400 surge incidents = 995,600 a year; 30/365 of it is 81,830, and May runs at
    // 0.983 of the yearly mean (fires ×0.8/1.008, natural hazards ×1.0/1.058, traffic and security
    // ×1/1.008 for December's 1.1) → 80,440; plus the 600 festival-night incidents → 81,040.
    expect(Math.abs(data.incidents.length - 81_040) / 81_040).toBeLessThan(0.015);
    // 41 cameras × 3 × 1,440 = 177,120 minutes, less ≈ 1.1 % of dropouts and outages and the silent
    // camera's 1,170 minutes → ≈ 174,000.
    expect(Math.abs(data.readings.length - 174_000) / 174_000).toBeLessThan(0.015);
    expect(data.incidents.timeMs[0]).toBeGreaterThanOrEqual(plan.incidents.fromMs);
    expect(data.readings.timeMs[0]).toBeGreaterThanOrEqual(plan.readings.fromMs);
  });

  it('exports the ground truth as plain JSON, labelled synthetic, with the episodes the slice holds', () => {
    const truth = JSON.parse(JSON.stringify(data.groundTruth)) as typeof data.groundTruth;
    expect(truth).toEqual(data.groundTruth);
    expect(truth.synthetic).toBe(true);
    expect(truth.monitoredVolcanoGvps).toHaveLength(14);
    expect(truth.incidentSurges.map((s) => s.id)).toContain('festival-quito');
    expect(truth.thermalOutages.every((o) => o.reason.includes('synthetic'))).toBe(true);
    expect(truth.assumptions.placeWeightsNote).toMatch(/not shipped population data/);
    const inSlice = truth.thermalEpisodes.filter((e) => e.startMs >= plan.readings.fromMs).map((e) => e.id);
    expect(inSlice).toEqual(['sangay-spike', 'reventador-rise-stale-camera']);
    const festival = truth.incidentSurges.find((s) => s.id === 'festival-quito')!;
    expect(festival.startMs).toBeGreaterThanOrEqual(plan.incidents.fromMs);
  });
});
