/**
 * What coverage reads from and keeps in the database: cameras with their optics, provinces and
 * regions as polygons, incident positions, volcano positions, and the cached
 * footprint of each camera (migration 003_coverage.sql).
 *
 * Footprints are cached in the database rather than under var/ because they belong to rows of
 * `cameras`: a deleted camera takes its footprint with it (ON DELETE CASCADE), a restore of the
 * database restores both together, and several servers on one PostgreSQL share one cache. Cells
 * are stored as delta-encoded varints (ascending cell indices differ by small steps), ≈ 1.2 bytes
 * a cell instead of 4.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Footprint } from '../coverage/network-coverage.js';
import type { CameraKind, CameraStatus } from '../domain/types.js';
import { DataIntegrityError } from '../errors.js';
import type { Queryable } from './database.js';

/** A camera as coverage needs it. */
export interface CoverageCameraRow {
  dbId: number;
  externalId: string;
  name: string;
  kind: CameraKind;
  status: CameraStatus;
  position: [number, number];
  mountHeightM: number;
  azimuthDeg: number;
  hfovDeg: number;
  vfovDeg: number;
  tiltDeg: number;
  rangeM: number;
  resolutionHPx: number;
  unitCostUsd: number | null;
  volcanoGvp: number | null;
  synthetic: boolean;
}

/** Every camera, in id order. */
export async function readCoverageCameras(db: Queryable): Promise<CoverageCameraRow[]> {
  const rows = await db.query<{
    id: number;
    external_id: string;
    name: string;
    kind: CameraKind;
    status: CameraStatus;
    lon: number;
    lat: number;
    mount_height_m: number;
    azimuth_deg: number;
    hfov_deg: number;
    vfov_deg: number;
    tilt_deg: number;
    range_m: number;
    resolution_h_px: number;
    unit_cost_usd: number | null;
    volcano_gvp: number | null;
    synthetic: boolean;
  }>(
    `SELECT id, external_id, name, kind, status, ST_X(geom) AS lon, ST_Y(geom) AS lat, mount_height_m,
            azimuth_deg, hfov_deg, vfov_deg, tilt_deg, range_m, resolution_h_px, unit_cost_usd, volcano_gvp, synthetic
     FROM cameras ORDER BY id`,
  );
  return rows.map((r) => ({
    dbId: r.id,
    externalId: r.external_id,
    name: r.name,
    kind: r.kind,
    status: r.status,
    position: [r.lon, r.lat],
    mountHeightM: r.mount_height_m,
    azimuthDeg: r.azimuth_deg,
    hfovDeg: r.hfov_deg,
    vfovDeg: r.vfov_deg,
    tiltDeg: r.tilt_deg,
    rangeM: r.range_m,
    resolutionHPx: r.resolution_h_px,
    unitCostUsd: r.unit_cost_usd,
    volcanoGvp: r.volcano_gvp,
    synthetic: r.synthetic,
  }));
}

export interface ProvinceZone {
  id: string;
  name: string;
  centerId: string | null;
  areaKm2: number;
  geometry: Polygon | MultiPolygon;
}

export interface RegionZone {
  id: string;
  name: string;
  areaKm2: number;
}

/** Provinces (with their regional center) and regions, in code / id order. */
export async function readZones(
  db: Queryable,
): Promise<{ provinces: ProvinceZone[]; regions: RegionZone[] }> {
  const provinces = await db.query<{
    code: string;
    name: string;
    center_id: string | null;
    area_km2: number;
    geom: string;
  }>('SELECT code, name, center_id, area_km2, ST_AsGeoJSON(geom) AS geom FROM provinces ORDER BY code');
  const regions = await db.query<{ center_id: string; name: string; area_km2: number }>(
    'SELECT center_id, name, area_km2 FROM regions ORDER BY center_id',
  );
  return {
    provinces: provinces.map((p) => ({
      id: p.code,
      name: p.name,
      centerId: p.center_id,
      areaKm2: p.area_km2,
      geometry: JSON.parse(p.geom) as Polygon | MultiPolygon,
    })),
    regions: regions.map((r) => ({ id: r.center_id, name: r.name, areaKm2: r.area_km2 })),
  };
}

export interface VolcanoPoint {
  gvpNumber: number;
  name: string;
  lon: number;
  lat: number;
  elevationM: number;
}

export async function readVolcanoPoints(db: Queryable): Promise<VolcanoPoint[]> {
  const rows = await db.query<{
    gvp_number: number;
    name: string;
    lon: number;
    lat: number;
    elevation_m: number;
  }>(
    'SELECT gvp_number, name, ST_X(geom) AS lon, ST_Y(geom) AS lat, elevation_m FROM volcanoes ORDER BY gvp_number',
  );
  return rows.map((r) => ({
    gvpNumber: r.gvp_number,
    name: r.name,
    lon: r.lon,
    lat: r.lat,
    elevationM: r.elevation_m,
  }));
}

/** Rows per packed chunk of incident positions (16 bytes each: 3.2 MB a chunk). */
const POSITION_CHUNK_ROWS = 200_000;

/**
 * Every incident's position (at or after `since`), degrees. Positions travel packed, two
 * big-endian float8 per incident in one bytea per chunk of rows: one JavaScript object per row
 * would cost ten times as much on PGlite (see density-queries.ts).
 */
export async function incidentPositions(
  db: Queryable,
  since?: Date,
): Promise<{ lons: Float64Array; lats: Float64Array }> {
  const chunks: Uint8Array[] = [];
  let after = 0;
  for (;;) {
    const rows = await db.query<{ xy: Uint8Array | null; n: number; last: number | null }>(
      `WITH c AS (
         SELECT id, geom FROM incidents WHERE id > $1 ${since ? 'AND occurred_at >= $3' : ''}
         ORDER BY id LIMIT $2)
       SELECT string_agg(float8send(ST_X(geom)) || float8send(ST_Y(geom)), ''::bytea ORDER BY id) AS xy,
              count(*)::int AS n, max(id) AS last
       FROM c`,
      since ? [after, POSITION_CHUNK_ROWS, since.toISOString()] : [after, POSITION_CHUNK_ROWS],
    );
    const r = rows[0];
    if (!r || r.n === 0 || !r.xy || r.last === null) break;
    chunks.push(r.xy);
    if (r.n < POSITION_CHUNK_ROWS) break;
    after = r.last;
  }
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  if (total % 16 !== 0)
    throw new DataIntegrityError(`Packed positions have ${total} bytes, not a multiple of 16`);
  const lons = new Float64Array(total / 16);
  const lats = new Float64Array(total / 16);
  let k = 0;
  for (const c of chunks) {
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    for (let o = 0; o < c.byteLength; o += 16, k++) {
      lons[k] = view.getFloat64(o, false);
      lats[k] = view.getFloat64(o + 8, false);
    }
  }
  return { lons, lats };
}

/** A footprint as cached. */
export interface StoredFootprint {
  key: string;
  footprint: Footprint;
}

/** The cached footprints computed on this grid, by camera external id. */
export async function loadFootprints(db: Queryable, gridKey: string): Promise<Map<string, StoredFootprint>> {
  const rows = await db.query<{
    external_id: string;
    optics_key: string;
    tier: number | null;
    skipped: 'no-terrain' | 'nodata' | null;
    cell_count: number;
    cells: Uint8Array;
    dori: Uint8Array;
  }>(
    `SELECT c.external_id, f.optics_key, f.tier, f.skipped, f.cell_count, f.cells, f.dori
     FROM coverage_footprints f JOIN cameras c ON c.id = f.camera_id
     WHERE f.grid_key = $1`,
    [gridKey],
  );
  const out = new Map<string, StoredFootprint>();
  for (const r of rows) {
    const cells = decodeCells(r.cells, r.cell_count);
    if (r.dori.length !== r.cell_count) {
      throw new DataIntegrityError(
        `Footprint of camera ${r.external_id} has ${r.cell_count} cells but ${r.dori.length} DORI classes`,
      );
    }
    out.set(r.external_id, {
      key: r.optics_key,
      footprint: {
        cells,
        dori: Uint8Array.from(r.dori),
        tier: r.tier,
        ...(r.skipped ? { skipped: r.skipped } : {}),
      },
    });
  }
  return out;
}

/** Stores footprints (replacing any earlier one of the same cameras), 200 rows a statement. */
export async function saveFootprints(
  db: Queryable,
  gridKey: string,
  rows: readonly { cameraDbId: number; key: string; footprint: Footprint; computedMs: number }[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    const chunk = rows.slice(start, start + 200);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      const fp = r.footprint;
      params.push(
        r.cameraDbId,
        gridKey,
        r.key,
        fp.tier,
        fp.skipped ?? null,
        fp.cells.length,
        encodeCells(fp.cells),
        fp.dori,
        r.computedMs,
      );
      const b = params.length - 9;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`;
    });
    await db.query(
      `INSERT INTO coverage_footprints (camera_id, grid_key, optics_key, tier, skipped, cell_count, cells, dori, computed_ms)
       VALUES ${values.join(', ')}
       ON CONFLICT (camera_id) DO UPDATE SET grid_key = EXCLUDED.grid_key, optics_key = EXCLUDED.optics_key,
         tier = EXCLUDED.tier, skipped = EXCLUDED.skipped, cell_count = EXCLUDED.cell_count, cells = EXCLUDED.cells,
         dori = EXCLUDED.dori, computed_ms = EXCLUDED.computed_ms, computed_at = now()`,
      params,
    );
  }
}

/**
 * Ascending cell indices as varints of their differences (the first from 0): 7 bits a byte,
 * high bit set on all but the last byte of a number (the LEB128 layout).
 */
export function encodeCells(cells: Uint32Array): Uint8Array {
  const out = new Uint8Array(cells.length * 5);
  let n = 0;
  let prev = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c < prev || (i > 0 && c === prev))
      throw new RangeError(`Cells must ascend strictly: ${prev} then ${c}`);
    let d = c - prev;
    prev = c;
    while (d >= 0x80) {
      out[n++] = (d & 0x7f) | 0x80;
      d = Math.floor(d / 128);
    }
    out[n++] = d;
  }
  return out.slice(0, n);
}

/** Inverse of encodeCells; checks that exactly `count` numbers are there. */
export function decodeCells(bytes: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let i = 0;
  let prev = 0;
  let k = 0;
  while (k < count) {
    let d = 0;
    let scale = 1;
    for (;;) {
      if (i >= bytes.length)
        throw new DataIntegrityError(`Footprint cells end after ${k} of ${count} numbers`);
      const b = bytes[i++]!;
      d += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    prev += d;
    out[k++] = prev;
  }
  if (i !== bytes.length)
    throw new DataIntegrityError(`Footprint cells have ${bytes.length - i} bytes left over`);
  return out;
}
