/**
 * Why an alert fired, in a few labelled lines: the value measured against the rule's threshold, how
 * long it had to hold, the window counted, the baseline compared with. Reads the evidence each rule
 * kind writes (server/rules/thermal-rule-runtime.ts, incident-surge.ts, stale-sensor.ts,
 * coverage-loss.ts); fields it does not find are left out rather than shown empty, so evidence from
 * an older or newer server still reads.
 */
import { LOCALES, MESSAGES, formatNumber, t, type MessageKey } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import { formatDuration } from './alert-age.js';

export interface EvidenceFact {
  label: MessageKey;
  text: string;
}

/** A thermal reading listed in the evidence (server/rules/camera-feed.ts, EvidenceReading). */
export interface EvidenceReading {
  /** ms since the epoch */
  t: number;
  /** Maximum temperature of the frame, °C; null when corrupt. */
  maxC: number | null;
  quality: string;
}

/**
 * The labelled lines for an alert's evidence; empty when there is none. Times are local, with the
 * date when not on the day of `nowMs`.
 */
export function evidenceFacts(
  language: Language,
  evidence: Record<string, unknown> | undefined,
  nowMs: number = Date.now(),
): EvidenceFact[] {
  if (!evidence) return [];
  const e = evidence;
  const facts: EvidenceFact[] = [];
  const add = (label: MessageKey, text: string | null) => {
    if (text !== null) facts.push({ label, text });
  };
  const num = (key: string): number | null => {
    const v = e[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const str = (key: string): string | null => (typeof e[key] === 'string' ? (e[key] as string) : null);
  const deg = (v: number | null, unit = '°C') => (v === null ? null : `${formatNumber(language, v, 1)} ${unit}`);
  const duration = (v: number | null) => (v === null ? null : formatDuration(language, v));
  const time = (iso: string | null) => (iso === null ? null : formatTime(language, iso, nowMs));

  const error = str('error');
  if (error) add('alerts.evidence.error', error);

  if (e['reason'] === 'obscured') {
    const since = num('obscuredSeconds');
    const after = num('obscuredAlertAfterSeconds');
    if (since !== null)
      add(
        'alerts.evidence.obscured',
        after === null
          ? duration(since)
          : t(language, 'alerts.evidence.obscuredText', { duration: duration(since)!, after: duration(after)! }),
      );
    return facts;
  }

  switch (e['kind']) {
    case 'thermal_threshold': {
      add('alerts.evidence.value', deg(num('value')));
      const threshold = num('thresholdC');
      if (threshold !== null)
        add('alerts.evidence.threshold', thresholdText(language, deg(threshold)!, deg(num('clearThresholdC'))));
      addSustained();
      break;
    }
    case 'thermal_rate': {
      add('alerts.evidence.rate', deg(num('value'), '°C/h'));
      const rate = num('ratePerHourC');
      if (rate !== null)
        add(
          'alerts.evidence.threshold',
          thresholdText(language, deg(rate, '°C/h')!, deg(num('clearRatePerHourC'), '°C/h')),
        );
      const window = num('windowSeconds');
      const minC = num('windowMinC');
      if (window !== null)
        add(
          'alerts.evidence.window',
          minC === null
            ? duration(window)
            : t(language, 'alerts.evidence.rateWindowText', { duration: duration(window)!, min: deg(minC)! }),
        );
      addSustained();
      break;
    }
    case 'thermal_anomaly': {
      add('alerts.evidence.value', deg(num('value')));
      const fire = num('fireAboveC');
      if (fire !== null)
        add('alerts.evidence.threshold', thresholdText(language, deg(fire)!, deg(num('clearAtOrBelowC'))));
      const median = num('medianC');
      const days = num('baselineDaysUsed');
      const k = num('k');
      if (median !== null && days !== null)
        add(
          'alerts.evidence.baseline',
          t(language, 'alerts.evidence.baselineText', {
            median: deg(median)!,
            days,
            hour: num('hourUtc') ?? '—',
            k: k === null ? '—' : formatNumber(language, k, 1),
          }),
        );
      addSustained();
      break;
    }
    case 'incident_surge': {
      const count = num('count');
      if (count !== null) add('alerts.evidence.count', formatNumber(language, count));
      const above = num('countAbove');
      const usual = num('usualCount');
      const multiplier = num('rateMultiplier');
      if (above !== null)
        add(
          'alerts.evidence.threshold',
          usual !== null && multiplier !== null
            ? t(language, 'alerts.evidence.surgeThresholdText', {
                count: above,
                multiplier: formatNumber(language, multiplier, 1),
                usual: formatNumber(language, usual, 1),
              })
            : `> ${formatNumber(language, above)}`,
        );
      const window = num('windowSeconds');
      const from = str('windowFrom');
      const to = str('windowTo');
      if (window !== null)
        add(
          'alerts.evidence.window',
          from && to
            ? t(language, 'alerts.evidence.windowText', {
                duration: duration(window)!,
                from: time(from)!,
                to: time(to)!,
              })
            : duration(window),
        );
      const categories = e['categories'];
      if (Array.isArray(categories) && categories.length > 0)
        add(
          'alerts.evidence.categories',
          categories.map((c) => categoryLabel(language, String(c))).join(', '),
        );
      break;
    }
    case 'stale_sensor': {
      const last = str('lastSeenAt');
      add('alerts.evidence.lastSeen', last ? time(last) : t(language, 'alerts.evidence.never'));
      const silence = num('silenceSeconds');
      const max = num('maxSilenceSeconds');
      if (silence !== null)
        add(
          'alerts.evidence.silence',
          max === null
            ? duration(silence)
            : t(language, 'alerts.evidence.silenceText', { duration: duration(silence)!, max: duration(max)! }),
        );
      break;
    }
    case 'coverage_loss': {
      const percent = num('coveragePercent');
      const threshold = num('thresholdPercent');
      if (percent !== null)
        add(
          'alerts.evidence.coverage',
          t(language, 'alerts.evidence.coverageText', {
            value: formatNumber(language, percent, 1),
            threshold: threshold === null ? '—' : formatNumber(language, threshold, 1),
          }),
        );
      const offline = e['offlineCameraIds'];
      if (Array.isArray(offline) && offline.length > 0)
        add('alerts.evidence.offline', formatNumber(language, offline.length));
      break;
    }
  }
  return facts;

  function addSustained() {
    const forSeconds = num('forSeconds');
    if (forSeconds !== null && forSeconds > 0)
      add('alerts.evidence.sustained', t(language, 'alerts.evidence.sustainedText', { duration: duration(forSeconds)! }));
  }
}

/** The thermal readings the evidence lists, oldest first; empty when it lists none. */
export function evidenceReadings(evidence: Record<string, unknown> | undefined): EvidenceReading[] {
  const list = evidence?.['readings'];
  if (!Array.isArray(list)) return [];
  const out: EvidenceReading[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as Record<string, unknown>;
    const t = typeof r['at'] === 'string' ? Date.parse(r['at']) : NaN;
    if (!Number.isFinite(t)) continue;
    const maxC = typeof r['maxTempC'] === 'number' && Number.isFinite(r['maxTempC']) ? r['maxTempC'] : null;
    out.push({ t, maxC, quality: typeof r['quality'] === 'string' ? r['quality'] : 'ok' });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The threshold the evidence compares the value with, °C (or °C/h); null for other kinds. */
export function evidenceThreshold(evidence: Record<string, unknown> | undefined): number | null {
  for (const key of ['thresholdC', 'fireAboveC']) {
    const v = evidence?.[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function thresholdText(language: Language, value: string, clear: string | null): string {
  return clear === null
    ? `> ${value}`
    : t(language, 'alerts.evidence.thresholdText', { value, clear });
}

function categoryLabel(language: Language, category: string): string {
  const key = `incident.category.${category}`;
  return key in MESSAGES[language] ? t(language, key as MessageKey) : category;
}

/** Local time of day (and the date when it is not the day of nowMs), for windows and last readings. */
function formatTime(language: Language, iso: string, nowMs: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const date = new Date(ms);
  const sameDay = new Date(nowMs).toDateString() === date.toDateString();
  return date.toLocaleString(LOCALES[language], {
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}
