/**
 * One server's part in a cluster on one PostgreSQL (cluster-link.ts): it relays its committed inputs and
 * rule changes to the evaluating server, fans alert events in and out for its SSE clients, and campaigns
 * for the evaluation lease; when it wins, it stops relaying, starts its own evaluation and webhook
 * delivery (`lead`), and evaluates what the followers relay.
 */
import { randomUUID } from 'node:crypto';
import type { AlertService } from '../alerts/alert-service.js';
import type { Database } from '../db/database.js';
import { eventsAfter } from '../db/alert-store.js';
import type { Logger } from '../logger.js';
import type { ClusterLink } from './cluster-link.js';
import { EVENTS_CHANNEL, INGEST_CHANNEL, notify, RULES_CHANNEL } from './cluster-link.js';
import { parseRelayPayload, relayPayloads } from './relay-payloads.js';

const FAN_IN_PAGE = 500;

export interface ClusterMemberOptions {
  db: Database;
  link: ClusterLink;
  alerts: AlertService;
  log: Logger;
  /** Starts what only the evaluating server runs (the alert service, webhook delivery). */
  lead: () => Promise<void>;
  /** How often a follower tries for the lease, ms. */
  campaignEveryMs?: number;
}

export interface ClusterMember {
  /** Resolves once this server holds the lease and `lead` has run. */
  readonly leading: Promise<void>;
  readonly instanceId: string;
}

export async function joinCluster(options: ClusterMemberOptions): Promise<ClusterMember> {
  const { db, link, alerts, log } = options;
  const instanceId = randomUUID();
  const fail = (what: string) => (err: unknown) => log.error({ err }, what);

  alerts.follow({
    committed: (records, kind) => {
      // The batch is stored already: a notice that cannot be sent is caught up by the evaluator's replay
      // at its next start, so a failure here is logged, never thrown back at the client.
      try {
        for (const payload of relayPayloads(records, kind)) {
          notify(db, INGEST_CHANNEL, payload).catch(fail('relaying an ingest batch to the evaluator failed'));
        }
      } catch (error) {
        fail('relaying an ingest batch to the evaluator failed')(error);
      }
    },
    rulesChanged: (actor) => notify(db, RULES_CHANNEL, actor),
  });

  // Fan-out: every server tells the others up to which event id it wrote; each then sends its own SSE
  // clients what it has not sent yet (the stream skips ids a client already has).
  let fannedTo = (
    await db.query<{ id: number }>('SELECT coalesce(max(id), 0)::bigint AS id FROM alert_events')
  )[0]!.id;
  fannedTo = Number(fannedTo);
  let catchingUp: Promise<void> = Promise.resolve();
  const catchUp = () => {
    catchingUp = catchingUp
      .then(async () => {
        for (;;) {
          const page = await eventsAfter(db, fannedTo, FAN_IN_PAGE);
          if (page.length === 0) return;
          alerts.stream.publish(page);
          fannedTo = page[page.length - 1]!.id;
          if (page.length < FAN_IN_PAGE) return;
        }
      })
      .catch(fail('fanning in alert events from other servers failed'));
  };
  await link.listen(EVENTS_CHANNEL, (payload) => {
    if (!payload.startsWith(`${instanceId}:`)) catchUp();
  });
  alerts.subscribe((events) => {
    const last = events[events.length - 1];
    if (!last) return;
    if (last.id > fannedTo) fannedTo = last.id;
    notify(db, EVENTS_CHANNEL, `${instanceId}:${last.id}`).catch(fail('announcing alert events failed'));
  });

  const leading = link.campaign(options.campaignEveryMs).then(async () => {
    log.info({ instanceId }, 'this server holds the evaluation lease: evaluating alert rules here');
    alerts.stopFollowing();
    // Listen before starting: notices that arrive meanwhile queue behind the start, which replays what
    // was stored until then; the evaluator drops what it has already seen.
    await link.listen(INGEST_CHANNEL, (payload) => {
      const message = parseRelayPayload(payload);
      alerts.onCommitted(message.records, message.kind);
    });
    await link.listen(RULES_CHANNEL, (actor) => {
      alerts.applyRuleChanges(actor || 'cluster').catch(fail('applying a relayed rule change failed'));
    });
    await options.lead();
  });
  return { leading, instanceId };
}
