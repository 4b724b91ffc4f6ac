import { describe, expect, it } from 'vitest';
import type { Committed } from '../../../server/alerts/alert-service.js';
import { parseRelayPayload, relayPayloads } from '../../../server/cluster/relay-payloads.js';

const reading = (i: number) => ({
  cameraExternalId: `CAM-${String(i).padStart(4, '0')}`,
  ts: new Date(Date.UTC(2026, 2, 10, 12, 0, i)).toISOString(),
  maxTempC: 20 + i / 10,
  meanTempC: null,
  quality: 'ok' as const,
  synthetic: false,
});

describe('relayPayloads', () => {
  it('splits a batch into NOTIFY-sized messages that parse back to the same records in order', () => {
    const records: Committed = Array.from({ length: 1000 }, (_, i) => reading(i));
    const payloads = relayPayloads(records, 'readings');
    // Every message is filled until the next record would not fit: no more messages than if each were
    // short by one record, no fewer than the bytes need.
    const bytes = records.map((r) => Buffer.byteLength(JSON.stringify(r)) + 1);
    const total = bytes.reduce((x, y) => x + y, 0);
    const envelope = Buffer.byteLength('{"kind":"readings","records":[]}');
    expect(payloads.length).toBeGreaterThanOrEqual(Math.ceil(total / (7500 - envelope)));
    expect(payloads.length).toBeLessThanOrEqual(Math.ceil(total / (7500 - envelope - Math.max(...bytes))));
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(7500);
    const back = payloads.flatMap((p) => parseRelayPayload(p).records);
    expect(back).toEqual(records);
    expect(parseRelayPayload(payloads[0]!).kind).toBe('readings');
  });

  it('counts bytes, not characters: names in Spanish with accents still fit', () => {
    const records: Committed = Array.from({ length: 200 }, (_, i) => ({
      externalId: `INC-${i}`,
      category: 'natural_hazard' as const,
      priority: 1,
      occurredAt: '2026-03-10T12:00:00Z',
      position: [-78.5, -0.2] as [number, number],
      description: 'Caída de ceniza en Baños — ñandú '.repeat(4),
      synthetic: false,
    }));
    const payloads = relayPayloads(records, 'incidents', 2000);
    for (const p of payloads) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(2000);
    expect(payloads.flatMap((p) => parseRelayPayload(p).records)).toEqual(records);
  });

  it('refuses a record too big for any message, naming its size', () => {
    expect(() => relayPayloads([reading(1)], 'readings', 100)).toThrow(/bytes, over/);
  });

  it('gives no message for no records, and refuses a payload that is not a relayed batch', () => {
    expect(relayPayloads([], 'readings')).toEqual([]);
    expect(() => parseRelayPayload('{"kind":"cameras","records":[]}')).toThrow(/not a relayed/);
  });
});
