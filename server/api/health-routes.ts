import type { Database } from '../db/database.js';
import { migrationLevel } from '../db/migrate.js';
import type { ApiRoutes } from './route-registry.js';
import { Health, z } from './schemas.js';

export const SERVER_VERSION = '0.1.0';
const startedAt = Date.now();

/** GET /api/health: database kind and versions, migration level; 503 while the database is unreachable. */
export function addHealthRoutes(api: ApiRoutes, db: Database): void {
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
