/**
 * The CAP messages one alert publishes over its life: an Alert when it fires, Updates while it goes on,
 * a Cancel when it resolves. Each message has its own identifier (`atalaya-alert-<id>-v<n>`, n = 1, 2, …)
 * and every later one references all earlier ones (CAP 1.2 §3.2.1 `references`), so a consumer that missed
 * a message can still tie the chain together.
 *
 * Message n is immutable once published: the lead stores its XML (or at least its `sent` instant) because
 * references must repeat the earlier `sent` exactly.
 */
import type { AlertPhase } from '../rules/rule-engine.js';
import { capDateTime, ECUADOR_UTC_OFFSET_MINUTES } from './cap-xml.js';

export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel'] as const;
export type CapMsgType = (typeof CAP_MSG_TYPES)[number];

/** An earlier CAP message, as `references` names it. */
export interface CapReference {
  sender: string;
  identifier: string;
  /** When that message was sent, epoch ms (whole seconds: CAP times carry no fraction). */
  sent: number;
}

/**
 * CAP identifier of an alert's n-th message.
 * @param alertId the `alerts.id`
 * @param version 1 for the Alert, 2, 3… for the Updates and the Cancel that follow
 * @example capIdentifier(42, 2) === 'atalaya-alert-42-v2'
 */
export function capIdentifier(alertId: string | number, version: number): string {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`CAP message version must be an integer ≥ 1, got ${version}`);
  const id = String(alertId);
  if (!/^[A-Za-z0-9_.-]+$/.test(id))
    throw new RangeError(
      `alert id must be letters, digits, _ . or - to make a CAP identifier, got ${JSON.stringify(id)}`,
    );
  return `atalaya-alert-${id}-v${version}`;
}

/**
 * The CAP sender for a host: `atalaya@<host>`. CAP 1.2 asks for a globally unique sender, with no spaces,
 * commas or restricted characters (< and &).
 * @example capSender('atalaya.ecu911.gob.ec') === 'atalaya@atalaya.ecu911.gob.ec'
 */
export function capSender(host: string): string {
  const sender = `atalaya@${host}`;
  assertCapToken(sender, 'sender');
  return sender;
}

/** Throws unless `value` is usable as a CAP identifier or sender (non-empty; no whitespace, `,`, `<`, `&`). */
export function assertCapToken(value: string, what: string): void {
  if (value.length === 0 || /[\s,<&]/.test(value)) {
    throw new RangeError(
      `CAP ${what} must be non-empty without spaces, commas, < or &: ${JSON.stringify(value)}`,
    );
  }
}

/**
 * The `<references>` text: "sender,identifier,sent" per earlier message, space-separated.
 * @param offsetMinutes the UTC offset the referenced messages were written with (must match theirs)
 * @example capReferencesText([{ sender: 'atalaya@x', identifier: 'atalaya-alert-7-v1', sent: Date.UTC(2025, 0, 1, 5) }])
 *   === 'atalaya@x,atalaya-alert-7-v1,2025-01-01T00:00:00-05:00'
 */
export function capReferencesText(
  references: readonly CapReference[],
  offsetMinutes: number = ECUADOR_UTC_OFFSET_MINUTES,
): string {
  return references
    .map((r) => {
      assertCapToken(r.sender, 'reference sender');
      assertCapToken(r.identifier, 'reference identifier');
      return `${r.sender},${r.identifier},${capDateTime(r.sent, offsetMinutes)}`;
    })
    .join(' ');
}

/**
 * Which CAP message, if any, a lifecycle transition publishes, given how many this alert has published.
 *
 * - to `firing` with nothing published yet: `Alert` (pending alerts are not published: they have not
 *   held long enough to be believed);
 * - to `firing` from `error` when already published: nothing (the alert never stopped for the public);
 * - to `resolved` after a publication: `Cancel` (the hazard is over);
 * - anything else (pending, an evaluation error, a pending alert that cleared): nothing.
 *
 * An `Update` is for changes the lead decides are worth telling (a severity change, new evidence an
 * operator confirms); it is not caused by a lifecycle transition.
 */
export function capMessageTypeFor(
  transition: { from: AlertPhase; to: AlertPhase },
  publishedBefore: number,
): CapMsgType | null {
  if (!Number.isInteger(publishedBefore) || publishedBefore < 0)
    throw new RangeError(`publishedBefore must be an integer ≥ 0, got ${publishedBefore}`);
  if (transition.to === 'firing') return publishedBefore === 0 ? 'Alert' : null;
  if (transition.to === 'resolved') return publishedBefore > 0 ? 'Cancel' : null;
  return null;
}
