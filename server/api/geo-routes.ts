import type { Database } from '../db/database.js';
import { referenceFeatureCollection, type ReferenceLayer } from '../db/geo-queries.js';
import { bodyWeight, cachedBody, ResultCache, type CachedBody } from './result-cache.js';
import type { ApiRoutes } from './route-registry.js';
import {
  BBoxQuery,
  CenterCollection,
  ProvinceCollection,
  RegionCollection,
  VolcanoCollection,
} from './schemas.js';

const LAYERS: {
  layer: ReferenceLayer;
  summary: string;
  schema:
    typeof ProvinceCollection | typeof RegionCollection | typeof CenterCollection | typeof VolcanoCollection;
}[] = [
  {
    layer: 'provinces',
    summary: "Ecuador's 24 provinces (INEC / OCHA boundaries)",
    schema: ProvinceCollection,
  },
  {
    layer: 'regions',
    summary: 'The areas of the 16 regional response centers: the union of the provinces each serves',
    schema: RegionCollection,
  },
  { layer: 'centers', summary: 'The 16 regional response centers', schema: CenterCollection },
  {
    layer: 'volcanoes',
    summary: "Ecuador's Holocene volcanoes (Smithsonian GVP)",
    schema: VolcanoCollection,
  },
];

/**
 * Reference layers change only when the server loads them at start, and the demo loader's `monitored`
 * flags on volcanoes: answers are kept a minute (clients may keep them five, Cache-Control), per layer
 * and bbox — the map asks for the same few views again and again.
 */
const CACHE_ENTRIES = 1024;
const CACHE_TTL_MS = 60_000;
/** At most ~32 MB of bodies (the four whole layers are 0.25 MB). */
const CACHE_MAX_CHARS = 32 * 1024 * 1024;

/** GET /api/provinces, /api/regions, /api/centers, /api/volcanoes. */
export function addGeoRoutes(api: ApiRoutes, db: Database): void {
  const cache = new ResultCache<CachedBody>({
    capacity: CACHE_ENTRIES,
    ttlMs: CACHE_TTL_MS,
    maxWeight: CACHE_MAX_CHARS,
    weigh: bodyWeight,
  });
  for (const { layer, summary, schema } of LAYERS) {
    api.add({
      method: 'get',
      path: `/api/${layer}`,
      summary,
      tags: ['reference'],
      permission: 'read',
      query: BBoxQuery,
      responses: {
        200: { description: 'GeoJSON FeatureCollection', content: { 'application/geo+json': { schema } } },
      },
      handler: async ({ query }, _req, res) => {
        const { body, etag } = await cache.get(`${layer}|${query.bbox?.join(',') ?? '*'}`, async () =>
          cachedBody(await referenceFeatureCollection(db, layer, query.bbox)),
        );
        // With the ETag set, express answers a matching If-None-Match with 304 and no body.
        res
          .set('Cache-Control', 'public, max-age=300')
          .set('ETag', etag)
          .type('application/geo+json')
          .send(body);
      },
    });
  }
}
