/** The legend under each overlay's toggle: what the symbols mean, drawn with the map's own colours. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import {
  CAMERA_KINDS,
  CAMERA_STATUSES,
  type CameraCollection,
  type CameraKind,
  type CameraStatus,
} from '../data/camera-features.js';
import { H3_EDGE_M } from '../data/density-query.js';
import type { IncidentDensity } from '../data/incident-aggregates.js';
import type { LiveData } from '../data/live-data.js';
import type { ReferenceData } from '../data/reference-features.js';
import { VOLCANIC_LEVELS } from '../data/volcano-watch.js';
import { LOCALES, formatNumber, formatTimeWindow, t } from '../i18n.js';
import { countGradientCss } from '../layers/count-color.js';
import { CAMERA_FOV_MIN_ZOOM } from '../map/map-style.js';
import { MAP_THEME } from '../map/map-theme.js';
import { regionColor } from '../map/region-palette.js';
import { drawCameraIcon } from '../map/style-images.js';
import {
  INCIDENT_CATEGORIES,
  type IncidentCategory,
  type Language,
  type OverlayId,
  type Selection,
  type TimeWindow,
} from '../state/app-state.js';
import type { AlertFeed } from '../data/alert-stream.js';
import { REGION_MEASURES, type RegionMeasure, type RegionValues } from '../data/region-stats.js';
import {
  choroplethClasses,
  classRangeLabel,
  regionChoroplethFor,
  type RegionChoropleth,
} from '../layers/region-choropleth.js';
import { AlertLegend } from './alert-legend.js';
import { PlannerLegend, type PlannerLegendProps } from './planner-legend.js';
import { SyntheticBadge } from './synthetic-badge.js';

export interface LayerLegendProps {
  overlay: OverlayId;
  language: Language;
  data: Partial<ReferenceData>;
  selection: Selection | null;
  onSelect: (selection: Selection) => void;
  cameras: LiveData<CameraCollection>;
  density: LiveData<IncidentDensity>;
  categories: ReadonlySet<IncidentCategory>;
  onToggleCategory: (category: IncidentCategory) => void;
  /** The alerts, for the alerts overlay's legend. */
  alerts?: AlertFeed;
  /** What the coverage overlay draws and the planner's state, for its legend. */
  coverage?: Omit<PlannerLegendProps, 'language'>;
  /** What the regions are coloured by and its figures, for the regions overlay's legend. */
  regions?: Omit<RegionMeasureLegendProps, 'language' | 'choropleth'>;
}

export function LayerLegend({
  overlay,
  language,
  data,
  selection,
  onSelect,
  cameras,
  density,
  categories,
  onToggleCategory,
  alerts,
  coverage,
  regions: regionsLegend,
}: LayerLegendProps) {
  switch (overlay) {
    case 'coverage':
      return coverage ? <PlannerLegend language={language} {...coverage} /> : null;
    case 'alerts':
      return alerts ? <AlertLegend language={language} feed={alerts} /> : null;
    case 'terrain':
      return (
        <div class="legend">
          <p class="legend-note legend-note--first">{t(language, 'legend.terrain.note')}</p>
          <p class="legend-note legend-note--warn">{t(language, 'legend.terrain.galapagos')}</p>
        </div>
      );
    case 'cameras':
      return <CameraLegend language={language} cameras={cameras} />;
    case 'density':
      return (
        <DensityLegend
          language={language}
          density={density}
          categories={categories}
          onToggleCategory={onToggleCategory}
        />
      );
    case 'regions': {
      const choropleth = regionsLegend
        ? regionChoroplethFor(regionsLegend.measure, regionsLegend.stats.data)
        : null;
      const regions = [...(data.regions?.features ?? [])].sort((a, b) =>
        shortName(a.properties.name).localeCompare(shortName(b.properties.name), 'es'),
      );
      return (
        <div class="legend">
          {regionsLegend ? (
            <RegionMeasureLegend language={language} choropleth={choropleth} {...regionsLegend} />
          ) : null}
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
                    {choropleth ? (
                      <span
                        class={`swatch swatch--solid${id in choropleth.colorById ? '' : ' swatch--empty'}`}
                        style={{ '--swatch': choropleth.colorById[id] ?? 'transparent' }}
                        aria-hidden="true"
                      />
                    ) : (
                      <span
                        class="swatch swatch--area"
                        style={{ '--swatch': regionColor(id) }}
                        aria-hidden="true"
                      />
                    )}
                    <span class="region-chip-name">{name}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          {choropleth ? null : <p class="legend-note">{t(language, 'legend.regions.note')}</p>}
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
          <div class="legend-row">
            <span class="legend-symbol" aria-hidden="true">
              <svg width="22" height="22" viewBox="0 0 22 22">
                <circle
                  cx="11"
                  cy="11"
                  r="7.5"
                  fill="none"
                  stroke={MAP_THEME.alertLevel.orange.color}
                  stroke-width="3"
                />
                <circle cx="11" cy="11" r="3.5" fill={MAP_THEME.volcano.monitoredFill} />
              </svg>
            </span>
            <span>
              {t(language, 'legend.volcanoes.alert')}{' '}
              {VOLCANIC_LEVELS.filter((l) => l !== 'white').map((level) => (
                <span
                  key={level}
                  class="alert-level-ring alert-level-ring--inline"
                  style={{
                    '--ring': MAP_THEME.alertLevel[level].color,
                    '--ring-width': `${MAP_THEME.alertLevel[level].width}px`,
                  }}
                  title={t(language, `alertLevel.${level}`)}
                  aria-label={t(language, `alertLevel.${level}`)}
                />
              ))}
            </span>
          </div>
          <p class="legend-note">{t(language, 'legend.volcanoes.latest')}</p>
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

function CameraLegend({ language, cameras }: { language: Language; cameras: LiveData<CameraCollection> }) {
  const features = cameras.data?.features ?? [];
  const synthetic = features.filter((f) => f.properties.synthetic).length;
  const byStatus = (status: CameraStatus) => features.filter((f) => f.properties.status === status).length;
  return (
    <div class="legend">
      <div class="legend-grid">
        {CAMERA_KINDS.map((kind) => (
          <LegendRow key={kind} symbol={<CameraSymbol kind={kind} status="online" />}>
            {t(language, `camera.kind.${kind}`)}
          </LegendRow>
        ))}
      </div>
      <div class="legend-column">
        {CAMERA_STATUSES.map((status) => (
          <LegendRow key={status} symbol={<CameraSymbol kind="dome" status={status} />}>
            {t(language, `camera.status.${status}`)}
            {features.length > 0 ? (
              <span class="legend-count"> {formatNumber(language, byStatus(status))}</span>
            ) : null}
          </LegendRow>
        ))}
        <LegendRow
          symbol={
            <PointSymbol
              radius={7}
              fill={MAP_THEME.camera.clusterFill}
              stroke={MAP_THEME.camera.clusterStroke}
              strokeWidth={1.5}
            />
          }
        >
          {t(language, 'legend.cameras.cluster')}
        </LegendRow>
      </div>
      {cameras.status === 'error' ? (
        <p class="legend-note legend-note--error">{t(language, 'legend.cameras.error')}</p>
      ) : features.length > 0 ? (
        <p class="legend-note">
          {t(language, 'legend.cameras.count', { count: features.length })}{' '}
          {synthetic > 0 ? <SyntheticBadge language={language} /> : null}
        </p>
      ) : cameras.status === 'ready' ? (
        <p class="legend-note">{t(language, 'legend.cameras.none')}</p>
      ) : null}
      <p class="legend-note">{t(language, 'legend.cameras.fov', { zoom: CAMERA_FOV_MIN_ZOOM })}</p>
    </div>
  );
}

function DensityLegend({
  language,
  density,
  categories,
  onToggleCategory,
}: {
  language: Language;
  density: LiveData<IncidentDensity>;
  categories: ReadonlySet<IncidentCategory>;
  onToggleCategory: (category: IncidentCategory) => void;
}) {
  const data = density.data;
  const max = data?.cells[0]?.n ?? 0;
  const edge = data && data.res > 0 ? H3_EDGE_M[data.res] : undefined;
  return (
    <div class="legend">
      <ul class="chip-list chip-list--categories" aria-label={t(language, 'legend.density.categories')}>
        {INCIDENT_CATEGORIES.map((category) => {
          const on = categories.has(category);
          return (
            <li key={category}>
              <button
                type="button"
                class={`chip chip--category${on ? ' chip--active' : ''}`}
                aria-pressed={on}
                data-testid={`category-${category}`}
                onClick={() => onToggleCategory(category)}
              >
                {t(language, `incident.category.${category}`)}
              </button>
            </li>
          );
        })}
      </ul>
      <div class="ramp" aria-hidden={max === 0}>
        <span class="ramp-bar" style={{ background: countGradientCss() }} />
        <span class="ramp-labels">
          <span>1</span>
          <span>{max > 0 ? formatNumber(language, max) : '—'}</span>
        </span>
      </div>
      <p class="legend-note">
        {t(language, 'legend.density.scale')}
        {edge
          ? ` ${t(language, 'legend.density.cells', { res: data!.res, edge: formatEdge(language, edge) })}`
          : ''}
      </p>
      {density.status === 'error' ? (
        <p class="legend-note legend-note--error">{t(language, 'legend.density.error')}</p>
      ) : data && data.total === 0 && density.status === 'ready' ? (
        <p class="legend-note">
          {t(language, categories.size === 0 ? 'legend.density.noCategory' : 'legend.density.empty')}
        </p>
      ) : null}
    </div>
  );
}

function formatEdge(language: Language, metres: number): string {
  return metres >= 1000
    ? t(language, 'unit.km', { value: formatNumber(language, metres / 1000, metres < 10_000 ? 1 : 0) })
    : t(language, 'unit.m', { value: Math.round(metres) });
}

/** A camera symbol exactly as the map draws it (the same canvas routine, style-images.ts). */
export function CameraSymbol({
  kind,
  status,
  size = 16,
}: {
  kind: CameraKind;
  status: CameraStatus;
  size?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);
    drawCameraIcon(ctx, kind, status, size);
  }, [kind, status, size]);
  return (
    <canvas
      ref={ref}
      class="camera-symbol"
      style={{ width: `${size}px`, height: `${size}px` }}
      aria-hidden="true"
    />
  );
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

export interface RegionMeasureLegendProps {
  language: Language;
  measure: RegionMeasure | null;
  onMeasure: (measure: RegionMeasure | null) => void;
  stats: LiveData<RegionValues>;
  /** The window and categories the incidents per km² count. */
  window: TimeWindow;
  categories: ReadonlySet<IncidentCategory>;
  choropleth: RegionChoropleth | null;
}

/** The choice of what colours the regions, and the choropleth's classes with their units. */
function RegionMeasureLegend({
  language,
  measure,
  onMeasure,
  stats,
  window,
  categories,
  choropleth,
}: RegionMeasureLegendProps) {
  const options: (RegionMeasure | null)[] = [null, ...REGION_MEASURES];
  const data = stats.data?.measure === measure ? stats.data : null;
  const format = new Intl.NumberFormat(LOCALES[language], { maximumSignificantDigits: 2 });
  const unit = measure ? t(language, `regions.unit.${measure}`) : '';
  const hasNoFigure = data ? Object.values(data.values).some((v) => v === null) : false;
  const categoryNames =
    categories.size === INCIDENT_CATEGORIES.length
      ? t(language, 'regions.allCategories')
      : INCIDENT_CATEGORIES.filter((c) => categories.has(c))
          .map((c) => t(language, `incident.category.${c}`))
          .join(', ');
  return (
    <>
      <div
        class="segmented segmented--wrap"
        role="group"
        aria-label={t(language, 'regions.measure.label')}
        data-testid="region-measure"
      >
        {options.map((m) => (
          <button
            key={m ?? 'none'}
            type="button"
            class="segmented-button"
            aria-pressed={measure === m}
            data-testid={`region-measure-${m ?? 'none'}`}
            onClick={() => onMeasure(m)}
          >
            {t(language, `regions.measure.${m ?? 'none'}`)}
          </button>
        ))}
      </div>
      {measure && choropleth ? (
        <div class="choropleth-key" data-testid="choropleth-key" aria-busy={!data}>
          <p class="choropleth-title">{t(language, `regions.title.${measure}`)}</p>
          {data ? (
            <ul class="choropleth-classes">
              {choroplethClasses(choropleth.scale).map((c) => (
                <li key={c.color} class="legend-row" data-testid="choropleth-class">
                  <span class="legend-symbol" aria-hidden="true">
                    <span class="swatch swatch--solid" style={{ '--swatch': c.color }} />
                  </span>
                  <span>
                    {classRangeLabel(c, choropleth.scale.integer, (v) => format.format(v))} {unit}
                  </span>
                </li>
              ))}
              {hasNoFigure ? (
                <li class="legend-row">
                  <span class="legend-symbol" aria-hidden="true">
                    <span class="swatch swatch--solid swatch--empty" />
                  </span>
                  <span>{t(language, 'regions.noData')}</span>
                </li>
              ) : null}
            </ul>
          ) : stats.status === 'error' ? null : (
            <p class="legend-note">{t(language, 'regions.loading')}</p>
          )}
          <p class="legend-note">
            {measure === 'incidents'
              ? t(language, 'regions.note.incidents', {
                  window: formatTimeWindow(language, data?.window ?? window),
                  categories: categoryNames,
                })
              : t(language, `regions.note.${measure}`)}{' '}
            {(data?.synthetic ?? 0) > 0 ? <SyntheticBadge language={language} /> : null}
          </p>
          {stats.status === 'error' ? (
            <p class="legend-note legend-note--error">
              {t(language, 'regions.error', { message: stats.error ?? '' })}
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
