/** The figures behind the region choropleth (client/data/region-stats.ts) and the measure in the link. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../client/data/alert-list.js';
import {
  coverageValues,
  incidentValues,
  noIncidentValues,
  openAlertValues,
  regionIncidentsUrl,
  type RegionIncidentsAnswer,
} from '../../client/data/region-stats.js';
import type { RegionCollection } from '../../client/data/reference-features.js';
import { DEFAULT_STATE, type IncidentCategory } from '../../client/state/app-state.js';
import { decodeState, encodeState } from '../../client/state/url-codec.js';

const DOMAIN = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) };

/** Two 1°×1° square regions side by side: west [-80,-79]×[-1,0], east [-79,-78]×[-1,0]. */
function createRegions(): RegionCollection {
  const square = (w: number) => ({
    type: 'MultiPolygon' as const,
    coordinates: [
      [
        [
          [w, -1],
          [w + 1, -1],
          [w + 1, 0],
          [w, 0],
          [w, -1],
        ],
      ],
    ],
  });
  const region = (centerId: string, west: number) => ({
    type: 'Feature' as const,
    geometry: square(west),
    properties: { centerId, name: centerId, kind: 'zonal' as const, areaKm2: 12_300, provinces: [] },
  });
  return { type: 'FeatureCollection', features: [region('west', -80), region('east', -79)] };
}

function createAlert(id: number, overrides: Partial<Alert> = {}): Alert {
  const at = '2026-11-16T10:00:00.000Z';
  return {
    id,
    ruleId: 1,
    ruleName: `rule ${id}`,
    kind: 'incident_surge',
    labels: {},
    scopeKey: `h3:cell-${id}`,
    state: 'firing',
    severity: 'watch',
    episode: 1,
    startedAt: at,
    firingAt: at,
    resolvedAt: null,
    lastEvalAt: at,
    lastValue: null,
    errorMessage: null,
    position: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    assignedTo: null,
    silencedUntil: null,
    silenceReason: null,
    silenced: false,
    version: 1,
    updatedAt: at,
    ...overrides,
  };
}

describe('regionIncidentsUrl', () => {
  it('asks for the whole slider domain and every category when nothing is filtered', () => {
    expect(regionIncidentsUrl(DEFAULT_STATE, DOMAIN)).toBe(
      '/api/regions/incidents?from=2026-11-01T00:00:00.000Z&to=2026-12-01T00:00:00.000Z',
    );
  });

  it("asks for the state's window and its categories in the canonical order", () => {
    const state = {
      timeWindow: { from: Date.UTC(2026, 10, 16, 5), to: Date.UTC(2026, 10, 17, 5) },
      incidentCategories: new Set<IncidentCategory>(['fire', 'traffic']),
    };
    expect(regionIncidentsUrl(state, DOMAIN)).toBe(
      '/api/regions/incidents?from=2026-11-16T05:00:00.000Z&to=2026-11-17T05:00:00.000Z&category=traffic,fire',
    );
  });

  it('asks nothing when no category is chosen', () => {
    expect(regionIncidentsUrl({ timeWindow: null, incidentCategories: new Set() }, DOMAIN)).toBeNull();
  });
});

describe('incidentValues and noIncidentValues', () => {
  it('takes each region’s incidents per km², the window and the synthetic count from the answer', () => {
    const answer: RegionIncidentsAnswer = {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      category: null,
      total: 30,
      synthetic: 30,
      regions: [
        { centerId: 'west', name: 'W', areaKm2: 100, incidents: 20, synthetic: 20, perKm2: 0.2 },
        { centerId: 'east', name: 'E', areaKm2: 1000, incidents: 10, synthetic: 10, perKm2: 0.01 },
      ],
    };
    expect(incidentValues(answer)).toEqual({
      measure: 'incidents',
      values: { west: 0.2, east: 0.01 },
      window: DOMAIN,
      synthetic: 30,
    });
  });

  it('puts every loaded region at zero when no category is chosen', () => {
    expect(noIncidentValues(createRegions(), DOMAIN).values).toEqual({ west: 0, east: 0 });
  });
});

describe('coverageValues', () => {
  it("reads each region's covered area %, null where the grid has none", () => {
    const zone = (id: string, coveredAreaPct: number | null) => ({
      id,
      name: id,
      cells: 1,
      areaKm2: 1,
      coveredAreaKm2: 0,
      coveredAreaPct,
      demand: {},
      officialAreaKm2: 1,
      gridSharePct: 100,
    });
    expect(coverageValues({ regions: [zone('west', 12.5), zone('san_cristobal', null)] }).values).toEqual({
      west: 12.5,
      san_cristobal: null,
    });
  });
});

describe('openAlertValues', () => {
  it('counts open alerts by their region scope or by where they are; closed and placeless ones not at all', () => {
    const alerts = [
      createAlert(1, { scopeKey: 'region:west', kind: 'coverage_loss' }),
      createAlert(2, { position: [-79.5, -0.5] }),
      createAlert(3, { position: [-78.5, -0.5], state: 'pending' }),
      createAlert(4, { position: [-78.2, -0.2], state: 'error' }),
      createAlert(5, { position: [-78.5, -0.5], state: 'resolved' }),
      createAlert(6, { position: [-85, -0.5] }),
      createAlert(7, { position: null }),
    ];
    expect(openAlertValues(alerts, createRegions()).values).toEqual({ west: 2, east: 2 });
  });

  it('gives every region a zero when nothing is open', () => {
    expect(openAlertValues([], createRegions()).values).toEqual({ west: 0, east: 0 });
  });
});

describe('the measure in the link', () => {
  it('writes rm only when the regions are coloured, and reads it back', () => {
    expect(encodeState(DEFAULT_STATE)).not.toContain('rm=');
    const link = encodeState({ ...DEFAULT_STATE, regionMeasure: 'coverage' });
    expect(link).toContain('&rm=coverage');
    expect(decodeState(link).regionMeasure).toBe('coverage');
  });

  it('ignores an unknown measure', () => {
    expect(decodeState('#rm=population&lang=en')).toEqual({ language: 'en' });
  });
});
