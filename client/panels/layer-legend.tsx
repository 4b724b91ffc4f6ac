/** The legend under each overlay's toggle: what the symbols mean, drawn with the map's own colours. */
import type { ComponentChildren } from 'preact';
import type { ReferenceData } from '../data/reference-features.js';
import { t } from '../i18n.js';
import { MAP_THEME } from '../map/map-theme.js';
import { regionColor } from '../map/region-palette.js';
import type { Language, OverlayId, Selection } from '../state/app-state.js';

export interface LayerLegendProps {
  overlay: OverlayId;
  language: Language;
  data: Partial<ReferenceData>;
  selection: Selection | null;
  onSelect: (selection: Selection) => void;
}

export function LayerLegend({ overlay, language, data, selection, onSelect }: LayerLegendProps) {
  switch (overlay) {
    case 'regions': {
      const regions = [...(data.regions?.features ?? [])].sort((a, b) =>
        shortName(a.properties.name).localeCompare(shortName(b.properties.name), 'es'),
      );
      return (
        <div class="legend">
          <ul class="region-list">
            {regions.map((f) => {
              const id = f.properties.centerId;
              const name = shortName(f.properties.name);
              const active = selection?.kind === 'region' && selection.id === id;
              return (
                <li key={id}>
                  <button
                    type="button"
                    class={`region-chip${active ? ' region-chip--active' : ''}`}
                    aria-pressed={active}
                    aria-label={t(language, 'legend.regions.select', { name })}
                    onClick={() => onSelect({ kind: 'region', id })}
                  >
                    <span
                      class="swatch swatch--area"
                      style={{ '--swatch': regionColor(id) }}
                      aria-hidden="true"
                    />
                    <span class="region-chip-name">{name}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <p class="legend-note">{t(language, 'legend.regions.note')}</p>
        </div>
      );
    }
    case 'provinces':
      return (
        <div class="legend">
          <LegendRow
            symbol={<span class="swatch swatch--line" style={{ '--swatch': MAP_THEME.provinceLine }} />}
          >
            {t(language, 'legend.provinces.line')}
          </LegendRow>
        </div>
      );
    case 'centers':
      return (
        <div class="legend">
          <LegendRow
            symbol={
              <PointSymbol
                radius={MAP_THEME.center.zonalRadius}
                fill={MAP_THEME.center.fill}
                stroke="#56B4E9"
                strokeWidth={2.5}
              />
            }
          >
            {t(language, 'legend.centers.zonal')}
          </LegendRow>
          <LegendRow
            symbol={
              <PointSymbol
                radius={MAP_THEME.center.localRadius}
                fill={MAP_THEME.center.fill}
                stroke="#56B4E9"
                strokeWidth={2.5}
              />
            }
          >
            {t(language, 'legend.centers.local')}
          </LegendRow>
        </div>
      );
    case 'volcanoes': {
      const volcanoes = data.volcanoes?.features ?? [];
      const monitored = volcanoes
        .filter((f) => f.properties.monitored)
        .sort((a, b) => a.properties.name.localeCompare(b.properties.name, 'es'));
      return (
        <div class="legend">
          <LegendRow
            symbol={
              <PointSymbol
                radius={5}
                fill={MAP_THEME.volcano.monitoredFill}
                stroke={MAP_THEME.volcano.monitoredStroke}
                strokeWidth={1.5}
              />
            }
          >
            {t(language, 'legend.volcanoes.monitored')}
          </LegendRow>
          <LegendRow
            symbol={
              <PointSymbol
                radius={3.5}
                fill={MAP_THEME.volcano.otherFill}
                stroke={MAP_THEME.volcano.otherStroke}
                strokeWidth={1}
              />
            }
          >
            {t(language, 'legend.volcanoes.other')}
          </LegendRow>
          {volcanoes.length > 0 ? (
            <p class="legend-note">
              {t(language, 'legend.volcanoes.count', {
                count: volcanoes.length,
                monitored: monitored.length,
              })}
            </p>
          ) : null}
          {monitored.length > 0 ? (
            <ul class="chip-list" aria-label={t(language, 'legend.volcanoes.monitoredList')}>
              {monitored.map((f) => {
                const id = String(f.properties.gvpNumber);
                const active = selection?.kind === 'volcano' && selection.id === id;
                return (
                  <li key={id}>
                    <button
                      type="button"
                      class={`chip${active ? ' chip--active' : ''}`}
                      aria-pressed={active}
                      aria-label={t(language, 'legend.volcanoes.select', { name: f.properties.name })}
                      onClick={() => onSelect({ kind: 'volcano', id })}
                    >
                      {f.properties.name}
                    </button>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      );
    }
  }
}

/** 'ECU 911 Quito' → 'Quito': the prefix is the same for every center. */
export function shortName(name: string): string {
  return name.replace(/^ECU[\s-]*911\s+/i, '');
}

function LegendRow({ symbol, children }: { symbol: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="legend-row">
      <span class="legend-symbol" aria-hidden="true">
        {symbol}
      </span>
      <span>{children}</span>
    </div>
  );
}

function PointSymbol({
  radius,
  fill,
  stroke,
  strokeWidth,
}: {
  radius: number;
  fill: string;
  stroke: string;
  strokeWidth: number;
}) {
  const size = 2 * (radius + strokeWidth) + 2;
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`}>
      <circle cx={size / 2} cy={size / 2} r={radius} fill={fill} stroke={stroke} stroke-width={strokeWidth} />
    </svg>
  );
}
