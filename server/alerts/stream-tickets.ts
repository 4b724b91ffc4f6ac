/**
 * One-use tickets that let a browser's EventSource open GET /api/alerts/stream when reads need a token.
 * EventSource cannot send an Authorization header (WHATWG HTML §9.2), so the page, already holding a
 * bearer token, first asks for a ticket (POST /api/alerts/stream-ticket, with the header) and puts it in
 * the stream's URL. A ticket is worth one stream, within a minute, to whoever the token belonged to:
 * a URL that lands in a log or the browser history is useless afterwards, and the long-lived token
 * itself never appears in a URL (RFC 6750 §2.3 advises against tokens in query strings).
 */
import { randomBytes } from 'node:crypto';

/** How long a ticket may wait before it is used, ms: enough for the page to open its stream. */
export const STREAM_TICKET_TTL_MS = 60_000;
/** Tickets outstanding at most; the oldest go first beyond this (a client asking in a loop). */
const MAX_OUTSTANDING = 10_000;

export interface IssuedTicket {
  ticket: string;
  /** Epoch ms after which it is refused. */
  expiresAt: number;
}

/** A ticket: 32 random bytes in base64url (43 characters), like the tokens, but with its own prefix. */
export const STREAM_TICKET_PATTERN = /^sst_[A-Za-z0-9_-]{43}$/;

/**
 * The tickets issued and not yet used, in memory: they live a minute, so a restart losing them only
 * makes the page ask again. `H` is whoever holds the ticket (the principal of the request).
 */
export class StreamTickets<H> {
  private readonly tickets = new Map<string, { holder: H; expiresAt: number }>();

  constructor(private readonly ttlMs: number = STREAM_TICKET_TTL_MS) {}

  /** Tickets outstanding now (expired ones are dropped as new ones are issued). */
  get size(): number {
    return this.tickets.size;
  }

  /** A new ticket for `holder`, valid until nowMs + ttl. */
  issue(holder: H, nowMs: number): IssuedTicket {
    this.prune(nowMs);
    const ticket = `sst_${randomBytes(32).toString('base64url')}`;
    const expiresAt = nowMs + this.ttlMs;
    this.tickets.set(ticket, { holder, expiresAt });
    // Map iteration is insertion order, so the first key is the oldest ticket.
    while (this.tickets.size > MAX_OUTSTANDING) this.tickets.delete(this.tickets.keys().next().value!);
    return { ticket, expiresAt };
  }

  /** The holder of a valid ticket, which is used up by this; null for an unknown, used or expired one. */
  redeem(ticket: string, nowMs: number): H | null {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    return nowMs <= entry.expiresAt ? entry.holder : null;
  }

  private prune(nowMs: number): void {
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt < nowMs) this.tickets.delete(ticket);
  }
}
