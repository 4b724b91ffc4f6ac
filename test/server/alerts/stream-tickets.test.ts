import { describe, expect, it } from 'vitest';
import { STREAM_TICKET_PATTERN, StreamTickets } from '../../../server/alerts/stream-tickets.js';

describe('StreamTickets', () => {
  it('gives the holder back once, within the time to live', () => {
    const tickets = new StreamTickets<string>(60_000);
    const { ticket, expiresAt } = tickets.issue('viewer-1', 1_000);
    expect(ticket).toMatch(STREAM_TICKET_PATTERN);
    expect(expiresAt).toBe(61_000);
    expect(tickets.redeem(ticket, 61_000)).toBe('viewer-1');
    expect(tickets.redeem(ticket, 61_000)).toBeNull();
  });

  it('refuses a ticket one millisecond after it expired, and forgets it', () => {
    const tickets = new StreamTickets<string>(60_000);
    const { ticket } = tickets.issue('viewer-1', 0);
    expect(tickets.redeem(ticket, 60_001)).toBeNull();
    expect(tickets.size).toBe(0);
  });

  it('refuses tickets it never issued', () => {
    const tickets = new StreamTickets<string>();
    tickets.issue('viewer-1', 0);
    expect(tickets.redeem(`sst_${'A'.repeat(43)}`, 0)).toBeNull();
  });

  it('issues distinct tickets and drops the expired ones as it issues new ones', () => {
    const tickets = new StreamTickets<number>(1_000);
    const a = tickets.issue(1, 0).ticket;
    const b = tickets.issue(2, 500).ticket;
    expect(a).not.toBe(b);
    tickets.issue(3, 1_200); // a (expired at 1 000) goes; b (1 500) stays
    expect(tickets.size).toBe(2);
    expect(tickets.redeem(b, 1_200)).toBe(2);
  });
});
