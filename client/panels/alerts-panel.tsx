/**
 * The alerts panel, right of the map: the alerts live from the stream, filtered by state and
 * severity, in the order an operator works them (data/alert-list.ts, visibleAlerts). Selecting one
 * (here or on its map marker) opens its evidence, history and actions. Ages tick while it is open.
 */
import { useEffect, useState } from 'preact/hooks';
import { SEVERITIES, SEVERITY_COLORS, type Severity } from '../charts/severity.js';
import { ageRefreshMs } from '../data/alert-age.js';
import {
  ALERT_STATES,
  stateSince,
  unacknowledgedFiring,
  visibleAlerts,
  type AlertState,
} from '../data/alert-list.js';
import { alertPlace, type PlaceNames } from '../data/alert-place.js';
import { readyData, type RuntimeState } from '../state/runtime-state.js';
import { t } from '../i18n.js';
import type { AppState } from '../state/app-state.js';
import type { Store } from '../state/store.js';
import { AlertCard } from './alert-card.js';
import { shortName } from './layer-legend.js';

export interface AlertsPanelProps {
  app: Store<AppState>;
  state: AppState;
  runtime: Store<RuntimeState>;
  rt: RuntimeState;
  /** Reads the first page of alerts again. */
  onRetry: () => void;
  /** Centres the map on an alert's place. */
  onLocate: (position: [number, number]) => void;
}

export function AlertsPanel({ app, state, runtime, rt, onRetry, onLocate }: AlertsPanelProps) {
  const { language } = state;
  const feed = rt.alerts;
  const [now, setNow] = useState(Date.now());
  const shown = visibleAlerts(feed.list, { states: state.alertStates, severities: state.alertSeverities });
  // An alert chosen on the map stays in view even when the filters would hide it.
  const selected = state.alert === null ? undefined : feed.list.byId.get(state.alert);
  if (selected && !shown.includes(selected)) shown.unshift(selected);

  // Ages: every second while one shown is under a minute old, else every 15 s.
  const youngest = shown.reduce((min, a) => Math.min(min, now - stateSince(a)), Infinity);
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), ageRefreshMs(youngest));
    return () => clearTimeout(timer);
  }, [now, youngest]);

  const names = placeNames(rt);
  const toggleIn = <T,>(set: ReadonlySet<T>, value: T): Set<T> => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };
  const counts = countBy(feed.list.byId.values());

  return (
    <aside
      id="alerts-panel"
      class="alerts-panel"
      aria-labelledby="alerts-panel-title"
      data-testid="alerts-panel"
    >
      <header class="alerts-head">
        <h2 id="alerts-panel-title" class="alerts-title">
          {t(language, 'alerts.title')}
        </h2>
        <span
          class={`live-status live-status--${feed.connection}`}
          role="status"
          data-testid="alerts-connection"
        >
          <span class="live-dot" aria-hidden="true" />
          {t(language, `alerts.connection.${feed.connection}`)}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label={t(language, 'alerts.close')}
          title={t(language, 'alerts.close')}
          onClick={() => app.set({ alertPanel: false })}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path
              d="M3 3 L13 13 M13 3 L3 13"
              stroke="currentColor"
              stroke-width="1.8"
              stroke-linecap="round"
            />
          </svg>
        </button>
      </header>
      <div class="alerts-filters">
        <div class="filter-group" role="group" aria-label={t(language, 'alerts.filter.state')}>
          <span class="filter-label" aria-hidden="true">
            {t(language, 'alerts.filter.state')}
          </span>
          {ALERT_STATES.map((s) => (
            <button
              key={s}
              type="button"
              class={`chip chip--small${state.alertStates.has(s) ? ' chip--active' : ''}`}
              aria-pressed={state.alertStates.has(s)}
              data-testid={`alert-filter-${s}`}
              onClick={() => app.set((a) => ({ alertStates: toggleIn(a.alertStates, s) }))}
            >
              {t(language, `alertState.${s}`)}
              <span class="chip-count">{counts.states.get(s) ?? 0}</span>
            </button>
          ))}
        </div>
        <div class="filter-group" role="group" aria-label={t(language, 'alerts.filter.severity')}>
          <span class="filter-label" aria-hidden="true">
            {t(language, 'alerts.filter.severity')}
          </span>
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              class={`chip chip--small${state.alertSeverities.has(s) ? ' chip--active' : ''}`}
              aria-pressed={state.alertSeverities.has(s)}
              data-testid={`alert-filter-${s}`}
              onClick={() => app.set((a) => ({ alertSeverities: toggleIn(a.alertSeverities, s) }))}
            >
              <span class="chip-swatch" style={{ '--swatch': SEVERITY_COLORS[s] }} aria-hidden="true" />
              {t(language, `severity.${s}`)}
            </button>
          ))}
        </div>
      </div>
      <div class="alerts-body">
        {feed.status === 'error' ? (
          <div class="alerts-state alerts-state--error" role="alert">
            <p>{t(language, 'alerts.error', { message: feed.error ?? '' })}</p>
            <button type="button" class="button button--small" onClick={onRetry}>
              {t(language, 'alerts.retry')}
            </button>
          </div>
        ) : null}
        {shown.length === 0 ? (
          feed.status === 'loading' || feed.status === 'idle' ? (
            <p class="alerts-state" role="status" data-testid="alerts-loading">
              <span class="spinner spinner--inline" aria-hidden="true" />
              {t(language, 'alerts.loading')}
            </p>
          ) : feed.status === 'ready' ? (
            <p class="alerts-state" data-testid="alerts-empty">
              {t(language, feed.list.byId.size === 0 ? 'alerts.emptyAll' : 'alerts.empty')}
            </p>
          ) : null
        ) : (
          <ul class="alert-list" aria-label={t(language, 'alerts.listLabel', { count: shown.length })}>
            {shown.map((alert) => (
              <li key={alert.id}>
                <AlertCard
                  language={language}
                  alert={alert}
                  place={alertPlace(language, alert, names)}
                  selected={state.alert === alert.id}
                  now={now}
                  session={rt.session}
                  runtime={runtime}
                  onToggle={(id) => app.set((a) => ({ alert: a.alert === id ? null : id }))}
                  onLocate={onLocate}
                />
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}

/** The header's button that opens and closes the panel, with the count of unacknowledged firing alerts. */
export function AlertsToggle({
  app,
  state,
  rt,
}: {
  app: Store<AppState>;
  state: AppState;
  rt: RuntimeState;
}) {
  const { language } = state;
  const count = unacknowledgedFiring(rt.alerts.list);
  return (
    <button
      type="button"
      class={`alerts-toggle${count > 0 ? ' alerts-toggle--firing' : ''}`}
      aria-pressed={state.alertPanel}
      aria-controls="alerts-panel"
      title={t(language, 'alerts.toggleTitle', { count })}
      data-testid="alerts-toggle"
      onClick={() => app.set((a) => ({ alertPanel: !a.alertPanel }))}
    >
      <svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true">
        <path
          d="M8 1.8c-2.4 0-4 1.9-4 4.3v2.6L2.6 11h10.8L12 8.7V6.1c0-2.4-1.6-4.3-4-4.3Z M6.3 12.6a1.8 1.8 0 0 0 3.4 0"
          fill="none"
          stroke="currentColor"
          stroke-width="1.4"
          stroke-linejoin="round"
        />
      </svg>
      {t(language, 'alerts.title')}
      {count > 0 ? (
        <span class="alerts-toggle-count" data-testid="alerts-unacknowledged">
          {count}
          <span class="visually-hidden"> {t(language, 'alerts.unacknowledged')}</span>
        </span>
      ) : null}
    </button>
  );
}

function countBy(alerts: Iterable<{ state: AlertState; severity: Severity }>) {
  const states = new Map<AlertState, number>();
  for (const a of alerts) states.set(a.state, (states.get(a.state) ?? 0) + 1);
  return { states };
}

function placeNames(rt: RuntimeState): PlaceNames {
  const volcanoes = readyData(rt.datasets.volcanoes)?.features ?? [];
  const regions = readyData(rt.datasets.regions)?.features ?? [];
  const cameras = rt.cameras.data?.features ?? [];
  return {
    volcano: (gvp) => volcanoes.find((f) => f.properties.gvpNumber === gvp)?.properties.name ?? null,
    region: (id) => {
      const name = regions.find((f) => f.properties.centerId === id)?.properties.name;
      return name ? shortName(name) : null;
    },
    cameraVolcano: (id) => cameras.find((f) => f.properties.externalId === id)?.properties.volcanoGvp ?? null,
  };
}
