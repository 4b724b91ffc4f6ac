/**
 * GET /api/alerts/stream: alert events as Server-Sent Events (WHATWG HTML §9.2). Each message is one
 * alert_events row — `id:` its id, `event:` its kind (pending, firing, resolved, inactive, error,
 * acknowledged, assigned, commented, silenced, unsilenced), `data:` the alert as it stood right after it,
 * with the event itself under `event`. A client that reconnects with Last-Event-ID (browsers do so by
 * themselves) first gets every event it missed, from the database, then the live ones: nothing lost,
 * nothing twice. A comment line every 15 s keeps proxies from closing an idle stream.
 *
 * A stream opened with a token ends within one heartbeat of that token being revoked (on this server
 * or any other on the same database): a revoked operator must not go on watching. The client's
 * reconnection then meets the refusal and asks for sign-in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertEventDto } from '../db/alert-store.js';

export const HEARTBEAT_MS = 15_000;
/** A client this far behind (bytes queued in the socket) is dropped; it reconnects and resumes. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Events read per query when catching a client up. */
const REPLAY_PAGE = 500;

/** The `data:` of one message: the alert after the event, and the event. */
export function sseData(e: AlertEventDto): string {
  return JSON.stringify({
    ...e.alert,
    event: { id: e.id, kind: e.kind, at: e.at, actor: e.actor, ...e.details },
  });
}

/** One SSE message; JSON never contains a raw newline, so `data:` is a single line. */
export function sseMessage(e: AlertEventDto): string {
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${sseData(e)}\n\n`;
}

interface Client {
  res: ServerResponse;
  /** The API token the stream was opened with, or null (public reads). */
  tokenId: number | null;
  /** The last event id written to this client. */
  lastId: number;
  /** Live events that came while the client was being caught up; null once it is live. */
  pending: AlertEventDto[] | null;
}

/** Reads events with id > afterId in id order (the database). */
export type EventsAfter = (afterId: number, limit: number) => Promise<AlertEventDto[]>;

export interface AlertStreamOptions {
  /** Which of these token ids are still live (not revoked); checked at every heartbeat. */
  liveTokens?: (ids: readonly number[]) => Promise<ReadonlySet<number>>;
  /** Heartbeat period, ms (default HEARTBEAT_MS). */
  heartbeatMs?: number;
}

export class AlertStream {
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | null = null;
  private checking = false;
  private readonly heartbeatMs: number;

  constructor(
    private readonly eventsAfter: EventsAfter,
    private readonly options: AlertStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Clients connected now. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Serves one client until it disconnects. `lastEventId`: the Last-Event-ID header (or `lastEventId`
   * query parameter); null starts with live events only. `tokenId`: the token the caller presented.
   */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    lastEventId: number | null,
    tokenId: number | null = null,
  ): Promise<void> {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const client: Client = {
      res,
      tokenId,
      lastId: lastEventId ?? 0,
      pending: lastEventId === null ? null : [],
    };
    this.clients.add(client);
    this.startHeartbeat();
    const drop = () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopHeartbeat();
    };
    req.on('close', drop);
    res.on('close', drop);
    if (client.pending === null) return;
    try {
      for (;;) {
        const page = await this.eventsAfter(client.lastId, REPLAY_PAGE);
        for (const e of page) this.write(client, e);
        if (page.length < REPLAY_PAGE || res.destroyed) break;
      }
    } catch (error) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
      drop();
      return;
    }
    const waiting = client.pending;
    client.pending = null;
    for (const e of waiting) if (e.id > client.lastId) this.write(client, e);
  }

  /** Sends events (in id order) to every client. */
  publish(events: readonly AlertEventDto[]): void {
    for (const client of this.clients) {
      for (const e of events) {
        if (client.pending) client.pending.push(e);
        else if (e.id > client.lastId) this.write(client, e);
      }
    }
  }

  /** Ends every stream (shutdown): clients reconnect to the next server and resume. */
  closeAll(): void {
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.stopHeartbeat();
  }

  private write(client: Client, e: AlertEventDto): void {
    if (client.res.destroyed) return;
    client.res.write(sseMessage(e));
    client.lastId = e.id;
    if (client.res.writableLength > MAX_QUEUED_BYTES) client.res.destroy();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) if (!client.res.destroyed) client.res.write(': heartbeat\n\n');
      void this.endRevoked();
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Ends the streams whose token was revoked since they opened. */
  private async endRevoked(): Promise<void> {
    const liveTokens = this.options.liveTokens;
    if (!liveTokens || this.checking) return;
    const ids = [...new Set([...this.clients].flatMap((c) => (c.tokenId === null ? [] : [c.tokenId])))];
    if (ids.length === 0) return;
    this.checking = true;
    try {
      const live = await liveTokens(ids);
      for (const client of this.clients) {
        if (client.tokenId !== null && !live.has(client.tokenId)) {
          this.clients.delete(client);
          client.res.end();
        }
      }
      if (this.clients.size === 0) this.stopHeartbeat();
    } catch {
      // The database is away: keep the streams; the next heartbeat asks again.
    } finally {
      this.checking = false;
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
