/**
 * The coverage overlay's legend in the layer sidebar: counts or DORI classes (a switch between
 * them), drawn with the layer's own colours, the gaps, and what the planner adds on the map.
 */
import { COVERAGE_LAYERS, type CoverageLayerKind } from '../data/coverage-client.js';
import { t } from '../i18n.js';
import { classCss, COUNT_CLASSES, DORI_CLASSES, GAP_COLOR } from '../layers/coverage-layer.js';
import { GAINED_COLOR, LOST_COLOR } from '../layers/siting-layer.js';
import type { Language } from '../state/app-state.js';
import { scenarioSize, type PlannerRuntime } from './planner-state.js';

export interface PlannerLegendProps {
  language: Language;
  layer: CoverageLayerKind;
  onLayer: (layer: CoverageLayerKind) => void;
  planner: PlannerRuntime;
}

const css = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export function PlannerLegend({ language, layer, onLayer, planner }: PlannerLegendProps) {
  const classes =
    layer === 'counts'
      ? COUNT_CLASSES.map((c) =>
          c.max >= 255
            ? t(language, 'legend.coverage.countMore', { n: c.min })
            : c.min === c.max
              ? t(language, c.min === 1 ? 'legend.coverage.countOne' : 'legend.coverage.count', { n: c.min })
              : t(language, 'legend.coverage.countRange', { min: c.min, max: c.max }),
        )
      : DORI_CLASSES.map((d) => t(language, `legend.coverage.dori.${d}`));
  const raster = planner.raster;
  const scenario = scenarioSize(planner.scenario) > 0;
  return (
    <div class="legend" data-testid="coverage-legend">
      <div class="segmented segmented--legend" role="group" aria-label={t(language, 'legend.coverage.layer')}>
        {COVERAGE_LAYERS.map((l) => (
          <button
            key={l}
            type="button"
            class="segmented-button"
            aria-pressed={layer === l}
            data-testid={`coverage-layer-${l}`}
            onClick={() => onLayer(l)}
          >
            {t(language, `legend.coverage.layer.${l}`)}
          </button>
        ))}
      </div>
      <ul class="coverage-classes">
        {classes.map((label, k) => (
          <li key={label} class="legend-row">
            <span class="legend-symbol" aria-hidden="true">
              <span class="swatch swatch--cell" style={{ '--swatch': classCss(layer, k) }} />
            </span>
            <span>{label}</span>
          </li>
        ))}
        <li class="legend-row">
          <span class="legend-symbol" aria-hidden="true">
            <span class="swatch swatch--area" style={{ '--swatch': css(GAP_COLOR) }} />
          </span>
          <span>{t(language, 'legend.coverage.gap')}</span>
        </li>
        {planner.siting.result || scenario ? (
          <li class="legend-row">
            <span class="legend-symbol" aria-hidden="true">
              <span class="swatch swatch--area" style={{ '--swatch': css(GAINED_COLOR) }} />
            </span>
            <span>{t(language, 'legend.coverage.gained')}</span>
          </li>
        ) : null}
        {scenario ? (
          <li class="legend-row">
            <span class="legend-symbol" aria-hidden="true">
              <span class="swatch swatch--area" style={{ '--swatch': css(LOST_COLOR) }} />
            </span>
            <span>{t(language, 'legend.coverage.lost')}</span>
          </li>
        ) : null}
      </ul>
      <p class="legend-note">
        {t(language, layer === 'counts' ? 'legend.coverage.note.counts' : 'legend.coverage.note.dori')}
      </p>
      {scenario ? (
        <p class="legend-note legend-note--warn">{t(language, 'legend.coverage.scenario')}</p>
      ) : null}
      {raster.status === 'error' ? (
        <p class="legend-note legend-note--error" data-testid="coverage-raster-error">
          {t(language, 'legend.coverage.error')}
        </p>
      ) : raster.status === 'ready' && raster.data === null ? (
        <p class="legend-note">{t(language, 'legend.coverage.outside')}</p>
      ) : null}
    </div>
  );
}
