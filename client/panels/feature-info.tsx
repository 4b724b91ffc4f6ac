/**
 * Details of the selected region, center, volcano or province, floating over the map. Escape or
 * the close button clears the selection.
 */
import { useEffect } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { CameraCollection, CameraProperties } from '../data/camera-features.js';
import { findFeature } from '../data/find-feature.js';
import type { VolcanoWatchMap } from '../data/volcano-watch.js';
import type {
  CenterProperties,
  ProvinceProperties,
  ReferenceData,
  RegionProperties,
  VolcanoProperties,
} from '../data/reference-features.js';
import { LOCALES, formatNumber, t, volcanoTypeLabel } from '../i18n.js';
import { MAP_THEME } from '../map/map-theme.js';
import { regionColor } from '../map/region-palette.js';
import type { Language, Selection } from '../state/app-state.js';
import { CameraSymbol, shortName } from './layer-legend.js';
import { SyntheticBadge } from './synthetic-badge.js';

export interface FeatureInfoProps {
  language: Language;
  selection: Selection;
  data: ReferenceData;
  /** The camera network, when loaded (for camera selections). */
  cameras: CameraCollection | null;
  /** Whether the camera network is still loading (a link that selects a camera). */
  camerasLoading: boolean;
  /** Alert levels and latest temperatures of the monitored volcanoes, when loaded. */
  volcanoWatch: VolcanoWatchMap | null;
  onClose: () => void;
  onSelect: (selection: Selection) => void;
}

export function FeatureInfo({
  language,
  selection,
  data,
  cameras,
  camerasLoading,
  volcanoWatch,
  onClose,
  onSelect,
}: FeatureInfoProps) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const feature = findFeature(data, selection, cameras);
  let title = selection.id;
  let body: ComponentChildren = (
    <p class="info-empty">
      {selection.kind === 'camera' && camerasLoading
        ? t(language, 'status.loadingData')
        : t(language, 'info.notFound')}
    </p>
  );
  let accent: string | undefined;
  let synthetic = false;
  let symbol: ComponentChildren = null;
  if (feature) {
    const props = feature.properties as unknown;
    const coordinates =
      feature.geometry.type === 'Point' ? (feature.geometry.coordinates as [number, number]) : null;
    switch (selection.kind) {
      case 'region': {
        const p = props as RegionProperties;
        title = shortName(p.name);
        accent = regionColor(p.centerId);
        body = (
          <>
            <Fields>
              <Field label={t(language, 'info.centerKind')}>{t(language, `info.centerKind.${p.kind}`)}</Field>
              <Field label={t(language, 'info.area')}>{t(language, 'unit.km2', { value: p.areaKm2 })}</Field>
              <Field label={t(language, 'info.provinces')}>{p.provinces.join(', ')}</Field>
              <Field label={t(language, 'info.center')}>
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onSelect({ kind: 'center', id: p.centerId })}
                >
                  {p.name}
                </button>
              </Field>
            </Fields>
            <p class="info-note">{t(language, 'info.approximation')}</p>
          </>
        );
        break;
      }
      case 'center': {
        const p = props as CenterProperties;
        title = p.name;
        accent = regionColor(p.id);
        body = (
          <>
            <Fields>
              <Field label={t(language, 'info.city')}>{p.city}</Field>
              <Field label={t(language, 'info.centerKind')}>{t(language, `info.centerKind.${p.kind}`)}</Field>
              <Field label={t(language, 'info.provinces')}>{p.provinces.join(', ')}</Field>
              <Field label={t(language, 'info.region')}>
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onSelect({ kind: 'region', id: p.id })}
                >
                  {shortName(p.name)}
                </button>
              </Field>
              {coordinates ? (
                <Field label={t(language, 'info.coordinates')}>{formatLngLat(language, coordinates)}</Field>
              ) : null}
            </Fields>
            <p class="info-note">{t(language, 'info.approximation')}</p>
          </>
        );
        break;
      }
      case 'volcano': {
        const p = props as VolcanoProperties;
        const watch = volcanoWatch?.get(p.gvpNumber);
        title = p.name;
        accent = p.monitored ? MAP_THEME.volcano.monitoredFill : MAP_THEME.volcano.otherFill;
        body = (
          <Fields>
            <Field label={t(language, 'info.volcanoType')}>{volcanoTypeLabel(language, p.primaryType)}</Field>
            <Field label={t(language, 'info.lastEruption')}>
              {eruptionLabel(language, p.lastEruptionYear)}
            </Field>
            <Field label={t(language, 'info.elevation')}>
              {t(language, 'unit.m', { value: p.elevationM })}
            </Field>
            <Field label={t(language, 'info.monitored')}>
              {t(language, p.monitored ? 'info.monitored.yes' : 'info.monitored.no')}
            </Field>
            {watch ? (
              <>
                <Field label={t(language, 'info.alertLevel')}>
                  {watch.level ? (
                    <span class="alert-level">
                      <span
                        class="alert-level-ring"
                        style={{ '--ring': MAP_THEME.alertLevel[watch.level].color }}
                        aria-hidden="true"
                      />
                      {t(language, `alertLevel.${watch.level}`)}
                    </span>
                  ) : (
                    t(language, 'info.alertLevel.none')
                  )}
                </Field>
                <Field label={t(language, 'info.latestTemp')}>
                  {watch.latestC !== null && watch.latestAt !== null
                    ? t(language, 'info.latestTemp.value', {
                        value: formatNumber(language, watch.latestC, 1),
                        time: new Date(watch.latestAt).toLocaleTimeString(LOCALES[language], {
                          hour: '2-digit',
                          minute: '2-digit',
                        }),
                      })
                    : t(language, 'info.latestTemp.none')}
                </Field>
              </>
            ) : null}
            <Field label={t(language, 'info.gvpNumber')}>{String(p.gvpNumber)}</Field>
            {coordinates ? (
              <Field label={t(language, 'info.coordinates')}>{formatLngLat(language, coordinates)}</Field>
            ) : null}
          </Fields>
        );
        break;
      }
      case 'camera': {
        const p = props as CameraProperties;
        title = p.name;
        accent = MAP_THEME.camera[p.kind];
        synthetic = p.synthetic;
        symbol = <CameraSymbol kind={p.kind} status={p.status} />;
        const volcano = p.volcanoGvp
          ? data.volcanoes.features.find((f) => f.properties.gvpNumber === p.volcanoGvp)
          : undefined;
        body = (
          <Fields>
            <Field label={t(language, 'camera.id')}>
              <code>{p.externalId}</code>
            </Field>
            <Field label={t(language, 'camera.kind')}>{t(language, `camera.kind.${p.kind}`)}</Field>
            <Field label={t(language, 'camera.status')}>
              <span class={`status-text status-text--${p.status}`}>
                {t(language, `camera.status.${p.status}`)}
              </span>
            </Field>
            <Field label={t(language, 'camera.view')}>
              {p.hfovDeg >= 360
                ? t(language, 'camera.view.full')
                : t(language, 'camera.view.sector', {
                    azimuth: formatNumber(language, p.azimuthDeg, 1),
                    hfov: formatNumber(language, p.hfovDeg, 1),
                  })}
            </Field>
            <Field label={t(language, 'camera.vfovTilt')}>
              {`${formatNumber(language, p.vfovDeg, 1)}° / ${formatNumber(language, p.tiltDeg, 1)}°`}
            </Field>
            <Field label={t(language, 'camera.range')}>{t(language, 'unit.m', { value: p.rangeM })}</Field>
            <Field label={t(language, 'camera.mountHeight')}>
              {t(language, 'unit.m', { value: formatNumber(language, p.mountHeightM, 1) })}
            </Field>
            <Field
              label={t(language, 'camera.resolution')}
            >{`${p.resolutionHPx} × ${p.resolutionVPx} px`}</Field>
            <Field label={t(language, 'camera.installDate')}>{p.installDate ?? '—'}</Field>
            <Field label={t(language, 'camera.unitCost')}>
              {p.unitCostUsd === null ? '—' : `US$ ${formatNumber(language, p.unitCostUsd)}`}
            </Field>
            {p.volcanoGvp ? (
              <Field label={t(language, 'camera.volcano')}>
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onSelect({ kind: 'volcano', id: String(p.volcanoGvp) })}
                >
                  {volcano?.properties.name ?? String(p.volcanoGvp)}
                </button>
              </Field>
            ) : null}
            {coordinates ? (
              <Field label={t(language, 'info.coordinates')}>{formatLngLat(language, coordinates)}</Field>
            ) : null}
          </Fields>
        );
        break;
      }
      case 'province': {
        const p = props as ProvinceProperties;
        title = p.name;
        body = (
          <Fields>
            <Field label={t(language, 'info.code')}>{p.code}</Field>
            <Field label={t(language, 'info.cantons')}>{formatNumber(language, p.cantonCount)}</Field>
            <Field label={t(language, 'info.area')}>{t(language, 'unit.km2', { value: p.areaKm2 })}</Field>
            <Field label={t(language, 'info.center')}>
              {p.centerId ? (
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onSelect({ kind: 'region', id: p.centerId as string })}
                >
                  {centerName(data, p.centerId)}
                </button>
              ) : (
                t(language, 'info.noCenter')
              )}
            </Field>
          </Fields>
        );
        break;
      }
    }
  }

  return (
    <section
      class="info-panel"
      aria-label={t(language, 'info.panelLabel')}
      aria-live="polite"
      data-testid="feature-info"
    >
      <header class="info-header" style={accent ? { borderTopColor: accent } : undefined}>
        <div>
          <p class="info-kind">
            {symbol}
            {t(language, `info.kind.${selection.kind}`)}
            {synthetic ? <SyntheticBadge language={language} /> : null}
          </p>
          <h2 class="info-title">{title}</h2>
        </div>
        <button
          type="button"
          class="icon-button"
          onClick={onClose}
          aria-label={t(language, 'info.close')}
          title={t(language, 'info.close')}
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path d="M6 6 L18 18 M18 6 L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
          </svg>
        </button>
      </header>
      <div class="info-body">{body}</div>
    </section>
  );
}

function Fields({ children }: { children: ComponentChildren }) {
  return <dl class="info-fields">{children}</dl>;
}

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="info-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function eruptionLabel(language: Language, year: number | null): string {
  if (year === null) return t(language, 'info.lastEruption.unknown');
  if (year < 0) return t(language, 'info.lastEruption.bce', { year: String(-year) });
  return String(year);
}

/** '0.6770° S, 78.4360° W': hemisphere letters instead of signs, as field teams read them. */
function formatLngLat(language: Language, [lng, lat]: [number, number]): string {
  const ns = t(language, lat < 0 ? 'compass.south' : 'compass.north');
  const ew = t(language, lng < 0 ? 'compass.west' : 'compass.east');
  return `${Math.abs(lat).toFixed(4)}° ${ns}, ${Math.abs(lng).toFixed(4)}° ${ew}`;
}

function centerName(data: ReferenceData, centerId: string): string {
  const center = data.centers.features.find((f) => f.properties.id === centerId);
  return center ? center.properties.name : centerId;
}
