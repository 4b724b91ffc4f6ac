/** The sidebar: quick extents, and one toggle with its legend per overlay, plus the basemap key. */
import type { ReferenceData } from '../data/reference-features.js';
import { t } from '../i18n.js';
import { MAP_THEME } from '../map/map-theme.js';
import type { ViewPresetId } from '../map/view-presets.js';
import {
  OVERLAY_IDS,
  type AppState,
  type IncidentCategory,
  type OverlayId,
  type Selection,
} from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { LayerLegend } from './layer-legend.js';

/**
 * Overlays in the order the sidebar lists them: the operational layers first (their legends hold
 * the filters), then the reference geography.
 */
const SIDEBAR_ORDER: readonly OverlayId[] = [
  'alerts',
  'cameras',
  'coverage',
  'density',
  'volcanoes',
  'terrain',
  'centers',
  'regions',
  'provinces',
];

/** Whether the data an overlay draws is loading or failed (null: neither, or nothing to load). */
function overlayStatus(overlay: OverlayId, runtime: RuntimeState): 'loading' | 'error' | null {
  const status = (() => {
    switch (overlay) {
      case 'regions':
      case 'provinces':
      case 'centers':
      case 'volcanoes':
        return runtime.datasets[overlay satisfies keyof ReferenceData].status;
      case 'cameras':
        return runtime.cameras.status;
      case 'density':
        return runtime.density.status === 'error' || runtime.histogram.status === 'error'
          ? 'error'
          : runtime.density.status;
      case 'terrain':
        return null;
      case 'alerts':
        return runtime.alerts.status;
      case 'coverage':
        return runtime.planner.raster.status === 'error' || runtime.planner.report.status === 'error'
          ? 'error'
          : runtime.planner.raster.status;
    }
  })();
  return status === 'loading' || status === 'error' ? status : null;
}

const PRESETS: readonly ViewPresetId[] = ['national', 'mainland', 'galapagos'];

export interface LayerPanelProps {
  app: Store<AppState>;
  state: AppState;
  runtime: RuntimeState;
  onGoTo: (preset: ViewPresetId) => void;
  onSelect: (selection: Selection) => void;
}

export function LayerPanel({ app, state, runtime, onGoTo, onSelect }: LayerPanelProps) {
  const { language } = state;
  const on = (overlay: OverlayId) => state.overlays.has(overlay);
  const data: Partial<ReferenceData> = {};
  for (const [key, dataset] of Object.entries(runtime.datasets)) {
    if (dataset.status === 'ready') Object.assign(data, { [key]: dataset.data });
  }
  const toggle = (overlay: OverlayId) =>
    app.set((s) => {
      const overlays = new Set(s.overlays);
      if (overlays.has(overlay)) overlays.delete(overlay);
      else overlays.add(overlay);
      return { overlays };
    });
  const toggleCategory = (category: IncidentCategory) =>
    app.set((s) => {
      const categories = new Set(s.incidentCategories);
      if (categories.has(category)) categories.delete(category);
      else categories.add(category);
      return { incidentCategories: categories };
    });

  return (
    <aside class="sidebar" aria-label={t(language, 'layers.panelLabel')} data-testid="layer-panel">
      <section class="panel-section">
        <h2 class="section-title">{t(language, 'view.title')}</h2>
        <div class="button-row">
          {PRESETS.map((preset) => (
            <button key={preset} type="button" class="button" onClick={() => onGoTo(preset)}>
              {t(language, `view.${preset}`)}
            </button>
          ))}
        </div>
      </section>
      <section class="panel-section panel-section--grow">
        <h2 class="section-title">{t(language, 'layers.title')}</h2>
        <ul class="layer-list">
          {SIDEBAR_ORDER.filter((overlay) => OVERLAY_IDS.includes(overlay)).map((overlay) => {
            const status = overlayStatus(overlay, runtime);
            const isOn = on(overlay);
            return (
              <li key={overlay} class={`layer-item${isOn ? '' : ' layer-item--off'}`} data-overlay={overlay}>
                <label class="layer-toggle">
                  <input
                    type="checkbox"
                    class="switch"
                    checked={isOn}
                    data-testid={`toggle-${overlay}`}
                    onChange={() => toggle(overlay)}
                  />
                  <span class="layer-name">{t(language, `overlay.${overlay}`)}</span>
                  {status === 'loading' ? (
                    <span class="layer-status">{t(language, 'layers.loading')}</span>
                  ) : status === 'error' ? (
                    <span class="layer-status layer-status--error">{t(language, 'layers.error')}</span>
                  ) : null}
                </label>
                {isOn ? (
                  <LayerLegend
                    overlay={overlay}
                    language={language}
                    data={data}
                    selection={state.selection}
                    onSelect={onSelect}
                    cameras={runtime.cameras}
                    density={runtime.density}
                    categories={state.incidentCategories}
                    onToggleCategory={toggleCategory}
                    alerts={runtime.alerts}
                    coverage={{
                      layer: state.coverageLayer,
                      onLayer: (coverageLayer) => app.set({ coverageLayer }),
                      planner: runtime.planner,
                    }}
                    regions={{
                      measure: state.regionMeasure,
                      onMeasure: (regionMeasure) => app.set({ regionMeasure }),
                      stats: runtime.regionStats,
                      window: state.timeWindow ?? runtime.timeDomain,
                      categories: state.incidentCategories,
                    }}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
      <section class="panel-section panel-section--basemap">
        <h2 class="section-title">{t(language, 'legend.basemap')}</h2>
        <div class="legend-row">
          <span class="legend-symbol" aria-hidden="true">
            <span class="swatch swatch--dashed" style={{ '--swatch': MAP_THEME.countryBorder }} />
          </span>
          <span>{t(language, 'legend.countryBorder')}</span>
        </div>
      </section>
    </aside>
  );
}
