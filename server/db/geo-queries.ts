/**
 * Reference geography as GeoJSON FeatureCollections, assembled by PostGIS so the rows never
 * become JavaScript objects on the way out. Coordinates keep 5 decimals (≈ 1 m).
 */
import type { BBox } from '../domain/types.js';
import type { Queryable } from './database.js';

const SOURCES = {
  provinces: {
    from: 'provinces t',
    id: 't.code',
    properties: `'code', t.code, 'name', t.name, 'cantonCount', t.canton_count, 'centerId', t.center_id, 'areaKm2', round(t.area_km2::numeric, 1)`,
    order: 't.code',
  },
  regions: {
    from: 'regions t JOIN centers c ON c.id = t.center_id',
    id: 't.center_id',
    properties: `'centerId', t.center_id, 'name', t.name, 'kind', c.kind, 'areaKm2', round(t.area_km2::numeric, 1),
      'provinces', (SELECT coalesce(json_agg(p.name ORDER BY p.name), '[]'::json) FROM provinces p WHERE p.center_id = t.center_id)`,
    order: 't.center_id',
  },
  centers: {
    from: 'centers t',
    id: 't.id',
    properties: `'id', t.id, 'name', t.name, 'kind', t.kind, 'city', t.city,
      'provinces', (SELECT coalesce(json_agg(p.name ORDER BY p.name), '[]'::json) FROM provinces p WHERE p.center_id = t.id)`,
    order: 't.id',
  },
  volcanoes: {
    from: 'volcanoes t',
    id: 't.gvp_number',
    properties: `'gvpNumber', t.gvp_number, 'name', t.name, 'primaryType', t.primary_type, 'lastKnownEruption', t.last_known_eruption,
      'lastEruptionYear', t.last_eruption_year, 'elevationM', t.elevation_m, 'monitored', t.monitored`,
    order: 't.gvp_number',
  },
} as const;

export type ReferenceLayer = keyof typeof SOURCES;

/** The layer as a GeoJSON FeatureCollection string, optionally limited to features meeting `bbox`. */
export async function referenceFeatureCollection(
  db: Queryable,
  layer: ReferenceLayer,
  bbox?: BBox,
): Promise<string> {
  const s = SOURCES[layer];
  const where = bbox
    ? 'WHERE t.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND ST_Intersects(t.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))'
    : '';
  const rows = await db.query<{ body: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(q.f ORDER BY q.ord), '[]'::json))::text AS body
     FROM (
       SELECT row_number() OVER (ORDER BY ${s.order}) AS ord,
              json_build_object('type', 'Feature', 'id', ${s.id}, 'geometry', ST_AsGeoJSON(t.geom, 5)::json,
                                'properties', json_build_object(${s.properties})) AS f
       FROM ${s.from} ${where}
     ) q`,
    bbox ?? [],
  );
  return rows[0]!.body;
}
