/**
 * What coverage reads from and keeps in the database: cameras with their optics, provinces and
 * regions as polygons, incidents binned to the coverage grid, volcano positions, and the cached
 * footprint of each camera (migration 003_coverage.sql).
 *
 * Footprints are cached in the database rather than under var/ because they belong to rows of
 * `cameras`: a deleted camera takes its footprint with it (ON DELETE CASCADE), a restore of the
 * database restores both together, and several servers on one PostgreSQL share one cache. Cells
 * are stored as delta-encoded varints (ascending cell indices differ by small steps), ≈ 1.2 bytes
 * a cell instead of 4.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { GridTier } from '../coverage/coverage-grid.js';
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

/** Incidents counted per cell of one tier. */
export interface TierCellCount {
  tier: number;
  col: number;
  row: number;
  n: number;
}

/**
 * Incidents binned to the tiers in SQL: each incident to the finest tier whose extent holds it,
 * counted per cell. `since` limits to incidents at or after an instant.
 */
export async function incidentCellCounts(
  db: Queryable,
  tiers: readonly GridTier[],
  since?: Date,
): Promise<TierCellCount[]> {
  const out: TierCellCount[] = [];
  for (let k = 0; k < tiers.length; k++) {
    const t = tiers[k]!;
    const gt = t.geoTransform;
    const params: unknown[] = [gt[0], gt[1], gt[3], gt[5]];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const box = (u: GridTier) => {
      const g = u.geoTransform;
      return `ST_MakeEnvelope(${p(g[0])}, ${p(g[3] + u.height * g[5])}, ${p(g[0] + u.width * g[1])}, ${p(g[3])}, 4326)`;
    };
    const where = [`geom && ${box(t)}`, ...tiers.slice(0, k).map((f) => `NOT (geom && ${box(f)})`)];
    if (since) where.push(`occurred_at >= ${p(since.toISOString())}`);
    const rows = await db.query<{ col: number; row: number; n: number }>(
      `SELECT floor((ST_X(geom) - $1) / $2)::int AS col, floor((ST_Y(geom) - $3) / $4)::int AS row, count(*)::int AS n
       FROM incidents WHERE ${where.join(' AND ')} GROUP BY 1, 2`,
      params,
    );
    for (const r of rows) {
      // A point on the far edge of the envelope bins one past the last cell: keep it in the last.
      out.push({
        tier: k,
        col: Math.min(t.width - 1, Math.max(0, r.col)),
        row: Math.min(t.height - 1, Math.max(0, r.row)),
        n: r.n,
      });
    }
  }
  return out;
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
