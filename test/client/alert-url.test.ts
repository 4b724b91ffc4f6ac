import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, type AppState } from '../../client/state/app-state.js';
import { decodeState, encodeState, mergeState } from '../../client/state/url-codec.js';

const state = (overrides: Partial<AppState>): AppState => ({ ...DEFAULT_STATE, ...overrides });

describe('the alerts in the URL', () => {
  it('shows the alerts overlay and the open alerts by default, writing nothing extra', () => {
    const fragment = encodeState(DEFAULT_STATE);
    expect(fragment).toContain('layers=regions,provinces,centers,volcanoes,alerts');
    expect(fragment).not.toMatch(/[&#](alert|ap|ast|asev)=/);
  });

  it('keeps the selected alert, an open panel and the filters, and reads them back', () => {
    const original = state({
      alert: 42,
      alertPanel: true,
      alertStates: new Set(['resolved', 'firing']),
      alertSeverities: new Set(['red', 'orange']),
    });
    const fragment = encodeState(original);
    // Canonical order: states and severities as the app lists them.
    expect(fragment).toContain('&alert=42&ap=1&ast=firing,resolved&asev=orange,red');
    const back = mergeState(DEFAULT_STATE, decodeState(fragment));
    expect(back.alert).toBe(42);
    expect(back.alertPanel).toBe(true);
    expect(back.alertStates).toEqual(new Set(['firing', 'resolved']));
    expect(back.alertSeverities).toEqual(new Set(['orange', 'red']));
  });

  it('ignores bad values field by field', () => {
    const decoded = decodeState('#alert=-3&ap=maybe&ast=burning&asev=red,purple');
    expect(decoded.alert).toBeUndefined();
    expect(decoded.alertPanel).toBeUndefined();
    expect(decoded.alertStates).toBeUndefined();
    expect(decoded.alertSeverities).toEqual(new Set(['red']));
    expect(decodeState('#ast=').alertStates).toEqual(new Set());
  });
});
