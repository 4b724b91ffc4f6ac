/**
 * Thermal watch of the selected volcano, docked under the map: the d3 chart of its thermal
 * cameras over the last 6 h, 24 h or 3 days (client/charts/thermal-chart.ts), refreshed every
 * minute. Zooming the chart fetches the visible range again, so the buckets get finer (down to
 * the one-minute readings). The thresholds of the volcano's thermal rules and the periods its
 * alerts fired come from the alerts API (charts/thermal-annotations.ts).
 */
import type { Feature, Point } from 'geojson';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ThermalChart, type ChartSeries } from '../charts/thermal-chart.js';
import {
  NO_ANNOTATIONS,
  loadThermalAnnotations,
  type ThermalAnnotations,
} from '../charts/thermal-annotations.js';
import { latestReading, type ReadingSeries } from '../charts/thermal-series.js';
import { getJson } from '../data/api-client.js';
import type { CameraCollection } from '../data/camera-features.js';
import type { VolcanoProperties } from '../data/reference-features.js';
import { LOCALES, t } from '../i18n.js';
import { OKABE_ITO } from '../map/region-palette.js';
import { THERMAL_RANGES, type Language, type ThermalRange } from '../state/app-state.js';
import { SyntheticBadge } from './synthetic-badge.js';

export const THERMAL_RANGE_MS: Readonly<Record<ThermalRange, number>> = {
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '3d': 72 * 3_600_000,
};

/** How often the chart asks for new readings, ms. */
export const THERMAL_REFRESH_MS = 60_000;

/** Camera colours, in the order of their ids: Okabe–Ito, which stay distinct under colour-vision deficiency. */
const CAMERA_COLORS = [
  OKABE_ITO.orange,
  OKABE_ITO.skyBlue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.yellow,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.vermillion,
  OKABE_ITO.blue,
];

type Load<T> = { status: 'loading' | 'ready' | 'error'; data: T | null; error: string | null };

export interface ThermalPanelProps {
  language: Language;
  volcano: Feature<Point, VolcanoProperties>;
  range: ThermalRange;
  onRange: (range: ThermalRange) => void;
}

export function ThermalPanel({ language, volcano, range, onRange }: ThermalPanelProps) {
  const gvp = volcano.properties.gvpNumber;
  const [cameras, setCameras] = useState<Load<CameraCollection['features']>>({
    status: 'loading',
    data: null,
    error: null,
  });
  const [series, setSeries] = useState<Load<{ series: ReadingSeries[]; annotations: ThermalAnnotations }>>({
    status: 'loading',
    data: null,
    error: null,
  });
  const [zoomed, setZoomed] = useState<[number, number] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [retries, setRetries] = useState(0);
  const svgRef = useRef<SVGSVGElement>(null);
  const readoutRef = useRef<HTMLParagraphElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ThermalChart | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setCameras({ status: 'loading', data: null, error: null });
    getJson<CameraCollection>(`/api/cameras?kind=thermal&volcano=${gvp}`, controller.signal)
      .then((fc) => {
        const list = [...fc.features].sort((a, b) =>
          a.properties.externalId.localeCompare(b.properties.externalId),
        );
        setCameras({ status: 'ready', data: list, error: null });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setCameras({ status: 'error', data: null, error: String(error) });
      });
    return () => controller.abort();
  }, [gvp, retries]);

  useEffect(() => {
    setZoomed(null);
    chartRef.current?.resetZoom();
  }, [gvp, range]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), THERMAL_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const baseDomain: [number, number] = [now - THERMAL_RANGE_MS[range], now];

  useEffect(() => {
    const list = cameras.data;
    if (!list) return;
    const controller = new AbortController();
    const [from, to] = zoomed ?? baseDomain;
    // A zoomed view asks for a quarter of its width either side, so a small pan has data at once.
    const pad = zoomed ? (to - from) / 4 : 0;
    const width = boxRef.current?.clientWidth ?? 800;
    const maxBuckets = Math.max(60, Math.min(1500, Math.round(width / 2) * (zoomed ? 1.5 : 1)));
    const query = (id: string) =>
      `/api/cameras/${encodeURIComponent(id)}/readings?from=${new Date(from - pad).toISOString()}&to=${new Date(
        to + pad,
      ).toISOString()}&maxBuckets=${Math.round(maxBuckets)}`;
    setSeries((s) => ({ ...s, status: 'loading', error: null }));
    Promise.all([
      Promise.all(list.map((c) => getJson<ReadingSeries>(query(c.properties.externalId), controller.signal))),
      loadThermalAnnotations(
        gvp,
        list.map((c) => ({
          id: c.properties.externalId,
          position: c.geometry.coordinates as [number, number],
        })),
        { from: from - pad, to: to + pad },
        controller.signal,
        // The chart still shows the readings when the alerts API cannot answer.
      ).catch(() => NO_ANNOTATIONS),
    ])
      .then(([loaded, annotations]) =>
        setSeries({ status: 'ready', data: { series: loaded, annotations }, error: null }),
      )
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setSeries((s) => ({ ...s, status: 'error', error: String(error) }));
      });
    return () => controller.abort();
    // baseDomain follows `now` and `range`.
  }, [cameras.data, range, zoomed, now, gvp]);

  const onZoomEnd = useCallback((visible: [number, number] | null) => setZoomed(visible), []);
  const hasChartData = (cameras.data?.length ?? 0) > 0;
  useEffect(() => {
    if (!hasChartData || !svgRef.current || !readoutRef.current || !boxRef.current) return;
    const chart = new ThermalChart(svgRef.current, readoutRef.current, { onZoomEnd });
    chartRef.current = chart;
    const box = boxRef.current;
    const observer = new ResizeObserver(() => chart.resize(box.clientWidth, box.clientHeight));
    observer.observe(box);
    chart.resize(box.clientWidth, box.clientHeight);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [hasChartData, onZoomEnd]);

  const list = cameras.data ?? [];
  const chartSeries: ChartSeries[] = (series.data?.series ?? []).map((s, i) => ({
    id: s.cameraId,
    label: shortCameraName(list[i]?.properties.name ?? s.cameraId, volcano.properties.name),
    color: CAMERA_COLORS[i % CAMERA_COLORS.length]!,
    series: s,
  }));
  useEffect(() => {
    chartRef.current?.setData({
      baseDomain,
      series: chartSeries,
      annotations: series.data?.annotations ?? NO_ANNOTATIONS,
      language,
    });
  });

  const annotations = series.data?.annotations ?? NO_ANNOTATIONS;
  const synthetic = list.some((c) => c.properties.synthetic) || chartSeries.some((s) => s.series.synthetic);
  const noReadings =
    series.status === 'ready' &&
    chartSeries.every((s) => s.series.buckets.every((b) => b.n === 0 && b.masked === 0));
  const time = new Intl.DateTimeFormat(LOCALES[language], {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

  return (
    <section
      class="dock thermal-panel"
      aria-label={t(language, 'thermal.label', { name: volcano.properties.name })}
      data-testid="thermal-panel"
    >
      <div class="dock-header">
        <h2 class="dock-title">
          {t(language, 'thermal.title')} · <span class="dock-title-name">{volcano.properties.name}</span>
        </h2>
        {synthetic ? <SyntheticBadge language={language} /> : null}
        <span class="dock-meta">
          {series.status === 'loading' ? (
            <>
              <span class="spinner spinner--inline" aria-hidden="true" /> {t(language, 'thermal.loading')}
            </>
          ) : (
            t(language, 'thermal.updated', { time: time.format(now) })
          )}
        </span>
        <div class="dock-tools">
          <div class="segmented" role="group" aria-label={t(language, 'thermal.range')}>
            {THERMAL_RANGES.map((r) => (
              <button
                key={r}
                type="button"
                class="segmented-button"
                aria-pressed={r === range}
                data-testid={`thermal-range-${r}`}
                onClick={() => onRange(r)}
              >
                {t(language, `thermal.range.${r}`)}
              </button>
            ))}
          </div>
          <div class="segmented" role="group" aria-label={t(language, 'thermal.zoom')}>
            <button
              type="button"
              class="segmented-button"
              aria-label={t(language, 'thermal.zoomIn')}
              title={t(language, 'thermal.zoomIn')}
              onClick={() => chartRef.current?.zoomBy(2)}
            >
              +
            </button>
            <button
              type="button"
              class="segmented-button"
              aria-label={t(language, 'thermal.zoomOut')}
              title={t(language, 'thermal.zoomOut')}
              onClick={() => chartRef.current?.zoomBy(0.5)}
            >
              −
            </button>
            <button
              type="button"
              class="segmented-button"
              disabled={!zoomed}
              onClick={() => chartRef.current?.resetZoom()}
            >
              {t(language, 'thermal.zoomReset')}
            </button>
          </div>
        </div>
      </div>
      {cameras.status === 'error' || series.status === 'error' ? (
        <p class="dock-state dock-state--error" role="alert">
          {t(language, 'thermal.error')}{' '}
          <button type="button" class="button button--small" onClick={() => setRetries((n) => n + 1)}>
            {t(language, 'status.retry')}
          </button>
        </p>
      ) : null}
      {cameras.status === 'ready' && list.length === 0 ? (
        <p class="dock-state">{t(language, 'thermal.noCameras')}</p>
      ) : (
        <div class="thermal-body">
          <div class="thermal-chart-box" ref={boxRef}>
            <svg
              ref={svgRef}
              class="thermal-svg"
              role="img"
              aria-label={t(language, 'thermal.chartLabel', {
                name: volcano.properties.name,
                count: list.length,
                range: t(language, `thermal.range.${range}`),
              })}
            />
            {noReadings ? (
              <p class="dock-state dock-state--over">{t(language, 'thermal.noReadings')}</p>
            ) : null}
            {cameras.status === 'loading' ? (
              <p class="dock-state dock-state--over">{t(language, 'thermal.loading')}</p>
            ) : null}
          </div>
          <div class="thermal-side">
            <ul class="thermal-legend" aria-label={t(language, 'thermal.cameras')}>
              {chartSeries.map((s) => {
                const latest = latestReading(s.series);
                return (
                  <li key={s.id} class="thermal-legend-item">
                    <span class="thermal-swatch" style={{ '--swatch': s.color }} aria-hidden="true" />
                    <span class="thermal-legend-name" title={s.id}>
                      {s.label}
                    </span>
                    <span class="thermal-legend-value">
                      {latest
                        ? `${new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 }).format(latest.mean)} °C`
                        : '—'}
                    </span>
                  </li>
                );
              })}
            </ul>
            <p class="thermal-key">
              <span class="thermal-key-band" aria-hidden="true" /> {t(language, 'thermal.key.band')}
              <br />
              <span class="thermal-key-hatch" aria-hidden="true" /> {t(language, 'thermal.key.obscured')}
              {annotations.thresholds.length > 0 || annotations.alertPeriods.length > 0 ? (
                <>
                  <br />
                  <span class="thermal-key-alert" aria-hidden="true" /> {t(language, 'thermal.key.alert')}
                </>
              ) : null}
            </p>
          </div>
        </div>
      )}
      <p class="thermal-readout" ref={readoutRef} aria-live="off" />
    </section>
  );
}

/** 'Cotopaxi thermal N flank (synthetic)' → 'thermal N flank': the volcano is in the panel's title. */
export function shortCameraName(name: string, volcanoName: string): string {
  const short = name
    .replace(volcanoName, '')
    .replace(/\((synthetic|sintético)\)/i, '')
    .replace(/^[\s·,–-]+/, '')
    .trim();
  return short === '' ? name : short;
}
