import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Database, Queryable } from '../db/database.js';
import { parseCenters, parseVolcanoes } from './reference-data.js';

interface ProvinceProps {
  code: string;
  name: string;
  cantons: number;
}
interface CantonProps {
  ADM2_ES: string;
  ADM2_PCODE: string;
  ADM1_ES: string;
  ADM1_PCODE: string;
}

export interface ReferenceCounts {
  provinces: number;
  cantons: number;
  centers: number;
  regions: number;
  volcanoes: number;
}

// Geometries go through ST_MakeValid so a self-touching ring in the source cannot break a
// later ST_Union; ST_CollectionExtract keeps the polygonal part only.
const VALID_MULTIPOLYGON = `ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($GEOM), 4326)), 3))`;

/**
 * Loads provinces, cantons, centers, volcanoes and computes the 16 regions (the union of each
 * center's provinces) in one transaction. Does nothing when provinces are already loaded.
 */
export async function loadReferenceData(db: Database, dataDir: string): Promise<ReferenceCounts | null> {
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM provinces');
  if ((existing[0]?.n ?? 0) > 0) return null;

  const read = (file: string) => readFile(path.join(dataDir, file), 'utf8');
  const provinces = JSON.parse(await read('provinces.geojson')) as FeatureCollection<
    Polygon | MultiPolygon,
    ProvinceProps
  >;
  const cantons = JSON.parse(await read('cantons.geojson')) as FeatureCollection<
    Polygon | MultiPolygon,
    CantonProps
  >;
  const centers = parseCenters(await read('centers.csv'));
  const volcanoes = parseVolcanoes(await read('volcanoes.csv'));

  const provinceByName = new Map(provinces.features.map((f) => [f.properties.name, f.properties.code]));
  const centerOfProvince = new Map<string, string>();
  for (const c of centers) {
    for (const name of c.provinces) {
      if (!provinceByName.has(name))
        throw new Error(`centers.csv: center ${c.id} names unknown province ${JSON.stringify(name)}`);
      if (centerOfProvince.has(name))
        throw new Error(`centers.csv: province ${name} is served by two centers`);
      centerOfProvince.set(name, c.id);
    }
  }

  return db.transaction(async (tx: Queryable) => {
    for (const c of centers) {
      await tx.query(
        'INSERT INTO centers (id, name, kind, city, geom) VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326))',
        [c.id, c.name, c.kind, c.city, c.position[0], c.position[1]],
      );
    }
    for (const f of provinces.features) {
      const p = f.properties;
      await tx.query(
        `INSERT INTO provinces (code, name, canton_count, center_id, area_km2, geom)
         SELECT $1, $2, $3, $4, ST_Area(g::geography) / 1e6, g FROM (SELECT ${VALID_MULTIPOLYGON.replace('$GEOM', '$5')} AS g) s`,
        [p.code, p.name, p.cantons, centerOfProvince.get(p.name) ?? null, JSON.stringify(f.geometry)],
      );
    }
    for (const f of cantons.features) {
      const p = f.properties;
      const province = p.ADM1_PCODE === 'EC90' ? null : (provinceByName.get(p.ADM1_ES) ?? null);
      await tx.query(
        `INSERT INTO cantons (code, name, province_code, geom) VALUES ($1, $2, $3, ${VALID_MULTIPOLYGON.replace('$GEOM', '$4')})`,
        [p.ADM2_PCODE, p.ADM2_ES, province, JSON.stringify(f.geometry)],
      );
    }
    await tx.query(`
      INSERT INTO regions (center_id, name, area_km2, geom)
      SELECT c.id, c.name, ST_Area(u.geom::geography) / 1e6, u.geom
      FROM centers c
      JOIN LATERAL (
        SELECT ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(p.geom)), 3)) AS geom
        FROM provinces p WHERE p.center_id = c.id
      ) u ON u.geom IS NOT NULL`);
    for (const v of volcanoes) {
      await tx.query(
        `INSERT INTO volcanoes (gvp_number, name, country, volcanic_region, primary_type, last_known_eruption,
                                last_eruption_year, elevation_m, monitored, geom)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_SetSRID(ST_MakePoint($10, $11), 4326))`,
        [
          v.gvpNumber,
          v.name,
          v.country,
          v.volcanicRegion,
          v.primaryType,
          v.lastKnownEruption,
          v.lastEruptionYear,
          v.elevationM,
          v.monitored,
          v.position[0],
          v.position[1],
        ],
      );
    }
    const counts = await tx.query<ReferenceCounts>(`SELECT
      (SELECT count(*)::int FROM provinces) AS provinces, (SELECT count(*)::int FROM cantons) AS cantons,
      (SELECT count(*)::int FROM centers) AS centers, (SELECT count(*)::int FROM regions) AS regions,
      (SELECT count(*)::int FROM volcanoes) AS volcanoes`);
    return counts[0]!;
  });
}
