/**
 * The coverage and siting API as the planner uses it (server/api/coverage-routes.ts): the shapes
 * of its answers, the raster of the map's view decoded to bytes, and the requests. Property names
 * are the API's.
 */
import type { FeatureCollection, MultiPolygon } from 'geojson';
import type { CoverageReport as NetworkCoverageReport } from '../../server/coverage/coverage-service.js';
import type { ZoneStat } from '../../server/coverage/coverage-stats.js';
import type { SitingRow } from '../../server/coverage/siting-table.js';
import { ApiError, authHeader, getJson, postJson } from './api-client.js';

/** Coverage figures of a zone (GET /api/coverage): area seen, and each demand seen. */
export type { ZoneStat };

/** The parts of GET /api/coverage the planner reads: the server's own type, so the two cannot drift. */
export type CoverageReport = Pick<
  NetworkCoverageReport,
  'generatedAt' | 'cameras' | 'demand' | 'summary' | 'provinces' | 'regions'
>;

/** What the coverage layer draws: counts of cameras, or the best DORI class (EN 62676-4). */
export const COVERAGE_LAYERS = ['counts', 'dori'] as const;
export type CoverageLayerKind = (typeof COVERAGE_LAYERS)[number];

/** A raster of the map's view: equal steps of longitude and latitude, top row north. */
export interface RasterWindow {
  /** [west, south, east, north], degrees. */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  layer: CoverageLayerKind;
}

/** The coverage of a view, one byte a pixel (counts capped at 255, or DORI class 0–4). */
export interface CoverageRaster extends RasterWindow {
  values: Uint8Array;
}

/** A camera model to site or to add in a what-if (the API's CameraModel). */
export interface CameraModel {
  kind: 'dome' | 'fixed' | 'ptz' | 'thermal';
  mountHeightM: number;
  hfovDeg: number;
  vfovDeg: number;
  tiltDeg: number;
  rangeM: number;
  resolutionHPx: number;
  unitCostUsd: number;
}

export type SitingDemand = 'incidents' | 'area' | 'population';

/** POST /api/siting's body. */
export interface SitingRequest {
  area: string;
  budget: { count?: number; dollars?: number };
  model: CameraModel;
  demand: SitingDemand;
  candidates: {
    points?: { lon: number; lat: number; label?: string }[];
    highPoints?: boolean;
    towns?: boolean;
    roads?: boolean;
  };
  exact?: boolean;
}

/** A row of the ranked table: the server's own definition (its downloads are written from it too). */
export type { SitingRow };

export type NewCoverageCollection = FeatureCollection<
  MultiPolygon,
  { rank: number; newCells: number; newAreaKm2: number }
>;

export interface SitingResult {
  area: { id: string; kind: string; name: string; bbox: [number, number, number, number] };
  model: CameraModel;
  budget: { count?: number; dollars?: number };
  demand: {
    kind: string;
    unit: string;
    total: number;
    coveredByNetwork: number;
    coveredByNetworkPct: number | null;
    cells: number;
  };
  candidates: { sites: number; cameras: number; bySource: Record<string, number>; dropped: number };
  rule: string;
  table: SitingRow[];
  totals: { sites: number; costUsd: number; gain: number; coveredPct: number | null };
  exact: { optimum: number; greedyGapPct: number; provenOptimal: boolean; sites: number[] } | null;
  timingsMs: { candidates: number; footprints: number; solve: number; total: number };
  newCoverage: NewCoverageCollection;
}

/** One change of a what-if (the API's WhatIfRequest.changes). */
export type WhatIfChange =
  | {
      op: 'add';
      camera: Omit<CameraModel, 'unitCostUsd'> & {
        externalId: string;
        position: [number, number];
        azimuthDeg: number;
      };
    }
  | { op: 'move'; externalId: string; position: [number, number] }
  | { op: 'remove'; externalId: string };

export interface WhatIfResult {
  before: ZoneStat;
  after: ZoneStat;
  provinces: { id: string; name: string; before: ZoneStat; after: ZoneStat }[];
  regions: { id: string; name: string; before: ZoneStat; after: ZoneStat }[];
  gainedCells: number;
  lostCells: number;
  gained?: MultiPolygon;
  lost?: MultiPolygon;
  /** Server time, ms. */
  elapsedMs: number;
  /** The coverage after the changes over the view asked for. */
  raster?: CoverageRaster;
}

/** The gap clusters (GET /api/coverage/gaps.geojson), largest uncovered demand first. */
export type GapCollection = FeatureCollection<
  MultiPolygon,
  { rank: number; demand: number; demandKind: string; cells: number; areaKm2: number; centroid: [number, number] }
>;

export function coverageReport(signal?: AbortSignal): Promise<CoverageReport> {
  return getJson<CoverageReport>('/api/coverage', signal);
}

export function coverageGaps(limit: number, signal?: AbortSignal): Promise<GapCollection> {
  return getJson<GapCollection>(`/api/coverage/gaps.geojson?limit=${limit}`, signal);
}

/** URL of GET /api/coverage/raster.png for a window. */
export function rasterUrl(window: RasterWindow): string {
  const bbox = window.bbox.map((v) => v.toFixed(5)).join(',');
  return `/api/coverage/raster.png?bbox=${bbox}&width=${window.width}&height=${window.height}&layer=${window.layer}`;
}

/** The coverage of a view: the PNG fetched and decoded to its bytes. */
export async function coverageRaster(window: RasterWindow, signal?: AbortSignal): Promise<CoverageRaster> {
  const url = rasterUrl(window);
  const response = await fetch(url, { signal, headers: { accept: 'image/png', ...authHeader() } });
  if (!response.ok) {
    let title = response.statusText;
    if (response.headers.get('content-type')?.includes('json')) {
      const problem = (await response.json().catch(() => ({}))) as { title?: unknown };
      if (typeof problem.title === 'string') title = problem.title;
    }
    throw new ApiError(url, response.status, title, undefined);
  }
  return { ...window, values: await greyValues(await response.blob(), window.width, window.height) };
}

export function runSiting(request: SitingRequest, signal?: AbortSignal): Promise<SitingResult> {
  return postJson<SitingResult>('/api/siting', request, signal);
}

/** The coverage if the changes were made; with `raster`, also drawn over that view. Nothing is saved. */
export async function runWhatIf(
  changes: readonly WhatIfChange[],
  raster: RasterWindow | null,
  signal?: AbortSignal,
): Promise<WhatIfResult> {
  const answer = await postJson<Omit<WhatIfResult, 'raster'> & { raster?: RasterWindow & { png: string } }>(
    '/api/coverage/what-if',
    { changes, geometry: true, ...(raster ? { raster } : {}) },
    signal,
  );
  const { raster: drawn, ...rest } = answer;
  if (!drawn) return rest;
  // Decoded here rather than fetched: the page's Content-Security-Policy allows no data: connections.
  const base64 = drawn.png.slice(drawn.png.indexOf(',') + 1);
  const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' });
  const { png: _png, ...window } = drawn;
  return { ...rest, raster: { ...window, values: await greyValues(blob, window.width, window.height) } };
}

/** Export links of the coverage and its gaps (GET routes; the browser downloads them). */
export function exportUrls(area: string | null): Record<'countsTif' | 'doriTif' | 'gapsGeojson' | 'gapsCsv', string> {
  const q = area ? `area=${encodeURIComponent(area)}&` : '';
  return {
    countsTif: `/api/coverage/counts.tif?${q}layer=counts`,
    doriTif: `/api/coverage/counts.tif?${q}layer=dori`,
    gapsGeojson: `/api/coverage/gaps.geojson?${q}limit=100`,
    gapsCsv: `/api/coverage/gaps.csv?${q}limit=100`,
  };
}

/**
 * The bytes of an 8-bit greyscale PNG: decoded without colour management (the values are data,
 * not light) and read back from a canvas, where each grey byte is the red channel.
 */
async function greyValues(blob: Blob, width: number, height: number): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  if (bitmap.width !== width || bitmap.height !== height) {
    throw new Error(`Coverage raster is ${bitmap.width}×${bitmap.height}, expected ${width}×${height}`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas to decode the coverage raster');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const values = new Uint8Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = rgba[i * 4]!;
  return values;
}
