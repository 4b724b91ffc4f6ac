import type { Database } from '../db/database.js';
import { referenceFeatureCollection, type ReferenceLayer } from '../db/geo-queries.js';
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

/** GET /api/provinces, /api/regions, /api/centers, /api/volcanoes. */
export function addGeoRoutes(api: ApiRoutes, db: Database): void {
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
        const body = await referenceFeatureCollection(db, layer, query.bbox);
        res.set('Cache-Control', 'public, max-age=300').type('application/geo+json').send(body);
      },
    });
  }
}
