/**
 * The token API (admins): a created token's secret is in the creation answer only, is stored as its
 * SHA-256 and works at once; the list never shows a secret or hash; a revoked token stops working at
 * once; both changes are in the audit log with who, before and after, and never the secret. On a
 * database of its own, so that "the last admin token" means what it says.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import type { Database } from '../../../server/db/database.js';
import { createToken } from '../../../server/db/token-store.js';
import { createLogger } from '../../../server/logger.js';
import { isolatedTestDatabase } from '../../setup/test-database.js';

let db: Database;
let server: Server;
let url: string;
let admin: { id: number; secret: string };
let viewer: string;

beforeAll(async () => {
  db = await isolatedTestDatabase('tokens');
  const a = await createToken(db, 'first-admin', 'admin');
  admin = { id: a.id, secret: a.secret };
  viewer = (await createToken(db, 'a-viewer', 'viewer')).secret;
  const app = createApp({ db, log: createLogger('silent') });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await db?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as Json) : null };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function auditOf(entityId: number) {
  return db.query<{ actor: string; action: string; before: unknown; after: unknown; text: string }>(
    `SELECT actor, action, before, after, row_to_json(audit_log)::text AS text FROM audit_log
     WHERE entity = 'api_token' AND entity_id = $1 ORDER BY id`,
    [String(entityId)],
  );
}

describe('POST /api/tokens', () => {
  it('creates a token whose secret is shown once, stored as its SHA-256, and works at once', async () => {
    const created = await call('POST', '/api/tokens', admin.secret, {
      name: 'gateway-cotopaxi',
      role: 'operator',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.headers.get('location')).toBe(`/api/tokens/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'gateway-cotopaxi',
      role: 'operator',
      revokedAt: null,
      lastUsedAt: null,
    });
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^atl_[A-Za-z0-9_-]{43}$/);

    const [stored] = await db.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [created.body.id],
    );
    expect(stored!.token_hash).toBe(sha256(secret));

    const session = await call('GET', '/api/session', secret);
    expect(session.body).toMatchObject({ name: 'gateway-cotopaxi', role: 'operator' });

    const audit = await auditOf(created.body.id);
    expect(audit.map(({ actor, action, before, after }) => ({ actor, action, before, after }))).toEqual([
      {
        actor: 'first-admin',
        action: 'token.create',
        before: null,
        after: { name: 'gateway-cotopaxi', role: 'operator', revokedAt: null },
      },
    ]);
    expect(audit[0]!.text).not.toContain(secret);
    expect(audit[0]!.text).not.toContain(sha256(secret));
  });

  it('refuses a role that does not exist, a name with control characters and unknown fields, naming each', async () => {
    const badRole = await call('POST', '/api/tokens', admin.secret, { name: 'x', role: 'root' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors.map((e: Json) => e.field)).toEqual(['role']);
    const badName = await call('POST', '/api/tokens', admin.secret, { name: 'a\nb', role: 'viewer' });
    expect(badName.body.errors.map((e: Json) => e.field)).toEqual(['name']);
    const extra = await call('POST', '/api/tokens', admin.secret, {
      name: 'x',
      role: 'viewer',
      secret: 'atl_mine',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors.map((e: Json) => e.field)).toEqual(['secret']);
  });

  it('is for admins only', async () => {
    expect((await call('POST', '/api/tokens', viewer, { name: 'x', role: 'admin' })).status).toBe(403);
    expect((await call('POST', '/api/tokens', null, { name: 'x', role: 'admin' })).status).toBe(401);
  });
});

describe('GET /api/tokens', () => {
  it('lists every token by id with name, role and dates, and no secret or hash anywhere', async () => {
    const listed = await call('GET', '/api/tokens', admin.secret);
    expect(listed.status).toBe(200);
    const tokens = listed.body.tokens as Json[];
    expect(tokens.map((t) => t.name).slice(0, 3)).toEqual(['first-admin', 'a-viewer', 'gateway-cotopaxi']);
    for (const t of tokens) {
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
    }
    const hashes = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    for (const { token_hash } of hashes) expect(listed.text).not.toContain(token_hash);
    expect(listed.text).not.toContain('atl_');
    // The admin has just used its token: it shows (updated at most once a minute).
    expect(tokens[0].lastUsedAt).not.toBeNull();
  });
});

describe('DELETE /api/tokens/:id', () => {
  it('revokes a token, which is refused at once, and audits it with before and after', async () => {
    const created = await call('POST', '/api/tokens', admin.secret, { name: 'to-revoke', role: 'analyst' });
    const secret = created.body.secret as string;
    expect((await call('GET', '/api/session', secret)).status).toBe(200);

    const revoked = await call('DELETE', `/api/tokens/${created.body.id}`, admin.secret);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.body.id, name: 'to-revoke', role: 'analyst' });
    expect(Date.parse(revoked.body.revokedAt)).not.toBeNaN();

    expect((await call('GET', '/api/session', secret)).status).toBe(401);
    const audit = await auditOf(created.body.id);
    expect(audit.map((a) => a.action)).toEqual(['token.create', 'token.revoke']);
    expect(audit[1]).toMatchObject({
      actor: 'first-admin',
      before: { name: 'to-revoke', role: 'analyst', revokedAt: null },
      after: { name: 'to-revoke', role: 'analyst', revokedAt: revoked.body.revokedAt },
    });
  });

  it('answers 409 for a token already revoked and 404 for one that never was', async () => {
    const created = await call('POST', '/api/tokens', admin.secret, { name: 'twice', role: 'viewer' });
    await call('DELETE', `/api/tokens/${created.body.id}`, admin.secret);
    const again = await call('DELETE', `/api/tokens/${created.body.id}`, admin.secret);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('was revoked at');
    expect((await call('DELETE', '/api/tokens/999999', admin.secret)).status).toBe(404);
    expect(await auditOf(created.body.id)).toHaveLength(2);
  });

  it('keeps the last live admin token: revoking it would leave nobody to manage tokens', async () => {
    const last = await call('DELETE', `/api/tokens/${admin.id}`, admin.secret);
    expect(last.status).toBe(409);
    expect(last.body.detail).toContain('last live admin token');

    // With a second admin it may go; then the second is the last.
    const second = await call('POST', '/api/tokens', admin.secret, { name: 'second-admin', role: 'admin' });
    expect((await call('DELETE', `/api/tokens/${admin.id}`, second.body.secret)).status).toBe(200);
    expect((await call('GET', '/api/tokens', admin.secret)).status).toBe(401);
    expect((await call('DELETE', `/api/tokens/${second.body.id}`, second.body.secret)).status).toBe(409);
  });
});
