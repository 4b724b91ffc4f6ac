/**
 * The synthetic demo slice's injected episodes (server/demo, ground truth stored in demo_datasets) must
 * raise the alerts the seeded rules (data/rules.yaml) are there for — and nothing else. Each seeded rule is
 * backtested over the slice through the live evaluator's code path (backtests equal live evaluation:
 * test/rules/backtest.test.ts). The expected instants come from the ground truth and the rules' params.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestStoredHistory } from '../../../server/alerts/alert-backtest.js';
import type { Database } from '../../../server/db/database.js';
import { listRules, ruleReferences, seedRules } from '../../../server/db/rule-store.js';
import type { DemoGroundTruth } from '../../../server/demo/demo-data.js';
import type { BacktestAlert } from '../../../server/rules/backtest.js';
import { loadRulesYaml } from '../../../server/rules/load-rules-yaml.js';
import type { StoredRule } from '../../../server/rules/rule-schema.js';
import { loadDemoData } from '../../../server/seed/load-demo.js';
import { DATA_DIR, isolatedTestDatabase } from '../../setup/test-database.js';

const END = Date.parse('2026-03-10T18:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SANGAY = 352090;
const REVENTADOR = 352010;

let db: Database;
let truth: DemoGroundTruth;
let rules: StoredRule[];
const camerasOf = new Map<number, string[]>();

beforeAll(async () => {
  db = await isolatedTestDatabase('demo_episodes');
  await loadDemoData(db, DATA_DIR, { size: 'slice', endMs: END });
  const text = readFileSync(path.join(DATA_DIR, 'rules.yaml'), 'utf8');
  await seedRules(db, loadRulesYaml(text, { references: await ruleReferences(db) }));
  rules = (await listRules(db)).map((r) => r.rule).filter((r): r is StoredRule => r !== null);
  const [row] = await db.query<{ ground_truth: DemoGroundTruth }>('SELECT ground_truth FROM demo_datasets');
  truth = row!.ground_truth;
  const cams = await db.query<{ gvp: number; id: string }>(
    `SELECT volcano_gvp AS gvp, external_id AS id FROM cameras
      WHERE kind = 'thermal' AND volcano_gvp IS NOT NULL ORDER BY external_id`,
  );
  for (const c of cams) camerasOf.set(c.gvp, [...(camerasOf.get(c.gvp) ?? []), c.id]);
}, 300_000);
afterAll(() => db?.close());

function rule(name: string): StoredRule {
  const found = rules.find((r) => r.name === name);
  if (!found) throw new Error(`no seeded rule named ${name}`);
  return found;
}

/** The alerts a seeded rule raises over the slice: 30 days of incidents, 3 days of readings. */
async function alertsOf(name: string): Promise<BacktestAlert[]> {
  const r = rule(name);
  const days = r.kind === 'incident_surge' ? 30 : 3;
  return (await backtestStoredHistory(db, r, END - days * DAY, END)).alerts;
}

function episode(id: string) {
  const e = truth.thermalEpisodes.find((x) => x.id === id);
  if (!e) throw new Error(`no episode ${id}`);
  return e;
}

describe('the demo slice ending 2026-03-10 18:00 UTC', () => {
  it('holds the episodes this test expects (else the test is about another data set)', () => {
    expect(episode('sangay-spike').startMs).toBe(END - 30 * HOUR);
    expect(episode('reventador-rise-stale-camera').startMs).toBe(END - 20 * HOUR);
    expect(camerasOf.get(SANGAY)!.length).toBeGreaterThan(0);
    expect(camerasOf.get(REVENTADOR)).toContain('SYN-CAM-000004');
  });

  it('raises a fast-rise alert on every Sangay camera within minutes of the spike, and on Reventador during its rise — on no other camera', async () => {
    const alerts = await alertsOf('Fast thermal rise');
    const p = rule('Fast thermal rise').params as { forSeconds: number };
    const sangay = episode('sangay-spike');
    const reventador = episode('reventador-rise-stale-camera');
    const byCamera = new Map(alerts.map((a) => [a.scopeKey.replace('camera:', ''), a]));
    expect(new Set(byCamera.keys()).size).toBe(alerts.length); // one alert per camera: no re-firing

    for (const id of camerasOf.get(SANGAY)!) {
      const a = byCamera.get(id);
      expect(a, id).toBeDefined();
      // +80 °C within 5 minutes: pending as the rise lands, firing `forSeconds` later, over well before the end
      expect(a!.startedAt).toBeGreaterThanOrEqual(sangay.startMs);
      expect(a!.startedAt).toBeLessThanOrEqual(sangay.peakMs + 5 * MIN);
      expect(a!.firingAt).toBe(a!.startedAt + p.forSeconds * 1000);
      expect(a!.state).toBe('resolved');
    }
    const reventadorAlerts = alerts.filter((a) =>
      camerasOf.get(REVENTADOR)!.includes(a.scopeKey.replace('camera:', '')),
    );
    // Every Reventador camera still reporting after the rise's first 30 minutes (the silent one stops then)
    const reporting = camerasOf.get(REVENTADOR)!.filter((id) => id !== 'SYN-CAM-000004');
    for (const id of reporting) expect(byCamera.has(id), id).toBe(true);
    for (const a of reventadorAlerts) {
      // +40 °C over 45 minutes: it fires during the rise, not before it
      expect(a.startedAt).toBeGreaterThanOrEqual(reventador.startMs);
      expect(a.startedAt).toBeLessThanOrEqual(reventador.peakMs);
    }
    expect(alerts.length).toBe(camerasOf.get(SANGAY)!.length + reventadorAlerts.length);
  });

  it('raises a stale-sensor alert for the Reventador camera that goes silent, 15 minutes after its last frame, still firing at the end', async () => {
    const alerts = await alertsOf('Volcano camera silent');
    const silent = episode('reventador-rise-stale-camera').silentCameras[0]!;
    expect(alerts.map((a) => a.scopeKey)).toEqual([`camera:${silent.externalId}`]);
    const [a] = alerts;
    // Last frame one minute before the silence (readings are whole minutes); silence of more than 900 s
    // is seen by the next 15-second sweep.
    const lastFrame = silent.fromMs - MIN;
    expect(a!.startedAt).toBeGreaterThan(lastFrame + 900_000);
    expect(a!.startedAt).toBeLessThanOrEqual(lastFrame + 900_000 + 15_000);
    expect(a!.state).toBe('firing');
    expect(a!.endedAt).toBeNull();
  });

  it('raises no threshold or anomaly alert on quiet summits, nor a white obscured alert in clear enough weather', async () => {
    for (const name of [
      'Cotopaxi summit hot spot',
      'Cotopaxi incandescence',
      'Tungurahua summit hot spot',
      'Sangay lava or explosion',
    ]) {
      expect(await alertsOf(name), name).toEqual([]);
    }
  });

  it('raises one regional surge, in Quito during the festival night, and none in 30 days elsewhere', async () => {
    const festival = truth.incidentSurges.find((s) => s.id === 'festival-quito')!;
    const alerts = await alertsOf('Incident surge in a region');
    expect(alerts.map((a) => a.scopeKey)).toEqual(['region:quito']);
    const p = rule('Incident surge in a region').params as { forSeconds: number; windowSeconds: number };
    const [a] = alerts;
    expect(a!.startedAt).toBeGreaterThan(festival.startMs);
    expect(a!.startedAt).toBeLessThan(festival.startMs + p.windowSeconds * 1000);
    // firing at the first evaluation (an incident or the 15-second sweep) once `forSeconds` have passed
    expect(a!.firingAt).toBeGreaterThanOrEqual(a!.startedAt + p.forSeconds * 1000);
    expect(a!.firingAt).toBeLessThanOrEqual(a!.startedAt + p.forSeconds * 1000 + 15_000);
    // resolves once the festival's incidents have left the one-hour window
    expect(a!.endedAt).toBeGreaterThan(festival.endMs);
    expect(a!.endedAt).toBeLessThan(festival.endMs + p.windowSeconds * 1000 + HOUR);
  });

  it('raises hexagon cluster alerts only in La Mariscal during the festival', async () => {
    const festival = truth.incidentSurges.find((s) => s.id === 'festival-quito')!;
    const alerts = await alertsOf('Incident cluster in a hexagon');
    expect(alerts.length).toBeGreaterThan(0);
    const { cellToLatLng } = await import('h3-js');
    for (const a of alerts) {
      const [lat, lng] = cellToLatLng(a.scopeKey.replace('h3:', ''));
      // within ~3 km of the festival's centre (spread 0.6 km; resolution-7 cells are ~1.4 km across)
      const km = Math.hypot((lng - festival.center[0]) * 111.3, (lat - festival.center[1]) * 110.6);
      expect(km, a.scopeKey).toBeLessThan(3);
      expect(a.startedAt).toBeGreaterThan(festival.startMs);
      expect(a.startedAt).toBeLessThan(festival.endMs);
    }
  });

  it('raises no natural-hazard surge: the slice holds none', async () => {
    expect(await alertsOf('Natural hazard and fire surge')).toEqual([]);
  });
});
