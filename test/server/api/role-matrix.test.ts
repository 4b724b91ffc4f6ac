/**
 * The role matrix: every route the application registers, called by an anonymous caller and by a
 * token of each role, with public reads on and off. A caller the role list does not allow
 * is refused — 401 without a token, 403 with one — and nothing else is: an allowed caller always
 * gets past authorization (whatever the route then says about the empty request).
 *
 * The expected permission of each route is written out below, from the issue ("Trust", item 1):
 * viewer reads; operator acknowledges, assigns, comments on and silences alerts and posts incidents
 * and readings; analyst writes rules, backtests and runs siting; admin manages tokens, webhooks,
 * cameras and imports and reads the audit log. A route added without a line here, or registered with
 * another permission, fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from '../../../server/auth/roles.js';
import { createToken } from '../../../server/db/token-store.js';
import { ROLES, type Role } from '../../../server/domain/types.js';
import { testDatabase } from '../../setup/test-database.js';
import { startFullApp, type FullApp } from './full-app.js';

const EXPECTED: Record<string, Permission | 'none'> = {
  'GET /api/health/live': 'none',
  'GET /api/health/ready': 'none',
  'GET /api/health': 'read',
  'GET /api/session': 'none',
  'GET /api/provinces': 'read',
  'GET /api/regions': 'read',
  'GET /api/regions/incidents': 'read',
  'GET /api/centers': 'read',
  'GET /api/volcanoes': 'read',
  'GET /api/cameras': 'read',
  'GET /api/cameras/:id/readings': 'read',
  'GET /api/incidents': 'read',
  'GET /api/cameras/:id/coverage': 'read',
  'GET /api/cameras/:id/privacy-masks': 'cameras.write',
  'PUT /api/cameras/:id/privacy-masks': 'cameras.write',
  'DELETE /api/cameras/:id/privacy-masks/:maskId': 'cameras.write',
  'POST /api/cameras': 'cameras.write',
  'POST /api/incidents': 'incidents.write',
  'POST /api/readings': 'readings.write',
  'GET /api/incidents/density': 'read',
  'GET /api/incidents/export': 'read',
  'GET /api/incidents/histogram': 'read',
  'POST /api/alerts/stream-ticket': 'read',
  'GET /api/alerts/stream': 'read',
  'GET /api/alerts/status': 'read',
  'GET /api/alerts': 'read',
  'GET /api/alerts/:id': 'read',
  'POST /api/alerts/:id/acknowledge': 'alerts.act',
  'POST /api/alerts/:id/assign': 'alerts.act',
  'POST /api/alerts/:id/comment': 'alerts.act',
  'POST /api/alerts/:id/silence': 'alerts.act',
  'POST /api/alerts/:id/unsilence': 'alerts.act',
  'POST /api/rules/backtest': 'rules.write',
  'GET /api/rules': 'read',
  'GET /api/rules/:id': 'read',
  'POST /api/rules': 'rules.write',
  'PUT /api/rules/:id': 'rules.write',
  'PATCH /api/rules/:id': 'rules.write',
  'DELETE /api/rules/:id': 'rules.write',
  'GET /api/cap/alerts.atom': 'read',
  'GET /api/cap/alerts/:file': 'read',
  'GET /api/webhooks': 'tokens.manage',
  'POST /api/webhooks': 'tokens.manage',
  'DELETE /api/webhooks/:id': 'tokens.manage',
  'POST /api/webhooks/:id/requeue': 'tokens.manage',
  'GET /api/demo': 'read',
  'GET /api/tokens': 'tokens.manage',
  'POST /api/tokens': 'tokens.manage',
  'DELETE /api/tokens/:id': 'tokens.manage',
  'GET /api/audit': 'audit.read',
  'GET /api/coverage': 'read',
  'GET /api/coverage/counts.tif': 'read',
  'GET /api/coverage/gaps.geojson': 'read',
  'GET /api/coverage/gaps.csv': 'read',
  'GET /api/coverage/raster.png': 'read',
  'POST /api/siting': 'siting.run',
  'POST /api/coverage/what-if': 'siting.run',
};

/** Who holds each permission, as the issue lists the roles. */
const HOLDERS: Record<Permission, readonly Role[]> = {
  read: ['viewer', 'operator', 'analyst', 'admin'],
  'alerts.act': ['operator', 'admin'],
  'incidents.write': ['operator', 'admin'],
  'readings.write': ['operator', 'admin'],
  'rules.write': ['analyst', 'admin'],
  'siting.run': ['analyst', 'admin'],
  'cameras.write': ['admin'],
  'tokens.manage': ['admin'],
  'audit.read': ['admin'],
};

type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/** What `caller` must get from a route needing `permission`: refused with 401 or 403, or let past. */
function expectedOutcome(permission: Permission | 'none', caller: Caller, publicReads: boolean) {
  if (permission === 'none') return 'allowed';
  if (caller === 'anonymous') return permission === 'read' && publicReads ? 'allowed' : 401;
  return HOLDERS[permission].includes(caller) ? 'allowed' : 403;
}

/** A concrete URL for a route pattern: ids that match nothing, so allowed writes change nothing. */
function concrete(path: string): string {
  return path.replace(':file', '999999999.xml').replace(/:[A-Za-z]+/g, '999999999');
}

const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  const db = await testDatabase();
  for (const role of ROLES) tokens[role] = (await createToken(db, `role-matrix-${role}`, role)).secret;
});

async function call(url: string, method: string, path: string, caller: Caller): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(`${url}${concrete(path)}`, {
    method,
    headers: caller === 'anonymous' ? {} : { Authorization: `Bearer ${tokens[caller]}` },
    signal: abort.signal,
  });
  // The alert stream never ends by itself: the status is all this test needs.
  abort.abort();
  return res.status;
}

describe('the role table', () => {
  it('gives each role exactly the permissions the issue lists', () => {
    for (const role of ROLES) {
      const listed = PERMISSIONS.filter((p) => HOLDERS[p].includes(role));
      expect([...ROLE_PERMISSIONS[role]].sort(), role).toEqual([...listed].sort());
    }
  });
});

for (const publicReads of [true, false]) {
  describe(`every route × every caller, public reads ${publicReads ? 'on' : 'off'}`, () => {
    let app: FullApp;
    beforeAll(async () => {
      app = await startFullApp({ publicReads });
    });
    afterAll(() => app?.close());

    it('registers exactly the routes of the table, each with its permission', () => {
      const registered = Object.fromEntries(
        app.routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.permission]),
      );
      expect(app.routes.length, 'a route registered twice').toBe(Object.keys(registered).length);
      expect(registered).toEqual(EXPECTED);
    });

    it('refuses exactly the callers the table says, with 401 or 403, and lets the others past', async () => {
      const db = await testDatabase();
      const [before] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      const wrong: string[] = [];
      for (const route of app.routes) {
        for (const caller of CALLERS) {
          const want = expectedOutcome(route.permission, caller, publicReads);
          const status = await call(app.url, route.method.toUpperCase(), route.path, caller);
          const ok = want === 'allowed' ? status !== 401 && status !== 403 : status === want;
          if (!ok)
            wrong.push(`${route.method.toUpperCase()} ${route.path} as ${caller}: ${status}, want ${want}`);
        }
      }
      expect(wrong).toEqual([]);
      // Empty requests on ids that match nothing: refused or not, none of them changed anything.
      const [after] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      expect(after!.n).toBe(before!.n);
    });

    it('documents a bearer requirement in OpenAPI exactly for the routes anonymous callers cannot use', async () => {
      const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      for (const route of app.routes) {
        const op = doc.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method];
        expect(op, `${route.method} ${route.path} in OpenAPI`).toBeDefined();
        const anonymous = expectedOutcome(route.permission, 'anonymous', publicReads) === 'allowed';
        expect(op!.security === undefined, `${route.method} ${route.path}`).toBe(anonymous);
      }
    });
  });
}
