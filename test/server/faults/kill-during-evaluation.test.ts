/**
 * kill -9 of the server while a rule is being evaluated: a gateway sends one reading a second from a
 * thermal camera, retrying each batch until it is acknowledged; the camera turns hot, and the server is
 * killed the moment it acknowledges the reading that makes the threshold rule go pending — its
 * evaluation and the alert's write run right then — and again at the reading that makes it fire. After
 * the restarts every acknowledged reading is stored exactly once, and the rule has one alert, firing,
 * whose history is one `pending` and one `firing` event: none lost, none written twice, and an SSE client
 * resuming with Last-Event-ID across the restarts receives each of them once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { insertRule } from '../../../server/db/rule-store.js';
import { createToken } from '../../../server/db/token-store.js';
import { assertRule } from '../../../server/rules/rule-schema.js';
import {
  S,
  faultDatabase,
  followAlertStream,
  freePort,
  killHard,
  postUntilAcknowledged,
  sleep,
  startServer,
  stopServer,
  type ServerProcess,
} from './fault-harness.js';

const CAMERA = 'FAULT-TH-01';
/** Readings 0–2 are cool (20 °C); from reading 3 on the camera reads 80 °C. */
const HOT_FROM = 3;
/** The rule fires once the camera has been above 60 °C this long. */
const FOR_SECONDS = 20;
/** The reading that completes FOR_SECONDS above the threshold. */
const FIRES_AT = HOT_FROM + FOR_SECONDS;
const READINGS = FIRES_AT + 6;

let server: ServerProcess | undefined;
let follower: ReturnType<typeof followAlertStream> | undefined;
afterAll(async () => {
  follower?.stop();
  if (server) await killHard(server);
});

interface AlertJson {
  id: number;
  ruleId: number;
  state: string;
  startedAt: string;
  firingAt: string | null;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe('kill -9 during rule evaluation', () => {
  it('loses no acknowledged reading and no alert transition, and duplicates neither', async () => {
    const db = await faultDatabase('eval');
    const setup = await db.open();
    let ruleId: number;
    let token: string;
    try {
      await setup.query(
        `INSERT INTO cameras (external_id, name, kind, geom, mount_height_m, azimuth_deg, hfov_deg, vfov_deg, range_m,
                              resolution_h_px, resolution_v_px, volcano_gvp, synthetic)
         VALUES ($1, 'Fault test thermal', 'thermal', ST_SetSRID(ST_MakePoint(-78.45, -0.63), 4326), 3, 162, 25, 19,
                 12000, 640, 480, NULL, true)`,
        [CAMERA],
      );
      const rule = assertRule({
        name: 'fault test hot spot',
        kind: 'thermal_threshold',
        severity: 'yellow',
        scope: { type: 'camera', cameraId: CAMERA },
        params: { thresholdC: 60, clearThresholdC: 45, forSeconds: FOR_SECONDS },
      });
      ruleId = (await setup.transaction((tx) => insertRule(tx, rule, { actor: 'fault-test' }))).id;
      token = (await createToken(setup, 'fault-gateway', 'operator')).secret;
    } finally {
      await setup.close();
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = await startServer(db.env, port, { evaluating: true });
    follower = followAlertStream(() => url);

    const t0 = Math.ceil(Date.now() / S) * S + S;
    const acknowledged: string[] = [];
    let restarted: Promise<void> = Promise.resolve();
    let kills = 0;
    for (let i = 0; i < READINGS; i++) {
      // One reading a second, stamped on the second; after an outage the backlog goes as fast as it is taken.
      const wait = t0 + i * S - Date.now();
      if (wait > 0) await sleep(wait);
      const ts = new Date(t0 + i * S).toISOString();
      const body = `${JSON.stringify({ camera_id: CAMERA, ts, max_temp_c: i >= HOT_FROM ? 80 : 20, quality: 'ok' })}\n`;
      const ack = await postUntilAcknowledged(
        () => url,
        '/api/readings',
        token,
        'application/x-ndjson',
        body,
      );
      expect(ack.body.stored.received).toBe(1);
      expect(ack.body.stored.inserted + ack.body.stored.unchanged).toBe(1);
      acknowledged.push(ts);
      if (i === HOT_FROM || i === FIRES_AT) {
        // Committed and acknowledged; the rule is evaluating it and writing the transition now.
        await killHard(server);
        kills++;
        // Started in the background: the gateway's next batches find the port closed and retry.
        restarted = startServer(db.env, port, { evaluating: true }).then((s) => {
          server = s;
        });
      }
    }
    await restarted;
    expect(kills).toBe(2);

    // Every acknowledged reading, exactly once: one-minute buckets count the stored rows.
    const from = new Date(t0 - 60 * S).toISOString();
    const to = new Date(t0 + (READINGS + 60) * S).toISOString();
    const series = await getJson<{ buckets: { n: number; masked: number }[] }>(
      `${url}/api/cameras/${CAMERA}/readings?from=${from}&to=${to}&maxBuckets=5000`,
    );
    expect(series.buckets.reduce((sum, b) => sum + b.n + b.masked, 0)).toBe(acknowledged.length);
    expect(new Set(acknowledged).size).toBe(READINGS);

    // One alert for the rule, firing; a sweep may fire it before the backlog's reading does.
    let alerts: AlertJson[] = [];
    for (let tries = 0; tries < 120; tries++) {
      alerts = (await getJson<{ alerts: AlertJson[] }>(`${url}/api/alerts?rule=${ruleId}`)).alerts;
      if (alerts[0]?.state === 'firing') break;
      await sleep(250);
    }
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert).toMatchObject({
      ruleId,
      state: 'firing',
      startedAt: new Date(t0 + HOT_FROM * S).toISOString(),
    });
    expect(Date.parse(alert.firingAt!) - Date.parse(alert.startedAt)).toBeGreaterThanOrEqual(FOR_SECONDS * S);
    expect((await getJson<{ alerts: AlertJson[] }>(`${url}/api/alerts`)).alerts).toHaveLength(1);

    const detail = await getJson<{ events: { id: number; kind: string }[] }>(`${url}/api/alerts/${alert.id}`);
    expect(detail.events.map((e) => e.kind)).toEqual(['pending', 'firing']);

    // The SSE client, reconnecting with Last-Event-ID after each kill, got each event once.
    for (let tries = 0; tries < 40 && !follower.events.some((e) => e.kind === 'firing'); tries++)
      await sleep(250);
    const streamed = follower.events.filter((e) => e.alertId === alert.id);
    expect(streamed.map((e) => e.kind)).toEqual(['pending', 'firing']);
    expect(streamed.map((e) => e.id)).toEqual(detail.events.map((e) => e.id));
    follower.stop();

    expect(await stopServer(server)).toBe(0);
    server = undefined;
  }, 300_000);
});
