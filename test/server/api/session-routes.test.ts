import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import { testDatabase } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const db = await testDatabase();
  for (const role of ['viewer', 'operator'] as const) {
    tokens[role] = (await createToken(db, `session-test-${role}`, role)).secret;
  }
  server = await startTestServer();
});
afterAll(() => server?.close());

async function session(token?: string) {
  const res = await fetch(`${server.url}/api/session`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/session', () => {
  it('tells an anonymous caller it may only read (public reads are on by default)', async () => {
    expect(await session()).toEqual({
      status: 200,
      body: { name: 'anonymous', role: null, permissions: ['read'], publicReads: true },
    });
  });

  it("lists exactly the operator's permissions for an operator token", async () => {
    const { status, body } = await session(tokens.operator);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'session-test-operator', role: 'operator' });
    expect(body.permissions).toEqual(['read', 'alerts.act', 'incidents.write', 'readings.write']);
  });

  it('refuses an unknown token with 401 rather than treating it as anonymous', async () => {
    const { status } = await session('atl_unknown0000000000000000000000000');
    expect(status).toBe(401);
  });
});
