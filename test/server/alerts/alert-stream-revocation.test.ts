/**
 * A stream opened with a token ends once that token is revoked: an operator whose access was taken
 * away must not go on watching the alerts. Streams of live tokens and anonymous ones (public reads)
 * stay open. The service's heartbeat is shortened to 100 ms so the check comes quickly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { createToken, revokeToken } from '../../../server/db/token-store.js';
import { alertTestDatabase, startHarness, type Harness } from './alert-harness.js';

const HEARTBEAT_MS = 100;
let db: Database;
let harness: Harness;
let url: string;

beforeAll(async () => {
  db = await alertTestDatabase();
  harness = await startHarness(db, { streamHeartbeatMs: HEARTBEAT_MS });
  url = harness.url;
});

afterAll(() => harness?.close());

/** An open stream: `ended` resolves when the server ends it; `heartbeats()` counts comment lines so far. */
async function open(token: string | null) {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/alerts/stream`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  let text = '';
  const reader = res.body!.getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        text += new TextDecoder().decode(value);
      }
    } catch {
      return false; // aborted by the test
    }
  })();
  return { ended, heartbeats: () => text.split(': heartbeat').length - 1, close: () => abort.abort() };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

describe('GET /api/alerts/stream after a token is revoked', () => {
  it('ends the revoked token’s stream within a heartbeat or two and keeps the others open', async () => {
    const revoked = await createToken(db, 'revocation-operator', 'operator');
    const kept = await createToken(db, 'revocation-viewer', 'viewer');
    const a = await open(revoked.secret);
    const b = await open(kept.secret);
    const c = await open(null);
    // All three see heartbeats while both tokens are live.
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS));
    expect([a.heartbeats(), b.heartbeats(), c.heartbeats()].every((n) => n >= 1)).toBe(true);

    await revokeToken(db, revoked.id);
    expect(await within(a.ended, 20 * HEARTBEAT_MS)).toBe(true);
    // The others go on: more heartbeats arrive after the revoked stream ended.
    const before = [b.heartbeats(), c.heartbeats()];
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS));
    expect(b.heartbeats()).toBeGreaterThan(before[0]!);
    expect(c.heartbeats()).toBeGreaterThan(before[1]!);
    expect(harness.service.stream.size).toBe(2);

    // Reconnecting with the revoked token is refused.
    const again = await fetch(`${url}/api/alerts/stream`, {
      headers: { Authorization: `Bearer ${revoked.secret}` },
    });
    expect(again.status).toBe(401);
    b.close();
    c.close();
  });
});
