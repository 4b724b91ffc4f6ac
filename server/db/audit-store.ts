import type { Queryable } from './database.js';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/** Appends to the audit log, in the caller's transaction so the record and the change commit together. */
export async function appendAudit(tx: Queryable, e: AuditEntry): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (actor, action, entity, entity_id, before, after, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [
      e.actor,
      e.action,
      e.entity,
      e.entityId ?? null,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.requestId ?? null,
    ],
  );
}
