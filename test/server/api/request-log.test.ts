import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { requestLog } from '../../../server/api/request-log.js';

interface Line {
  level: number;
  reqId?: string;
  status?: number;
  url?: string;
  msg: string;
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** An app logging at `level` into an array; /ok answers 200, /missing 404, /noisy logs from its handler. */
async function serve(level: string): Promise<{ url: string; lines: Line[] }> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const app = express();
  app.use(requestLog(pino({ level }, sink)));
  app.get('/ok', (_req, res) => res.send('ok'));
  app.get('/noisy', (req, res) => {
    req.log.warn('handler says something');
    res.send('ok');
  });
  app.use((_req, res) => res.status(404).send('no'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  close = () => new Promise((r) => server.close(() => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('requestLog', () => {
  it('logs one info line per request with its id, url and status, and echoes a sane X-Request-Id', async () => {
    const { url, lines } = await serve('info');
    const res = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'gateway-7.batch_42' } });
    expect(res.headers.get('x-request-id')).toBe('gateway-7.batch_42');
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, reqId: 'gateway-7.batch_42', url: '/ok', status: 200 });
  });

  it('replaces an id that is not sane by a UUID', async () => {
    const { url } = await serve('info');
    const res = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(res.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('at warn, writes nothing for a 200 but logs a 404, and a handler’s own lines carry the request id', async () => {
    const { url, lines } = await serve('warn');
    await fetch(`${url}/ok`);
    await fetch(`${url}/missing`);
    const noisy = await fetch(`${url}/noisy`);
    await settle();
    expect(lines.map((l) => [l.msg, l.status ?? null])).toEqual([
      ['request', 404],
      ['handler says something', null],
    ]);
    expect(lines[1]!.reqId).toBe(noisy.headers.get('x-request-id'));
  });
});
