/**
 * Tiles from memory answer exactly as express.static does on the same directory — status, headers and
 * bytes, cold and warm, HEAD, conditional requests, ranges, missing files and paths out of the
 * directory — and a file rebuilt on disk is served anew once it is checked again.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedStatic } from '../../../server/api/cached-static.js';

const DAY_MS = 86_400_000;
let dir: string;
let now = 1_000_000;
let cached: { url: string; server: Server };
let plain: { url: string; server: Server };

async function listen(handler: express.RequestHandler) {
  const app = express();
  app.use('/tiles', handler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A raw request (fetch would add Cache-Control: no-cache to conditional ones, and normalise paths). */
function get(base: string, rawPath: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = http.request(`${base}${rawPath}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const SAME = ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'accept-ranges'];
const pick = (h: http.IncomingHttpHeaders) => Object.fromEntries(SAME.map((k) => [k, h[k]]));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'atalaya-cached-static-'));
  await mkdir(path.join(dir, 'terrain', '7', '36'), { recursive: true });
  await mkdir(path.join(dir, 'basemap'));
  await writeFile(
    path.join(dir, 'terrain', '7', '36', '64.png'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  );
  await writeFile(path.join(dir, 'basemap', 'land.geojson'), '{"type":"FeatureCollection","features":[]}');
  await writeFile(path.join(dir, 'terrain', 'tiles.json'), '{"tilejson":"3.0.0"}');
  await writeFile(path.join(dir, '.hidden'), 'secret');
  cached = await listen(cachedStatic(dir, { maxAgeMs: DAY_MS, revalidateMs: 60_000, clock: () => now }));
  plain = await listen(express.static(dir, { maxAge: DAY_MS, fallthrough: false }));
});
afterAll(async () => {
  for (const s of [cached, plain]) await new Promise((r) => s?.server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('cachedStatic', () => {
  it.each(['/terrain/7/36/64.png', '/basemap/land.geojson', '/terrain/tiles.json'])(
    'answers %s as express.static does, read from disk and then from memory',
    async (file) => {
      const expected = await get(plain.url, `/tiles${file}`);
      expect(expected.status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const got = await get(cached.url, `/tiles${file}`);
        expect(got.status).toBe(200);
        expect(pick(got.headers)).toEqual(pick(expected.headers));
        expect(got.body.equals(expected.body)).toBe(true);
      }
    },
  );

  it('answers HEAD with the headers and no body', async () => {
    const got = await get(cached.url, '/tiles/terrain/7/36/64.png', {}, 'HEAD');
    const expected = await get(plain.url, '/tiles/terrain/7/36/64.png', {}, 'HEAD');
    expect(got.status).toBe(200);
    expect(pick(got.headers)).toEqual(pick(expected.headers));
    expect(got.body.length).toBe(0);
  });

  it('answers a revalidation with 304 and no content headers, by ETag or by date', async () => {
    const first = await get(cached.url, '/tiles/terrain/7/36/64.png');
    const conditions: Record<string, string>[] = [
      { 'If-None-Match': first.headers.etag! },
      { 'If-Modified-Since': first.headers['last-modified']! },
    ];
    for (const h of conditions) {
      const got = await get(cached.url, '/tiles/terrain/7/36/64.png', h);
      const expected = await get(plain.url, '/tiles/terrain/7/36/64.png', h);
      expect([got.status, expected.status]).toEqual([304, 304]);
      expect(got.headers['content-type']).toBeUndefined();
      expect(got.body.length).toBe(0);
    }
    expect((await get(cached.url, '/tiles/terrain/7/36/64.png', { 'If-None-Match': 'W/"0-0"' })).status).toBe(
      200,
    );
  });

  it.each([
    ['a range', '/tiles/terrain/7/36/64.png', { Range: 'bytes=0-1' }],
    ['a failed precondition', '/tiles/terrain/7/36/64.png', { 'If-Match': '"nope"' }],
    ['a missing file', '/tiles/terrain/7/36/65.png', {}],
    ['a directory', '/tiles/terrain/7', {}],
    ['a dotfile', '/tiles/.hidden', {}],
    ['a path out of the directory', '/tiles/..%2f..%2fetc%2fpasswd', {}],
    ['a malformed escape', '/tiles/%E0%A4%A', {}],
  ])('leaves %s to express.static', async (_what, file, headers: Record<string, string>) => {
    const got = await get(cached.url, file, headers);
    const expected = await get(plain.url, file, headers);
    expect(got.status).toBe(expected.status);
    // Error pages carry the stack (express's default handler outside production): bytes only for success.
    if (expected.status < 400) expect(got.body.equals(expected.body)).toBe(true);
  });

  it('serves a file rebuilt on disk once it is checked again', async () => {
    const file = path.join(dir, 'terrain', '7', '36', '64.png');
    const before = await get(cached.url, '/tiles/terrain/7/36/64.png');
    await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9, 9, 9]));
    await utimes(file, new Date('2031-01-01T00:00:00Z'), new Date('2031-01-01T00:00:00Z'));
    // Within the revalidation interval the kept bytes are served…
    expect((await get(cached.url, '/tiles/terrain/7/36/64.png')).body.equals(before.body)).toBe(true);
    // …after it, the disk is checked and the new file served, with its new validators.
    now += 60_000;
    const after = await get(cached.url, '/tiles/terrain/7/36/64.png');
    const expected = await get(plain.url, '/tiles/terrain/7/36/64.png');
    expect(after.body.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9, 9, 9]))).toBe(true);
    expect(pick(after.headers)).toEqual(pick(expected.headers));
  });
});
