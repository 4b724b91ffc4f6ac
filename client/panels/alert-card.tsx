/**
 * One alert in the alerts panel: a summary line that reads at a glance (severity, state and age, the
 * rule, the place, who acknowledged or holds it) and, when selected, why it fired (the evidence,
 * with its readings against the threshold), its history and the operator's actions.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { SEVERITY_COLORS } from '../charts/severity.js';
import { sparkline } from '../charts/evidence-sparkline.js';
import { formatAge } from '../data/alert-age.js';
import { evidenceFacts, evidenceReadings, evidenceThreshold } from '../data/alert-evidence.js';
import { stateSince, type Alert } from '../data/alert-list.js';
import { applyAlertAnswer } from '../data/alert-stream.js';
import { getJson } from '../data/api-client.js';
import type { SessionState } from '../data/session.js';
import { LOCALES, MESSAGES, formatNumber, t, type MessageKey } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { AlertActions } from './alert-actions.js';
import { SeverityBadge } from './severity-badge.js';

/** GET /api/alerts/{id}: the alert with its evidence and its events. */
interface AlertDetail {
  alert: Alert;
  events: { id: number; kind: string; at: string; actor: string | null; details: Record<string, unknown> }[];
}

/** Events of the history shown, newest first. */
const HISTORY_SHOWN = 6;

export interface AlertCardProps {
  language: Language;
  alert: Alert;
  place: string;
  selected: boolean;
  now: number;
  session: SessionState;
  runtime: Store<RuntimeState>;
  onToggle: (id: number) => void;
  onLocate: (position: [number, number]) => void;
}

export function AlertCard({
  language,
  alert,
  place,
  selected,
  now,
  session,
  runtime,
  onToggle,
  onLocate,
}: AlertCardProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const silenced = alert.silencedUntil !== null && Date.parse(alert.silencedUntil) > now;
  const detailsId = `alert-${alert.id}-details`;
  return (
    <article
      ref={ref}
      class={`alert-card alert-card--${alert.state}${selected ? ' alert-card--selected' : ''}`}
      style={{ '--severity': SEVERITY_COLORS[alert.severity] }}
      data-testid="alert-card"
      data-alert-id={alert.id}
      data-state={alert.state}
    >
      <button
        type="button"
        class="alert-summary"
        aria-expanded={selected}
        aria-controls={detailsId}
        onClick={() => onToggle(alert.id)}
      >
        <span class="alert-line">
          <SeverityBadge language={language} severity={alert.severity} />
          <span class={`alert-state alert-state--${alert.state}`}>
            {t(language, `alertState.${alert.state}`)}
          </span>
          <span class="alert-age" title={new Date(stateSince(alert)).toLocaleString(LOCALES[language])}>
            {formatAge(language, now - stateSince(alert))}
          </span>
        </span>
        <span class="alert-rule">{alert.ruleName}</span>
        <span class="alert-place">
          {place}
          {kindLabel(language, alert.kind) ? (
            <span class="alert-kind"> · {kindLabel(language, alert.kind)}</span>
          ) : null}
        </span>
        <span class="alert-flags">
          {alert.acknowledgedBy ? (
            <span class="alert-flag alert-flag--ack" data-testid="alert-acknowledged">
              <CheckIcon />
              {t(language, 'alerts.acknowledgedBy', { name: alert.acknowledgedBy })}
            </span>
          ) : alert.state === 'firing' ? (
            <span class="alert-flag alert-flag--unack">{t(language, 'alerts.unacknowledged')}</span>
          ) : null}
          {alert.assignedTo ? (
            <span class="alert-flag">{t(language, 'alerts.assignedTo', { name: alert.assignedTo })}</span>
          ) : null}
          {silenced ? (
            <span class="alert-flag alert-flag--silenced">{t(language, 'alerts.silenced')}</span>
          ) : null}
        </span>
      </button>
      {selected ? (
        <AlertDetails
          id={detailsId}
          language={language}
          alert={alert}
          now={now}
          silenced={silenced}
          session={session}
          runtime={runtime}
          onLocate={onLocate}
        />
      ) : null}
    </article>
  );
}

function AlertDetails({
  id,
  language,
  alert,
  now,
  silenced,
  session,
  runtime,
  onLocate,
}: {
  id: string;
  language: Language;
  alert: Alert;
  now: number;
  silenced: boolean;
  session: SessionState;
  runtime: Store<RuntimeState>;
  onLocate: (position: [number, number]) => void;
}) {
  const [detail, setDetail] = useState<AlertDetail | null>(null);
  const [failed, setFailed] = useState(false);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setFailed(false);
    getJson<AlertDetail>(`/api/alerts/${alert.id}`, controller.signal)
      .then((d) => {
        setDetail(d);
        applyAlertAnswer(runtime, d.alert);
      })
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => controller.abort();
    // The history changes with the alert: read it again after each change.
  }, [alert.id, alert.updatedAt, reload]);

  const evidence = alert.evidence ?? detail?.alert.evidence;
  const facts = evidenceFacts(language, evidence, now);
  const history = (detail?.events ?? []).slice(-HISTORY_SHOWN).reverse();
  return (
    <div id={id} class="alert-details">
      <section class="alert-section" aria-label={t(language, 'alerts.evidence.title')}>
        <h3 class="alert-section-title">{t(language, 'alerts.evidence.title')}</h3>
        {facts.length > 0 ? (
          <dl class="alert-facts" data-testid="alert-evidence">
            {facts.map((f, i) => (
              <div key={i} class="alert-fact">
                <dt>{t(language, f.label)}</dt>
                <dd>{f.text}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p class="alert-note">
            {t(
              language,
              evidence === undefined && !failed ? 'alerts.evidence.loading' : 'alerts.evidence.none',
            )}
          </p>
        )}
        <EvidenceSparkline language={language} evidence={evidence} />
        {alert.errorMessage ? <p class="field-error">{alert.errorMessage}</p> : null}
      </section>
      {alert.acknowledgedBy || silenced ? (
        <section class="alert-section">
          {alert.acknowledgedBy && alert.acknowledgedAt ? (
            <p class="alert-note">
              {t(language, 'alerts.acknowledgedAt', {
                name: alert.acknowledgedBy,
                age: formatAge(language, now - Date.parse(alert.acknowledgedAt)),
              })}
            </p>
          ) : null}
          {silenced ? (
            <p class="alert-note" data-testid="alert-silence-note">
              {t(language, 'alerts.silencedUntil', {
                time: new Date(alert.silencedUntil!).toLocaleString(LOCALES[language], {
                  day: 'numeric',
                  month: 'short',
                  hour: '2-digit',
                  minute: '2-digit',
                }),
                reason: alert.silenceReason ?? '—',
              })}
            </p>
          ) : null}
        </section>
      ) : null}
      <AlertActions
        language={language}
        alert={alert}
        session={session}
        runtime={runtime}
        onDone={() => setReload((n) => n + 1)}
      />
      {history.length > 0 ? (
        <section class="alert-section">
          <h3 class="alert-section-title">{t(language, 'alerts.history')}</h3>
          <ol class="alert-history">
            {history.map((e) => (
              <li key={e.id}>
                <span class="alert-history-kind">{eventLabel(language, e.kind)}</span>
                {e.actor ? <span class="alert-history-actor"> · {e.actor}</span> : null}
                <span class="alert-history-age"> · {formatAge(language, now - Date.parse(e.at))}</span>
                {eventNote(e.details) ? <span class="alert-history-note">{eventNote(e.details)}</span> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {alert.position ? (
        <button type="button" class="link-button alert-locate" onClick={() => onLocate(alert.position!)}>
          {t(language, 'alerts.showOnMap')}
        </button>
      ) : null}
    </div>
  );
}

/** The evidence readings (maximum °C) against the threshold, with the first and last values named. */
function EvidenceSparkline({
  language,
  evidence,
}: {
  language: Language;
  evidence: Record<string, unknown> | undefined;
}) {
  const readings = evidenceReadings(evidence);
  const line = sparkline(
    readings.map((r) => ({ t: r.t, v: r.quality === 'ok' ? r.maxC : null })),
    evidenceThreshold(evidence),
    240,
    44,
    4,
  );
  if (!line || readings.length < 2) return null;
  const last = [...readings].reverse().find((r) => r.maxC !== null && r.quality === 'ok');
  return (
    <figure class="alert-spark">
      <svg
        viewBox="0 0 240 44"
        width="100%"
        height="44"
        preserveAspectRatio="none"
        role="img"
        aria-label={t(language, 'alerts.evidence.readingsLabel', {
          count: readings.length,
          max: formatNumber(language, line.max, 1),
        })}
      >
        {line.thresholdY !== null ? (
          <line class="alert-spark-threshold" x1="0" x2="240" y1={line.thresholdY} y2={line.thresholdY} />
        ) : null}
        <path class="alert-spark-line" d={line.path} />
        {line.dots.map(([x, y], i) => (
          <circle key={i} class="alert-spark-dot" cx={x} cy={y} r="1.6" />
        ))}
      </svg>
      <figcaption class="alert-spark-caption">
        {t(language, 'alerts.evidence.readings', { count: readings.length })}
        {last ? ` · ${formatNumber(language, last.maxC!, 1)} °C` : ''}
      </figcaption>
    </figure>
  );
}

function kindLabel(language: Language, kind: string): string | null {
  const key = `alerts.kind.${kind}`;
  return key in MESSAGES[language] ? t(language, key as MessageKey) : null;
}

function eventLabel(language: Language, kind: string): string {
  const key = `alertEvent.${kind}`;
  return key in MESSAGES[language] ? t(language, key as MessageKey) : kind;
}

/** The words an event carries: a comment, a silence's reason, an assignee. */
function eventNote(details: Record<string, unknown>): string | null {
  for (const key of ['comment', 'reason', 'assignee', 'message']) {
    const v = details[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

function CheckIcon() {
  return (
    <svg viewBox="0 0 12 12" width="11" height="11" aria-hidden="true">
      <path
        d="M2 6.5 L5 9 L10 3"
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
      />
    </svg>
  );
}
