/** The sidebar: quick extents, and one toggle with its legend per overlay, plus the basemap key. */
import type { ReferenceData } from '../data/reference-features.js';
import { t } from '../i18n.js';
import { MAP_THEME } from '../map/map-theme.js';
import type { ViewPresetId } from '../map/view-presets.js';
import { OVERLAY_IDS, type AppState, type OverlayId, type Selection } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { LayerLegend } from './layer-legend.js';

/** The dataset whose loading state each overlay's toggle shows. */
const OVERLAY_DATASET: Readonly<Record<OverlayId, keyof ReferenceData>> = {
  regions: 'regions',
  provinces: 'provinces',
  centers: 'centers',
  volcanoes: 'volcanoes',
};

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
          {OVERLAY_IDS.map((overlay) => {
            const dataset = runtime.datasets[OVERLAY_DATASET[overlay]];
            const on = state.overlays.has(overlay);
            return (
              <li key={overlay} class={`layer-item${on ? '' : ' layer-item--off'}`} data-overlay={overlay}>
                <label class="layer-toggle">
                  <input
                    type="checkbox"
                    class="switch"
                    checked={on}
                    data-testid={`toggle-${overlay}`}
                    onChange={() => toggle(overlay)}
                  />
                  <span class="layer-name">{t(language, `overlay.${overlay}`)}</span>
                  {dataset.status === 'loading' ? (
                    <span class="layer-status">{t(language, 'layers.loading')}</span>
                  ) : dataset.status === 'error' ? (
                    <span class="layer-status layer-status--error">{t(language, 'layers.error')}</span>
                  ) : null}
                </label>
                {on ? (
                  <LayerLegend
                    overlay={overlay}
                    language={language}
                    data={data}
                    selection={state.selection}
                    onSelect={onSelect}
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
