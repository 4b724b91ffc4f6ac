/**
 * Committed ingest records as NOTIFY payloads and back. PostgreSQL caps a payload at 8,000 bytes, so a
 * batch is split into as many messages as it takes; each is a complete JSON document on its own.
 */
import type { Committed } from '../alerts/alert-service.js';
import type { IngestKind } from '../ingest/record-schemas.js';

/** Below NOTIFY's 8,000-byte limit, with room for the envelope. */
export const MAX_PAYLOAD_BYTES = 7_500;

export interface RelayMessage {
  kind: IngestKind;
  records: Committed;
}

/**
 * The records in order, in messages of at most `maxBytes` (UTF-8) each.
 * @throws RangeError when a single record does not fit (it would be a record far beyond the schemas' limits)
 */
export function relayPayloads(records: Committed, kind: IngestKind, maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const head = `{"kind":${JSON.stringify(kind)},"records":[`;
  const tail = ']}';
  const base = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const out: string[] = [];
  let parts: string[] = [];
  let bytes = base;
  for (const record of records) {
    const json = JSON.stringify(record);
    const size = Buffer.byteLength(json);
    if (base + size > maxBytes) {
      throw new RangeError(`one ${kind} record is ${size} bytes, over ${maxBytes - base}`);
    }
    // A record after the first costs its comma too.
    if (parts.length > 0 && bytes + 1 + size > maxBytes) {
      out.push(head + parts.join(',') + tail);
      parts = [];
      bytes = base;
    }
    bytes += size + (parts.length > 0 ? 1 : 0);
    parts.push(json);
  }
  if (parts.length > 0) out.push(head + parts.join(',') + tail);
  return out;
}

/** A payload back into its message; throws on anything that is not one. */
export function parseRelayPayload(payload: string): RelayMessage {
  const value = JSON.parse(payload) as Partial<RelayMessage>;
  if ((value.kind !== 'readings' && value.kind !== 'incidents') || !Array.isArray(value.records)) {
    throw new TypeError(`not a relayed ingest message: ${payload.slice(0, 80)}`);
  }
  return value as RelayMessage;
}
