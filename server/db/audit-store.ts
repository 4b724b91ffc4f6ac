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

/** One audit record as it is read back. */
export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditFilter {
  /** Exact actor names (token names, `cli`, `seed`, `anonymous`). */
  actors?: readonly string[] | undefined;
  /** Exact actions (`rule.update`) or prefixes ending in `.*` (`alert.*`). */
  actions?: readonly string[] | undefined;
  entity?: string | undefined;
  entityId?: string | undefined;
  /** At or after. */
  from?: Date | undefined;
  /** Before. */
  to?: Date | undefined;
}

/** LIKE pattern of a prefix: `%`, `_` and the escape character itself stand for themselves. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Audit records matching `filter`, newest first, at most `limit`, only those with an id below
 * `beforeId` (keyset paging: pass the last id of the previous page). Every value is a parameter.
 */
export async function queryAudit(
  db: Queryable,
  filter: AuditFilter,
  limit: number,
  beforeId?: number | null,
): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.actors?.length) where.push(`actor = ANY(${param(filter.actors)}::text[])`);
  if (filter.actions?.length) {
    const exact = filter.actions.filter((a) => !a.endsWith('.*'));
    const prefixes = filter.actions.filter((a) => a.endsWith('.*')).map((a) => likePrefix(a.slice(0, -1)));
    const any: string[] = [];
    if (exact.length) any.push(`action = ANY(${param(exact)}::text[])`);
    if (prefixes.length) any.push(`action LIKE ANY(${param(prefixes)}::text[])`);
    where.push(`(${any.join(' OR ')})`);
  }
  if (filter.entity !== undefined) where.push(`entity = ${param(filter.entity)}`);
  if (filter.entityId !== undefined) where.push(`entity_id = ${param(filter.entityId)}`);
  if (filter.from) where.push(`at >= ${param(filter.from)}`);
  if (filter.to) where.push(`at < ${param(filter.to)}`);
  if (beforeId !== undefined && beforeId !== null) where.push(`id < ${param(beforeId)}`);
  return db.query<AuditRecord>(
    `SELECT id, at, actor, action, entity, entity_id AS "entityId", before, after, request_id AS "requestId"
     FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT ${param(limit)}`,
    params,
  );
}
