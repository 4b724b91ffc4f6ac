/**
 * Hardening at the HTTP edge and below it: security headers, strict CORS, rate limits per address and
 * per token, request size limits, content types, JSON that is not UTF-8, too deep or holding NUL,
 * the configuration of all of these, statement timeouts on PostgreSQL, and SQL built only from
 * parameters and reviewed constant fragments.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { defaultSecurity, loadConfig, type SecurityConfig } from '../../../server/config.js';
import { openPostgres } from '../../../server/db/pg-driver.js';
import { createToken } from '../../../server/db/token-store.js';
import { DatabaseUnavailableError } from '../../../server/errors.js';
import { createLogger } from '../../../server/logger.js';
import { ROOT, testDatabase, testDatabaseUrl } from '../../setup/test-database.js';

interface Served {
  url: string;
  close(): Promise<void>;
}

const opened: Served[] = [];

/** The application (no alert or coverage service) with `security` over the defaults. */
async function serve(security: Partial<SecurityConfig> = {}): Promise<Served> {
  const db = await testDatabase();
  const app = createApp({ db, log: createLogger('silent'), security: { ...defaultSecurity(), ...security } });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const served = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  opened.push(served);
  return served;
}

const tokens: Record<string, string> = {};

beforeAll(async () => {
  const db = await testDatabase();
  for (const name of ['admin', 'admin2', 'viewer'] as const) {
    tokens[name] = (
      await createToken(db, `hardening-${name}`, name === 'viewer' ? 'viewer' : 'admin')
    ).secret;
  }
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function request(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const { token, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(rest.headers as object) },
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body: json };
}

describe('security headers', () => {
  it('sends the content security policy of the page, directive for directive, and the framing and sniffing guards', async () => {
    const s = await serve();
    const res = await fetch(`${s.url}/api/health`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => {
          const [name, ...values] = d.split(/\s+/);
          return [name, values];
        }),
    );
    expect(directives).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'worker-src': ["'self'", 'blob:'],
      'connect-src': ["'self'"],
      'font-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('sends them on problem answers too', async () => {
    const s = await serve();
    const res = await fetch(`${s.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/api/incidents`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });

  it('allows no cross-origin caller by default: preflights are refused, reads carry no allow-origin', async () => {
    const s = await serve();
    const pre = await preflight(s.url, 'https://evil.example');
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await pre.json()) as Json).detail).toContain('https://evil.example');
    const read = await fetch(`${s.url}/api/provinces`, { headers: { Origin: 'https://evil.example' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the listed origins, with the methods and headers the API uses', async () => {
    const s = await serve({ corsOrigins: ['https://ops.example.ec'] });
    const pre = await preflight(s.url, 'https://ops.example.ec');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://ops.example.ec');
    expect(pre.headers.get('access-control-allow-methods')?.split(',')).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
    ]);
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const read = await fetch(`${s.url}/api/provinces`, { headers: { Origin: 'https://ops.example.ec' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('https://ops.example.ec');
    expect(read.headers.get('vary')).toContain('Origin');
    expect((await preflight(s.url, 'https://ops.example.ec.evil.example')).status).toBe(403);
    expect((await preflight(s.url, 'http://ops.example.ec')).status).toBe(403);
  });
});

describe('rate limits', () => {
  it('stops the 6th request a minute from one address at a limit of 5, with 429, Retry-After and a problem', async () => {
    const s = await serve({ rateLimitPerAddress: 5, rateLimitPerToken: 0, exemptLoopback: false });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${s.url}/api/session`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await request(`${s.url}/api/session`);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 429, type: 'https://atalaya.dev/problems/rate-limited' });
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
  });

  it('counts a bad token against the address before looking it up', async () => {
    const s = await serve({ rateLimitPerAddress: 2, rateLimitPerToken: 0, exemptLoopback: false });
    const bad = { headers: { Authorization: 'Bearer atl_000000000000000000000000000000' } };
    expect((await fetch(`${s.url}/api/session`, bad)).status).toBe(401);
    expect((await fetch(`${s.url}/api/session`, bad)).status).toBe(401);
    expect((await fetch(`${s.url}/api/session`, bad)).status).toBe(429);
  });

  it('limits each token on its own, whatever the address, and leaves anonymous callers to the address limit', async () => {
    const s = await serve({ rateLimitPerAddress: 0, rateLimitPerToken: 3, exemptLoopback: false });
    const as = async (token?: string) => (await request(`${s.url}/api/session`, { token })).status;
    expect([
      await as(tokens.admin),
      await as(tokens.admin),
      await as(tokens.admin),
      await as(tokens.admin),
    ]).toEqual([200, 200, 200, 429]);
    expect(await as(tokens.admin2)).toBe(200);
    for (let i = 0; i < 5; i++) expect(await as()).toBe(200);
  });

  it('does not limit loopback callers by default (the load test, scripts, the simulator)', async () => {
    const s = await serve({ rateLimitPerAddress: 3, rateLimitPerToken: 3 });
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${s.url}/api/session`)).status).toBe(200);
      expect((await request(`${s.url}/api/session`, { token: tokens.admin })).status).toBe(200);
    }
  });

  it('tells clients apart by X-Forwarded-For only behind a trusted proxy, so the header cannot dodge the limit', async () => {
    const forwarded = (url: string, ip: string) =>
      fetch(`${url}/api/session`, { headers: { 'X-Forwarded-For': ip } }).then((r) => r.status);
    const direct = await serve({ rateLimitPerAddress: 2, rateLimitPerToken: 0, exemptLoopback: false });
    expect([
      await forwarded(direct.url, '203.0.113.1'),
      await forwarded(direct.url, '203.0.113.2'),
      await forwarded(direct.url, '203.0.113.3'),
    ]).toEqual([200, 200, 429]);

    // Behind a proxy on this machine, the forwarded address is the client, loopback exemption or not.
    const proxied = await serve({ rateLimitPerAddress: 2, rateLimitPerToken: 0, trustProxy: 'loopback' });
    expect([
      await forwarded(proxied.url, '203.0.113.1'),
      await forwarded(proxied.url, '203.0.113.1'),
      await forwarded(proxied.url, '203.0.113.1'),
      await forwarded(proxied.url, '203.0.113.2'),
    ]).toEqual([200, 200, 429, 200]);
  });
});

describe('request bodies', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ maxJsonBytes: 4096 });
  });
  const post = (body: BodyInit, type: string | null, extra: Record<string, string> = {}) =>
    request(`${s.url}/api/tokens`, {
      method: 'POST',
      token: tokens.admin,
      headers: { ...(type ? { 'Content-Type': type } : {}), ...extra },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit & { token: string });

  it('refuses a JSON body over the limit with 413 naming the limit, whether its length is declared or not', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(5000), role: 'viewer' });
    const declared = await post(big, 'application/json');
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({
      status: 413,
      errors: [{ field: 'body', message: 'exceeds 4096 bytes' }],
    });
    const chunked = await post(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      }),
      'application/json',
    );
    expect(chunked.status).toBe(413);
  });

  it('refuses another content type with 415 naming the one expected', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', null]) {
      const res = await post('{"name":"x","role":"viewer"}', type);
      expect(res.status, String(type)).toBe(415);
      expect(res.body.errors[0]).toMatchObject({ field: 'Content-Type' });
      expect(res.body.detail).toContain('application/json');
    }
  });

  it('refuses bytes that are not UTF-8, JSON nested deeper than 32 levels and the NUL character, each with 400 naming the body', async () => {
    const notUtf8 = await post(
      new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      'application/json',
    );
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body.errors).toEqual([{ field: 'body', message: 'is not valid UTF-8' }]);

    const deep = await post(
      `{"name":${'['.repeat(40)}${']'.repeat(40)},"role":"viewer"}`,
      'application/json',
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].message).toBe('nests 41 levels deep; at most 32 are accepted');

    const nul = await post('{"name":"a\\u0000b","role":"viewer"}', 'application/json');
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0]).toMatchObject({ field: 'name' });
  });

  it('refuses a NUL character in a query or path parameter with 400 naming it', async () => {
    const res = await request(`${s.url}/api/audit?actor=a%00b`, { token: tokens.admin });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'actor', message: 'must not contain the NUL character (%00)' },
    ]);
    const inPath = await request(
      `${s.url}/api/cameras/a%00b/readings?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`,
    );
    expect(inPath.status).toBe(400);
    expect(inPath.body.errors[0].field).toBe('id');
  });

  it('refuses an instant PostgreSQL cannot store (year 0) with 400 at the edge', async () => {
    const res = await request(`${s.url}/api/audit?from=0000-06-01T00:00:00Z`, { token: tokens.admin });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      field: 'from',
      message: 'must fall in the years 0001 to 9999 (UTC)',
    });
  });

  it('still reads the smallest valid body', async () => {
    const res = await post('{"name":"hardening-ok","role":"viewer"}', 'application/json; charset=utf-8');
    expect(res.status).toBe(201);
  });
});

describe('configuration', () => {
  it('reads the hardening variables', () => {
    const config = loadConfig({
      ATALAYA_RATE_LIMIT_ADDRESS: '600',
      ATALAYA_RATE_LIMIT_TOKEN: '0',
      ATALAYA_RATE_LIMIT_LOOPBACK: 'limit',
      ATALAYA_TRUST_PROXY: 'loopback, 10.0.0.0/8',
      ATALAYA_CORS_ORIGINS: 'https://ops.example.ec, http://localhost:5173',
      ATALAYA_MAX_JSON_BYTES: '65536',
      ATALAYA_STATEMENT_TIMEOUT_MS: '5000',
    });
    expect(config.security).toEqual({
      rateLimitPerAddress: 600,
      rateLimitPerToken: 0,
      exemptLoopback: false,
      trustProxy: 'loopback, 10.0.0.0/8',
      corsOrigins: ['https://ops.example.ec', 'http://localhost:5173'],
      maxJsonBytes: 65536,
      statementTimeoutMs: 5000,
    });
    expect(loadConfig({ ATALAYA_TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
  });

  it('defaults to no CORS, no trusted proxy, 3,000 requests a minute per address and per token, loopback exempt', () => {
    expect(loadConfig({}).security).toEqual({
      rateLimitPerAddress: 3000,
      rateLimitPerToken: 3000,
      exemptLoopback: true,
      trustProxy: false,
      corsOrigins: [],
      maxJsonBytes: 1048576,
      statementTimeoutMs: 30000,
    });
  });

  it.each([
    ['ATALAYA_CORS_ORIGINS', '*'],
    ['ATALAYA_CORS_ORIGINS', 'https://ok.example, ops.example'],
    ['ATALAYA_TRUST_PROXY', 'true'],
    ['ATALAYA_RATE_LIMIT_ADDRESS', '-1'],
    ['ATALAYA_MAX_JSON_BYTES', '10'],
    ['ATALAYA_STATEMENT_TIMEOUT_MS', 'soon'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`Invalid environment variable ${name}`);
  });
});

describe('statement timeouts', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'cancels a PostgreSQL statement that runs past the timeout, as a 503-class DatabaseUnavailableError',
    async () => {
      await testDatabase();
      const db = await openPostgres({
        connectionString: testDatabaseUrl()!,
        statementTimeoutMs: 200,
        max: 1,
      });
      try {
        const started = Date.now();
        const error = await db.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseUnavailableError);
        expect((error as DatabaseUnavailableError).status).toBe(503);
        expect(Date.now() - started).toBeLessThan(4000);
        // The connection is still usable afterwards.
        expect(await db.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
      } finally {
        await db.close();
      }
    },
  );
});

/**
 * Every `${…}` inside a template literal that reads as SQL, in server/: each was reviewed to be a
 * placeholder ($n), a constant SQL fragment, or a fragment built only of those. A value spliced into
 * SQL text would appear here as a new expression and fail the test until it is made a parameter.
 */
const REVIEWED_SQL_INTERPOLATIONS = new Set([
  "where.length ? `WHERE ${where.join(' AND ')}` : ''",
  "where.join(' AND ')",
  "any.join(' OR ')",
  "values.join(', ')",
  "INCIDENT_COLUMNS.join(', ')",
  "READING_COLUMNS.join(', ')",
  "ruleIds ? 'AND rule_id = ANY($1::bigint[])' : ''",
  "since ? 'AND occurred_at >= $3' : ''",
  "after ? 'WHERE (i.occurred_at, i.id) > ($3::timestamptz, $4::bigint)' : ''",
  "VALID_MULTIPOLYGON.replace('$GEOM', '$4')",
  "VALID_MULTIPOLYGON.replace('$GEOM', '$5')",
  "REGION_OF('ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)')",
  "REGION_OF('c.geom')",
  "REGION_OF('i.geom')",
  "GEOM_SQL('t.gj')",
  'assertIdentifier(table)',
  // Built above each use from placeholders and constants only (read the function before adding one).
  'columnList',
  'ident', // pg.escapeIdentifier of a database name (server/ops/sibling-database.ts)
  'filter',
  'geom',
  'geom.sql',
  'lastSeen',
  'n',
  'b + 1',
  'region',
  's.from',
  's.id',
  's.order',
  's.properties',
  'spec.mergeSql',
  'spec.table',
  'staging',
  'statement',
  'volcano',
  'when',
  'where',
  'which',
  'params.length',
]);

function sqlInterpolations(): { file: string; expression: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'server'));
  const SQL =
    /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WHERE|VALUES|JOIN|ORDER BY|RETURNING)\b|^\s*(COPY|CREATE|WITH) /;
  const found: { file: string; expression: string }[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isTemplateExpression(node)) {
        const literalText = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
        if (SQL.test(literalText)) {
          for (const span of node.templateSpans) {
            found.push({ file: path.relative(ROOT, file), expression: span.expression.getText(source) });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('parameterised SQL', () => {
  it('splices nothing but placeholders and reviewed constant fragments into SQL text', () => {
    const unreviewed = sqlInterpolations().filter(({ expression }) => {
      if (REVIEWED_SQL_INTERPOLATIONS.has(expression)) return false;
      // Constants by naming convention (SELECT_ALERT, RULE_COLUMNS…) and placeholder builders: p(…), param(…).
      if (/^[A-Z][A-Z0-9_]*$/.test(expression)) return false;
      if (/^(p|param)\([^()]*(\([^()]*\))?[^()]*\)$/.test(expression)) return false;
      if (/^b \+ \d$/.test(expression)) return false;
      return true;
    });
    expect(unreviewed).toEqual([]);
  });

  it('finds the interpolations it is meant to review (the scan is not blind)', () => {
    const expressions = sqlInterpolations().map((f) => f.expression);
    expect(expressions).toContain("where.length ? `WHERE ${where.join(' AND ')}` : ''");
    expect(expressions).toContain('assertIdentifier(table)');
  });
});
