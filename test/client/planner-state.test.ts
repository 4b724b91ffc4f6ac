/**
 * The planner's pure parts: the what-if scenario and the changes it sends, the coverage table's
 * rows and sorting, the ranked siting table, the sites' exports (checked against the server's own
 * CSV and GeoJSON writers), the siting request of a form, and the raster window of a map view.
 */
import { describe, expect, it } from 'vitest';
import type { SitingResult, SitingRow, ZoneStat } from '../../client/data/coverage-client.js';
import {
  addCamera,
  CAMERA_MODELS,
  DEFAULT_SITING_FORM,
  EMPTY_SCENARIO,
  moveCamera,
  nextSort,
  rankedRows,
  removeCamera,
  scenarioChanges,
  scenarioSize,
  sitingRequest,
  undoCamera,
  viewArea,
  viewRasterWindow,
  zoneRows,
} from '../../client/panels/planner-state.js';

describe('the what-if scenario', () => {
  it('numbers added cameras and sends them with the model optics, without the price', () => {
    let s = addCamera(EMPTY_SCENARIO, 'dome', [-78.5, -0.2]);
    s = addCamera(s, 'ptz', [-78.4, -0.1]);
    expect(s.added.map((a) => a.id)).toEqual(['escenario-1', 'escenario-2']);
    const [first] = scenarioChanges(s);
    expect(first).toEqual({
      op: 'add',
      camera: {
        externalId: 'escenario-1',
        kind: 'dome',
        position: [-78.5, -0.2],
        azimuthDeg: 0,
        mountHeightM: 8,
        hfovDeg: 360,
        vfovDeg: 35,
        tiltDeg: -15,
        rangeM: 300,
        resolutionHPx: 1920,
      },
    });
  });

  it('moves a network camera from where it stands, keeps that origin over later drags, and puts it back on undo', () => {
    let s = moveCamera(EMPTY_SCENARIO, 'QUI-1', [-78.51, -0.21], [-78.5, -0.2]);
    s = moveCamera(s, 'QUI-1', [-78.52, -0.22]);
    expect(s.moved).toEqual([{ externalId: 'QUI-1', from: [-78.5, -0.2], position: [-78.52, -0.22] }]);
    expect(scenarioChanges(s)).toEqual([{ op: 'move', externalId: 'QUI-1', position: [-78.52, -0.22] }]);
    expect(scenarioSize(undoCamera(s, 'QUI-1'))).toBe(0);
  });

  it('removes a moved camera at its origin, and forgets an added one instead of removing it', () => {
    let s = moveCamera(EMPTY_SCENARIO, 'QUI-1', [-78.51, -0.21], [-78.5, -0.2]);
    s = removeCamera(s, 'QUI-1');
    expect(s.moved).toEqual([]);
    expect(s.removed).toEqual([{ externalId: 'QUI-1', position: [-78.5, -0.2] }]);
    s = addCamera(s, 'fixed', [-78.45, -0.15]);
    s = removeCamera(s, 'escenario-1');
    expect(s.added).toEqual([]);
    expect(scenarioChanges(s)).toEqual([{ op: 'remove', externalId: 'QUI-1' }]);
  });

  it('sends adds, then moves, then removals', () => {
    let s = removeCamera(EMPTY_SCENARIO, 'A', [-78, -1]);
    s = moveCamera(s, 'B', [-78.1, -1], [-78, -1.1]);
    s = addCamera(s, 'dome', [-78.2, -1]);
    expect(scenarioChanges(s).map((c) => c.op)).toEqual(['add', 'move', 'remove']);
  });

  it('says which camera it cannot place without its network position', () => {
    expect(() => moveCamera(EMPTY_SCENARIO, 'QUI-9', [0, 0])).toThrow(/QUI-9/);
    expect(() => removeCamera(EMPTY_SCENARIO, 'QUI-9')).toThrow(/QUI-9/);
  });
});

function zone(id: string, name: string, area: number | null, incidents: number | null, cells = 10): ZoneStat {
  return {
    id,
    name,
    cells,
    areaKm2: 100,
    coveredAreaKm2: area ?? 0,
    coveredAreaPct: area,
    demand:
      incidents === null ? {} : { incidents: { total: 100, covered: incidents, coveredPct: incidents } },
  };
}

describe('zoneRows', () => {
  const zones = [
    zone('EC01', 'Azuay', 0.5, 28.4),
    zone('EC09', 'Guayas', 1.4, 55.2),
    zone('EC20', 'Galápagos', null, null, 0),
    zone('EC12', 'Los Ríos', 0.2, null),
    zone('EC17', 'Pichincha', 1.9, 40),
  ];

  it('sorts by a share, nulls last either way, and leaves out zones off the grid', () => {
    const down = zoneRows(zones, { column: 'incidents', descending: true }).map((r) => r.id);
    expect(down).toEqual(['EC09', 'EC17', 'EC01', 'EC12']);
    const up = zoneRows(zones, { column: 'incidents', descending: false }).map((r) => r.id);
    expect(up).toEqual(['EC01', 'EC17', 'EC09', 'EC12']);
  });

  it('sorts names the Spanish way', () => {
    const names = zoneRows(zones, { column: 'name', descending: false }).map((r) => r.name);
    expect(names).toEqual(['Azuay', 'Guayas', 'Los Ríos', 'Pichincha']);
  });

  it('shows a what-if’s figures for the zones it changes, with the figures before', () => {
    const rows = zoneRows(zones, { column: 'area', descending: true }, [
      { id: 'EC01', before: zones[0]!, after: zone('EC01', 'Azuay', 2.5, 30) },
    ]);
    expect(rows[0]).toEqual({
      id: 'EC01',
      name: 'Azuay',
      area: 2.5,
      incidents: 30,
      population: null,
      before: { area: 0.5, incidents: 28.4, population: null },
    });
    expect(rows.find((r) => r.id === 'EC09')?.before).toBeUndefined();
  });

  it('flips a column clicked again; a new share column starts descending, names ascending', () => {
    expect(nextSort({ column: 'area', descending: true }, 'area')).toEqual({
      column: 'area',
      descending: false,
    });
    expect(nextSort({ column: 'area', descending: false }, 'incidents')).toEqual({
      column: 'incidents',
      descending: true,
    });
    expect(nextSort({ column: 'area', descending: true }, 'name')).toEqual({
      column: 'name',
      descending: false,
    });
  });
});

const row = (rank: number, over: Partial<SitingRow> = {}): SitingRow => ({
  rank,
  lon: -78.5 + rank / 100,
  lat: -0.2,
  azimuthDeg: 0,
  source: 'high-point',
  label: `high point ${rank}`,
  costUsd: 3500,
  cumulativeCostUsd: 3500 * rank,
  marginalGain: 30 - rank,
  marginalGainPct: 0.2,
  cumulativeCovered: 4761 + rank,
  cumulativeCoveredPct: 41.79 + rank / 10,
  newCells: 20,
  newAreaKm2: 0.171,
  ...over,
});

function result(rows: SitingRow[]): SitingResult {
  return {
    area: { id: 'bbox:x', kind: 'bbox', name: 'box', bbox: [-78.6, -0.3, -78.4, -0.1] },
    model: CAMERA_MODELS.dome,
    budget: { count: rows.length },
    demand: {
      kind: 'incidents',
      unit: 'incidents',
      total: 11394,
      coveredByNetwork: 4761,
      coveredByNetworkPct: 41.79,
      cells: 8964,
    },
    candidates: { sites: 98, cameras: 98, bySource: {}, dropped: 0 },
    rule: 'lazy greedy',
    table: rows,
    totals: { sites: rows.length, costUsd: 3500 * rows.length, gain: 0, coveredPct: null },
    exact: null,
    timingsMs: { candidates: 0, footprints: 0, solve: 0, total: 0 },
    newCoverage: { type: 'FeatureCollection', features: [] },
  };
}

describe('rankedRows', () => {
  it('lists the sites by rank with the points each adds over the network so far', () => {
    const rows = rankedRows(
      result([row(2, { cumulativeCoveredPct: 42.24 }), row(1, { cumulativeCoveredPct: 42.02 })]),
    );
    expect(rows.map((r) => r.rank)).toEqual([1, 2]);
    // 42.02 − 41.79 and 42.24 − 41.79, by hand.
    expect(rows.map((r) => r.cumulativeGainPct)).toEqual([0.23, 0.45]);
    expect(rows[0]).toMatchObject({
      gain: 29,
      costUsd: 3500,
      cumulativeCostUsd: 3500,
      position: [-78.49, -0.2],
    });
  });

  it('has no points gained where the area has no demand figure', () => {
    const r = result([row(1, { cumulativeCoveredPct: null })]);
    expect(rankedRows(r)[0]!.cumulativeGainPct).toBeNull();
  });
});

describe('sitingRequest', () => {
  const view: [number, number, number, number] = [-78.55, -0.3, -78.35, -0.1];

  it('sites in the map view as a bbox, a count budget, generated candidates', () => {
    expect(sitingRequest(DEFAULT_SITING_FORM, view, [])).toEqual({
      area: 'bbox:-78.5500,-0.3000,-78.3500,-0.1000',
      budget: { count: 5 },
      model: CAMERA_MODELS.dome,
      demand: 'incidents',
      candidates: { highPoints: true, towns: true, roads: true },
    });
  });

  it('takes dollars at the form’s price, and only the drawn points when drawn', () => {
    const req = sitingRequest(
      {
        ...DEFAULT_SITING_FORM,
        area: 'province:EC17',
        budgetKind: 'dollars',
        budget: 20000,
        unitCostUsd: 4000,
        candidates: 'drawn',
        exact: true,
      },
      view,
      [[-78.5, -0.2]],
      (i) => `punto ${i + 1}`,
    );
    expect(req).toMatchObject({
      area: 'province:EC17',
      budget: { dollars: 20000 },
      model: { kind: 'dome', unitCostUsd: 4000 },
      candidates: {
        points: [{ lon: -78.5, lat: -0.2, label: 'punto 1' }],
        highPoints: false,
        towns: false,
        roads: false,
      },
      exact: true,
    });
  });

  it('says what is missing: a view over 4 square degrees, points to draw, a budget', () => {
    expect(sitingRequest(DEFAULT_SITING_FORM, [-80, -3, -77, 0], [])).toEqual({
      problem: 'planner.siting.problem.viewTooLarge',
    });
    expect(sitingRequest({ ...DEFAULT_SITING_FORM, candidates: 'drawn' }, view, [])).toEqual({
      problem: 'planner.siting.problem.noPoints',
    });
    expect(sitingRequest({ ...DEFAULT_SITING_FORM, budget: 2.5 }, view, [])).toEqual({
      problem: 'planner.siting.problem.budget',
    });
    expect(sitingRequest(DEFAULT_SITING_FORM, null, [])).toEqual({
      problem: 'planner.siting.problem.noView',
    });
  });
});

describe('viewArea', () => {
  it('takes a view up to 4 square degrees', () => {
    expect(viewArea([-79, -1, -77, 1])).toBe('bbox:-79.0000,-1.0000,-77.0000,1.0000');
    expect(viewArea([-79.1, -1, -77, 1])).toBeNull();
  });
});

describe('viewRasterWindow', () => {
  it('asks for the view and a quarter more each side at the map’s resolution, capped at 1600 px', () => {
    // Zoom 12: 512·2^12/360 ≈ 5825 px a degree; 0.3° → 1748 px, over the cap: 1600 × 1600.
    expect(viewRasterWindow([-78.6, -0.3, -78.4, -0.1], 12, 'counts')).toEqual({
      bbox: [-78.65, -0.35, -78.35, -0.05],
      width: 1600,
      height: 1600,
      layer: 'counts',
    });
  });

  it('clips the window to mainland Ecuador’s grid', () => {
    // Zoom 6: 512·64/360 ≈ 91.02 px a degree; clipped to 5.9° × 6.6° → 537 × 601 px.
    expect(viewRasterWindow([-92, -6, -74, 2], 6, 'dori')).toEqual({
      bbox: [-81.1, -5.1, -75.2, 1.5],
      width: 537,
      height: 601,
      layer: 'dori',
    });
  });

  it('asks for nothing over the Galápagos, which have no DEM', () => {
    expect(viewRasterWindow([-92, -1.5, -89, 0.5], 7, 'counts')).toBeNull();
  });
});
