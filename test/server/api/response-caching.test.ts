/**
 * Responses the server keeps (server/api/result-cache.ts) are never stale where it matters: reference
 * layers carry an ETag and answer a revalidation with 304; the camera collection and the id map a
 * readings import resolves against follow every camera import at once.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { createToken } from '../../../server/db/token-store.js';
import { testDatabase } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

const P = `RC${process.pid}-`;
/** Camera views far from anything else in the shared test database: a patch of the Oriente. */
const BBOX = 'bbox=-76.31,-1.51,-76.29,-1.49';
const HEADER =
  'external_id,name,kind,status,lon,lat,mount_height_m,azimuth_deg,hfov_deg,vfov_deg,tilt_deg,range_m,resolution_h_px,resolution_v_px';
const row = (id: string, status: string) =>
  `${P}${id},Cache test,dome,${status},-76.3,-1.5,8,0,90,50,0,300,1920,1080`;

let server: TestServer;
let token: string;

beforeAll(async () => {
  token = (await createToken(await testDatabase(), 'response-caching-test', 'admin')).secret;
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await (await testDatabase()).query('DELETE FROM cameras WHERE external_id LIKE $1', [`${P}%`]);
});

const post = (kind: string, type: string, body: string) =>
  fetch(`${server.url}/api/${kind}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { stored?: { inserted: number } } }));

const cameraStatuses = async () => {
  const res = await fetch(`${server.url}/api/cameras?${BBOX}`);
  const fc = (await res.json()) as { features: { id: string; properties: { status: string } }[] };
  return {
    etag: res.headers.get('etag'),
    statuses: Object.fromEntries(fc.features.map((f) => [f.id, f.properties.status])),
  };
};

describe('reference layers', () => {
  it('carry a strong ETag, and a request that has it gets 304 without a body', async () => {
    const first = await fetch(`${server.url}/api/volcanoes`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(((await first.json()) as { features: unknown[] }).features).toHaveLength(36);

    // What a browser sends to revalidate (fetch would add Cache-Control: no-cache, which skips validators).
    const revalidate = (tag: string) =>
      fetch(`${server.url}/api/volcanoes`, {
        headers: { 'If-None-Match': tag, 'Cache-Control': 'max-age=0' },
      });
    const again = await revalidate(etag!);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const other = await revalidate('"something-else"');
    expect(other.status).toBe(200);
  });
});

describe('GET /api/cameras', () => {
  it('shows a camera import at once, and answers with the same ETag while nothing changes', async () => {
    expect((await cameraStatuses()).statuses).toEqual({});
    expect((await post('cameras', 'text/csv', `${HEADER}\n${row('a', 'online')}\n`)).status).toBe(200);
    const before = await cameraStatuses();
    expect(before.statuses).toEqual({ [`${P}a`]: 'online' });
    expect((await cameraStatuses()).etag).toBe(before.etag);

    expect((await post('cameras', 'text/csv', `${HEADER}\n${row('a', 'offline')}\n`)).status).toBe(200);
    const after = await cameraStatuses();
    expect(after.statuses).toEqual({ [`${P}a`]: 'offline' });
    expect(after.etag).not.toBe(before.etag);
  });
});

describe('POST /api/readings', () => {
  it('knows a camera imported after an earlier batch, and forgets a deleted one', async () => {
    const reading = (camera: string, ts: string) =>
      `{"camera_id":"${P}${camera}","ts":"${ts}","max_temp_c":12.5}\n`;
    expect((await post('cameras', 'text/csv', `${HEADER}\n${row('r1', 'online')}\n`)).status).toBe(200);
    const first = await post('readings', 'application/x-ndjson', reading('r1', '2031-05-01T00:00:00Z'));
    expect(first).toMatchObject({ status: 200, body: { stored: { inserted: 1 } } });

    expect((await post('cameras', 'text/csv', `${HEADER}\n${row('r2', 'online')}\n`)).status).toBe(200);
    const second = await post('readings', 'application/x-ndjson', reading('r2', '2031-05-01T00:00:00Z'));
    expect(second).toMatchObject({ status: 200, body: { stored: { inserted: 1 } } });

    await (await testDatabase()).query('DELETE FROM cameras WHERE external_id = $1', [`${P}r1`]);
    const third = await post('readings', 'application/x-ndjson', reading('r1', '2031-05-01T00:01:00Z'));
    expect(third.status).toBe(422);
  });
});

describe('/tiles', () => {
  it('serves tiles with a day of caching and the security headers; a missing one is 404', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'atalaya-tiles-'));
    await mkdir(path.join(dir, 'terrain', '7'), { recursive: true });
    await writeFile(path.join(dir, 'terrain', '7', 'tile.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const app = createApp({ db: await testDatabase(), log: createLogger('silent'), tilesDir: dir });
    const listening: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    try {
      const tile = await fetch(`${base}/tiles/terrain/7/tile.png`);
      expect(tile.status).toBe(200);
      expect(tile.headers.get('content-type')).toBe('image/png');
      expect(tile.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(tile.headers.get('x-content-type-options')).toBe('nosniff');
      expect([...new Uint8Array(await tile.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      const missing = await fetch(`${base}/tiles/terrain/7/none.png`);
      expect(missing.status).toBe(404);
    } finally {
      await new Promise((r) => listening.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
