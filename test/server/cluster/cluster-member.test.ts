/**
 * Two servers on one PostgreSQL: exactly one holds the evaluation lease; readings committed on the other
 * are evaluated by it; the alert events reach the follower's SSE stream; when the evaluator goes away the
 * follower takes over. PostgreSQL only (the embedded database is one process).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertService } from '../../../server/alerts/alert-service.js';
import { ClusterLink } from '../../../server/cluster/cluster-link.js';
import { joinCluster, type ClusterMember } from '../../../server/cluster/cluster-member.js';
import type { Database } from '../../../server/db/database.js';
import { insertRule } from '../../../server/db/rule-store.js';
import { createLogger } from '../../../server/logger.js';
import { assertRule } from '../../../server/rules/rule-schema.js';
import { isolatedTestDatabase } from '../../setup/test-database.js';
import { insertCamera } from '../alerts/alert-harness.js';

const url = process.env.DATABASE_URL;
const log = createLogger('silent');

interface Server {
  alerts: AlertService;
  link: ClusterLink;
  member: ClusterMember;
  led: boolean;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!url)('two servers on one PostgreSQL', () => {
  let db: Database;
  let a: Server;
  let b: Server;

  async function server(): Promise<Server> {
    const target = new URL(url!);
    target.pathname = `/${target.pathname.slice(1) || 'atalaya'}_test_cluster`;
    const alerts = new AlertService({ db, log, rulesFile: null, tickEveryMs: 0 });
    const link = await ClusterLink.connect(target.toString(), log);
    const s = { alerts, link, led: false } as Server;
    s.member = await joinCluster({
      db,
      link,
      alerts,
      log,
      campaignEveryMs: 100,
      lead: async () => {
        s.led = true;
        await alerts.start();
      },
    });
    return s;
  }

  beforeAll(async () => {
    db = await isolatedTestDatabase('cluster');
    await insertCamera(db, { externalId: 'CLU-1', lng: -78.6, lat: -0.85, volcanoGvp: 352050 });
    await db.transaction((tx) =>
      insertRule(
        tx,
        assertRule({
          name: 'cluster test hot spot',
          kind: 'thermal_threshold',
          severity: 'yellow',
          scope: { type: 'camera', cameraId: 'CLU-1' },
          params: { thresholdC: 60, forSeconds: 0, minFiringSeconds: 0 },
        }),
        { actor: 'test' },
      ),
    );
    a = await server();
    await a.member.leading;
    b = await server();
  }, 120_000);

  afterAll(async () => {
    for (const s of [a, b]) {
      await s?.alerts.stop();
      await s?.link.close();
    }
    await db?.close();
  });

  it('lets exactly one of them evaluate', async () => {
    await new Promise((r) => setTimeout(r, 300)); // three of b's campaign rounds
    expect([a.led, b.led]).toEqual([true, false]);
    expect(a.alerts.status().role).toBe('evaluating');
    expect(b.alerts.status()).toMatchObject({ role: 'relaying', running: true });
  });

  it('evaluates on the leader what was committed on the follower, and streams the alert on both', async () => {
    const published = vi.spyOn(b.alerts.stream, 'publish');
    const t = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const records = [20, 75].map((maxTempC, i) => ({
      cameraExternalId: 'CLU-1',
      ts: new Date(t + i * 10_000).toISOString(),
      maxTempC,
      meanTempC: null,
      quality: 'ok' as const,
      synthetic: true,
    }));
    b.alerts.onCommitted(records, 'readings');
    const alert = await until('the alert', async () => {
      const rows = await db.query<{ id: number; state: string; started_at: Date }>(
        `SELECT a.id, a.state, a.started_at FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
          WHERE r.name = 'cluster test hot spot'`,
      );
      return rows[0];
    });
    expect(alert.state).toBe('firing');
    expect(alert.started_at.getTime()).toBe(t + 10_000);
    // the follower's SSE clients are sent the leader's events
    const sent = await until('the fan-in', () =>
      published.mock.calls.flatMap(([events]) => events).find((e) => e.alertId === alert.id),
    );
    expect(sent.kind).toMatch(/pending|firing/);
  });

  it('hands the lease to the follower when the evaluating server goes away', async () => {
    await a.alerts.stop();
    await a.link.close(); // its session ends: PostgreSQL releases the advisory lock
    await until('the follower to lead', () => b.led, 5_000);
    await b.member.leading;
    expect(b.alerts.status().role).toBe('evaluating');
  });
});
