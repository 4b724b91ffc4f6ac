/**
 * The retention policy as a plan: which thermal readings and incidents are old enough to delete,
 * and which old ones must stay. Pure: the facts (open alerts, enabled rules) come in as data and
 * the job (retention-job.ts) carries the plan out through server/db/retention-store.ts.
 *
 * The rules, documented in README "Privacy":
 * 1. Readings older than `readingsDays` and incidents older than `incidentsDays` go; 0 keeps them
 *    forever.
 * 2. Nothing an enabled rule still reads is deleted: the cutoff is never later than now minus the
 *    longest look-back of any enabled rule of that input (a 14-day anomaly baseline, a surge
 *    rule's baseline days, a rate window), so the evaluator's warm-up after a restart and every
 *    baseline find their history however short the retention is set. Because every new alert's
 *    evidence lies within that look-back of now, this also means an alert that opens while the
 *    job runs never has its evidence deleted.
 * 3. Readings that are evidence of an open alert are kept: for each pending, firing or error
 *    alert on a camera (scope key `camera:<id>` or `camera:<id>:obscured`), that camera's
 *    readings from the alert's start minus its rule's look-back minus EVIDENCE_MARGIN_MS onward
 *    stay, however long the alert has been open (Sangay has been erupting for years). Likewise,
 *    while an incident-surge alert is open, incidents from its start minus its look-back onward
 *    stay. Closed alerts carry their evidence with them (the readings are copied into
 *    `alerts.evidence` when they change state), so their raw readings may go.
 */
import type { RuleKind } from '../rules/rule-schema.js';

/** How long data is kept, days; 0 keeps it forever. */
export interface RetentionPolicy {
  readingsDays: number;
  incidentsDays: number;
}

/** An enabled rule, as far as retention cares. */
export interface RuleFact {
  kind: RuleKind;
  /** The rule's parameters (rule-schema.ts): durations in `…Seconds` and `…Days` fields. */
  params: Record<string, unknown>;
}

/** An open (pending, firing or error) alert. */
export interface OpenAlertFact extends RuleFact {
  scopeKey: string;
  /** When the alert started (its pending instant), epoch ms. */
  startedAtMs: number;
}

export interface RetentionPlan {
  readings: {
    /** Delete readings with ts < cutoff; null keeps every reading. */
    cutoff: Date | null;
    /** Cameras (external ids) whose readings at or after `since` stay whatever the cutoff. */
    keep: { cameraExternalId: string; since: Date }[];
  };
  incidents: {
    /** Delete incidents with occurred_at < cutoff; null keeps every incident. */
    cutoff: Date | null;
  };
  /** Why each cutoff is where it is, for the audit row and the CLI. */
  notes: string[];
}

const DAY_MS = 86_400_000;
/** Extra readings kept before an open alert's evidence window: a day, for the operators' chart around it. */
export const EVIDENCE_MARGIN_MS = DAY_MS;

const THERMAL_KINDS: ReadonlySet<RuleKind> = new Set([
  'thermal_threshold',
  'thermal_rate',
  'thermal_anomaly',
  'stale_sensor',
]);

/**
 * The longest span of history a rule reads, ms: the largest of its `…Seconds` parameters (for,
 * window, no-data, obscured) and its `…Days` parameters (baselines). Unknown future durations
 * count too, so a new parameter errs towards keeping data.
 * @example ruleLookbackMs({ windowSeconds: 1800, baselineDays: 14 }) // 1,209,600,000 (14 days)
 */
export function ruleLookbackMs(params: Record<string, unknown>): number {
  let ms = 0;
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    if (key.endsWith('Seconds')) ms = Math.max(ms, value * 1000);
    else if (key.endsWith('Days')) ms = Math.max(ms, value * DAY_MS);
  }
  return ms;
}

/**
 * What to delete now under a policy (see the file comment for the rules).
 * @param nowMs epoch ms
 */
export function retentionPlan(
  policy: RetentionPolicy,
  nowMs: number,
  rules: readonly RuleFact[],
  openAlerts: readonly OpenAlertFact[],
): RetentionPlan {
  for (const [name, days] of Object.entries(policy)) {
    if (!(Number.isInteger(days) && days >= 0)) {
      throw new RangeError(`Retention ${name} must be a whole number of days ≥ 0, got ${String(days)}`);
    }
  }
  const notes: string[] = [];
  const lookback = (kinds: (k: RuleKind) => boolean) =>
    rules.filter((r) => kinds(r.kind)).reduce((m, r) => Math.max(m, ruleLookbackMs(r.params)), 0);

  let readingsCutoff: number | null = null;
  if (policy.readingsDays > 0) {
    readingsCutoff = nowMs - policy.readingsDays * DAY_MS;
    const need = lookback((k) => THERMAL_KINDS.has(k));
    if (nowMs - need < readingsCutoff) {
      readingsCutoff = nowMs - need;
      notes.push(
        `readings: enabled rules read ${days(need)} days back, more than the ${policy.readingsDays} kept`,
      );
    }
  } else notes.push('readings: kept forever (0 days)');

  const keepByCamera = new Map<string, number>();
  for (const a of openAlerts) {
    const camera = /^camera:(.+?)(:obscured)?$/.exec(a.scopeKey)?.[1];
    if (!camera || !THERMAL_KINDS.has(a.kind)) continue;
    const since = a.startedAtMs - ruleLookbackMs(a.params) - EVIDENCE_MARGIN_MS;
    keepByCamera.set(camera, Math.min(keepByCamera.get(camera) ?? Infinity, since));
  }
  const keep =
    readingsCutoff === null
      ? []
      : [...keepByCamera]
          .filter(([, since]) => since < readingsCutoff!)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([cameraExternalId, since]) => ({ cameraExternalId, since: new Date(since) }));
  if (keep.length > 0)
    notes.push(`readings: ${keep.length} camera(s) keep older readings as evidence of open alerts`);

  let incidentsCutoff: number | null = null;
  if (policy.incidentsDays > 0) {
    incidentsCutoff = nowMs - policy.incidentsDays * DAY_MS;
    const need = lookback((k) => k === 'incident_surge');
    if (nowMs - need < incidentsCutoff) {
      incidentsCutoff = nowMs - need;
      notes.push(
        `incidents: enabled rules read ${days(need)} days back, more than the ${policy.incidentsDays} kept`,
      );
    }
    for (const a of openAlerts) {
      if (a.kind !== 'incident_surge') continue;
      const since = a.startedAtMs - ruleLookbackMs(a.params) - EVIDENCE_MARGIN_MS;
      if (since < incidentsCutoff) {
        incidentsCutoff = since;
        notes.push(
          `incidents: an open surge alert (${a.scopeKey}) keeps incidents from ${new Date(since).toISOString()}`,
        );
      }
    }
  } else notes.push('incidents: kept forever (0 days)');

  return {
    readings: { cutoff: readingsCutoff === null ? null : new Date(readingsCutoff), keep },
    incidents: { cutoff: incidentsCutoff === null ? null : new Date(incidentsCutoff) },
    notes,
  };
}

function days(ms: number): string {
  return (Math.round((ms / DAY_MS) * 100) / 100).toString();
}
