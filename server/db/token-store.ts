import { generateToken, hashToken } from '../auth/api-token.js';
import type { Role } from '../domain/types.js';
import type { Queryable } from './database.js';

export interface TokenOwner {
  id: number;
  name: string;
  role: Role;
}

/** Creates a token; the returned secret is never stored and cannot be shown again. */
export async function createToken(
  db: Queryable,
  name: string,
  role: Role,
): Promise<TokenOwner & { secret: string }> {
  const secret = generateToken();
  const [row] = await db.query<TokenOwner>(
    'INSERT INTO api_tokens (name, role, token_hash) VALUES ($1, $2, $3) RETURNING id, name, role',
    [name, role, hashToken(secret)],
  );
  return { ...row!, secret };
}

/**
 * The owner of a live (not revoked) token, touching its last use at most once a minute. One
 * statement: every authenticated request pays it, a gateway's batch every second.
 */
export async function findToken(db: Queryable, secret: string): Promise<TokenOwner | null> {
  const rows = await db.query<TokenOwner>(
    `WITH t AS (
       SELECT id, name, role, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL
     ), touched AS (
       UPDATE api_tokens a SET last_used_at = now() FROM t
       WHERE a.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')
       RETURNING a.id
     )
     SELECT id, name, role FROM t`,
    [hashToken(secret)],
  );
  return rows[0] ?? null;
}

/** Which of `ids` are live tokens (not revoked). */
export async function liveTokenIds(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  const rows = await db.query<{ id: number }>(
    'SELECT id FROM api_tokens WHERE id = ANY($1::bigint[]) AND revoked_at IS NULL',
    [ids],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

export async function countTokens(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM api_tokens WHERE revoked_at IS NULL',
  );
  return row!.n;
}

/** A token as an admin sees it: never its secret nor its hash. */
export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_INFO_COLUMNS = `id, name, role, created_at AS "createdAt", last_used_at AS "lastUsedAt",
  revoked_at AS "revokedAt"`;

/** Every token, live and revoked, by id. */
export async function listTokens(db: Queryable): Promise<TokenInfo[]> {
  return db.query<TokenInfo>(`SELECT ${TOKEN_INFO_COLUMNS} FROM api_tokens ORDER BY id`);
}

/** One token, locked for update when `tx` is a transaction; null when there is none. */
export async function findTokenInfo(db: Queryable, id: number): Promise<TokenInfo | null> {
  const rows = await db.query<TokenInfo>(
    `SELECT ${TOKEN_INFO_COLUMNS} FROM api_tokens WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/** Revokes a live token; the token after, or null when it was not live. */
export async function revokeToken(db: Queryable, id: number): Promise<TokenInfo | null> {
  const rows = await db.query<TokenInfo>(
    `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${TOKEN_INFO_COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * Live tokens with `role`, locked until the transaction ends, so that two admins revoking each
 * other's tokens at once cannot both see a second admin left.
 */
export async function countLiveTokens(tx: Queryable, role: Role): Promise<number> {
  const rows = await tx.query(
    'SELECT id FROM api_tokens WHERE revoked_at IS NULL AND role = $1 ORDER BY id FOR UPDATE',
    [role],
  );
  return rows.length;
}
