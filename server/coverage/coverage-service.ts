/**
 * The coverage service: the network's coverage kept current in memory, and the questions asked
 * of it (figures per zone, gaps, exports, siting, what-if). The edge between the pure cores of
 * server/coverage and the database and terrain stores.
 *
 * - Grid: one tier per DEM store (coverage-grid.ts): 3″ in the volcanic corridor, 9″ elsewhere.
 * - Cameras are read from the database and compared with what is held (footprintKey): only a
 *   camera whose position or optics changed gets a new viewshed, and the network counts are
 *   updated by subtracting and adding its footprint. Offline and maintenance cameras do not
 *   count. Footprints are cached in the database (coverage_footprints), so a restart reads them
 *   instead of recomputing.
 * - Demand: incidents binned to the grid in SQL (refreshed when older than demandMaxAgeMs); a
 *   population raster when one is given.
 * - Zones: provinces rasterised once; regions are groups of provinces (their centers).
 *
 * Every change to the held state runs in one queue, so concurrent requests never interleave an
 * update.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/database.js';
import type { CoverageCameraRow, ProvinceZone, RegionZone, VolcanoPoint } from '../db/coverage-store.js';
import {
  incidentPositions,
  loadFootprints,
  readCoverageCameras,
  readVolcanoPoints,
  readZones,
  saveFootprints,
  type StoredFootprint,
} from '../db/coverage-store.js';
import { coverageMasks, maskRevision } from '../db/privacy-store.js';
import { PLACES, placeSpreadKm, type Place } from '../demo/places.js';
import { ROADS, type Road } from '../demo/roads.js';
import type { BBox, CameraKind, CameraStatus } from '../domain/types.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { CameraMasks } from '../privacy/camera-masks.js';
import type { CoverageInput } from '../rules/rule-inputs.js';
import { readStoreWindow } from '../terrain/dem-store.js';
import { closeTerrain, openTerrain, storeCellSizeM } from '../terrain/terrain.js';
import type { CoverageGrid, CoverageTerrain, TierSource } from './coverage-grid.js';
import { cellAt, refineDem, sliceRaster, tierCell, tieredTerrain, tierRectOfBox } from './coverage-grid.js';
import type { SitingRow } from './siting-table.js';
import { bestDoriRaster, countsRaster } from './coverage-export.js';
import { bestDoriGrid, displayRaster, type DisplayWindow } from './coverage-display.js';
import type { CoverageTotals, DemandLayer, ZoneLayer, ZoneStat } from './coverage-stats.js';
import {
  applyFlips,
  cellSetStat,
  cellsInBox,
  coverageTotals,
  demandFromRaster,
  demandLayer,
  groupZones,
  layerStats,
  layerSum,
  NO_ZONE,
  rasterizeZones,
  weightAt,
  zoneCells,
} from './coverage-stats.js';
import { openDemFile, readDem } from './dem-raster.js';
import type { GapCluster } from './gap-polygons.js';
import { cellOutline, gapClusters } from './gap-polygons.js';
import { encodeGeoTiff } from './geotiff-encode.js';
import { encodeGreyPng } from './png-encode.js';
import { groundDistanceDeg, metresPerDegree } from './ground-scale.js';
import type { CameraForCoverage, CoverageFlips, Footprint, FootprintChoices } from './network-coverage.js';
import { cameraFootprint, coverageFlips, footprintKey, NetworkCoverage } from './network-coverage.js';
import type { CameraModel, CandidateSite } from './siting-candidates.js';
import {
  candidateCameras,
  highPoints,
  mergeSites,
  newlySeenCells,
  roadSites,
  sitingProblemOf,
  townSites,
} from './siting-candidates.js';
import { exactSiting } from './siting-exact.js';
import { greedySiting } from './siting-greedy.js';

/** Radius of the area of interest around a volcano, km: the 15–25 km reach of its thermal cameras. */
export const VOLCANO_AREA_RADIUS_KM = 20;
/** Margin around a city's district centres for its area of interest, km. */
export const CITY_AREA_MARGIN_KM = 3;
/**
 * Up to this many camera changes in one sync update the figures from the flipped cells; more
 * (a bulk import, the first start) rescan the grid, which also clears any rounding drift.
 */
export const INCREMENTAL_FIGURES_MAX_CHANGES = 64;
/**
 * What-if answers and the map's raster use cameras read at most this long ago, ms (other questions:
 * 1 s). A planner dragging a camera asks every second or two; the inventory rarely changes as fast.
 */
export const INTERACTIVE_CAMERA_MAX_AGE_MS = 10_000;
/** Most candidate cameras one siting run evaluates (each is a viewshed). */
export const MAX_SITING_CANDIDATES = 600;

type Places = readonly Place[];
type Roads = readonly Road[];

export interface CoverageServiceOptions {
  /** Root of the DEM stores (npm run build-terrain), default `var/dem`. Ignored when `terrain` is given. */
  demRoot?: string;
  /** Terrain to use instead of the stores (tests). */
  terrain?: CoverageTerrain;
  /** Viewshed and DORI choices for every footprint. */
  choices?: FootprintChoices;
  /** Incidents older than this are not demand; default all. */
  incidentsSince?: Date;
  /** Re-read incident demand when older than this, ms. Default 300,000. */
  demandMaxAgeMs?: number;
  /** Re-read the cameras at most this often on reads, ms. Default 1,000. */
  cameraSyncIntervalMs?: number;
  /** Cache footprints in the database. Default true. */
  persist?: boolean;
  /** A population raster (GeoTIFF, EPSG:4326, people per pixel): adds the `population` demand. */
  populationTif?: string;
  /** Towns for candidate sites and city areas (default server/demo/places.ts). */
  places?: Places;
  /** Roads for candidate sites (default server/demo/roads.ts). */
  roads?: Roads;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** An area the figures, gaps, exports and siting can be restricted to. */
export interface AreaOfInterest {
  id: string;
  kind: 'national' | 'province' | 'region' | 'volcano' | 'city' | 'bbox';
  name: string;
  bbox: BBox;
}

interface ResolvedArea extends AreaOfInterest {
  /** Whether an owned cell is in the area. */
  hasCell(cell: number): boolean;
  /** Whether a point is in the area. */
  hasPoint(lon: number, lat: number): boolean;
  /** The area's owned cells, ascending. */
  cells(): Uint32Array;
  /** The zone it is, for provinces and regions. */
  zone?: { layer: 'province' | 'region'; index: number };
}

interface HeldCamera {
  row: CoverageCameraRow;
  key: string;
  footprint: Footprint;
}

/** Figures for the network, as GET /api/coverage returns them. */
export interface CoverageReport {
  generatedAt: string;
  grid: {
    key: string;
    tiers: { name: string; width: number; height: number; cellSizeM: { east: number; north: number } }[];
    note: string;
  };
  cameras: { total: number; counted: number; notOnline: number; noTerrain: number; noDataAtSite: number };
  demand: { name: string; total: number; label: string }[];
  area: AreaOfInterest | null;
  summary: ZoneStat;
  provinces: (ZoneStat & { officialAreaKm2: number; gridSharePct: number })[];
  regions: (ZoneStat & { officialAreaKm2: number; gridSharePct: number })[];
}

export interface SitingRequest {
  area: string;
  budget: { count?: number; dollars?: number };
  model: CameraModel;
  /** What a site is worth: incidents seen (default), area seen (km²), or people seen. */
  demand?: 'incidents' | 'area' | 'population';
  candidates?: {
    points?: { lon: number; lat: number; azimuthDeg?: number; label?: string }[];
    highPoints?: boolean;
    towns?: boolean;
    roads?: boolean;
    maxHighPoints?: number;
    maxElevationM?: number;
  };
  /** Worth of a second look at a cell the network already sees, [0, 1]; default 0. */
  alreadyCoveredValue?: number;
  /** Also solve exactly (HiGHS) and report greedy's gap. */
  exact?: boolean;
}

export interface SitingReport {
  area: AreaOfInterest;
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
  /** Cells each chosen site newly sees, ascending (for the map). */
  newCells: Uint32Array[];
  totals: { sites: number; costUsd: number; gain: number; coveredPct: number | null };
  exact: { optimum: number; greedyGapPct: number; provenOptimal: boolean; sites: number[] } | null;
  timingsMs: { candidates: number; footprints: number; solve: number; total: number };
}

export type WhatIfChange =
  | {
      op: 'add';
      camera: Omit<CameraForCoverage, 'kind'> & {
        kind: CameraKind;
        externalId?: string;
        status?: CameraStatus;
      };
    }
  | {
      op: 'move';
      externalId: string;
      position?: [number, number];
      azimuthDeg?: number;
      tiltDeg?: number;
      mountHeightM?: number;
      hfovDeg?: number;
      vfovDeg?: number;
      rangeM?: number;
    }
  | { op: 'remove'; externalId: string };

export interface WhatIfReport {
  area: AreaOfInterest | null;
  before: ZoneStat;
  after: ZoneStat;
  provinces: { id: string; name: string; before: ZoneStat; after: ZoneStat }[];
  regions: { id: string; name: string; before: ZoneStat; after: ZoneStat }[];
  gainedCells: number;
  lostCells: number;
  gained: Uint32Array;
  lost: Uint32Array;
  elapsedMs: number;
}

/** Cities whose assumed weight (places.ts, ≈ thousands of people) reaches this get a refined tier. */
export const CITY_TIER_MIN_WEIGHT = 40;
/** Refine where the finest store is coarser than this, metres (the 9″ mainland, not the 3″ corridor). */
export const CITY_TIER_MAX_SOURCE_CELL_M = 150;
/** Each source cell becomes this many cells on each axis in a city tier (9″ → 3″). */
export const CITY_TIER_FACTOR = 3;

/**
 * The real terrain as coverage needs it: one tier per DEM store under `root`, plus a refined
 * tier (bilinear, CITY_TIER_FACTOR× finer) over each city outside the finer stores, so that a
 * city camera with a 150–400 m range covers tens of cells rather than one 278 m cell or none.
 * The refined tiers add no terrain detail (the 9″ heights are interpolated); they give the
 * viewshed cells as small as the cameras' reach. Cities: server/demo/places.ts grouped by city,
 * total weight ≥ CITY_TIER_MIN_WEIGHT, box of their centres plus 3 kernel widths and 1 km,
 * overlapping boxes merged.
 */
export function openCoverageTerrain(
  root: string,
  places: readonly Place[] = PLACES,
): CoverageTerrain & { close(): void } {
  const terrain = openTerrain(root);
  const storeSources: TierSource[] = terrain.stores.map((s) => ({
    tier: {
      name: s.header.name,
      width: s.width,
      height: s.height,
      geoTransform: s.geoTransform,
      crs: s.crs,
      sourceId: s.header.source.sha256,
    },
    read: (w) => readStoreWindow(s, w),
  }));
  const citySources: TierSource[] = [];
  for (const box of cityBoxes(places)) {
    const i = terrain.stores.findIndex((s) => {
      const gt = s.geoTransform;
      return (
        s.crs.kind === 'geographic' &&
        box.bbox[0] >= gt[0] &&
        box.bbox[2] <= gt[0] + s.width * gt[1] &&
        box.bbox[1] >= gt[3] + s.height * gt[5] &&
        box.bbox[3] <= gt[3]
      );
    });
    const store = terrain.stores[i];
    if (!store || storeCellSizeM(store) <= CITY_TIER_MAX_SOURCE_CELL_M) continue;
    const rect = tierRectOfBox(storeSources[i]!.tier, box.bbox);
    const window = {
      col0: rect.col0,
      row0: rect.row0,
      width: rect.col1 - rect.col0,
      height: rect.row1 - rect.row0,
    };
    const refined = refineDem(readStoreWindow(store, window), CITY_TIER_FACTOR);
    citySources.push({
      tier: {
        name: `city-${normalise(box.name)}-x${CITY_TIER_FACTOR}`,
        width: refined.width,
        height: refined.height,
        geoTransform: refined.geoTransform,
        crs: refined.crs,
        sourceId: `${store.header.source.sha256}:${JSON.stringify(window)}`,
      },
      read: (w) => sliceRaster(refined, w),
    });
  }
  return { ...tieredTerrain([...storeSources, ...citySources]), close: () => closeTerrain(terrain) };
}

/** City boxes for refined tiers (see openCoverageTerrain), named after their largest city. */
export function cityBoxes(places: readonly Place[]): { name: string; weight: number; bbox: BBox }[] {
  const byCity = new Map<string, Place[]>();
  for (const p of places) byCity.set(p.city, [...(byCity.get(p.city) ?? []), p]);
  let boxes: { name: string; weight: number; bbox: BBox }[] = [];
  for (const [city, ps] of byCity) {
    const weight = ps.reduce((s, p) => s + p.weight, 0);
    if (weight < CITY_TIER_MIN_WEIGHT) continue;
    let bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of ps) {
      const [sx, sy] = placeSpreadKm(p);
      const k = metresPerDegree(p.lat);
      const mx = ((3 * sx + 1) * 1000) / k.east;
      const my = ((3 * sy + 1) * 1000) / k.north;
      bbox = [
        Math.min(bbox[0], p.lon - mx),
        Math.min(bbox[1], p.lat - my),
        Math.max(bbox[2], p.lon + mx),
        Math.max(bbox[3], p.lat + my),
      ];
    }
    boxes.push({ name: city, weight, bbox });
  }
  // Merge overlapping boxes until none overlap; the merged box keeps the heavier city's name.
  for (let merged = true; merged;) {
    merged = false;
    boxes.sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.bbox;
        const b = boxes[j]!.bbox;
        if (a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]) {
          boxes[i] = {
            name: boxes[i]!.name,
            weight: boxes[i]!.weight + boxes[j]!.weight,
            bbox: [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])],
          };
          boxes = boxes.filter((_, k) => k !== j);
          merged = true;
          break outer;
        }
      }
    }
  }
  return boxes;
}

export class CoverageService {
  private readonly options: CoverageServiceOptions;
  private init: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private terrain!: CoverageTerrain & { close?(): void };
  private grid!: CoverageGrid;
  private network!: NetworkCoverage;
  private readonly cameras = new Map<string, HeldCamera>();
  private persisted: Map<string, StoredFootprint> | null = null;
  private provinces: ProvinceZone[] = [];
  private regions: RegionZone[] = [];
  private volcanoes: VolcanoPoint[] = [];
  private provinceLayer!: ZoneLayer;
  private regionLayer!: ZoneLayer;
  private incidents!: DemandLayer;
  private population: DemandLayer | null = null;
  private demandLoadedAt = 0;
  private lastSync = 0;
  /** Bumped on every change of counts or demand; the totals cache is keyed by it. */
  private version = 0;
  private totalsCache: { version: number; totals: CoverageTotals } | null = null;
  private readonly scratch = new Map<string, Footprint>();
  /** Privacy masks: a camera's own masks leave its counted footprint; nothing hypothetical gains a masked cell. */
  private readonly privacy = new CameraMasks();
  private readonly tiffCache = new Map<string, { version: number; bytes: ArrayBuffer; tier: string }>();
  private doriCache: { version: number; best: Uint8Array } | null = null;

  constructor(
    private readonly db: Database,
    options: CoverageServiceOptions = {},
  ) {
    this.options = options;
  }

  /** Loads terrain, zones, cached footprints, demand and cameras (once; later calls wait for it). */
  ready(): Promise<void> {
    this.init ??= this.start();
    return this.init;
  }

  private async start(): Promise<void> {
    const t0 = performance.now();
    try {
      this.terrain =
        this.options.terrain ??
        openCoverageTerrain(this.options.demRoot ?? 'var/dem', this.options.places ?? PLACES);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(
          `Coverage needs the terrain stores: ${error.message} (npm run build-terrain creates var/dem)`,
          { cause: error },
        );
      }
      throw error;
    }
    this.grid = this.terrain.grid;
    this.network = new NetworkCoverage(this.grid);
    const t1 = performance.now();
    const zones = await readZones(this.db);
    this.provinces = zones.provinces;
    this.regions = zones.regions;
    this.volcanoes = await readVolcanoPoints(this.db);
    this.provinceLayer = rasterizeZones(this.grid, 'province', this.provinces);
    this.regionLayer = groupZones(
      this.provinceLayer,
      'region',
      this.regions.map((r) => ({
        id: r.id,
        name: r.name,
        members: this.provinces.filter((p) => p.centerId === r.id).map((p) => p.id),
      })),
    );
    if (this.options.populationTif) {
      const raster = await readDem(await openDemFile(this.options.populationTif));
      this.population = demandFromRaster(this.grid, 'population', raster);
    }
    const t2 = performance.now();
    this.persisted =
      this.options.persist === false ? new Map() : await loadFootprints(this.db, this.grid.key);
    const t3 = performance.now();
    await this.loadDemand();
    const t4 = performance.now();
    const synced = await this.syncCameras();
    this.options.log?.info(
      {
        ...synced,
        cells: this.grid.cellCount,
        tiers: this.grid.tiers.length,
        terrainMs: Math.round(t1 - t0),
        zonesMs: Math.round(t2 - t1),
        cachedFootprintsMs: Math.round(t3 - t2),
        demandMs: Math.round(t4 - t3),
        ms: Math.round(performance.now() - t0),
      },
      'coverage ready',
    );
  }

  /** Stops using the terrain stores. */
  close(): void {
    this.terrain?.close?.();
  }

  /** Runs `fn` after every earlier change; failures do not block later ones. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Re-reads the cameras now and brings the coverage up to date: new or changed cameras get a
   * footprint (from the cache when their key matches), removed ones are taken out.
   */
  async sync(): Promise<{ cameras: number; computed: number; changed: number; ms: number }> {
    await this.ready();
    return this.exclusive(() => this.syncCameras());
  }

  /** Re-reads incident demand now. */
  async refreshDemand(): Promise<void> {
    await this.ready();
    await this.exclusive(() => this.loadDemand());
  }

  /**
   * Brings cameras and demand up to date when older than allowed. `cameraMaxAgeMs` replaces the
   * default 1 s for questions asked many times a minute while a planner drags cameras (what-if,
   * the map's raster): re-reading 4,500 cameras takes ≈ 0.7 s of the 2 s a what-if may take.
   */
  private async fresh(cameraMaxAgeMs = 1000): Promise<void> {
    await this.ready();
    await this.exclusive(async () => {
      if (Date.now() - this.lastSync >= (this.options.cameraSyncIntervalMs ?? cameraMaxAgeMs)) {
        await this.syncCameras();
      }
      if (Date.now() - this.demandLoadedAt >= (this.options.demandMaxAgeMs ?? 300_000))
        await this.loadDemand();
    });
  }

  private async loadDemand(): Promise<void> {
    const { lons, lats } = await incidentPositions(this.db, this.options.incidentsSince);
    const entries: [number, number][] = [];
    for (let i = 0; i < lons.length; i++) entries.push([cellAt(this.grid, lons[i]!, lats[i]!), 1]);
    this.incidents = demandLayer('incidents', entries);
    this.demandLoadedAt = Date.now();
    this.version++;
  }

  private async syncCameras(): Promise<{ cameras: number; computed: number; changed: number; ms: number }> {
    const t0 = performance.now();
    const rows = await readCoverageCameras(this.db);
    const maskRev = await maskRevision(this.db);
    if (maskRev !== this.privacy.revision)
      this.privacy.load(this.grid, maskRev, await coverageMasks(this.db));
    const seen = new Set<string>();
    const toSave: { cameraDbId: number; key: string; footprint: Footprint; computedMs: number }[] = [];
    const pending = new Map<string, Footprint | null>();
    let slice = performance.now();
    for (const row of rows) {
      seen.add(row.externalId);
      const key = footprintKey(row, this.choices(), this.grid.key);
      const held = this.cameras.get(row.externalId);
      let footprint = held?.key === key ? held.footprint : undefined;
      if (!footprint) {
        const stored = this.persisted?.get(row.externalId);
        if (stored?.key === key) footprint = stored.footprint;
      }
      if (!footprint) {
        const c0 = performance.now();
        footprint = cameraFootprint(row, this.terrain, this.choices());
        toSave.push({ cameraDbId: row.dbId, key, footprint, computedMs: performance.now() - c0 });
        // Long first computations yield now and then, so the server keeps answering.
        if (performance.now() - slice > 50) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      const shown = this.privacy.footprintOf(row.externalId, footprint);
      const counted = row.status === 'online' && shown.cells.length > 0 ? shown : null;
      if (this.network.get(row.externalId) !== (counted ?? undefined)) pending.set(row.externalId, counted);
      this.cameras.set(row.externalId, { row, key, footprint });
    }
    for (const id of [...this.cameras.keys()]) {
      if (seen.has(id)) continue;
      if (this.network.get(id)) pending.set(id, null);
      this.privacy.forget(id);
      this.cameras.delete(id);
    }
    this.persisted = null;
    this.applyToNetwork(pending);
    if (toSave.length > 0 && this.options.persist !== false)
      await saveFootprints(this.db, this.grid.key, toSave);
    this.lastSync = Date.now();
    return {
      cameras: rows.length,
      computed: toSave.length,
      changed: pending.size,
      ms: Math.round(performance.now() - t0),
    };
  }

  /**
   * Puts new footprints (null: not counted) into the network. A few changes update the held
   * figures from the cells whose coverage flips (O(their cells)); many (the first start) leave
   * them to a full scan on the next read.
   */
  private applyToNetwork(pending: Map<string, Footprint | null>): void {
    if (pending.size === 0) return;
    const cached = this.totalsCache?.version === this.version ? this.totalsCache.totals : null;
    let flips: CoverageFlips | null = null;
    if (cached && pending.size <= INCREMENTAL_FIGURES_MAX_CHANGES) {
      const removed: Footprint[] = [];
      const added: Footprint[] = [];
      for (const [id, fp] of pending) {
        const current = this.network.get(id);
        if (current) removed.push(current);
        if (fp) added.push(fp);
      }
      flips = coverageFlips(this.network.counts, removed, added);
    }
    for (const [id, fp] of pending) this.network.set(id, fp);
    this.version++;
    if (cached && flips) {
      const totals = applyFlips(
        this.grid,
        cached,
        [this.provinceLayer, this.regionLayer],
        this.demands(),
        flips,
      );
      this.totalsCache = { version: this.version, totals };
    }
  }

  private choices(): FootprintChoices {
    return this.options.choices ?? {};
  }

  private demands(): DemandLayer[] {
    return this.population ? [this.incidents, this.population] : [this.incidents];
  }

  private totals(): CoverageTotals {
    if (this.totalsCache?.version !== this.version) {
      this.totalsCache = {
        version: this.version,
        totals: coverageTotals(
          this.grid,
          this.network.counts,
          [this.provinceLayer, this.regionLayer],
          this.demands(),
        ),
      };
    }
    return this.totalsCache.totals;
  }

  /** Figures for the whole network, or for one area (see resolveArea for the names understood). */
  async report(areaName?: string): Promise<CoverageReport> {
    await this.fresh();
    const area = areaName ? this.resolveArea(areaName) : null;
    const totals = this.totals();
    const demands = this.demands();
    const withOfficial = <Z extends { areaKm2: number }>(stats: ZoneStat[], zones: readonly Z[]) =>
      stats.map((s, i) => ({
        ...s,
        officialAreaKm2: Math.round(zones[i]!.areaKm2 * 10) / 10,
        gridSharePct: Math.round((10000 * s.areaKm2) / zones[i]!.areaKm2) / 100,
      }));
    let provinces = withOfficial(layerStats(this.provinceLayer, totals.layers[0]!, demands), this.provinces);
    let regions = withOfficial(layerStats(this.regionLayer, totals.layers[1]!, demands), this.regions);
    let summary: ZoneStat;
    if (!area || area.kind === 'national') {
      summary = layerSum('national', 'Ecuador (mainland on the DEM grid)', totals.layers[0]!, demands);
    } else if (area.zone?.layer === 'province') {
      summary = provinces[area.zone.index]!;
      const centre = this.provinces[area.zone.index]!.centerId;
      provinces = [provinces[area.zone.index]!];
      regions = regions.filter((r) => r.id === centre);
    } else if (area.zone?.layer === 'region') {
      summary = regions[area.zone.index]!;
      const members = new Set(this.provinces.filter((p) => p.centerId === area.id).map((p) => p.id));
      provinces = provinces.filter((p) => members.has(p.id));
      regions = [regions[area.zone.index]!];
    } else {
      summary = cellSetStat(this.grid, this.network.counts, area.id, area.name, area.cells(), demands);
      provinces = [];
      regions = [];
    }
    let noTerrain = 0;
    let noData = 0;
    let notOnline = 0;
    for (const c of this.cameras.values()) {
      if (c.footprint.skipped === 'no-terrain') noTerrain++;
      if (c.footprint.skipped === 'nodata') noData++;
      if (c.row.status !== 'online') notOnline++;
    }
    return {
      generatedAt: new Date().toISOString(),
      grid: {
        key: this.grid.key,
        tiers: this.grid.tiers.map((t) => {
          const lat = t.geoTransform[3] + (t.height / 2) * t.geoTransform[5];
          const k = metresPerDegree(lat);
          return {
            name: t.name,
            width: t.width,
            height: t.height,
            cellSizeM: {
              east: Math.round(t.geoTransform[1] * k.east * 10) / 10,
              north: Math.round(-t.geoTransform[5] * k.north * 10) / 10,
            },
          };
        }),
        note:
          'One tier per DEM store, finest owning where they overlap; a cell counts for a zone when its centre is inside. ' +
          'Areas are of the cells on the grid: gridSharePct is that against the official area (no DEM for the Galápagos).',
      },
      cameras: {
        total: this.cameras.size,
        counted: this.network.size,
        notOnline,
        noTerrain,
        noDataAtSite: noData,
      },
      demand: demands.map((d) => ({
        name: d.name,
        total: d.weights.reduce((s, v) => s + v, 0),
        label:
          d.name === 'incidents'
            ? `incidents in the database${this.options.incidentsSince ? ` since ${this.options.incidentsSince.toISOString()}` : ''} (a demand proxy)`
            : 'population raster given to the server',
      })),
      area: area ? publicArea(area) : null,
      summary,
      provinces,
      regions,
    };
  }

  /**
   * The coverage region figures as the coverage_loss rule reads them (server/rules): per
   * region, the share of its grid area online cameras see, and its cameras that are not online.
   */
  async regionCoverageInputs(tsMs: number = Date.now()): Promise<CoverageInput[]> {
    await this.fresh();
    const lt = this.totals().layers[1]!;
    const offlineByRegion = new Map<string, string[]>();
    for (const c of this.cameras.values()) {
      if (c.row.status === 'online') continue;
      const cell = cellAt(this.grid, c.row.position[0], c.row.position[1]);
      const z = cell >= 0 ? this.regionLayer.zoneOf[cell]! : NO_ZONE;
      if (z === NO_ZONE) continue;
      const id = this.regionLayer.ids[z]!;
      offlineByRegion.set(id, [...(offlineByRegion.get(id) ?? []), c.row.externalId]);
    }
    return this.regionLayer.ids.map((regionId, z) => ({
      regionId,
      tsMs,
      coveredFraction: lt.areaM2[z]! > 0 ? lt.coveredAreaM2[z]! / lt.areaM2[z]! : 0,
      offlineCameraIds: offlineByRegion.get(regionId) ?? [],
    }));
  }

  /** The counts (or best DORI class) as a GeoTIFF over an area, on the finest tier holding it. */
  async geoTiff(
    areaName: string | undefined,
    layer: 'counts' | 'dori',
  ): Promise<{ bytes: ArrayBuffer; tier: string }> {
    await this.fresh();
    const area = areaName ? this.resolveArea(areaName) : null;
    // geotiff.js writes ≈ 1–2 million values a second: the national 9″ raster (6.3 M cells) takes
    // seconds, so the last few exports are kept until the coverage changes.
    const cacheKey = `${layer}:${area?.id ?? 'national'}`;
    const cached = this.tiffCache.get(cacheKey);
    if (cached && cached.version === this.version) return { bytes: cached.bytes, tier: cached.tier };
    let tier = this.grid.tiers.length - 1;
    let rect = { col0: 0, col1: this.grid.tiers[tier]!.width, row0: 0, row1: this.grid.tiers[tier]!.height };
    if (area && area.kind !== 'national') {
      tier = this.finestTierHolding(area.bbox);
      rect = tierRectOfBox(this.grid.tiers[tier]!, area.bbox);
      if (rect.col1 <= rect.col0 || rect.row1 <= rect.row0) {
        throw new NotFoundError(`Area ${area.id} lies outside the coverage grid`);
      }
    }
    const raster =
      layer === 'counts'
        ? countsRaster(this.grid, this.network.counts, tier, rect)
        : bestDoriRaster(
            this.grid,
            [...this.network.entries()].map(([, fp]) => fp),
            tier,
            rect,
          );
    const out = { bytes: encodeGeoTiff(raster), tier: this.grid.tiers[tier]!.name };
    if (this.tiffCache.size >= 4) this.tiffCache.delete(this.tiffCache.keys().next().value!);
    this.tiffCache.set(cacheKey, { ...out, version: this.version });
    return out;
  }

  /** The largest clusters of uncovered demand in an area (default national). */
  async gaps(options: {
    area?: string;
    demand?: 'incidents' | 'population';
    linkCells?: number;
    limit?: number;
    minDemand?: number;
  }): Promise<{ grid: CoverageGrid; area: AreaOfInterest | null; demand: string; gaps: GapCluster[] }> {
    await this.fresh();
    const area = options.area ? this.resolveArea(options.area) : null;
    const demand = this.demandLayerNamed(options.demand ?? 'incidents', 'demand');
    const gaps = gapClusters(this.grid, this.network.counts, demand, {
      ...(options.linkCells !== undefined ? { linkCells: options.linkCells } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.minDemand !== undefined ? { minDemand: options.minDemand } : {}),
      // Masked cells are no gap to close: a gap there would outline the mask.
      within: (c) =>
        !this.privacy.isMasked(c) && (area ? area.hasCell(c) : this.provinceLayer.zoneOf[c] !== NO_ZONE),
    });
    return { grid: this.grid, area: area ? publicArea(area) : null, demand: demand.name, gaps };
  }

  /** The outline of grid cells as MultiPolygon coordinates (for responses that map cells). */
  outline(cells: ArrayLike<number>) {
    return cellOutline(this.grid, cells);
  }

  /** The grid (for exports built outside the service). */
  async coverageGrid(): Promise<CoverageGrid> {
    await this.ready();
    return this.grid;
  }

  /**
   * What one camera is shown to see: its footprint without its privacy masks (the cells it counts
   * with while online), outlined as grid cells. Null for a camera the network does not hold.
   */
  async cameraCoverage(externalId: string): Promise<{
    camera: string;
    status: CameraStatus;
    counted: boolean;
    cells: number;
    areaKm2: number;
    outline: ReturnType<typeof cellOutline>;
  } | null> {
    await this.fresh();
    const held = this.cameras.get(externalId);
    if (!held) return null;
    const shown = this.privacy.footprintOf(externalId, held.footprint);
    let areaM2 = 0;
    for (const cell of shown.cells) {
      const { tier, row } = tierCell(this.grid, cell);
      areaM2 += this.grid.tiers[tier]!.rowAreaM2[row]!;
    }
    return {
      camera: externalId,
      status: held.row.status,
      counted: this.network.get(externalId) !== undefined,
      cells: shown.cells.length,
      areaKm2: Math.round(areaM2 / 1000) / 1000,
      outline: cellOutline(this.grid, shown.cells),
    };
  }

  /**
   * Chooses new sites greedily in an area: candidates from the DEM's high points, towns, roads
   * and the user's points, each with the model camera; demand the network does not see yet.
   */
  async siting(req: SitingRequest): Promise<SitingReport> {
    await this.fresh();
    const t0 = performance.now();
    const area = this.resolveArea(req.area, 'area');
    if (area.kind === 'national') {
      throw new ValidationError('Siting needs an area smaller than the country', [
        { field: 'area', message: 'name a province, region, volcano, city or bbox, not the whole country' },
      ]);
    }
    const demandKind = req.demand ?? 'incidents';
    const areaCells = area.cells();
    const { cells, weights, unit } = this.demandIn(this.privacy.unmasked(areaCells), demandKind);
    if (cells.length === 0) {
      throw new ValidationError(`Area ${area.id} holds no ${demandKind} demand`, [
        {
          field: 'demand',
          message: `area ${area.id} holds no ${demandKind}${demandKind === 'incidents' ? "; use demand 'area' to cover ground" : ''}`,
        },
      ]);
    }
    const counts = this.network.counts;
    let total = 0;
    let byNetwork = 0;
    cells.forEach((c, i) => {
      total += weights[i]!;
      if (counts[c]! > 0) byNetwork += weights[i]!;
    });

    // Candidates.
    const c = req.candidates ?? {};
    const user: CandidateSite[] = (c.points ?? []).map((p, i) => {
      if (cellAt(this.grid, p.lon, p.lat) < 0) {
        throw new ValidationError(`Candidate point ${i} is outside the terrain`, [
          { field: `candidates.points.${i}`, message: `(${p.lon}, ${p.lat}) is outside every DEM` },
        ]);
      }
      return {
        lon: p.lon,
        lat: p.lat,
        source: 'user',
        label: p.label ?? `user point ${i + 1}`,
        ...(p.azimuthDeg !== undefined ? { azimuthDeg: p.azimuthDeg } : {}),
      };
    });
    const inArea = (lon: number, lat: number) => area.hasPoint(lon, lat);
    const towns =
      c.towns === false
        ? []
        : townSites((this.options.places ?? PLACES).filter((p) => inArea(p.lon, p.lat))).filter((s) =>
            inArea(s.lon, s.lat),
          );
    const roads = c.roads === false ? [] : roadSites(this.options.roads ?? ROADS, 2, inArea);
    let high: CandidateSite[] = [];
    if (c.highPoints !== false) {
      const win = this.terrain.windowOfBox(area.bbox);
      if (win) {
        high = highPoints(win.dem, {
          limit: c.maxHighPoints ?? 60,
          keep: inArea,
          ...(c.maxElevationM !== undefined ? { maxElevationM: c.maxElevationM } : {}),
        });
      }
    }
    const sites = mergeSites([user, towns, roads, high]).filter((s) => cellAt(this.grid, s.lon, s.lat) >= 0);
    let candidates = candidateCameras(sites, req.model);
    let dropped = 0;
    if (candidates.length > MAX_SITING_CANDIDATES) {
      dropped = candidates.length - MAX_SITING_CANDIDATES;
      candidates = candidates.slice(0, MAX_SITING_CANDIDATES);
    }
    if (candidates.length === 0) {
      throw new ValidationError(`No candidate sites in area ${area.id}`, [
        { field: 'candidates', message: 'no high point, town, road or user point lies in the area' },
      ]);
    }
    const t1 = performance.now();
    const footprints: Footprint[] = [];
    for (const cand of candidates)
      footprints.push(this.privacy.hypothetical(this.scratchFootprint(cand.camera)));
    const t2 = performance.now();

    const problem = sitingProblemOf({
      cells,
      weights,
      counts,
      footprints,
      costs: candidates.map((k) => k.cost),
      budget: req.budget,
      ...(req.alreadyCoveredValue !== undefined ? { alreadyCoveredValue: req.alreadyCoveredValue } : {}),
    });
    const greedy = greedySiting(problem);
    let exact: SitingReport['exact'] = null;
    if (req.exact) {
      if (problem.coverCells.length > 2_000_000) {
        throw new ValidationError('The problem is too large to solve exactly', [
          { field: 'exact', message: `${problem.coverCells.length} candidate–cell pairs; at most 2,000,000` },
        ]);
      }
      const e = await exactSiting(problem, { greedy, timeLimitS: 30 });
      exact = {
        optimum: e.optimum,
        greedyGapPct: Math.round(e.gap * 10000) / 100,
        provenOptimal: e.provenOptimal,
        sites: e.sites,
      };
    }
    const t3 = performance.now();

    const chosen = greedy.steps.map((s) => footprints[s.site]!);
    const fresh = newlySeenCells(counts, chosen, (cell) => area.hasCell(cell));
    const pct = (v: number) => (total > 0 ? Math.round((10000 * v) / total) / 100 : null);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const table: SitingRow[] = greedy.steps.map((s, i) => {
      const cand = candidates[s.site]!;
      let newArea = 0;
      for (const cell of fresh[i]!) {
        const { tier, row } = tierCell(this.grid, cell);
        newArea += this.grid.tiers[tier]!.rowAreaM2[row]!;
      }
      return {
        rank: i + 1,
        lon: Math.round(cand.site.lon * 1e6) / 1e6,
        lat: Math.round(cand.site.lat * 1e6) / 1e6,
        azimuthDeg: Math.round(cand.azimuthDeg * 10) / 10,
        source: cand.site.source,
        label: cand.site.label,
        costUsd: s.cost,
        cumulativeCostUsd: s.cumulativeCost,
        marginalGain: round(s.gain),
        marginalGainPct: pct(s.gain),
        cumulativeCovered: round(byNetwork + s.coveredDemand),
        cumulativeCoveredPct: pct(byNetwork + s.coveredDemand),
        newCells: fresh[i]!.length,
        newAreaKm2: Math.round(newArea / 1000) / 1000,
      };
    });
    const bySource: Record<string, number> = {};
    for (const s of sites) bySource[s.source] = (bySource[s.source] ?? 0) + 1;
    return {
      area: publicArea(area),
      model: req.model,
      budget: req.budget,
      demand: {
        kind: demandKind,
        unit,
        total: round(total),
        coveredByNetwork: round(byNetwork),
        coveredByNetworkPct: pct(byNetwork),
        cells: cells.length,
      },
      candidates: { sites: sites.length, cameras: candidates.length, bySource, dropped },
      rule: greedy.rule,
      table,
      newCells: fresh,
      totals: {
        sites: table.length,
        costUsd: greedy.totalCost,
        gain: round(greedy.coveredDemand),
        coveredPct: pct(byNetwork + greedy.coveredDemand),
      },
      exact,
      timingsMs: {
        candidates: Math.round(t1 - t0),
        footprints: Math.round(t2 - t1),
        solve: Math.round(t3 - t2),
        total: Math.round(performance.now() - t0),
      },
    };
  }

  /**
   * The figures if cameras were added, moved or removed, without changing anything: the changed
   * footprints are computed, the cells whose coverage would flip found, and the totals updated
   * from those alone.
   */
  async whatIf(changes: readonly WhatIfChange[], areaName?: string): Promise<WhatIfReport> {
    await this.fresh(INTERACTIVE_CAMERA_MAX_AGE_MS);
    const t0 = performance.now();
    const area = areaName ? this.resolveArea(areaName) : null;
    const next = this.changedFootprints(changes);
    const removed: Footprint[] = [];
    const put: Footprint[] = [];
    for (const [id, fp] of next) {
      const current = this.network.get(id);
      if (current) removed.push(current);
      if (fp) put.push(fp);
    }
    const flips = coverageFlips(this.network.counts, removed, put);
    const demands = this.demands();
    const layers = [this.provinceLayer, this.regionLayer];
    const before = this.totals();
    const after = applyFlips(this.grid, before, layers, demands, flips);
    const pair = (layer: ZoneLayer, li: number) => {
      const b = layerStats(layer, before.layers[li]!, demands);
      const a = layerStats(layer, after.layers[li]!, demands);
      return b.map((s, z) => ({ id: s.id, name: s.name, before: s, after: a[z]! }));
    };
    let summaryBefore: ZoneStat;
    let summaryAfter: ZoneStat;
    if (!area || area.kind === 'national') {
      summaryBefore = layerSum('national', 'Ecuador (mainland on the DEM grid)', before.layers[0]!, demands);
      summaryAfter = layerSum('national', 'Ecuador (mainland on the DEM grid)', after.layers[0]!, demands);
    } else {
      const cells = area.cells();
      summaryBefore = cellSetStat(this.grid, this.network.counts, area.id, area.name, cells, demands);
      summaryAfter = statAfter(this.grid, summaryBefore, flips, area, demands);
    }
    const changed = (p: { before: ZoneStat; after: ZoneStat }) =>
      p.before.coveredAreaKm2 !== p.after.coveredAreaKm2 ||
      Object.keys(p.before.demand).some((k) => p.before.demand[k]!.covered !== p.after.demand[k]!.covered);
    return {
      area: area ? publicArea(area) : null,
      before: summaryBefore,
      after: summaryAfter,
      provinces: pair(this.provinceLayer, 0).filter(changed),
      regions: pair(this.regionLayer, 1).filter(changed),
      gainedCells: flips.gained.length,
      lostCells: flips.lost.length,
      gained: flips.gained,
      lost: flips.lost,
      elapsedMs: Math.round(performance.now() - t0),
    };
  }

  /**
   * The footprint each camera touched by what-if changes would count with (null: it would not
   * count), checking that added ids are new and moved or removed ones exist.
   */
  private changedFootprints(changes: readonly WhatIfChange[]): Map<string, Footprint | null> {
    const next = new Map<string, Footprint | null>();
    let added = 0;
    changes.forEach((change, i) => {
      if (change.op === 'add') {
        const id = change.camera.externalId ?? `what-if-${++added}`;
        if (this.cameras.has(id) || next.has(id)) {
          throw new ValidationError(`Camera ${id} already exists`, [
            {
              field: `changes.${i}.camera.externalId`,
              message: `camera ${JSON.stringify(id)} already exists`,
            },
          ]);
        }
        const online = (change.camera.status ?? 'online') === 'online';
        next.set(
          id,
          online ? nonEmpty(this.privacy.hypothetical(this.scratchFootprint(change.camera))) : null,
        );
        return;
      }
      const held = this.cameras.get(change.externalId);
      if (!held && !next.has(change.externalId)) {
        throw new ValidationError(`No camera ${change.externalId}`, [
          { field: `changes.${i}.externalId`, message: `no camera ${JSON.stringify(change.externalId)}` },
        ]);
      }
      if (change.op === 'remove') {
        next.set(change.externalId, null);
        return;
      }
      if (!held) {
        throw new ValidationError(`Camera ${change.externalId} is only added in this what-if`, [
          { field: `changes.${i}.externalId`, message: 'move a camera of the network, not one added here' },
        ]);
      }
      const { op: _op, externalId: _id, ...edits } = change;
      const moved: CameraForCoverage = { ...held.row, ...definedOnly(edits) };
      next.set(
        change.externalId,
        held.row.status === 'online'
          ? nonEmpty(this.privacy.hypothetical(this.scratchFootprint(moved)))
          : null,
      );
    });
    return next;
  }

  /**
   * The counts (or best DORI class) over a view of the map as an 8-bit greyscale PNG
   * (coverage-display.ts), optionally as they would be after what-if changes (nothing is saved).
   */
  async displayPng(
    window: DisplayWindow,
    layer: 'counts' | 'dori',
    changes: readonly WhatIfChange[] = [],
  ): Promise<Uint8Array> {
    await this.fresh(INTERACTIVE_CAMERA_MAX_AGE_MS);
    const next = changes.length > 0 ? this.changedFootprints(changes) : new Map<string, Footprint | null>();
    let values: Uint16Array | Uint8Array;
    if (layer === 'counts') {
      values = this.network.counts;
      if (next.size > 0) {
        // A copy (2 bytes a cell) with the changed footprints swapped: the held counts stay as they are.
        const counts = this.network.counts.slice();
        for (const [id, fp] of next) {
          for (const c of this.network.get(id)?.cells ?? []) counts[c]!--;
          for (const c of fp?.cells ?? []) counts[c]!++;
        }
        values = counts;
      }
    } else {
      const footprints = new Map(this.network.entries());
      for (const [id, fp] of next) {
        if (fp) footprints.set(id, fp);
        else footprints.delete(id);
      }
      if (next.size === 0 && this.doriCache?.version === this.version) values = this.doriCache.best;
      else {
        values = bestDoriGrid(this.grid.cellCount, footprints.values());
        if (next.size === 0) this.doriCache = { version: this.version, best: values };
      }
    }
    return encodeGreyPng(displayRaster(this.grid, values, window), window.width, window.height);
  }

  /** A footprint for a camera that is not (or not yet) in the network, cached by its key. */
  private scratchFootprint(camera: CameraForCoverage): Footprint {
    const key = footprintKey(camera, this.choices(), this.grid.key);
    let fp = this.scratch.get(key);
    if (!fp) {
      fp = cameraFootprint(camera, this.terrain, this.choices());
      if (this.scratch.size >= 2000) this.scratch.delete(this.scratch.keys().next().value!);
      this.scratch.set(key, fp);
    }
    return fp;
  }

  private demandLayerNamed(name: string, field: string): DemandLayer {
    if (name === 'incidents') return this.incidents;
    if (name === 'population' && this.population) return this.population;
    throw new ValidationError(`No ${name} demand`, [
      {
        field,
        message:
          name === 'population'
            ? 'no population raster was given to the server (CoverageServiceOptions.populationTif)'
            : `unknown demand ${JSON.stringify(name)}`,
      },
    ]);
  }

  /** Demand cells of an area with weight > 0, their weights and unit. */
  private demandIn(
    areaCells: Uint32Array,
    kind: 'incidents' | 'area' | 'population',
  ): { cells: Uint32Array; weights: Float64Array; unit: string } {
    if (kind === 'area') {
      const weights = Float64Array.from(areaCells, (cell) => {
        const { tier, row } = tierCell(this.grid, cell);
        return this.grid.tiers[tier]!.rowAreaM2[row]! / 1e6;
      });
      return { cells: areaCells, weights, unit: 'km²' };
    }
    const layer = this.demandLayerNamed(kind, 'demand');
    const cells: number[] = [];
    const weights: number[] = [];
    for (const cell of areaCells) {
      const w = weightAt(layer, cell);
      if (w > 0) {
        cells.push(cell);
        weights.push(w);
      }
    }
    return {
      cells: Uint32Array.from(cells),
      weights: Float64Array.from(weights),
      unit: kind === 'incidents' ? 'incidents' : 'people',
    };
  }

  /** The finest tier whose extent holds a box, else the coarsest. */
  private finestTierHolding(bbox: BBox): number {
    for (let k = 0; k < this.grid.tiers.length; k++) {
      const t = this.grid.tiers[k]!;
      const gt = t.geoTransform;
      if (
        bbox[0] >= gt[0] &&
        bbox[2] <= gt[0] + t.width * gt[1] &&
        bbox[1] >= gt[3] + t.height * gt[5] &&
        bbox[3] <= gt[3]
      ) {
        return k;
      }
    }
    return this.grid.tiers.length - 1;
  }

  /**
   * An area by name. Understood, in this order: `national` (or `ecuador`); a bbox
   * `west,south,east,north`; a province code (`EC17`) or name; a volcano name (a disc of
   * VOLCANO_AREA_RADIUS_KM around it); a city of server/demo/places.ts (its districts' box plus
   * CITY_AREA_MARGIN_KM); a region (regional center id). A prefix `province:`, `region:`,
   * `volcano:`, `city:` or `bbox:` picks one kind (e.g. `region:quito` vs the city `quito`).
   * Names match without case or accents, spaces as dashes.
   */
  resolveArea(name: string, field = 'area'): ResolvedArea {
    const bad = (message: string): never => {
      throw new ValidationError(`Unknown area ${JSON.stringify(name)}`, [{ field, message }]);
    };
    const m = /^(province|region|volcano|city|bbox):(.*)$/.exec(name.trim());
    const kind = m?.[1];
    const text = (m ? m[2]! : name).trim();
    const key = normalise(text);
    if (!key) bad('is empty');
    const grid = this.grid;

    if (!kind && (key === 'national' || key === 'ecuador')) {
      return {
        id: 'national',
        kind: 'national',
        name: 'Ecuador (mainland on the DEM grid)',
        bbox: [-81.1, -5.1, -75.2, 1.5],
        hasCell: (c) => this.provinceLayer.zoneOf[c] !== NO_ZONE,
        hasPoint: (lon, lat) => {
          const c = cellAt(grid, lon, lat);
          return c >= 0 && this.provinceLayer.zoneOf[c] !== NO_ZONE;
        },
        cells: () => bad('the whole country is too large here; name a smaller area'),
      };
    }
    if (!kind || kind === 'bbox') {
      const parts = text.split(',').map((s) => Number(s.trim()));
      if (parts.length === 4 && parts.every(Number.isFinite)) {
        const [w, s, e, n] = parts as [number, number, number, number];
        if (!(w < e && s < n)) bad(`a bbox needs west < east and south < north, got ${text}`);
        if ((e - w) * (n - s) > 4) bad(`a bbox may span at most 4 square degrees, got ${text}`);
        const box: BBox = [w, s, e, n];
        const inBox = (lon: number, lat: number) => lon >= w && lon <= e && lat >= s && lat <= n;
        return this.boxArea(`bbox:${box.join(',')}`, 'bbox', `box ${box.join(', ')}`, box, inBox);
      }
      if (kind) bad(`a bbox is west,south,east,north in degrees, got ${JSON.stringify(text)}`);
    }
    if (!kind || kind === 'province') {
      const z = this.provinces.findIndex((p) => p.id.toLowerCase() === key || normalise(p.name) === key);
      if (z >= 0) return this.zoneArea('province', z);
    }
    if (!kind || kind === 'volcano') {
      const v = this.volcanoes.find((x) => normalise(x.name) === key || String(x.gvpNumber) === key);
      if (v) {
        const r = VOLCANO_AREA_RADIUS_KM * 1000;
        const k = metresPerDegree(v.lat);
        const box: BBox = [v.lon - r / k.east, v.lat - r / k.north, v.lon + r / k.east, v.lat + r / k.north];
        const inDisc = (lon: number, lat: number) => groundDistanceDeg(v.lon, v.lat, lon, lat) <= r;
        return this.boxArea(
          `volcano:${normalise(v.name)}`,
          'volcano',
          `${v.name} (${VOLCANO_AREA_RADIUS_KM} km)`,
          box,
          inDisc,
        );
      }
    }
    if (!kind || kind === 'city') {
      const places = (this.options.places ?? PLACES).filter(
        (p) => normalise(p.city) === key || normalise(p.name) === key,
      );
      if (places.length > 0) {
        const lat = places[0]!.lat;
        const k = metresPerDegree(lat);
        const mx = (CITY_AREA_MARGIN_KM * 1000) / k.east;
        const my = (CITY_AREA_MARGIN_KM * 1000) / k.north;
        const box: BBox = [
          Math.min(...places.map((p) => p.lon)) - mx,
          Math.min(...places.map((p) => p.lat)) - my,
          Math.max(...places.map((p) => p.lon)) + mx,
          Math.max(...places.map((p) => p.lat)) + my,
        ];
        const inBox = (lon: number, lat2: number) =>
          lon >= box[0] && lon <= box[2] && lat2 >= box[1] && lat2 <= box[3];
        const label = places.some((p) => normalise(p.city) === key) ? places[0]!.city : places[0]!.name;
        return this.boxArea(`city:${normalise(label)}`, 'city', label, box, inBox);
      }
    }
    if (!kind || kind === 'region') {
      const z = this.regions.findIndex((r) => r.id === key || normalise(r.name) === key);
      if (z >= 0) return this.zoneArea('region', z);
    }
    return bad(
      `no ${kind ?? 'province, volcano, city or region'} is called ${JSON.stringify(text)}; ` +
        'give a province code (EC17), a province, volcano, city or region name, or west,south,east,north',
    );
  }

  private boxArea(
    id: string,
    kind: AreaOfInterest['kind'],
    name: string,
    bbox: BBox,
    inside: (lon: number, lat: number) => boolean,
  ): ResolvedArea {
    const grid = this.grid;
    let cells: Uint32Array | null = null;
    const list = () => (cells ??= cellsInBox(grid, bbox, inside));
    let set: Set<number> | null = null;
    return {
      id,
      kind,
      name,
      bbox,
      hasPoint: inside,
      hasCell: (c) => (set ??= new Set(list())).has(c),
      cells: list,
    };
  }

  private zoneArea(layer: 'province' | 'region', index: number): ResolvedArea {
    const zl = layer === 'province' ? this.provinceLayer : this.regionLayer;
    const zone = (layer === 'province' ? this.provinces : this.regions)[index]!;
    const grid = this.grid;
    let cells: Uint32Array | null = null;
    const list = () => (cells ??= zoneCells(zl, index));
    let bbox: BBox | null = null;
    const box = (): BBox => {
      if (bbox) return bbox;
      let w = Infinity;
      let s = Infinity;
      let e = -Infinity;
      let n = -Infinity;
      for (const c of list()) {
        const { tier, col, row } = tierCell(grid, c);
        const gt = grid.tiers[tier]!.geoTransform;
        w = Math.min(w, gt[0] + col * gt[1]);
        e = Math.max(e, gt[0] + (col + 1) * gt[1]);
        n = Math.max(n, gt[3] + row * gt[5]);
        s = Math.min(s, gt[3] + (row + 1) * gt[5]);
      }
      return (bbox = Number.isFinite(w) ? [w, s, e, n] : [0, 0, 0, 0]);
    };
    return {
      id: zone.id,
      kind: layer,
      name: zone.name,
      get bbox() {
        return box();
      },
      zone: { layer, index },
      hasCell: (c) => zl.zoneOf[c] === index,
      hasPoint: (lon, lat) => {
        const c = cellAt(grid, lon, lat);
        return c >= 0 && zl.zoneOf[c] === index;
      },
      cells: list,
    };
  }
}

/** A service for a database; see CoverageServiceOptions. Nothing is loaded until first use (or ready()). */
export function createCoverageService(db: Database, options: CoverageServiceOptions = {}): CoverageService {
  return new CoverageService(db, options);
}

/** Lower case, accents stripped, runs of other characters as one dash. */
export function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function publicArea(a: AreaOfInterest): AreaOfInterest {
  return { id: a.id, kind: a.kind, name: a.name, bbox: a.bbox.map((v) => Math.round(v * 1e6) / 1e6) as BBox };
}

function nonEmpty(fp: Footprint): Footprint | null {
  return fp.cells.length > 0 ? fp : null;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** An area's figures after some cells flip, from its figures before (only flipped cells inside count). */
function statAfter(
  grid: CoverageGrid,
  before: ZoneStat,
  flips: CoverageFlips,
  area: ResolvedArea,
  demands: readonly DemandLayer[],
): ZoneStat {
  let dArea = 0;
  const dDemand = demands.map(() => 0);
  const apply = (cells: Uint32Array, sign: number) => {
    for (const cell of cells) {
      if (!area.hasCell(cell)) continue;
      const { tier, row } = tierCell(grid, cell);
      dArea += sign * grid.tiers[tier]!.rowAreaM2[row]!;
      demands.forEach((d, i) => (dDemand[i]! += sign * weightAt(d, cell)));
    }
  };
  apply(flips.gained, 1);
  apply(flips.lost, -1);
  const covered = before.coveredAreaKm2 + dArea / 1e6;
  const r = (v: number, k: number) => Math.round(v * 10 ** k) / 10 ** k;
  return {
    ...before,
    coveredAreaKm2: r(covered, 3),
    coveredAreaPct: before.areaKm2 > 0 ? r((100 * covered) / before.areaKm2, 2) : null,
    demand: Object.fromEntries(
      demands.map((d, i) => {
        const b = before.demand[d.name]!;
        const cov = b.covered + dDemand[i]!;
        return [
          d.name,
          {
            total: b.total,
            covered: r(cov, 3),
            coveredPct: b.total > 0 ? r((100 * cov) / b.total, 2) : null,
          },
        ];
      }),
    ),
  };
}
