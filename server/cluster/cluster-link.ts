/**
 * Several Atalaya servers on one PostgreSQL (behind a load balancer): exactly one evaluates the alert
 * rules and delivers webhooks — the one holding a session-level advisory lock (the evaluation lease) —
 * and the others relay to it over LISTEN/NOTIFY:
 *
 * - `atalaya_ingest`: a follower's committed readings and incidents, for the evaluating server to
 *   evaluate as if they had been posted to it (the rows are already stored: a lost notice is caught up
 *   by the next evaluator's replay of what was stored since its snapshot);
 * - `atalaya_rules`: a follower's rule change, for the evaluator to re-read the rules;
 * - `atalaya_alert_events`: "new alert events up to id N", so every server's SSE clients get what any
 *   server wrote (transitions on the evaluator, acknowledgements wherever they were made).
 *
 * The lease is the lock's session: if the dedicated connection drops, the lock is gone and another
 * server may take over, so the holder must stop evaluating at once — it exits and its supervisor
 * (systemd) restarts it as a follower. On the embedded database there is one process (its lock file),
 * which always evaluates; none of this runs.
 */
import pg from 'pg';
import type { Queryable } from '../db/database.js';
import type { Logger } from '../logger.js';

/** pg_try_advisory_lock key of the evaluation lease ("ATLY"). */
export const EVALUATION_LOCK_KEY = 0x41544c59;
export const INGEST_CHANNEL = 'atalaya_ingest';
export const RULES_CHANNEL = 'atalaya_rules';
export const EVENTS_CHANNEL = 'atalaya_alert_events';

export type NotificationHandler = (payload: string) => void;

export class ClusterLink {
  private readonly handlers = new Map<string, NotificationHandler>();
  private lost: ((error: Error) => void) | null = null;
  private closed = false;
  leading = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly log: Logger,
  ) {
    client.on('notification', (n) => {
      const handler = this.handlers.get(n.channel);
      if (!handler) return;
      try {
        handler(n.payload ?? '');
      } catch (error) {
        log.error({ err: error, channel: n.channel }, 'a cluster notification could not be handled');
      }
    });
    const drop = (error: Error) => {
      if (this.closed) return;
      this.closed = true;
      this.lost?.(error);
    };
    client.on('error', drop);
    client.on('end', () => drop(new Error('the cluster connection ended')));
  }

  /** A dedicated session (outside the pool): it holds the lease and the LISTENs. */
  static async connect(connectionString: string, log: Logger): Promise<ClusterLink> {
    const client = new pg.Client({ connectionString, application_name: 'atalaya-cluster' });
    await client.connect();
    return new ClusterLink(client, log);
  }

  /** Called once if the dedicated session is lost (with it, the lease and the LISTENs). */
  onLost(callback: (error: Error) => void): void {
    this.lost = callback;
  }

  /** Takes the evaluation lease if no other session holds it. */
  async tryLead(): Promise<boolean> {
    const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      EVALUATION_LOCK_KEY,
    ]);
    this.leading = rows[0]?.ok === true;
    return this.leading;
  }

  /** Resolves once this session holds the lease, trying every `retryMs`; rejects if the session is lost. */
  async campaign(retryMs = 5_000): Promise<void> {
    while (!this.closed) {
      if (await this.tryLead()) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    }
    throw new Error('the cluster connection was closed before this server could lead');
  }

  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    this.handlers.set(channel, handler);
    await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client
      .end()
      .catch((error: unknown) => this.log.warn({ err: error }, 'closing the cluster link'));
  }
}

/** Sends a notification through any connection (the pool): delivered when the sender commits. */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
