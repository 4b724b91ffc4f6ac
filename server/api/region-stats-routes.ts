/**
 * GET /api/regions/incidents: incidents of a time window and category filter per regional center's
 * area, and per km² of it, for the map's region choropleth (server/db/region-stats-queries.ts).
 *
 * Cached by query and by the newest incident id, as the density routes are: incidents are only
 * inserted, so a new one changes the key and nothing stale is served.
 */
import type { Database } from '../db/database.js';
import { dataVersion } from '../db/data-versions.js';
import { incidentsByRegion, type RegionIncidentFilter } from '../db/region-stats-queries.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';
import { ValidationError } from '../errors.js';
import { ResultCache } from './result-cache.js';
import type { ApiRoutes } from './route-registry.js';
import { Instant, csvEnum, z } from './schemas.js';

/** Widest window one request may count: 400 days, as the density routes allow. */
const MAX_SPAN_MS = 400 * 86_400_000;
const CACHE_ENTRIES = 128;
const CACHE_TTL_MS = 10 * 60_000;

const RegionIncidentsQuery = z
  .object({
    from: Instant,
    to: Instant,
    category: csvEnum(INCIDENT_CATEGORIES).optional(),
  })
  .strict();

const RegionIncidentsResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    category: z.array(z.enum(INCIDENT_CATEGORIES)).nullable().openapi({
      description: 'The categories counted; null for all',
    }),
    total: z.number().int().openapi({ description: 'Incidents counted in some region' }),
    synthetic: z.number().int().openapi({ description: 'How many of them are synthetic' }),
    regions: z
      .array(
        z.object({
          centerId: z.string(),
          name: z.string(),
          areaKm2: z.number().openapi({ description: 'Official area of the region, km²' }),
          incidents: z.number().int(),
          synthetic: z.number().int(),
          perKm2: z.number().openapi({ description: 'incidents / areaKm2 over the whole window' }),
        }),
      )
      .openapi({ description: 'Every region, those without incidents included, by center id' }),
  })
  .openapi('RegionIncidents');

/** GET /api/regions/incidents. */
export function addRegionStatsRoutes(api: ApiRoutes, db: Database): void {
  const cache = new ResultCache<string>({ capacity: CACHE_ENTRIES, ttlMs: CACHE_TTL_MS });

  api.add({
    method: 'get',
    path: '/api/regions/incidents',
    summary: "Incidents per regional center's area and per km², by time window and category",
    tags: ['incidents'],
    permission: 'read',
    query: RegionIncidentsQuery,
    responses: {
      200: {
        description: 'Counts per region',
        content: { 'application/json': { schema: RegionIncidentsResponse } },
      },
    },
    handler: async ({ query }, _req, res) => {
      const span = query.to.getTime() - query.from.getTime();
      if (span <= 0) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: 'must be after from' },
        ]);
      }
      if (span > MAX_SPAN_MS) {
        throw new ValidationError('Invalid query parameters: to', [
          {
            field: 'to',
            message: `the range may span at most 400 days, got ${Math.ceil(span / 86_400_000)}`,
          },
        ]);
      }
      // Sorted and deduplicated: `fire,traffic` and `traffic,fire` are one query and one cache entry.
      const category = query.category ? [...new Set(query.category)].sort() : undefined;
      const filter: RegionIncidentFilter = { from: query.from, to: query.to, category };
      const key = [
        query.from.toISOString(),
        query.to.toISOString(),
        category?.join(',') ?? '*',
        await dataVersion(db, 'incidents'),
      ].join('|');
      const body = await cache.get(key, async () => {
        const regions = await incidentsByRegion(db, filter);
        return JSON.stringify({
          from: query.from.toISOString(),
          to: query.to.toISOString(),
          category: category ?? null,
          total: regions.reduce((sum, r) => sum + r.incidents, 0),
          synthetic: regions.reduce((sum, r) => sum + r.synthetic, 0),
          regions,
        });
      });
      res.type('application/json').send(body);
    },
  });
}
