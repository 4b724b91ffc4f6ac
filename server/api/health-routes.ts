import type { Database } from '../db/database.js';
import { migrationLevel } from '../db/migrate.js';
import { checkReadiness, type ReadinessSources } from '../ops/readiness.js';
import type { ApiRoutes } from './route-registry.js';
import { Health, z } from './schemas.js';

export const SERVER_VERSION = '0.1.0';
const startedAt = Date.now();

const Liveness = z.object({ status: z.literal('alive'), uptimeSeconds: z.number() }).openapi('Liveness');

const Readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({
      database: z.object({ ok: z.boolean(), error: z.enum(['unreachable', 'timeout']).nullable() }),
      migrations: z.object({
        ok: z.boolean(),
        level: z.number().int().nullable(),
        expected: z.number().int(),
      }),
      alerts: z.object({
        ok: z.boolean(),
        running: z.boolean().nullable().openapi({ description: 'null: this server runs no alert service' }),
      }),
    }),
  })
  .openapi('Readiness');

/**
 * GET /api/health: database kind and versions, migration level; 503 while the database is unreachable.
 * GET /api/health/live and /api/health/ready: the probes of a process supervisor and a load balancer,
 * open to every caller (they carry no data).
 */
export function addHealthRoutes(
  api: ApiRoutes,
  db: Database,
  options: { alerts?: ReadinessSources['alerts'] } = {},
): void {
  api.add({
    method: 'get',
    path: '/api/health/live',
    summary: 'Liveness: the process answers (the database is not consulted)',
    tags: ['operations'],
    permission: 'none',
    query: z.object({}).strict(),
    responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Liveness } } } },
    handler: (_input, _req, res) => {
      const body: z.infer<typeof Liveness> = {
        status: 'alive',
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
      res.set('Cache-Control', 'no-store').json(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/health/ready',
    summary: 'Readiness: database reachable, migrations at the expected level, alert service started',
    tags: ['operations'],
    permission: 'none',
    query: z.object({}).strict(),
    responses: {
      200: { description: 'Ready for traffic', content: { 'application/json': { schema: Readiness } } },
      503: {
        description: 'Not ready: `checks` says which check failed',
        content: { 'application/json': { schema: Readiness } },
      },
    },
    handler: async (_input, req, res) => {
      const { ready, checks, cause } = await checkReadiness({ db, alerts: options.alerts });
      if (!ready) req.log.warn({ checks, err: cause }, 'readiness check failed');
      const body: z.infer<typeof Readiness> = { status: ready ? 'ready' : 'not_ready', checks };
      res
        .status(ready ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/health',
    summary: 'Server and database health',
    tags: ['operations'],
    permission: 'read',
    query: z.object({}).strict(),
    responses: {
      200: { description: 'Healthy', content: { 'application/json': { schema: Health } } },
      503: {
        description: 'Degraded: the database is unreachable',
        content: { 'application/json': { schema: Health } },
      },
    },
    handler: async (_input, _req, res) => {
      const database: z.infer<typeof Health>['database'] = {
        kind: db.kind,
        reachable: false,
        postgis: null,
        postgres: null,
        migration: null,
      };
      try {
        const rows = await db.query<{ postgis: string; postgres: string }>(
          `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres`,
        );
        database.postgis = rows[0]?.postgis ?? null;
        database.postgres = rows[0]?.postgres ?? null;
        database.migration = await migrationLevel(db);
        database.reachable = true;
      } catch (error) {
        res.req.log.warn({ err: error }, 'health check: database unreachable');
      }
      const body: z.infer<typeof Health> = {
        status: database.reachable ? 'ok' : 'degraded',
        version: SERVER_VERSION,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        database,
      };
      res
        .status(database.reachable ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(body);
    },
  });
}
