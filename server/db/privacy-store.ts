/**
 * Privacy masks in the database (migration 006_privacy.sql): a camera's set of mask polygons,
 * replaced as a whole or one mask removed, and the masks as the coverage service reads them.
 * Geometries go in as GeoJSON and are stored as 2D MultiPolygons in EPSG:4326; PostGIS checks
 * their validity (ST_IsValid) before anything is written.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { LngLat } from '../domain/types.js';
import type { CameraMask } from '../privacy/camera-masks.js';
import { maybeOne, one, type Queryable } from './database.js';

/** A camera a mask can belong to. */
export interface MaskedCamera {
  dbId: number;
  externalId: string;
  position: LngLat;
}

/** A stored mask. */
export interface StoredMask {
  id: number;
  geometry: MultiPolygon;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** On the WGS 84 ellipsoid (ST_Area of geography), m². */
  areaM2: number;
}

export interface NewMask {
  geometry: Polygon | MultiPolygon;
  reason: string;
}

interface MaskRow {
  id: number;
  geom: string;
  reason: string;
  created_by: string;
  created_at: Date;
  area_m2: number;
}

const MASK_COLUMNS = `id, ST_AsGeoJSON(geom, 9) AS geom, reason, created_by, created_at,
  ST_Area(geom::geography) AS area_m2`;

const toMask = (r: MaskRow): StoredMask => ({
  id: r.id,
  geometry: JSON.parse(r.geom) as MultiPolygon,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  areaM2: Math.round(r.area_m2 * 100) / 100,
});

/** The GeoJSON as stored: 2D, MultiPolygon, EPSG:4326. */
const GEOM_SQL = (p: string) => `ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${p}), 4326)))`;

/** A camera by its external id, or null. */
export async function findMaskedCamera(db: Queryable, externalId: string): Promise<MaskedCamera | null> {
  const row = await maybeOne<{ id: number; external_id: string; lon: number; lat: number }>(
    db,
    'SELECT id, external_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cameras WHERE external_id = $1',
    [externalId],
  );
  return row ? { dbId: row.id, externalId: row.external_id, position: [row.lon, row.lat] } : null;
}

/** A camera's masks, oldest first. */
export async function cameraMasks(db: Queryable, cameraDbId: number): Promise<StoredMask[]> {
  const rows = await db.query<MaskRow>(
    `SELECT ${MASK_COLUMNS} FROM privacy_masks WHERE camera_id = $1 ORDER BY id`,
    [cameraDbId],
  );
  return rows.map(toMask);
}

/**
 * The geometries PostGIS finds invalid, by their index in the list, with its reason
 * (ST_IsValidReason, e.g. "Self-intersection[-78.5 -0.2]"). Empty when all are valid.
 */
export async function invalidMaskGeometries(
  db: Queryable,
  geometries: readonly (Polygon | MultiPolygon)[],
): Promise<{ index: number; reason: string }[]> {
  if (geometries.length === 0) return [];
  const rows = await db.query<{ index: number; reason: string }>(
    `SELECT (t.i - 1)::int AS index, ST_IsValidReason(g.geom) AS reason
     FROM unnest($1::text[]) WITH ORDINALITY AS t(gj, i)
     CROSS JOIN LATERAL (SELECT ${GEOM_SQL('t.gj')} AS geom) g
     WHERE NOT ST_IsValid(g.geom) OR ST_IsEmpty(g.geom)
     ORDER BY t.i`,
    [geometries.map((g) => JSON.stringify(g))],
  );
  return rows;
}

/**
 * Replaces a camera's masks with a new set (new ids), in the caller's transaction. Returns the
 * masks it had and the masks it has now.
 */
export async function replaceCameraMasks(
  tx: Queryable,
  cameraDbId: number,
  masks: readonly NewMask[],
  createdBy: string,
): Promise<{ before: StoredMask[]; after: StoredMask[] }> {
  // Lock the camera row so two replacements of one camera's masks never interleave.
  await one(tx, 'SELECT id FROM cameras WHERE id = $1 FOR UPDATE', [cameraDbId]);
  const before = await cameraMasks(tx, cameraDbId);
  await tx.query('DELETE FROM privacy_masks WHERE camera_id = $1', [cameraDbId]);
  if (masks.length > 0) {
    await tx.query(
      `INSERT INTO privacy_masks (camera_id, geom, reason, created_by)
       SELECT $1, ${GEOM_SQL('t.gj')}, t.reason, $4
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(gj, reason, i) ORDER BY t.i`,
      [cameraDbId, masks.map((m) => JSON.stringify(m.geometry)), masks.map((m) => m.reason), createdBy],
    );
  }
  return { before, after: await cameraMasks(tx, cameraDbId) };
}

/** Removes one mask of a camera; returns it, or null when the camera has no such mask. */
export async function deleteCameraMask(
  tx: Queryable,
  cameraDbId: number,
  maskId: number,
): Promise<StoredMask | null> {
  const row = await maybeOne<MaskRow>(
    tx,
    `DELETE FROM privacy_masks WHERE camera_id = $1 AND id = $2 RETURNING ${MASK_COLUMNS}`,
    [cameraDbId, maskId],
  );
  return row ? toMask(row) : null;
}

/**
 * A value that changes whenever any mask is added or removed: masks are never edited in place
 * and ids are never reused, so the count, the largest id and the sum of ids tell every change.
 */
export async function maskRevision(db: Queryable): Promise<string> {
  const row = await one<{ n: number; max_id: number; sum_id: string }>(
    db,
    'SELECT count(*)::int AS n, coalesce(max(id), 0)::bigint AS max_id, coalesce(sum(id), 0)::text AS sum_id FROM privacy_masks',
  );
  return `${row.n}:${row.max_id}:${row.sum_id}`;
}

/** Every mask, with its camera's external id, as the coverage service holds them. */
export async function coverageMasks(db: Queryable): Promise<CameraMask[]> {
  const rows = await db.query<{ id: number; external_id: string; geom: string }>(
    `SELECT m.id, c.external_id, ST_AsGeoJSON(m.geom, 9) AS geom
     FROM privacy_masks m JOIN cameras c ON c.id = m.camera_id ORDER BY m.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    cameraExternalId: r.external_id,
    geometry: JSON.parse(r.geom) as MultiPolygon,
  }));
}
