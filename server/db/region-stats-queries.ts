/**
 * Incidents per regional center's area, for the map's region choropleth: how many incidents of a
 * time window and category filter fall in each of the 16 regions, and that count per km² of the
 * region's official area (regions.area_km2, computed on the WGS 84 ellipsoid at seed time).
 *
 * The point-in-region test runs in PostGIS against each region cut into pieces of at most
 * SUBDIVIDE_VERTICES vertices (ST_Subdivide): the index on incidents.geom then picks candidates per
 * small piece's box instead of per whole region's box (Pichincha's box alone covers half the
 * Andes), and each test walks a few dozen edges instead of thousands. Pieces of one region do not
 * overlap, so an incident inside counts once; one exactly on a line between two regions counts in
 * both (a set of measure zero for real coordinates).
 */
import type { BBox, IncidentCategory } from '../domain/types.js';
import type { Queryable } from './database.js';
import { incidentWhere } from './network-queries.js';

/** Vertices per piece of a subdivided region: PostGIS' own default for ST_Subdivide is 256. */
const SUBDIVIDE_VERTICES = 128;

export interface RegionIncidentFilter {
  from: Date;
  to: Date;
  category?: readonly IncidentCategory[];
  bbox?: BBox;
}

export interface RegionIncidentCount {
  /** The regional center's id, which names its region. */
  centerId: string;
  name: string;
  /** Official area of the region, km². */
  areaKm2: number;
  /** Incidents of the filter inside the region. */
  incidents: number;
  /** How many of them are synthetic. */
  synthetic: number;
  /** incidents / areaKm2: incidents per km² over the whole window (not per day). */
  perKm2: number;
}

/** Every region with its incident count under the filter, regions without incidents included, by center id. */
export async function incidentsByRegion(
  db: Queryable,
  filter: RegionIncidentFilter,
): Promise<RegionIncidentCount[]> {
  const { where, params, p } = incidentWhere(filter);
  const rows = await db.query<{
    center_id: string;
    name: string;
    area_km2: number;
    n: number;
    s: number;
  }>(
    `WITH pieces AS (
       SELECT r.center_id, ST_Subdivide(r.geom, ${p(SUBDIVIDE_VERTICES)}) AS geom FROM regions r),
     hits AS (
       SELECT pc.center_id, count(*)::int AS n, count(*) FILTER (WHERE i.synthetic)::int AS s
       FROM pieces pc JOIN incidents i ON ST_Intersects(pc.geom, i.geom)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY pc.center_id)
     SELECT r.center_id, r.name, r.area_km2, coalesce(h.n, 0) AS n, coalesce(h.s, 0) AS s
     FROM regions r LEFT JOIN hits h ON h.center_id = r.center_id
     ORDER BY r.center_id`,
    params,
  );
  return rows.map((r) => ({
    centerId: r.center_id,
    name: r.name,
    areaKm2: r.area_km2,
    incidents: r.n,
    synthetic: r.s,
    perKm2: r.n / r.area_km2,
  }));
}
