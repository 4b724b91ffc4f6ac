/** The coverage overlay in links: `cov=dori` when it draws DORI classes, nothing for camera counts. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, type OverlayId } from '../../client/state/app-state.js';
import { decodeState, encodeState } from '../../client/state/url-codec.js';

describe('the coverage overlay in the URL', () => {
  it('keeps the overlay and its DORI mode through a link', () => {
    const state = {
      ...DEFAULT_STATE,
      overlays: new Set<OverlayId>(['provinces', 'coverage']),
      coverageLayer: 'dori' as const,
    };
    const link = encodeState(state);
    expect(link).toContain('layers=provinces,coverage');
    expect(link).toContain('cov=dori');
    const back = decodeState(link);
    expect(back.coverageLayer).toBe('dori');
    expect([...back.overlays!]).toEqual(['provinces', 'coverage']);
  });

  it('writes nothing for camera counts, and ignores an unknown mode', () => {
    expect(encodeState(DEFAULT_STATE)).not.toContain('cov=');
    expect(decodeState('#cov=heat').coverageLayer).toBeUndefined();
  });
});
