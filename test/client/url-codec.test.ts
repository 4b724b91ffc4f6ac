import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, type AppState } from '../../client/state/app-state.js';
import { coordinateDecimals, decodeState, encodeState, mergeState } from '../../client/state/url-codec.js';

function state(overrides: Partial<AppState> = {}): AppState {
  return { ...DEFAULT_STATE, ...overrides };
}

describe('encodeState', () => {
  it('writes zoom/lat/lng, the overlays in canonical order, the language and the selection', () => {
    const fragment = encodeState(
      state({
        view: { center: [-78.4361, -0.677], zoom: 9, bearing: 0, pitch: 0 },
        overlays: new Set(['volcanoes', 'regions']),
        language: 'en',
        selection: { kind: 'volcano', id: '352050' },
      }),
    );
    // At zoom 9 a pixel is 360 / (512 · 2⁹) ≈ 0.00137°, so 3 decimals keep the centre within a pixel.
    expect(fragment).toBe('#map=9/-0.677/-78.436&layers=regions,volcanoes&lang=en&sel=volcano:352050');
  });

  it('adds bearing and pitch only when the map is rotated or tilted', () => {
    const flat = encodeState(state({ view: { center: [-78.5, -1.5], zoom: 6, bearing: 0, pitch: 0 } }));
    const tilted = encodeState(state({ view: { center: [-78.5, -1.5], zoom: 6, bearing: -30, pitch: 45 } }));
    expect(flat).toContain('map=6/-1.5/-78.5&');
    expect(tilted).toContain('map=6/-1.5/-78.5/-30/45&');
  });

  it('writes an empty layers value when every overlay is off', () => {
    expect(encodeState(state({ overlays: new Set() }))).toContain('&layers=&');
  });
});

describe('the density filters and the thermal range in the link', () => {
  it('writes categories only when not all, the window in UTC to the minute, the range when not 24h', () => {
    const fragment = encodeState(
      state({
        incidentCategories: new Set(['fire', 'traffic']),
        timeWindow: { from: Date.parse('2026-11-16T05:00:00Z'), to: Date.parse('2026-11-17T05:00:00Z') },
        thermalRange: '6h',
      }),
    );
    expect(fragment).toContain('&cat=traffic,fire&time=2026-11-16T05:00Z/2026-11-17T05:00Z&tr=6h');
    expect(encodeState(state())).not.toMatch(/cat=|time=|tr=/);
  });

  it('reads them back', () => {
    const decoded = decodeState('#cat=medical,other&time=2026-11-16T05:00Z/2026-11-17T05:00Z&tr=3d');
    expect([...decoded.incidentCategories!]).toEqual(['medical', 'other']);
    expect(decoded.timeWindow).toEqual({
      from: Date.parse('2026-11-16T05:00:00Z'),
      to: Date.parse('2026-11-17T05:00:00Z'),
    });
    expect(decoded.thermalRange).toBe('3d');
  });

  it('reads an empty category list as none, and refuses a backwards or zoneless window', () => {
    expect(decodeState('#cat=').incidentCategories?.size).toBe(0);
    expect(decodeState('#time=2026-11-17T05:00Z/2026-11-16T05:00Z')).toEqual({});
    expect(decodeState('#time=2026-11-16T05:00/2026-11-17T05:00')).toEqual({});
  });
});

describe('decodeState', () => {
  it('reads back what encodeState wrote (a link reproduces the screen)', () => {
    const original = state({
      view: { center: [-90.6, -0.95], zoom: 8.25, bearing: 12.5, pitch: 30 },
      overlays: new Set(['provinces', 'centers']),
      language: 'en',
      selection: { kind: 'region', id: 'san_cristobal' },
    });
    const decoded = mergeState(DEFAULT_STATE, decodeState(encodeState(original)));
    expect(decoded.view).toEqual(original.view);
    expect([...decoded.overlays].sort()).toEqual(['centers', 'provinces']);
    expect(decoded.language).toBe('en');
    expect(decoded.selection).toEqual({ kind: 'region', id: 'san_cristobal' });
  });

  it('keeps a round-tripped centre within one pixel of the original', () => {
    const zoom = 11.3;
    const original = state({ view: { center: [-78.43612345, -0.67712345], zoom, bearing: 0, pitch: 0 } });
    const decoded = decodeState(encodeState(original));
    const pixelDeg = 360 / (512 * 2 ** zoom);
    expect(Math.abs(decoded.view!.center[0] - original.view.center[0])).toBeLessThan(pixelDeg);
    expect(Math.abs(decoded.view!.center[1] - original.view.center[1])).toBeLessThan(pixelDeg);
  });

  it('accepts the fragment with or without the leading #', () => {
    expect(decodeState('lang=en')).toEqual({ language: 'en' });
    expect(decodeState('#lang=en')).toEqual({ language: 'en' });
  });

  it('reads an empty layers value as "no overlays" and a missing one as "defaults"', () => {
    expect(decodeState('#layers=').overlays).toEqual(new Set());
    expect(decodeState('#lang=es').overlays).toBeUndefined();
    expect(mergeState(DEFAULT_STATE, decodeState('#lang=es')).overlays).toBe(DEFAULT_STATE.overlays);
  });

  it('ignores invalid fields one by one and keeps the valid ones', () => {
    const decoded = decodeState('#map=99/0/0&lang=fr&sel=drone:7&foo=bar&cat=flood&time=yesterday&tr=1y');
    expect(decoded).toEqual({});
    const partly = decodeState('#map=7/-1/-78&lang=fr&sel=center:quito');
    expect(partly).toEqual({
      view: { center: [-78, -1], zoom: 7, bearing: 0, pitch: 0 },
      selection: { kind: 'center', id: 'quito' },
    });
  });

  it('keeps the known overlays of a layers list and drops unknown ids', () => {
    expect(decodeState('#layers=regions,lasers,volcanoes').overlays).toEqual(
      new Set(['regions', 'volcanoes']),
    );
  });

  it('rejects views outside the Web Mercator range and malformed numbers', () => {
    expect(decodeState('#map=7/86/-78').view).toBeUndefined();
    expect(decodeState('#map=7/-1/-181').view).toBeUndefined();
    expect(decodeState('#map=7/-1').view).toBeUndefined();
    expect(decodeState('#map=7/x/-78').view).toBeUndefined();
    expect(decodeState('#map=7/-1/-78/0/90').view).toBeUndefined();
  });

  it('normalises the bearing to [-180, 180)', () => {
    expect(decodeState('#map=7/-1/-78/270/0').view?.bearing).toBe(-90);
  });

  it('survives malformed percent-encoding', () => {
    expect(decodeState('#sel=center:%E0%A4%A&lang=en')).toEqual({ language: 'en' });
  });

  it('round-trips a selection id that needs escaping', () => {
    const decoded = decodeState(encodeState(state({ selection: { kind: 'center', id: 'a&b=c' } })));
    expect(decoded.selection).toEqual({ kind: 'center', id: 'a&b=c' });
  });
});

describe('coordinateDecimals', () => {
  it('gives the decimals that resolve one 512-px-tile pixel', () => {
    // zoom 5: 360 / (512 · 32) = 0.022° per pixel → 2 decimals (0.01°).
    expect(coordinateDecimals(5)).toBe(2);
    // zoom 10: 360 / (512 · 1024) = 0.00069° per pixel → 4 decimals (0.0001°).
    expect(coordinateDecimals(10)).toBe(4);
    // zoom 22 would need 7; capped at 6 (0.1 m).
    expect(coordinateDecimals(22)).toBe(6);
  });
});
