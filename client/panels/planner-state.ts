/**
 * The planner's state as plain data, and the pure functions over it: the camera models offered,
 * the what-if scenario and the changes it sends, the rows of the coverage and siting tables, the
 * siting results as CSV and GeoJSON, and the raster window of a map view. The panel
 * (planner-panel.tsx), the loader (planner-loader.ts) and the map layers read and write it
 * through the runtime store's `planner` field.
 */
import type {
  CameraModel,
  CoverageRaster,
  CoverageReport,
  GapCollection,
  RasterWindow,
  SitingRequest,
  SitingResult,
  WhatIfChange,
  WhatIfResult,
  ZoneStat,
} from '../data/coverage-client.js';
import type { LiveData } from '../data/live-data.js';
import { idle } from '../data/live-data.js';

/** Installed price of one dome camera assumed by default, US dollars (ECU 911's planning figure). */
export const DOME_UNIT_COST_USD = 3500;

/**
 * Camera models the planner offers, with the optics of the demo network's typical cameras
 * (server/demo/demo-cameras.ts) and assumed installed prices. The price can be changed in the form.
 */
export const CAMERA_MODELS = {
  dome: {
    kind: 'dome',
    mountHeightM: 8,
    hfovDeg: 360,
    vfovDeg: 35,
    tiltDeg: -15,
    rangeM: 300,
    resolutionHPx: 1920,
    unitCostUsd: DOME_UNIT_COST_USD,
  },
  ptz: {
    kind: 'ptz',
    mountHeightM: 20,
    hfovDeg: 360,
    vfovDeg: 35,
    tiltDeg: -15,
    rangeM: 1500,
    resolutionHPx: 2560,
    unitCostUsd: 6800,
  },
  fixed: {
    kind: 'fixed',
    mountHeightM: 6,
    hfovDeg: 75,
    vfovDeg: 44,
    tiltDeg: -15,
    rangeM: 200,
    resolutionHPx: 2560,
    unitCostUsd: 1250,
  },
  thermal: {
    kind: 'thermal',
    mountHeightM: 10,
    hfovDeg: 25,
    vfovDeg: 19,
    tiltDeg: 5,
    rangeM: 20000,
    resolutionHPx: 640,
    unitCostUsd: 48000,
  },
} as const satisfies Record<string, CameraModel>;
export type CameraModelId = keyof typeof CAMERA_MODELS;
export const CAMERA_MODEL_IDS = Object.keys(CAMERA_MODELS) as CameraModelId[];

/** What a click on the map does while the planner is open. */
export type PlannerTool = 'none' | 'add-camera' | 'draw-candidates';

/** A camera the scenario adds, at a position it can be dragged from. */
export interface ScenarioAdded {
  id: string;
  modelId: CameraModelId;
  position: [number, number];
}

/** A network camera the scenario moves (from → position) or takes away. */
export interface ScenarioMoved {
  externalId: string;
  from: [number, number];
  position: [number, number];
}
export interface ScenarioRemoved {
  externalId: string;
  position: [number, number];
}

/** A what-if: cameras added, moved and removed on the map, nothing saved. */
export interface Scenario {
  added: ScenarioAdded[];
  moved: ScenarioMoved[];
  removed: ScenarioRemoved[];
  /** Numbers the next added camera's id. */
  nextId: number;
}

export const EMPTY_SCENARIO: Scenario = { added: [], moved: [], removed: [], nextId: 1 };

export interface SitingRun {
  status: 'idle' | 'running' | 'ready' | 'error';
  request: SitingRequest | null;
  result: SitingResult | null;
  error: string | null;
}

export interface WhatIfRun {
  status: 'idle' | 'running' | 'ready' | 'error';
  result: WhatIfResult | null;
  error: string | null;
  /** Round trip of the last answer as the page measured it, ms (request sent → raster decoded). */
  roundTripMs: number | null;
}

export interface PlannerRuntime {
  report: LiveData<CoverageReport>;
  raster: LiveData<CoverageRaster>;
  gaps: LiveData<GapCollection>;
  tool: PlannerTool;
  /** Model of the cameras the scenario adds. */
  addModel: CameraModelId;
  /** Candidate sites drawn on the map, [lon, lat]. */
  candidates: [number, number][];
  siting: SitingRun;
  scenario: Scenario;
  whatIf: WhatIfRun;
  /** Rank of the siting row under the pointer or focus, to ring its site on the map. */
  highlightRank: number | null;
}

export const INITIAL_PLANNER: PlannerRuntime = {
  report: idle(),
  raster: idle(),
  gaps: idle(),
  tool: 'none',
  addModel: 'dome',
  candidates: [],
  siting: { status: 'idle', request: null, result: null, error: null },
  scenario: EMPTY_SCENARIO,
  whatIf: { status: 'idle', result: null, error: null, roundTripMs: null },
  highlightRank: null,
};

/** Whether the scenario changes anything. */
export function scenarioSize(s: Scenario): number {
  return s.added.length + s.moved.length + s.removed.length;
}

/** The scenario with a camera of a model added at a position. */
export function addCamera(s: Scenario, modelId: CameraModelId, position: [number, number]): Scenario {
  return {
    ...s,
    added: [...s.added, { id: `escenario-${s.nextId}`, modelId, position }],
    nextId: s.nextId + 1,
  };
}

/**
 * The scenario with a camera dragged to a position: an added camera moves; a network camera is
 * moved from where it stands (first drag) or further (later drags).
 */
export function moveCamera(
  s: Scenario,
  id: string,
  position: [number, number],
  networkPosition?: [number, number],
): Scenario {
  if (s.added.some((a) => a.id === id)) {
    return { ...s, added: s.added.map((a) => (a.id === id ? { ...a, position } : a)) };
  }
  const moved = s.moved.find((m) => m.externalId === id);
  if (moved) return { ...s, moved: s.moved.map((m) => (m.externalId === id ? { ...m, position } : m)) };
  if (!networkPosition) throw new Error(`Camera ${id} is neither added nor given its network position`);
  return {
    ...s,
    removed: s.removed.filter((r) => r.externalId !== id),
    moved: [...s.moved, { externalId: id, from: networkPosition, position }],
  };
}

/** The scenario with a camera taken away: an added one is forgotten, a network one removed. */
export function removeCamera(s: Scenario, id: string, networkPosition?: [number, number]): Scenario {
  if (s.added.some((a) => a.id === id)) return { ...s, added: s.added.filter((a) => a.id !== id) };
  const moved = s.moved.find((m) => m.externalId === id);
  const position = moved?.from ?? networkPosition;
  if (!position) throw new Error(`Camera ${id} is neither added nor given its network position`);
  if (s.removed.some((r) => r.externalId === id)) return s;
  return {
    ...s,
    moved: s.moved.filter((m) => m.externalId !== id),
    removed: [...s.removed, { externalId: id, position }],
  };
}

/** The scenario without what it did to one camera (an added one is dropped). */
export function undoCamera(s: Scenario, id: string): Scenario {
  return {
    ...s,
    added: s.added.filter((a) => a.id !== id),
    moved: s.moved.filter((m) => m.externalId !== id),
    removed: s.removed.filter((r) => r.externalId !== id),
  };
}

/** The changes POST /api/coverage/what-if takes for a scenario: adds, then moves, then removals. */
export function scenarioChanges(s: Scenario): WhatIfChange[] {
  return [
    ...s.added.map((a): WhatIfChange => {
      const { unitCostUsd: _cost, ...optics } = CAMERA_MODELS[a.modelId];
      return { op: 'add', camera: { ...optics, externalId: a.id, position: a.position, azimuthDeg: 0 } };
    }),
    ...s.moved.map((m): WhatIfChange => ({ op: 'move', externalId: m.externalId, position: m.position })),
    ...s.removed.map((r): WhatIfChange => ({ op: 'remove', externalId: r.externalId })),
  ];
}

/** The columns of the coverage table: name, then shares of area, incidents and population seen. */
export type ZoneColumn = 'name' | 'area' | 'incidents' | 'population';
export interface ZoneSort {
  column: ZoneColumn;
  descending: boolean;
}

/** One row of the coverage table: shares seen in %, null where the zone has none of that demand. */
export interface ZoneRow {
  id: string;
  name: string;
  area: number | null;
  incidents: number | null;
  population: number | null;
  /** In a what-if: the same shares before the changes, for the zones the changes touch. */
  before?: { area: number | null; incidents: number | null; population: number | null };
}

function shares(z: ZoneStat): Omit<ZoneRow, 'id' | 'name'> {
  return {
    area: z.coveredAreaPct,
    incidents: z.demand['incidents']?.coveredPct ?? null,
    population: z.demand['population']?.coveredPct ?? null,
  };
}

/**
 * The rows of the coverage table for provinces or regions, sorted; in a what-if the zones it
 * changes carry their after figures, and their before figures alongside. Zones with no cell on the
 * coverage grid (the Galápagos: no DEM) are left out. Sorting puts nulls last either way; ties go
 * by name.
 */
export function zoneRows(
  zones: readonly ZoneStat[],
  sort: ZoneSort,
  changed: readonly { id: string; before: ZoneStat; after: ZoneStat }[] = [],
): ZoneRow[] {
  const after = new Map(changed.map((c) => [c.id, c]));
  const rows = zones
    .filter((z) => z.cells > 0)
    .map((z): ZoneRow => {
      const c = after.get(z.id);
      return c
        ? { id: z.id, name: z.name, ...shares(c.after), before: shares(c.before) }
        : { id: z.id, name: z.name, ...shares(z) };
    });
  const byName = (a: ZoneRow, b: ZoneRow) => a.name.localeCompare(b.name, 'es');
  const sign = sort.descending ? -1 : 1;
  return rows.sort((a, b) => {
    if (sort.column === 'name') return sign * byName(a, b);
    const x = a[sort.column];
    const y = b[sort.column];
    if (x === null && y === null) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return sign * (x - y) || byName(a, b);
  });
}

/** The next sort when a column header is clicked: the same column flips, a new one starts descending (names ascending). */
export function nextSort(current: ZoneSort, column: ZoneColumn): ZoneSort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column !== 'name' };
}

/** A row of the ranked siting table as the panel shows it. */
export interface RankedRow {
  rank: number;
  label: string;
  source: string;
  costUsd: number;
  cumulativeCostUsd: number;
  /** Demand this site adds, in the demand's unit, and as % of the area's demand. */
  gain: number;
  gainPct: number | null;
  /** Share of the area's demand seen with this site and those above it (network included), %. */
  cumulativePct: number | null;
  /** Share gained over the network by this row and those above, percentage points. */
  cumulativeGainPct: number | null;
  position: [number, number];
}

/** The ranked table of a siting result, best site first. */
export function rankedRows(result: SitingResult): RankedRow[] {
  const base = result.demand.coveredByNetworkPct;
  return [...result.table]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => ({
      rank: r.rank,
      label: r.label,
      source: r.source,
      costUsd: r.costUsd,
      cumulativeCostUsd: r.cumulativeCostUsd,
      gain: r.marginalGain,
      gainPct: r.marginalGainPct,
      cumulativePct: r.cumulativeCoveredPct,
      cumulativeGainPct:
        r.cumulativeCoveredPct === null || base === null
          ? null
          : Math.round((r.cumulativeCoveredPct - base) * 100) / 100,
      position: [r.lon, r.lat],
    }));
}

/** Largest side of the raster asked for a view, pixels (the server's limit is 2048). */
export const MAX_RASTER_SIDE_PX = 1600;

/**
 * Mainland Ecuador on the coverage grid (the DEM's extent; the Galápagos have no DEM), degrees:
 * no raster is asked for outside it.
 */
export const COVERAGE_EXTENT: readonly [number, number, number, number] = [-81.1, -5.1, -75.2, 1.5];

/**
 * The raster to ask for a map view: the view's bounds with a margin of `margin` of their size on
 * each side (small pans stay covered), clipped to COVERAGE_EXTENT, at the map's own resolution
 * (512 px tiles: 512·2^zoom pixels for 360°) or coarser so that no side exceeds MAX_RASTER_SIDE_PX.
 * Null when the view does not meet the extent. Near the equator a degree of latitude and one of
 * longitude span almost the same pixels on the Mercator map, so the steps are equal in degrees.
 */
export function viewRasterWindow(
  bounds: readonly [number, number, number, number],
  zoom: number,
  layer: RasterWindow['layer'],
  margin = 0.25,
): RasterWindow | null {
  const [w0, s0, e0, n0] = bounds;
  const mx = (e0 - w0) * margin;
  const my = (n0 - s0) * margin;
  const west = Math.max(COVERAGE_EXTENT[0], w0 - mx);
  const south = Math.max(COVERAGE_EXTENT[1], s0 - my);
  const east = Math.min(COVERAGE_EXTENT[2], e0 + mx);
  const north = Math.min(COVERAGE_EXTENT[3], n0 + my);
  if (!(west < east && south < north)) return null;
  const pxPerDeg = (512 * 2 ** zoom) / 360;
  const scale = Math.min(1, MAX_RASTER_SIDE_PX / (Math.max(east - west, north - south) * pxPerDeg));
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return {
    bbox: [round(west), round(south), round(east), round(north)],
    width: Math.max(1, Math.round((east - west) * pxPerDeg * scale)),
    height: Math.max(1, Math.round((north - south) * pxPerDeg * scale)),
    layer,
  };
}

/** Largest bbox POST /api/siting takes, square degrees (server/coverage/coverage-service.ts, resolveArea). */
export const MAX_SITING_BBOX_DEG2 = 4;

/** The siting area of a map view, `bbox:w,s,e,n` to 4 decimals, or null when it is too large. */
export function viewArea(bounds: readonly [number, number, number, number]): string | null {
  const [w, s, e, n] = bounds;
  if ((e - w) * (n - s) > MAX_SITING_BBOX_DEG2) return null;
  return `bbox:${[w, s, e, n].map((v) => v.toFixed(4)).join(',')}`;
}

/** The siting form as the user filled it in. */
export interface SitingForm {
  /** 'view' (the map's view), or an API area name (`province:EC17`, `region:quito`, `volcano:cotopaxi`). */
  area: string;
  modelId: CameraModelId;
  /** Installed price of one camera, USD. */
  unitCostUsd: number;
  budgetKind: 'count' | 'dollars';
  budget: number;
  demand: SitingRequest['demand'];
  /** Sites generated from the DEM's high points, towns and roads, or only those drawn on the map. */
  candidates: 'generated' | 'drawn';
  exact: boolean;
}

export const DEFAULT_SITING_FORM: SitingForm = {
  area: 'view',
  modelId: 'dome',
  unitCostUsd: DOME_UNIT_COST_USD,
  budgetKind: 'count',
  budget: 5,
  demand: 'incidents',
  candidates: 'generated',
  exact: false,
};

/** Why a siting form cannot be sent yet (a message key of client/i18n.ts). */
export type SitingFormProblem =
  | 'planner.siting.problem.viewTooLarge'
  | 'planner.siting.problem.noView'
  | 'planner.siting.problem.noPoints'
  | 'planner.siting.problem.budget'
  | 'planner.siting.problem.cost';

/**
 * POST /api/siting's body for a form, or what is wrong with it: the view as a bbox area (at most
 * MAX_SITING_BBOX_DEG2), a budget in cameras or dollars at the form's unit price, and the drawn
 * points alone when the candidates are drawn.
 */
export function sitingRequest(
  form: SitingForm,
  viewBounds: readonly [number, number, number, number] | null,
  drawn: readonly [number, number][],
  pointLabel: (index: number) => string = (i) => `point ${i + 1}`,
): SitingRequest | { problem: SitingFormProblem } {
  let area = form.area;
  if (area === 'view') {
    if (!viewBounds) return { problem: 'planner.siting.problem.noView' };
    const fromView = viewArea(viewBounds);
    if (!fromView) return { problem: 'planner.siting.problem.viewTooLarge' };
    area = fromView;
  }
  if (!(form.budget > 0) || (form.budgetKind === 'count' && !Number.isInteger(form.budget))) {
    return { problem: 'planner.siting.problem.budget' };
  }
  if (!(form.unitCostUsd > 0)) return { problem: 'planner.siting.problem.cost' };
  if (form.candidates === 'drawn' && drawn.length === 0)
    return { problem: 'planner.siting.problem.noPoints' };
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    area,
    budget: form.budgetKind === 'count' ? { count: form.budget } : { dollars: form.budget },
    model: { ...CAMERA_MODELS[form.modelId], unitCostUsd: form.unitCostUsd },
    demand: form.demand,
    candidates:
      form.candidates === 'drawn'
        ? {
            points: drawn.map(([lon, lat], i) => ({
              lon: round(lon),
              lat: round(lat),
              label: pointLabel(i),
            })),
            highPoints: false,
            towns: false,
            roads: false,
          }
        : { highPoints: true, towns: true, roads: true },
    ...(form.exact ? { exact: true } : {}),
  };
}
