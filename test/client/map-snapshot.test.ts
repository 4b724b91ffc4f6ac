/** The PNG snapshot's caption, size and name (client/map/map-snapshot.ts); the pixels are checked in test/e2e/choropleth.e2e.ts. */
import { describe, expect, it } from 'vitest';
import {
  CAPTION_HEIGHT_PX,
  fitText,
  showsSyntheticData,
  snapshotCaption,
  snapshotFileName,
  snapshotSize,
  snapshotSources,
  type SnapshotInput,
  type SyntheticFlags,
} from '../../client/map/map-snapshot.js';
import type { OverlayId } from '../../client/state/app-state.js';

const NOV_16_1005Z = Date.UTC(2026, 10, 16, 10, 5);

function createInput(overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    language: 'es',
    overlays: new Set<OverlayId>(['regions', 'volcanoes']),
    regionMeasure: null,
    view: { center: [-78.5, -0.2], zoom: 6.3, bearing: 0, pitch: 0 },
    window: null,
    synthetic: false,
    nowMs: NOV_16_1005Z,
    timeZone: 'America/Guayaquil',
    ...overrides,
  };
}

function createFlags(overrides: Partial<SyntheticFlags> = {}): SyntheticFlags {
  return {
    overlays: new Set<OverlayId>(['regions', 'provinces', 'centers']),
    regionMeasure: null,
    densitySynthetic: 0,
    regionIncidentsSynthetic: 0,
    camerasSynthetic: false,
    demoLoaded: true,
    ...overrides,
  };
}

describe('snapshotCaption', () => {
  it('names what the map shows: the choropleth measure, else the density, else the map', () => {
    expect(snapshotCaption(createInput({ regionMeasure: 'incidents' })).title).toBe(
      'Atalaya — Regiones: Incidentes por km²',
    );
    const density = createInput({ overlays: new Set<OverlayId>(['density']), language: 'en' });
    expect(snapshotCaption(density).title).toBe('Atalaya — Incident density');
    expect(snapshotCaption(createInput()).title).toBe('Atalaya — Mapa de Ecuador');
    // A measure with the regions overlay off colours nothing.
    const off = createInput({ overlays: new Set<OverlayId>(), regionMeasure: 'coverage' });
    expect(snapshotCaption(off).title).toBe('Atalaya — Mapa de Ecuador');
  });

  it('writes the window with its zone offset, and the view, in the language', () => {
    // 05:00Z is midnight in Ecuador (UTC−5, no daylight saving).
    const window = { from: Date.UTC(2026, 10, 16, 5), to: Date.UTC(2026, 10, 17, 5) };
    const { details } = snapshotCaption(createInput({ window }));
    expect(details).toMatch(
      /^Ventana de tiempo: 16 .*nov.* 2026.* 00:00 – 17 .*nov.* 2026.* 00:00 \(GMT-5\) · /,
    );
    expect(details).toMatch(/-0,2°, -78,5° · zoom 6,3$/);
    expect(snapshotCaption(createInput({ language: 'en' })).details).toBe('-0.2°, -78.5° · zoom 6.3');
  });

  it('stamps the export time in the zone, and labels synthetic data only when told so', () => {
    const caption = snapshotCaption(createInput({ synthetic: true }));
    expect(caption.exported).toMatch(/^Exportado 16 .*nov.* 2026.* 05:05 \(GMT-5\)$/);
    expect(caption.synthetic).toBe('DATOS SINTÉTICOS');
    expect(snapshotCaption(createInput({ language: 'en', synthetic: true })).synthetic).toBe(
      'SYNTHETIC DATA',
    );
    expect(snapshotCaption(createInput()).synthetic).toBeNull();
  });

  it('credits the sources of what is drawn', () => {
    expect(snapshotCaption(createInput()).sources).toBe(
      'Fuentes: Natural Earth · INEC / OCHA · Smithsonian GVP · Asignación provincia–centro: aproximación de Atalaya, no oficial',
    );
  });
});

describe('snapshotSources', () => {
  it('always credits the basemap, SRTM with terrain or coverage, and nothing else for a bare map', () => {
    expect(snapshotSources('en', new Set())).toEqual(['Natural Earth']);
    expect(snapshotSources('en', new Set<OverlayId>(['coverage']))).toEqual(['Natural Earth', 'SRTM, NASA']);
    expect(snapshotSources('en', new Set<OverlayId>(['terrain', 'provinces']))).toEqual([
      'Natural Earth',
      'INEC / OCHA',
      'SRTM, NASA',
      'Province–center assignment: Atalaya approximation, not official',
    ]);
  });
});

describe('showsSyntheticData', () => {
  it('is false for reference geography alone, even with a demo set loaded', () => {
    expect(showsSyntheticData(createFlags())).toBe(false);
  });

  it('is true when a drawn layer counts synthetic records, whatever the demo status', () => {
    const density = new Set<OverlayId>(['density']);
    expect(
      showsSyntheticData(createFlags({ overlays: density, densitySynthetic: 3, demoLoaded: false })),
    ).toBe(true);
    expect(
      showsSyntheticData(createFlags({ overlays: density, densitySynthetic: 0, demoLoaded: false })),
    ).toBe(false);
    const cameras = new Set<OverlayId>(['cameras']);
    expect(
      showsSyntheticData(createFlags({ overlays: cameras, camerasSynthetic: true, demoLoaded: false })),
    ).toBe(true);
    const incidents = createFlags({
      regionMeasure: 'incidents',
      regionIncidentsSynthetic: 1,
      demoLoaded: false,
    });
    expect(showsSyntheticData(incidents)).toBe(true);
  });

  it('is true for operational layers while a demo set is loaded or its status is unknown', () => {
    const alerts = new Set<OverlayId>(['alerts']);
    expect(showsSyntheticData(createFlags({ overlays: alerts, demoLoaded: true }))).toBe(true);
    expect(showsSyntheticData(createFlags({ overlays: alerts, demoLoaded: null }))).toBe(true);
    expect(showsSyntheticData(createFlags({ overlays: alerts, demoLoaded: false }))).toBe(false);
    expect(showsSyntheticData(createFlags({ regionMeasure: 'coverage' }))).toBe(true);
    // A measure while the regions overlay is off draws nothing.
    const off = createFlags({ overlays: new Set<OverlayId>(['provinces']), regionMeasure: 'coverage' });
    expect(showsSyntheticData(off)).toBe(false);
  });
});

describe('snapshotFileName', () => {
  it('stamps the UTC minute, named in the language', () => {
    expect(snapshotFileName('es', NOV_16_1005Z)).toBe('atalaya-mapa-20261116-1005Z.png');
    expect(snapshotFileName('en', NOV_16_1005Z)).toBe('atalaya-map-20261116-1005Z.png');
  });
});

describe('snapshotSize', () => {
  it('adds the caption strip under the canvas, scaled by the pixel ratio', () => {
    expect(snapshotSize(1366, 720, 1)).toEqual({
      width: 1366,
      height: 720 + CAPTION_HEIGHT_PX,
      captionHeight: 46,
    });
    expect(snapshotSize(2732, 1440, 2)).toEqual({ width: 2732, height: 1440 + 92, captionHeight: 92 });
  });
});

describe('fitText', () => {
  // Ten units per character: easy to count by hand.
  const measure = (s: string) => s.length * 10;

  it('keeps text that fits and cuts the rest with an ellipsis inside the width', () => {
    expect(fitText('abcde', 50, measure)).toBe('abcde');
    // 'abcd…' is 5 characters = 50 ≤ 55; 'abcde…' would be 60.
    expect(fitText('abcdefghij', 55, measure)).toBe('abcd…');
    expect(fitText('ab cdefghij', 40, measure)).toBe('ab…');
    expect(fitText('abcdefghij', 5, measure)).toBe('');
  });
});
