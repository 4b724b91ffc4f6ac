/**
 * Coverage out of Atalaya: counts and image quality as GeoTIFF (geotiff-encode.ts), gaps and
 * sites as GeoJSON (RFC 7946) and CSV (RFC 4180).
 */
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import type { CellRect, CoverageGrid } from './coverage-grid.js';
import { ownerOf, shadowSpans } from './coverage-grid.js';
import { csvRow } from '../csv-format.js';
import { windowGeoTransform } from './dem-raster.js';
import { DORI_CLASSES } from './dori.js';
import type { RasterToEncode } from './geotiff-encode.js';
import type { GapCluster } from './gap-polygons.js';
import { cellOutline } from './gap-polygons.js';
import type { Footprint } from './network-coverage.js';
import type { SitingRow } from './siting-table.js';

/**
 * The owned cell behind each cell of a window of one tier (row-major): the cell itself where the
 * tier owns it, else the finer cell at its centre. A coarse export over the corridor samples it.
 */
export function exportCells(grid: CoverageGrid, tier: number, rect: CellRect): Uint32Array {
  const w = rect.col1 - rect.col0;
  const h = rect.row1 - rect.row0;
  if (!(w > 0 && h > 0)) throw new RangeError(`Empty export window ${JSON.stringify(rect)}`);
  const t = grid.tiers[tier]!;
  const out = new Uint32Array(w * h);
  for (let r = 0; r < h; r++) {
    const row = rect.row0 + r;
    const spans = shadowSpans(grid, tier, row);
    const base = t.offset + row * t.width;
    for (let c = 0; c < w; c++) {
      const col = rect.col0 + c;
      // Owned cells are the common case: only shadowed ones need the finer tiers.
      out[r * w + c] = spans.some(([a, b]) => col >= a && col < b)
        ? ownerOf(grid, tier, col, row)
        : base + col;
    }
  }
  return out;
}

/**
 * How many counted cameras see each cell of a window of a tier: a UInt16 raster on the tier's
 * grid, ready for encodeGeoTiff.
 */
export function countsRaster(
  grid: CoverageGrid,
  counts: Uint16Array,
  tier: number,
  rect: CellRect,
): RasterToEncode {
  const cells = exportCells(grid, tier, rect);
  const data = new Uint16Array(cells.length);
  for (let i = 0; i < cells.length; i++) data[i] = counts[cells[i]!]!;
  return rasterOn(grid, tier, rect, data);
}

/**
 * The best image quality any counted camera gives at each cell of a window: the index into
 * DORI_CLASSES (0 none or unseen, 1 detect … 4 identify), a Byte raster.
 */
export function bestDoriRaster(
  grid: CoverageGrid,
  footprints: Iterable<Footprint>,
  tier: number,
  rect: CellRect,
): RasterToEncode {
  const t = grid.tiers[tier]!;
  const w = rect.col1 - rect.col0;
  const cells = exportCells(grid, tier, rect);
  const data = new Uint8Array(cells.length);
  // Pixels whose cell is the tier's own are found by arithmetic; the few sampled from finer
  // tiers (shadowed cells) through a map.
  const sampled = new Map<number, number[]>();
  cells.forEach((cell, i) => {
    if (cell < t.offset || cell >= t.offset + t.width * t.height) {
      const list = sampled.get(cell);
      if (list) list.push(i);
      else sampled.set(cell, [i]);
    }
  });
  const end = t.offset + t.width * t.height;
  for (const fp of footprints) {
    for (let k = 0; k < fp.cells.length; k++) {
      const cell = fp.cells[k]!;
      const cls = fp.dori[k]!;
      if (cell >= t.offset && cell < end) {
        const local = cell - t.offset;
        const row = Math.floor(local / t.width);
        const col = local - row * t.width;
        if (col < rect.col0 || col >= rect.col1 || row < rect.row0 || row >= rect.row1) continue;
        const i = (row - rect.row0) * w + (col - rect.col0);
        if (cls > data[i]!) data[i] = cls;
      } else {
        for (const i of sampled.get(cell) ?? []) if (cls > data[i]!) data[i] = cls;
      }
    }
  }
  return rasterOn(grid, tier, rect, data);
}

function rasterOn(
  grid: CoverageGrid,
  tier: number,
  rect: CellRect,
  data: Uint8Array | Uint16Array,
): RasterToEncode {
  const t = grid.tiers[tier]!;
  return {
    width: rect.col1 - rect.col0,
    height: rect.row1 - rect.row0,
    data,
    geoTransform: windowGeoTransform(t.geoTransform, {
      col0: rect.col0,
      row0: rect.row0,
      width: rect.col1 - rect.col0,
      height: rect.row1 - rect.row0,
    }),
    crs: t.crs,
  };
}

/** Gaps as polygons of their cells, with rank, demand, area and centre. */
export function gapsFeatureCollection(
  grid: CoverageGrid,
  gaps: readonly GapCluster[],
  demandName: string,
): FeatureCollection<MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: gaps.map((g): Feature<MultiPolygon> => ({
      type: 'Feature',
      id: g.rank,
      geometry: { type: 'MultiPolygon', coordinates: cellOutline(grid, g.cells) },
      properties: {
        rank: g.rank,
        demand: round(g.demand, 3),
        demandKind: demandName,
        cells: g.cells.length,
        areaKm2: round(g.areaM2 / 1e6, 4),
        centroid: [round(g.centroid[0], 6), round(g.centroid[1], 6)],
        bbox: g.bbox.map((v) => round(v, 6)),
      },
    })),
  };
}

/** Gaps as CSV: one row per gap. */
export function gapsCsv(gaps: readonly GapCluster[], demandName: string): string {
  return toCsv(
    [
      'rank',
      'demand_kind',
      'demand',
      'cells',
      'area_km2',
      'centroid_lon',
      'centroid_lat',
      'west',
      'south',
      'east',
      'north',
    ],
    gaps.map((g) => [
      g.rank,
      demandName,
      round(g.demand, 3),
      g.cells.length,
      round(g.areaM2 / 1e6, 4),
      round(g.centroid[0], 6),
      round(g.centroid[1], 6),
      ...g.bbox.map((v) => round(v, 6)),
    ]),
  );
}

/** What each chosen site newly sees, one MultiPolygon per site. */
export function newCoverageFeatureCollection(
  grid: CoverageGrid,
  rows: readonly SitingRow[],
  newCells: readonly Uint32Array[],
): FeatureCollection<MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: rows.map((r, i) => ({
      type: 'Feature',
      id: r.rank,
      geometry: { type: 'MultiPolygon', coordinates: cellOutline(grid, newCells[i] ?? []) },
      properties: { rank: r.rank, newCells: r.newCells, newAreaKm2: r.newAreaKm2 },
    })),
  };
}

/** Names of the DORI classes as a GeoTIFF's band values mean them (for docs and the API). */
export const DORI_BAND_VALUES = DORI_CLASSES.map((name, value) => ({ value, name }));

/**
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted and quotes doubled; null is
 * an empty field; lines end CRLF.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => csvRow(r)).join('');
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
