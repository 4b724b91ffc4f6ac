/**
 * What a stored alert transition sends out, in the same transaction that stores it: its CAP
 * message (when it is a publication) and one webhook delivery per matching subscription. The
 * delivery loop sends them after the commit; nothing here waits on a receiver.
 */
import type { Queryable } from '../db/database.js';
import { publishCap, type CapPublishing } from '../db/cap-store.js';
import { enabledWebhooks, enqueueDeliveries } from '../db/webhook-store.js';
import type { AlertTransition } from '../rules/alert-slot.js';
import { outboxDeliveriesFor } from './webhook-outbox.js';
import { webhookEvent } from './webhook-payload.js';

export interface PublishOptions extends CapPublishing {
  /** Absolute base URL of this server for links in webhook bodies, e.g. https://atalaya.example. */
  baseUrl?: string;
}

export async function publishTransition(
  tx: Queryable,
  t: AlertTransition,
  stored: { alertId: number; eventId: number },
  options: PublishOptions,
): Promise<void> {
  await publishCap(tx, stored.alertId, t, options);
  const webhooks = await enabledWebhooks(tx);
  if (webhooks.length === 0) return;
  const links = options.baseUrl
    ? {
        alert: `${options.baseUrl}/api/alerts/${stored.alertId}`,
        cap: `${options.baseUrl}/api/cap/alerts/${stored.alertId}.xml`,
      }
    : {};
  const event = webhookEvent(t, stored, links);
  await enqueueDeliveries(tx, outboxDeliveriesFor(event, webhooks, t.at), stored.eventId);
}
