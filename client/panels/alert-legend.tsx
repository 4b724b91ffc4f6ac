/**
 * The legend of the alerts overlay: the marker of each severity as the map draws it (colour and
 * size, named), the pulse of an alert nobody has acknowledged, and how many are firing.
 */
import { SEVERITY_COLORS, type Severity } from '../charts/severity.js';
import { severityRank, unacknowledgedFiring } from '../data/alert-list.js';
import type { AlertFeed } from '../data/alert-stream.js';
import { t } from '../i18n.js';
import { MARKER_RADIUS_PX } from '../layers/alert-markers.js';
import type { Language } from '../state/app-state.js';

const VOLCANIC: readonly Severity[] = ['white', 'yellow', 'orange', 'red'];
const INCIDENT: readonly Severity[] = ['advisory', 'watch', 'warning'];

export function AlertLegend({ language, feed }: { language: Language; feed: AlertFeed }) {
  let firing = 0;
  for (const alert of feed.list.byId.values()) if (alert.state === 'firing') firing++;
  const unacknowledged = unacknowledgedFiring(feed.list);
  return (
    <div class="legend" data-testid="alerts-legend">
      <p class="legend-note legend-note--first">{t(language, 'legend.alerts.volcanic')}</p>
      <MarkerRow language={language} severities={VOLCANIC} />
      <p class="legend-note">{t(language, 'legend.alerts.incident')}</p>
      <MarkerRow language={language} severities={INCIDENT} />
      <div class="legend-row">
        <span class="legend-symbol" aria-hidden="true">
          <svg width="22" height="22" viewBox="0 0 22 22">
            <circle
              cx="11"
              cy="11"
              r="9.5"
              fill="none"
              stroke={SEVERITY_COLORS.orange}
              stroke-width="1.5"
              opacity="0.6"
            />
            <circle cx="11" cy="11" r="5" fill={SEVERITY_COLORS.orange} stroke="#0B1620" stroke-width="1.5" />
          </svg>
        </span>
        <span>{t(language, 'legend.alerts.pulse')}</span>
      </div>
      <p class="legend-note">
        {feed.status === 'ready' || firing > 0
          ? firing > 0
            ? t(language, 'legend.alerts.count', { count: firing, unacknowledged })
            : t(language, 'legend.alerts.none')
          : feed.status === 'error'
            ? t(language, 'legend.alerts.error')
            : t(language, 'alerts.loading')}
      </p>
    </div>
  );
}

function MarkerRow({ language, severities }: { language: Language; severities: readonly Severity[] }) {
  return (
    <ul class="marker-row">
      {severities.map((severity) => {
        const r = MARKER_RADIUS_PX[severityRank(severity)];
        const size = 2 * r + 4;
        return (
          <li key={severity} class="marker-key">
            <span class="marker-symbol" aria-hidden="true">
              <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`}>
                <circle
                  cx={size / 2}
                  cy={size / 2}
                  r={r}
                  fill={SEVERITY_COLORS[severity]}
                  stroke="#0B1620"
                  stroke-width="1.5"
                />
              </svg>
            </span>
            {t(language, `severity.${severity}`)}
          </li>
        );
      })}
    </ul>
  );
}
