import { describe, expect, it } from 'vitest';
import {
  densityQuery,
  densityUrl,
  h3ResolutionForZoom,
  histogramBucketSeconds,
  histogramUrl,
  timeDomain,
} from '../../client/data/density-query.js';
import { DEFAULT_STATE, INCIDENT_CATEGORIES, type AppState } from '../../client/state/app-state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function state(overrides: Partial<AppState> = {}): AppState {
  return { ...DEFAULT_STATE, ...overrides };
}

describe('h3ResolutionForZoom', () => {
  // One 512-px-tile pixel is 40 075 016.686 m / (512 · 2^zoom) at the equator; a resolution is
  // used when its mean edge (h3geo.org) is at least 8 px.
  it('picks res 4 at national zoom 5.4 (edge 22.6 km ≈ 12.2 px; res 5 would be 4.6 px)', () => {
    expect(h3ResolutionForZoom(5.4)).toBe(4);
  });

  it('picks res 6 at zoom 8 (3.23 km ≈ 10.6 px at 305.7 m/px) and res 7 at zoom 10', () => {
    expect(h3ResolutionForZoom(8)).toBe(6);
    expect(h3ResolutionForZoom(10)).toBe(7);
  });

  it('stays within 3..8', () => {
    expect(h3ResolutionForZoom(2)).toBe(3);
    expect(h3ResolutionForZoom(16)).toBe(8);
  });

  it('accounts for latitude: at 60° a pixel covers half the ground, one zoom level more', () => {
    expect(h3ResolutionForZoom(7, 0)).toBe(5);
    expect(h3ResolutionForZoom(7, 60)).toBe(6);
  });
});

describe('timeDomain', () => {
  it('spans 30 days up to the next full hour', () => {
    const now = Date.parse('2026-11-23T11:33:00Z');
    expect(timeDomain(now)).toEqual({
      from: Date.parse('2026-10-24T12:00:00Z'),
      to: Date.parse('2026-11-23T12:00:00Z'),
    });
  });

  it('widens to include a window from further back', () => {
    const now = Date.parse('2026-11-23T11:33:00Z');
    const window = { from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-10-02T00:00:00Z') };
    expect(timeDomain(now, window).from).toBe(window.from);
    expect(timeDomain(now, window).to).toBe(Date.parse('2026-11-23T12:00:00Z'));
  });
});

describe('densityQuery and densityUrl', () => {
  const domain = { from: Date.parse('2026-10-24T12:00:00Z'), to: Date.parse('2026-11-23T12:00:00Z') };

  it('asks for the whole country and the whole domain at national zoom with every category', () => {
    const q = densityQuery(state(), domain, [-92, -5, -75, 2]);
    expect(q).toEqual({ res: 4, from: domain.from, to: domain.to, categories: undefined, bbox: undefined });
    expect(densityUrl(q)).toBe(
      '/api/incidents/density?res=4&from=2026-10-24T12:00:00.000Z&to=2026-11-23T12:00:00.000Z',
    );
  });

  it('pads the view by half a screen each way and snaps it out to the grid at fine resolutions', () => {
    const q = densityQuery(
      state({
        view: { center: [-78.5, -0.2], zoom: 10, bearing: 0, pitch: 0 },
        incidentCategories: new Set(['fire', 'traffic']),
        timeWindow: { from: Date.parse('2026-11-20T00:00:00Z'), to: Date.parse('2026-11-21T00:00:00Z') },
      }),
      domain,
      [-78.6, -0.3, -78.4, -0.1],
    );
    // View ±0.1° → [-78.7, -0.4, -78.3, 0.0], out to the 0.5° grid of res 7.
    expect(q.res).toBe(7);
    expect(q.bbox).toEqual([-79, -0.5, -78, 0]);
    // Categories in the API's canonical order, whatever order they were chosen in.
    expect(q.categories).toEqual(['traffic', 'fire']);
    expect(densityUrl(q)).toBe(
      '/api/incidents/density?res=7&from=2026-11-20T00:00:00.000Z&to=2026-11-21T00:00:00.000Z&category=traffic,fire&bbox=-79,-0.5,-78,0',
    );
  });

  it('gives the same query for a small pan at a fine resolution (one cache entry)', () => {
    const view = { center: [-78.5, -0.2] as [number, number], zoom: 10, bearing: 0, pitch: 0 };
    const a = densityQuery(state({ view }), domain, [-78.6, -0.3, -78.4, -0.1]);
    const b = densityQuery(state({ view }), domain, [-78.62, -0.32, -78.42, -0.12]);
    expect(densityUrl(a)).toBe(densityUrl(b));
  });
});

describe('histogramUrl', () => {
  it('asks for hours over a month and days beyond 45 days, with the chosen categories', () => {
    const month = { from: Date.parse('2026-10-24T12:00:00Z'), to: Date.parse('2026-11-23T12:00:00Z') };
    expect(histogramBucketSeconds(month)).toBe(3600);
    expect(histogramBucketSeconds({ from: month.to - 60 * DAY, to: month.to })).toBe(86400);
    expect(histogramUrl(state(), month)).toBe(
      '/api/incidents/histogram?from=2026-10-24T12:00:00.000Z&to=2026-11-23T12:00:00.000Z&bucket=3600',
    );
    const some = state({ incidentCategories: new Set(INCIDENT_CATEGORIES.filter((c) => c !== 'other')) });
    expect(histogramUrl(some, month)).toContain('&category=traffic,medical,fire,security,natural_hazard');
  });
});
