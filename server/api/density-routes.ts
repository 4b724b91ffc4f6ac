/**
 * GET /api/incidents/density and GET /api/incidents/histogram: incident aggregates for the map's
 * hexagon layer and its time slider, computed from the in-memory copy of the incidents
 * (server/incidents/incident-snapshot.ts, incident-columns.ts): a request costs the database one
 * primary-key lookup (the incidents' data version) and the server a pass over typed arrays.
 *
 * Results are cached by query and by the data version the copy is at, which moves with every
 * committed insert, update, delete or truncate of incidents, so nothing stale is served.
 */
import type { Database } from '../db/database.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';
import { ValidationError } from '../errors.js';
import {
  MAX_DENSITY_RES,
  MIN_DENSITY_RES,
  densityOf,
  histogramOf,
  type IncidentAggregateFilter,
} from '../incidents/incident-columns.js';
import { incidentSnapshot } from '../incidents/incident-snapshot.js';
import { ResultCache } from './result-cache.js';
import type { ApiRoutes } from './route-registry.js';
import { BBoxParam, Instant, csvEnum, z } from './schemas.js';

/** Widest window one request may aggregate: 400 days (a year of incidents and some margin). */
const MAX_SPAN_MS = 400 * 86_400_000;
const CACHE_ENTRIES = 256;
const CACHE_TTL_MS = 10 * 60_000;
/** Histogram bucket widths a client may ask for: an hour, 6 hours or a day, in seconds. */
const BUCKET_SECONDS = [3600, 21600, 86400] as const;
/** At most this many histogram buckets in one answer (a year of hours fits). */
const MAX_BUCKETS = 9000;

const DensityQuery = z
  .object({
    res: z.coerce
      .number()
      .int()
      .min(MIN_DENSITY_RES)
      .max(MAX_DENSITY_RES)
      .openapi({ type: 'integer', description: 'H3 resolution, 3 (~12,400 km² cells) to 8 (~0.74 km²)' }),
    from: Instant.optional(),
    to: Instant.optional(),
    category: csvEnum(INCIDENT_CATEGORIES).optional(),
    bbox: BBoxParam.optional(),
  })
  .strict();

const HistogramQuery = z
  .object({
    from: Instant,
    to: Instant,
    bucket: z.coerce
      .number()
      .int()
      .refine((s) => (BUCKET_SECONDS as readonly number[]).includes(s), {
        message: `must be one of ${BUCKET_SECONDS.join(', ')} (seconds)`,
      })
      .default(3600)
      .openapi({
        type: 'integer',
        default: 3600,
        description: 'Bucket width in seconds: 3600, 21600 or 86400',
      }),
    category: csvEnum(INCIDENT_CATEGORIES).optional(),
    bbox: BBoxParam.optional(),
  })
  .strict();

const DensityResponse = z
  .object({
    res: z.number().int(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    total: z.number().int().openapi({ description: 'Incidents counted, the sum of the cells' }),
    synthetic: z.number().int().openapi({ description: 'How many of them are synthetic' }),
    cells: z.array(z.object({ h3: z.string(), n: z.number().int() })).openapi({
      description: 'Cells with at least one incident, most incidents first',
    }),
  })
  .openapi('IncidentDensity');

const HistogramResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    bucketSeconds: z.number().int(),
    total: z.number().int(),
    synthetic: z.number().int(),
    buckets: z.array(z.object({ t: z.string(), n: z.number().int() })).openapi({
      description: 'Every bucket of the range, empty ones included, oldest first',
    }),
  })
  .openapi('IncidentHistogram');

/** The bodies of the two answers, as the client reads them (client/data/incident-aggregates.ts). */
export type IncidentDensityBody = z.infer<typeof DensityResponse>;
export type IncidentHistogramBody = z.infer<typeof HistogramResponse>;

/** GET /api/incidents/density and /api/incidents/histogram. */
export function addDensityRoutes(api: ApiRoutes, db: Database): void {
  const cache = new ResultCache<string>({ capacity: CACHE_ENTRIES, ttlMs: CACHE_TTL_MS });
  const incidents = incidentSnapshot(db);

  api.add({
    method: 'get',
    path: '/api/incidents/density',
    summary: 'Incident counts per H3 cell (hexagon density), by time range, category and bbox',
    tags: ['incidents'],
    permission: 'read',
    query: DensityQuery,
    responses: {
      200: { description: 'Counts per cell', content: { 'application/json': { schema: DensityResponse } } },
    },
    handler: async ({ query }, _req, res) => {
      checkRange(query.from, query.to);
      const filter = filterOf(query);
      const { version, columns } = await incidents.current();
      const key = `density|${query.res}|${keyOf(filter)}|${version}`;
      const body = await cache.get(key, async () => {
        const density = densityOf(columns, filter, query.res);
        return JSON.stringify({
          res: density.res,
          from: query.from?.toISOString() ?? null,
          to: query.to?.toISOString() ?? null,
          total: density.total,
          synthetic: density.synthetic,
          cells: density.cells,
        });
      });
      res.type('application/json').send(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/incidents/histogram',
    summary: 'Incident counts per hour, 6 hours or day over a time range, by category and bbox',
    tags: ['incidents'],
    permission: 'read',
    query: HistogramQuery,
    responses: {
      200: {
        description: 'Counts per bucket',
        content: { 'application/json': { schema: HistogramResponse } },
      },
    },
    handler: async ({ query }, _req, res) => {
      checkRange(query.from, query.to);
      if ((query.to.getTime() - query.from.getTime()) / 1000 / query.bucket > MAX_BUCKETS) {
        throw new ValidationError('Invalid query parameters: bucket', [
          {
            field: 'bucket',
            message: `gives more than ${MAX_BUCKETS} buckets over this range; use a wider one`,
          },
        ]);
      }
      const filter = filterOf(query);
      const { version, columns } = await incidents.current();
      const key = `histogram|${query.bucket}|${keyOf(filter)}|${version}`;
      const body = await cache.get(key, async () =>
        JSON.stringify(histogramOf(columns, { ...filter, from: query.from, to: query.to }, query.bucket)),
      );
      res.type('application/json').send(body);
    },
  });
}

function checkRange(from: Date | undefined, to: Date | undefined): void {
  if (from && to && to.getTime() <= from.getTime()) {
    throw new ValidationError('Invalid query parameters: to', [
      { field: 'to', message: 'must be after from' },
    ]);
  }
  if (from && to && to.getTime() - from.getTime() > MAX_SPAN_MS) {
    throw new ValidationError('Invalid query parameters: to', [
      { field: 'to', message: 'the range may span at most 400 days' },
    ]);
  }
}

function filterOf(query: {
  from?: Date;
  to?: Date;
  category?: IncidentAggregateFilter['category'];
  bbox?: IncidentAggregateFilter['bbox'];
}): IncidentAggregateFilter {
  return { from: query.from, to: query.to, category: query.category, bbox: query.bbox };
}

/** The filter as a canonical string: categories sorted, so `fire,traffic` and `traffic,fire` share an entry. */
function keyOf(filter: IncidentAggregateFilter): string {
  return [
    filter.from?.toISOString() ?? '',
    filter.to?.toISOString() ?? '',
    filter.category ? [...new Set(filter.category)].sort().join(',') : '*',
    filter.bbox?.join(',') ?? '*',
  ].join('|');
}
