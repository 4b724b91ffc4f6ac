/**
 * The density layer's time slider, docked under the map: the histogram of incidents over the last
 * 30 days with a brush that selects the window, width presets, step buttons and a play button
 * that slides the window forward one width at a time (a month day by day, a day hour by hour).
 * Every control is a button, so the window can be set from the keyboard as well as with the brush.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { HistogramBrush } from '../charts/histogram-brush.js';
import {
  HOUR_MS,
  WINDOW_PRESETS,
  playbackStart,
  playbackStep,
  presetWindow,
  shiftWindow,
  snapWindow,
} from '../data/time-window.js';
import { formatNumber, formatTimeWindow, t } from '../i18n.js';
import type { AppState, TimeWindow } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { SyntheticBadge } from './synthetic-badge.js';

/** Shortest time a playback frame stays on screen, ms (longer when the server is slower). */
const FRAME_MS = 900;

export interface TimeSliderProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  state: AppState;
  rt: RuntimeState;
}

export function TimeSlider({ app, runtime, state, rt }: TimeSliderProps) {
  const { language, timeWindow } = state;
  const domain = rt.timeDomain;
  const histogram = rt.histogram.data;
  const density = rt.density;
  const svgRef = useRef<SVGSVGElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<HistogramBrush | null>(null);
  const bucketMs = (histogram?.bucketSeconds ?? 3600) * 1000;

  const setWindow = (window: TimeWindow | null) => app.set({ timeWindow: window });
  const stop = () => runtime.set({ playing: false });

  useEffect(() => {
    if (!svgRef.current || !boxRef.current) return;
    const chart = new HistogramBrush(svgRef.current, {
      onBrush: (range) => {
        runtime.set({ playing: false });
        const current = runtime.get();
        const bucket = (current.histogram.data?.bucketSeconds ?? 3600) * 1000;
        app.set({ timeWindow: range ? snapWindow(range, bucket, current.timeDomain) : null });
      },
    });
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
  }, [app, runtime]);

  const buckets = useMemo(
    () => (histogram?.buckets ?? []).map((b) => ({ t: Date.parse(b.t), n: b.n })),
    [histogram],
  );
  useEffect(() => {
    chartRef.current?.update({ buckets, bucketMs, domain, window: timeWindow, language });
  }, [buckets, bucketMs, domain, timeWindow, language]);

  // Playback: the next frame once this one's density has arrived and had FRAME_MS on screen.
  useEffect(() => {
    if (!rt.playing || density.status === 'loading') return;
    const timer = setTimeout(() => {
      const current = app.get().timeWindow;
      const next = current ? playbackStep(current, runtime.get().timeDomain) : null;
      if (next) app.set({ timeWindow: next });
      else runtime.set({ playing: false });
    }, FRAME_MS);
    return () => clearTimeout(timer);
  }, [rt.playing, density.status, density.key, timeWindow, app, runtime]);

  const play = () => {
    if (rt.playing) {
      stop();
      return;
    }
    setWindow(playbackStart(timeWindow, domain));
    runtime.set({ playing: true });
  };

  const shown = timeWindow ?? domain;
  const width = shown.to - shown.from;
  const activePreset = timeWindow ? WINDOW_PRESETS.find((p) => p.ms === width)?.id : undefined;
  const total = density.data?.total;
  const synthetic = (density.data?.synthetic ?? 0) > 0 || (histogram?.synthetic ?? 0) > 0;
  const histogramEmpty = rt.histogram.status === 'ready' && histogram?.total === 0;

  return (
    <section class="dock time-slider" aria-label={t(language, 'slider.label')} data-testid="time-slider">
      <div class="dock-header">
        <h2 class="dock-title">{t(language, 'slider.title')}</h2>
        <span class="slider-window" data-testid="slider-window">
          {formatTimeWindow(language, shown)}
          <span class="slider-width"> · {formatDuration(language, width)}</span>
        </span>
        <span class="slider-total" data-testid="density-total" data-total={total ?? ''} aria-live="polite">
          {density.status === 'loading' && total === undefined
            ? t(language, 'status.loadingData')
            : total !== undefined
              ? t(language, 'slider.total', { count: formatNumber(language, total) })
              : ''}
          {density.status === 'loading' ? <span class="spinner spinner--inline" aria-hidden="true" /> : null}
        </span>
        {synthetic ? <SyntheticBadge language={language} /> : null}
        <div class="dock-tools">
          <button
            type="button"
            class={`button button--small play-button${rt.playing ? ' play-button--on' : ''}`}
            aria-pressed={rt.playing}
            onClick={play}
            data-testid="slider-play"
          >
            {rt.playing ? <PauseIcon /> : <PlayIcon />}
            {t(language, rt.playing ? 'slider.pause' : 'slider.play')}
          </button>
          <button
            type="button"
            class="button button--small button--icon"
            aria-label={t(language, 'slider.back')}
            title={t(language, 'slider.back')}
            disabled={!timeWindow || timeWindow.from <= domain.from}
            onClick={() => {
              stop();
              if (timeWindow) setWindow(shiftWindow(timeWindow, -1, domain));
            }}
          >
            ‹
          </button>
          <button
            type="button"
            class="button button--small button--icon"
            aria-label={t(language, 'slider.forward')}
            title={t(language, 'slider.forward')}
            disabled={!timeWindow || timeWindow.to >= domain.to}
            onClick={() => {
              stop();
              if (timeWindow) setWindow(shiftWindow(timeWindow, 1, domain));
            }}
          >
            ›
          </button>
          <div class="segmented" role="group" aria-label={t(language, 'slider.width')}>
            {WINDOW_PRESETS.map((preset) => (
              <button
                key={preset.id}
                type="button"
                class="segmented-button"
                aria-pressed={activePreset === preset.id}
                onClick={() => {
                  stop();
                  setWindow(presetWindow(preset.ms, timeWindow, domain));
                }}
              >
                {t(language, `slider.preset.${preset.id}`)}
              </button>
            ))}
            <button
              type="button"
              class="segmented-button"
              aria-pressed={timeWindow === null}
              onClick={() => {
                stop();
                setWindow(null);
              }}
            >
              {t(language, 'slider.preset.all')}
            </button>
          </div>
        </div>
      </div>
      <div class="histogram-box" ref={boxRef}>
        <svg
          ref={svgRef}
          class="histogram-svg"
          role="img"
          aria-label={t(language, 'slider.histogramLabel')}
        />
        {rt.histogram.status === 'loading' && !histogram ? (
          <p class="dock-state">{t(language, 'slider.loading')}</p>
        ) : rt.histogram.status === 'error' ? (
          <p class="dock-state dock-state--error">{t(language, 'slider.error')}</p>
        ) : histogramEmpty ? (
          <p class="dock-state">{t(language, 'slider.empty')}</p>
        ) : null}
      </div>
    </section>
  );
}

function formatDuration(language: Language, ms: number): string {
  const hours = Math.round(ms / HOUR_MS);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (days === 0) return t(language, 'unit.hours', { value: rest });
  if (rest === 0) return t(language, 'unit.days', { value: days });
  return `${t(language, 'unit.days', { value: days })} ${t(language, 'unit.hours', { value: rest })}`;
}

function PlayIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path d="M4 2.5 L13 8 L4 13.5 Z" fill="currentColor" />
    </svg>
  );
}

function PauseIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path d="M4 2.5 h3 v11 h-3 Z M9 2.5 h3 v11 h-3 Z" fill="currentColor" />
    </svg>
  );
}

type Language = AppState['language'];
