/** What the export menu asks the server for (client/panels/export-menu.tsx, incidentExportUrl). */
import { describe, expect, it } from 'vitest';
import { incidentExportUrl } from '../../client/panels/export-menu.js';
import { DEFAULT_STATE, type IncidentCategory } from '../../client/state/app-state.js';

const DOMAIN = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) };
const QUITO_VIEW: [number, number, number, number] = [-78.612345678, -0.30000001, -78.39999999, -0.1];

describe('incidentExportUrl', () => {
  it('asks for the view, rounded outward to 1e-5°, the whole domain and every category', () => {
    expect(incidentExportUrl('csv', DEFAULT_STATE, DOMAIN, QUITO_VIEW)).toBe(
      '/api/incidents/export?format=csv&bbox=-78.61235,-0.30001,-78.39999,-0.1' +
        '&from=2026-11-01T00:00:00.000Z&to=2026-12-01T00:00:00.000Z',
    );
  });

  it("asks for the state's window and categories, in GeoJSON when asked", () => {
    const state = {
      timeWindow: { from: Date.UTC(2026, 10, 16, 5), to: Date.UTC(2026, 10, 17, 5) },
      incidentCategories: new Set<IncidentCategory>(['natural_hazard', 'medical']),
    };
    expect(incidentExportUrl('geojson', state, DOMAIN, [-80, -3, -78, -1])).toBe(
      '/api/incidents/export?format=geojson&bbox=-80,-3,-78,-1' +
        '&from=2026-11-16T05:00:00.000Z&to=2026-11-17T05:00:00.000Z&category=medical,natural_hazard',
    );
  });

  it('keeps the box inside the world and asks nothing without a category or a view', () => {
    expect(incidentExportUrl('csv', DEFAULT_STATE, DOMAIN, [-181, -91, 181, 91])).toContain(
      'bbox=-180,-90,180,90&',
    );
    const none = { timeWindow: null, incidentCategories: new Set<IncidentCategory>() };
    expect(incidentExportUrl('csv', none, DOMAIN, QUITO_VIEW)).toBeNull();
    expect(incidentExportUrl('csv', DEFAULT_STATE, DOMAIN, null)).toBeNull();
  });
});
