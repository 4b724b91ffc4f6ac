import { NotFoundError, ValidationError } from '../errors.js';
import type { Database } from '../db/database.js';
import { camerasVersion } from '../db/data-versions.js';
import { cameraFeatureCollection, readingSeries } from '../db/network-queries.js';
import { CAMERA_KINDS, CAMERA_STATUSES } from '../domain/types.js';
import { bodyWeight, cachedBody, ResultCache, type CachedBody } from './result-cache.js';
import type { ApiRoutes } from './route-registry.js';
import { BBoxParam, Instant, csvEnum, z } from './schemas.js';

const CameraQuery = z
  .object({
    bbox: BBoxParam.optional(),
    kind: csvEnum(CAMERA_KINDS).optional(),
    status: csvEnum(CAMERA_STATUSES).optional(),
    volcano: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ type: 'integer', description: 'GVP number of the watched volcano' }),
  })
  .strict();

const SeriesQuery = z
  .object({
    from: Instant,
    to: Instant,
    maxBuckets: z.coerce
      .number()
      .int()
      .min(10)
      .max(5000)
      .default(500)
      .openapi({ type: 'integer', default: 500 }),
  })
  .strict();

const SeriesResponse = z
  .object({
    cameraId: z.string(),
    from: z.string(),
    to: z.string(),
    bucketSeconds: z.number().int(),
    synthetic: z.boolean(),
    buckets: z.array(
      z.object({
        t: z.string(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        mean: z.number().nullable(),
        n: z.number().int(),
        masked: z.number().int(),
      }),
    ),
  })
  .openapi('ReadingSeries');

/** A year at most in one request (a year of one-minute readings downsamples to ≤ 5000 buckets). */
const MAX_SPAN_MS = 366 * 86_400_000;

/**
 * Camera collections are kept per filter and per version of the cameras table (data-versions.ts): the
 * whole network is 2.2 MB of GeoJSON that PostGIS takes ~0.2 s to build, and it changes only when cameras
 * are imported. The time to live bounds what a stale entry could cost if the version ever missed a change.
 */
const CACHE_ENTRIES = 256;
const CACHE_TTL_MS = 10 * 60_000;
/** At most ~64 MB of bodies: the whole network is 2.2 MB, a city view a few hundred kB. */
const CACHE_MAX_CHARS = 64 * 1024 * 1024;

/** GET /api/cameras and GET /api/cameras/:id/readings. */
export function addCameraRoutes(api: ApiRoutes, db: Database): void {
  const cache = new ResultCache<CachedBody>({
    capacity: CACHE_ENTRIES,
    ttlMs: CACHE_TTL_MS,
    maxWeight: CACHE_MAX_CHARS,
    weigh: bodyWeight,
  });
  api.add({
    method: 'get',
    path: '/api/cameras',
    summary: 'The camera network, filtered by bbox, kind, status or watched volcano',
    tags: ['cameras'],
    permission: 'read',
    query: CameraQuery,
    responses: {
      200: {
        description: 'GeoJSON FeatureCollection of cameras',
        content: { 'application/geo+json': { schema: z.object({}) } },
      },
    },
    handler: async ({ query }, _req, res) => {
      const filter = {
        bbox: query.bbox,
        kind: query.kind,
        status: query.status,
        volcanoGvp: query.volcano,
      };
      const key = [
        await camerasVersion(db),
        query.bbox?.join(',') ?? '*',
        query.kind ? [...new Set(query.kind)].sort().join(',') : '*',
        query.status ? [...new Set(query.status)].sort().join(',') : '*',
        query.volcano ?? '*',
      ].join('|');
      const { body, etag } = await cache.get(key, async () =>
        cachedBody(await cameraFeatureCollection(db, filter)),
      );
      res.set('ETag', etag).type('application/geo+json').send(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/cameras/:id/readings',
    summary: "A camera's thermal readings over a time range, downsampled to min/max/mean per bucket",
    tags: ['readings'],
    permission: 'read',
    params: z.object({ id: z.string().min(1).max(100) }),
    query: SeriesQuery,
    responses: {
      200: { description: 'Downsampled series', content: { 'application/json': { schema: SeriesResponse } } },
    },
    handler: async ({ params, query }, _req, res) => {
      if (query.to.getTime() <= query.from.getTime()) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: 'must be after from' },
        ]);
      }
      if (query.to.getTime() - query.from.getTime() > MAX_SPAN_MS) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: 'the range may span at most 366 days' },
        ]);
      }
      const series = await readingSeries(db, params.id, query.from, query.to, query.maxBuckets);
      if (!series) throw new NotFoundError(`No camera with id ${JSON.stringify(params.id)}`);
      // NaN (a bucket with only masked frames) is not JSON: send null.
      res.json({
        ...series,
        buckets: series.buckets.map((b) => ({
          ...b,
          min: nullIfNaN(b.min),
          max: nullIfNaN(b.max),
          mean: nullIfNaN(b.mean),
        })),
      });
    },
  });
}

const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);
