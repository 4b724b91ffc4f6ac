/**
 * The alert stream when reads need a token (ATALAYA_PUBLIC_READS=false): a browser's EventSource cannot
 * send the bearer token, so it opens the stream with a one-use ticket asked for with the token. The
 * server's own pieces (authenticate, ApiRoutes with public reads off, the alert routes, problem details)
 * around the alert service, on the alert suites' database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertTestDatabase,
  call,
  createTokens,
  startHarness,
  type Harness,
  type Json,
} from './alert-harness.js';

let harness: Harness;
let url: string;
let tokens: Awaited<ReturnType<typeof createTokens>>;

beforeAll(async () => {
  const db = await alertTestDatabase();
  tokens = await createTokens(db, 'stream-ticket');
  harness = await startHarness(db, { publicReads: false });
  url = harness.url;
});

afterAll(() => harness?.close());

/** Opens the stream and reads its first chunk; the status, type and that first text. */
async function openStream(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; first: string; body: Json }> {
  const abort = new AbortController();
  const res = await fetch(`${url}${path}`, { headers, signal: abort.signal });
  const type = res.headers.get('content-type');
  if (res.status !== 200) return { status: res.status, type, first: '', body: await res.json() };
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  abort.abort();
  return { status: res.status, type, first: new TextDecoder().decode(value), body: null };
}

async function ticket(token: string | null): Promise<{ status: number; body: Json }> {
  return call(url, 'POST', '/api/alerts/stream-ticket', token);
}

describe('GET /api/alerts/stream with reads behind a token', () => {
  it('refuses an anonymous stream and an anonymous ticket with 401', async () => {
    const stream = await openStream('/api/alerts/stream');
    expect(stream.status).toBe(401);
    expect((await ticket(null)).status).toBe(401);
  });

  it('opens with a viewer token in the Authorization header (what non-browser clients do)', async () => {
    const stream = await openStream('/api/alerts/stream', { Authorization: `Bearer ${tokens.viewer}` });
    expect(stream.status).toBe(200);
    expect(stream.type).toMatch(/^text\/event-stream/);
  });

  it('opens once with a ticket a viewer asked for, and refuses the same ticket a second time', async () => {
    const issued = await ticket(tokens.viewer);
    expect(issued.status).toBe(200);
    expect(issued.body.ticket).toMatch(/^sst_[A-Za-z0-9_-]{43}$/);
    // About a minute to use it.
    const ttl = Date.parse(issued.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const first = await openStream(`/api/alerts/stream?ticket=${issued.body.ticket}&lastEventId=0`);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/event-stream/);
    expect(first.first).toContain('retry: 3000');
    const second = await openStream(`/api/alerts/stream?ticket=${issued.body.ticket}`);
    expect(second.status).toBe(401);
    expect(second.body.detail).toMatch(/ticket/);
  });

  it('refuses a ticket it never issued, and one that is not shaped like a ticket', async () => {
    const made = `sst_${'A'.repeat(43)}`;
    expect((await openStream(`/api/alerts/stream?ticket=${made}`)).status).toBe(401);
    expect((await openStream('/api/alerts/stream?ticket=atl_notaticket')).status).toBe(401);
  });

  it('lets a bearer token win over a ticket, which then stays usable', async () => {
    const issued = await ticket(tokens.operator);
    const withHeader = await openStream(`/api/alerts/stream?ticket=${issued.body.ticket}`, {
      Authorization: `Bearer ${tokens.viewer}`,
    });
    expect(withHeader.status).toBe(200);
    const alone = await openStream(`/api/alerts/stream?ticket=${issued.body.ticket}`);
    expect(alone.status).toBe(200);
  });

  it('keeps the ticket out of the other routes: GET /api/alerts still needs the header', async () => {
    const issued = await ticket(tokens.viewer);
    const res = await call(url, 'GET', `/api/alerts?ticket=${issued.body.ticket}`, null);
    expect(res.status).toBe(401);
  });
});
