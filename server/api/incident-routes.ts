import type { Database } from '../db/database.js';
import { incidentPage } from '../db/network-queries.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';
import { ValidationError } from '../errors.js';
import type { ApiRoutes } from './route-registry.js';
import { BBoxParam, Instant, csvEnum, isApiInstant, z } from './schemas.js';

const Cursor = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    try {
      const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
      if (typeof v.t === 'string' && isApiInstant(Date.parse(v.t)) && Number.isSafeInteger(v.id))
        return { t: v.t, id: v.id as number };
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this API' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'Opaque cursor from the previous page (`next`)' });

const IncidentQuery = z
  .object({
    bbox: BBoxParam.optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    category: csvEnum(INCIDENT_CATEGORIES).optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(1000)
      .openapi({ type: 'integer', default: 1000 }),
    cursor: Cursor.optional(),
  })
  .strict();

export const encodeCursor = (c: { t: string; id: number }) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

/** GET /api/incidents: by bbox, time range and category, in time order, paged by cursor. */
export function addIncidentRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/incidents',
    summary: 'Incidents by bbox, time range and category, oldest first, paged with a cursor',
    tags: ['incidents'],
    permission: 'read',
    query: IncidentQuery,
    responses: {
      200: {
        description:
          'GeoJSON FeatureCollection with a `next` cursor when more pages remain (also in the Link header)',
        content: { 'application/geo+json': { schema: z.object({}) } },
      },
    },
    handler: async ({ query }, req, res) => {
      if (query.from && query.to && query.to.getTime() <= query.from.getTime()) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: 'must be after from' },
        ]);
      }
      const page = await incidentPage(db, {
        bbox: query.bbox,
        from: query.from,
        to: query.to,
        category: query.category,
        limit: query.limit,
        after: query.cursor,
      });
      let body = page.body;
      if (page.next) {
        const cursor = encodeCursor(page.next);
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.set('cursor', cursor);
        res.set('Link', `<${url.pathname}${url.search}>; rel="next"`);
        body = `${body.slice(0, -1)},"next":${JSON.stringify(cursor)}}`;
      }
      res.type('application/geo+json').send(body);
    },
  });
}
