/**
 * GET /api/audit (admins): filters by actor, action (exact or prefix), entity and time; newest first;
 * paged by cursor; exported as CSV (read back with csv-parse) or NDJSON, every matching record,
 * across the export's internal pages. And the writes the audit work fixed: webhook removal records
 * what was removed, a requeue of an unknown webhook is a 404 that records nothing, an import of no
 * rows records nothing.
 *
 * Records are written straight into audit_log with their own entity name, so the other suites'
 * records in the shared database never match the filters.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeCsvField as csvField } from '../../../server/csv-format.js';
import type { Database } from '../../../server/db/database.js';
import { createToken } from '../../../server/db/token-store.js';
import { testDatabase } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

const ENTITY = `audit-test-${process.pid}`;
const BULK = `audit-bulk-${process.pid}`;
let db: Database;
let server: TestServer;
const tokens: Record<string, string> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Five records a minute apart from 2026-03-01T10:00Z; the last one with text a spreadsheet would run. */
const RECORDS = [
  { at: '2026-03-01T10:00:00Z', actor: 'ana', action: 'rule.create', before: null, after: { name: 'r1' } },
  {
    at: '2026-03-01T10:01:00Z',
    actor: 'ana',
    action: 'rule.update',
    before: { name: 'r1' },
    after: { name: 'r2' },
  },
  {
    at: '2026-03-01T10:02:00Z',
    actor: 'luis',
    action: 'alert.acknowledged',
    before: { by: null },
    after: { by: 'luis' },
  },
  {
    at: '2026-03-01T10:03:00Z',
    actor: 'luis',
    action: 'alert.commented',
    before: {},
    after: { comment: 'a, "b"\nc' },
  },
  { at: '2026-03-01T10:04:00Z', actor: '=HYPERLINK("x")', action: 'alert_x', before: null, after: null },
];

beforeAll(async () => {
  db = await testDatabase();
  for (const r of RECORDS) {
    await db.query(
      `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'req-1')`,
      [
        r.at,
        r.actor,
        r.action,
        ENTITY,
        '7',
        r.before === null ? null : JSON.stringify(r.before),
        r.after === null ? null : JSON.stringify(r.after),
      ],
    );
  }
  // 2,345 records: more than two of the export's internal pages of 1,000.
  await db.query(
    `INSERT INTO audit_log (at, actor, action, entity, entity_id)
     SELECT '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 second', 'bulk', 'bulk.write', $1, g::text
     FROM generate_series(1, 2345) g`,
    [BULK],
  );
  tokens.admin = (await createToken(db, 'audit-test-admin', 'admin')).secret;
  tokens.operator = (await createToken(db, 'audit-test-operator', 'operator')).secret;
  server = await startTestServer();
});
afterAll(() => server?.close());

async function get(query: string, token: string | null = tokens.admin!) {
  const res = await fetch(`${server.url}/api/audit${query}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: /application\/(problem\+)?json/.test(res.headers.get('content-type') ?? '')
      ? (JSON.parse(text) as Json)
      : null,
  };
}

const actions = (body: Json) => (body.entries as Json[]).map((e) => e.action);

describe('GET /api/audit', () => {
  it('lists records newest first with who, what, when, before and after', async () => {
    const res = await get(`?entity=${ENTITY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(actions(res.body)).toEqual([
      'alert_x',
      'alert.commented',
      'alert.acknowledged',
      'rule.update',
      'rule.create',
    ]);
    expect(res.body.entries[3]).toMatchObject({
      at: '2026-03-01T10:01:00.000Z',
      actor: 'ana',
      action: 'rule.update',
      entity: ENTITY,
      entityId: '7',
      before: { name: 'r1' },
      after: { name: 'r2' },
      requestId: 'req-1',
    });
    expect(res.body.next).toBeNull();
  });

  it('filters by actor, by exact action or prefix, and by a time range [from, to)', async () => {
    expect(actions((await get(`?entity=${ENTITY}&actor=ana`)).body)).toEqual(['rule.update', 'rule.create']);
    expect(actions((await get(`?entity=${ENTITY}&action=alert.*`)).body)).toEqual([
      'alert.commented',
      'alert.acknowledged',
    ]);
    expect(actions((await get(`?entity=${ENTITY}&action=rule.create,alert.commented`)).body)).toEqual([
      'alert.commented',
      'rule.create',
    ]);
    const range = await get(`?entity=${ENTITY}&from=2026-03-01T10:01:00Z&to=2026-03-01T05:03:00-05:00`);
    expect(actions(range.body)).toEqual(['alert.acknowledged', 'rule.update']);
  });

  it('takes % and _ in an action prefix literally', async () => {
    // "alert_*" would match alert.commented if _ were a wildcard; only alert_x begins with "alert_".
    expect(actions((await get(`?entity=${ENTITY}&action=alert_.*`)).body)).toEqual([]);
    expect(actions((await get(`?entity=${ENTITY}&action=alert_x`)).body)).toEqual(['alert_x']);
    expect(actions((await get(`?entity=${ENTITY}&action=%25.*`)).body)).toEqual([]);
  });

  it('pages with a cursor: every record once, in order, with a Link to the next page', async () => {
    const seen: string[] = [];
    let query = `?entity=${ENTITY}&limit=2`;
    for (let page = 0; page < 5; page++) {
      const res = await get(query);
      seen.push(...actions(res.body));
      if (!res.body.next) {
        expect(res.headers.get('link')).toBeNull();
        break;
      }
      expect(res.headers.get('link')).toBe(
        `</api/audit${query.replace(/&cursor=\d+/, '')}&cursor=${res.body.next}>; rel="next"`,
      );
      query = `?entity=${ENTITY}&limit=2&cursor=${res.body.next}`;
    }
    expect(seen).toEqual(['alert_x', 'alert.commented', 'alert.acknowledged', 'rule.update', 'rule.create']);
  });

  it('refuses a range that ends before it starts, and bad parameters, naming them', async () => {
    const backwards = await get(`?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('to');
    const bad = await get(`?limit=0&cursor=x&format=xml&who=me`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field).sort()).toEqual(['cursor', 'format', 'limit', 'who']);
    const bigPage = await get(`?limit=1001`);
    expect(bigPage.status).toBe(400);
    expect(bigPage.body.errors[0].message).toContain('export with format=csv or ndjson');
  });

  it('is for admins only', async () => {
    expect((await get(`?entity=${ENTITY}`, tokens.operator!)).status).toBe(403);
    expect((await get(`?entity=${ENTITY}`, null)).status).toBe(401);
  });
});

describe('exports', () => {
  it('exports CSV that a CSV reader gets back field for field, formulas defused', async () => {
    const res = await get(`?entity=${ENTITY}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="atalaya-audit.csv"');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.action)).toEqual([
      'alert_x',
      'alert.commented',
      'alert.acknowledged',
      'rule.update',
      'rule.create',
    ]);
    expect(rows[1]).toMatchObject({
      at: '2026-03-01T10:03:00.000Z',
      actor: 'luis',
      entity: ENTITY,
      entity_id: '7',
      request_id: 'req-1',
      before: '{}',
    });
    expect(JSON.parse(rows[1]!.after!)).toEqual({ comment: 'a, "b"\nc' });
    expect(rows[0]!.actor).toBe(`'=HYPERLINK("x")`);
    expect(rows[0]!.before).toBe('');
  });

  it('exports NDJSON, one record a line, the same as the JSON entries', async () => {
    const res = await get(`?entity=${ENTITY}&format=ndjson`);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = res.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toEqual((await get(`?entity=${ENTITY}`)).body.entries);
  });

  it('exports every matching record across its internal pages, newest first, each once', async () => {
    const csv = parse((await get(`?entity=${BULK}&format=csv`)).text, { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv).toHaveLength(2345);
    expect(csv[0]!.entity_id).toBe('2345');
    expect(csv[2344]!.entity_id).toBe('1');
    expect(new Set(csv.map((r) => r.id)).size).toBe(2345);
    const ndjson = (await get(`?entity=${BULK}&format=ndjson&limit=1001`)).text.trimEnd().split('\n');
    expect(ndjson).toHaveLength(1001);
  });
});

describe('csvField', () => {
  it('quotes by RFC 4180 and defuses what a spreadsheet would run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-2)).toBe('-2');
    expect(csvField(null)).toBe('');
  });
});

describe('writes the audit work fixed', () => {
  async function post(path: string, body: string | undefined, type?: string) {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.admin}`, ...(type ? { 'Content-Type': type } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as Json };
  }
  const auditCount = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;

  it('records a removed webhook as it was, without its secret', async () => {
    const created = await post(
      '/api/webhooks',
      JSON.stringify({ name: 'audit-hook', url: 'https://receiver.example/hook', secret: 'k'.repeat(24) }),
      'application/json',
    );
    expect(created.status).toBe(201);
    const removed = await fetch(`${server.url}/api/webhooks/${created.body.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${tokens.admin}` },
    });
    expect(removed.status).toBe(204);
    const rows = await db.query<{ action: string; before: Json; after: Json; text: string }>(
      `SELECT action, before, after, row_to_json(audit_log)::text AS text FROM audit_log
       WHERE entity = 'webhook' AND entity_id = $1 ORDER BY id`,
      [String(created.body.id)],
    );
    expect(rows.map((r) => r.action)).toEqual(['webhook.create', 'webhook.delete']);
    expect(rows[1]!.before).toMatchObject({
      id: created.body.id,
      name: 'audit-hook',
      url: 'https://receiver.example/hook',
      states: ['firing', 'resolved'],
    });
    expect(rows[1]!.after).toBeNull();
    for (const r of rows) expect(r.text).not.toContain('k'.repeat(24));
  });

  it('answers 404 to a requeue of an unknown webhook and records nothing', async () => {
    const before = await auditCount();
    expect((await post('/api/webhooks/999999/requeue', undefined)).status).toBe(404);
    expect(await auditCount()).toBe(before);
  });

  it('records each camera an import writes, with its values before and after', async () => {
    const id = `AUD${process.pid}-CAM`;
    const header =
      'external_id,name,kind,status,lon,lat,mount_height_m,azimuth_deg,hfov_deg,vfov_deg,tilt_deg,range_m,resolution_h_px,resolution_v_px,install_date,unit_cost_usd,volcano_gvp,synthetic\n';
    const row = (name: string, status: string) =>
      `${id},${name},dome,${status},-78.5126,-0.2202,8,,360,35,-15,300,1920,1080,2016-08-15,3516.80,,true\n`;
    try {
      expect((await post('/api/cameras', header + row('Plaza Grande', 'online'), 'text/csv')).status).toBe(
        200,
      );
      expect(
        (await post('/api/cameras', header + row('Plaza Grande norte', 'offline'), 'text/csv')).status,
      ).toBe(200);
      const rows = await db.query<{ before: Json; after: Json }>(
        `SELECT before, after FROM audit_log WHERE action = 'cameras.import' AND after->'cameras' ? $1 ORDER BY id`,
        [id],
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]!.before).toBeNull();
      expect(rows[0]!.after).toMatchObject({
        inserted: 1,
        cameras: { [id]: { name: 'Plaza Grande', status: 'online' } },
      });
      expect(rows[1]!.before).toEqual({
        cameras: {
          [id]: expect.objectContaining({
            name: 'Plaza Grande',
            status: 'online',
            lon: -78.5126,
            lat: -0.2202,
            range_m: 300,
          }),
        },
      });
      expect(rows[1]!.after).toMatchObject({
        updated: 1,
        cameras: { [id]: { name: 'Plaza Grande norte', status: 'offline', lon: -78.5126 } },
      });
    } finally {
      await db.query('DELETE FROM cameras WHERE external_id = $1', [id]);
    }
  });

  it('records nothing for an import of no rows', async () => {
    const before = await auditCount();
    const header = 'external_id,category,priority,occurred_at,lon,lat,description,synthetic\n';
    const res = await post('/api/incidents', header, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body.stored).toMatchObject({ received: 0, inserted: 0 });
    expect(await auditCount()).toBe(before);
  });
});
