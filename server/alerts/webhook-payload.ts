/**
 * What a webhook receives for one alert event: a JSON body built once, when the event is put in the
 * outbox, so every retry sends the same bytes (same signature) under the same Idempotency-Key.
 */
import type { Severity } from '../domain/types.js';
import type { AlertTransition } from '../rules/alert-slot.js';
import type { AlertPhase } from '../rules/rule-engine.js';
import { isoTime } from '../rules/iso-time.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

/** One alert event ready for the outbox. */
export interface WebhookEvent {
  /** Idempotency-Key: the same for every retry and every worker. */
  key: string;
  alertId: string;
  /** The phase the alert went to: `alert.<to>` is the event type. */
  to: AlertPhase;
  severity: Severity;
  /** The exact JSON sent. */
  body: string;
}

/**
 * The Idempotency-Key of an alert event: stable per (alert, event), so a receiver that has seen it can
 * answer 2xx again without acting twice.
 * @param alertId `alerts.id`
 * @param eventId `alert_events.id` of the transition
 * @example webhookIdempotencyKey(42, 1007) === 'atalaya-alert-42-event-1007'
 */
export function webhookIdempotencyKey(alertId: string | number, eventId: string | number): string {
  return `atalaya-alert-${alertId}-event-${eventId}`;
}

/**
 * The event for a lifecycle transition once it has been stored (its alert and event ids exist).
 * Body: `{ version, type: 'alert.firing'|…, id (the idempotency key), occurredAt, alert: {…, evidence},
 * transition: { from, to, cause }, links }`.
 * @param links absolute URLs of the alert's page and of its CAP document, when the caller has them
 */
export function webhookEvent(
  transition: AlertTransition,
  ids: { alertId: string | number; eventId: string | number },
  links: { alert?: string; cap?: string } = {},
): WebhookEvent {
  if (!Number.isFinite(transition.at))
    throw new RangeError(`transition time must be finite epoch ms, got ${transition.at}`);
  const key = webhookIdempotencyKey(ids.alertId, ids.eventId);
  const body = JSON.stringify({
    version: WEBHOOK_PAYLOAD_VERSION,
    type: `alert.${transition.to}`,
    id: key,
    occurredAt: isoTime(transition.at),
    alert: {
      id: String(ids.alertId),
      ruleId: transition.ruleId,
      ruleName: transition.ruleName,
      kind: transition.kind,
      scopeKey: transition.scopeKey,
      severity: transition.severity,
      state: transition.to,
      episode: transition.episode,
      labels: transition.labels,
      value: transition.value,
      evidence: transition.evidence,
      ...(transition.message !== undefined ? { message: transition.message } : {}),
    },
    transition: { from: transition.from, to: transition.to, cause: transition.cause },
    links,
  });
  return { key, alertId: String(ids.alertId), to: transition.to, severity: transition.severity, body };
}
