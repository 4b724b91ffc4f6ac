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

/** The owner of a live (not revoked) token, touching its last use at most once a minute. */
export async function findToken(db: Queryable, secret: string): Promise<TokenOwner | null> {
  const rows = await db.query<TokenOwner>(
    `UPDATE api_tokens SET last_used_at = now()
     WHERE token_hash = $1 AND revoked_at IS NULL
       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
     RETURNING id, name, role`,
    [hashToken(secret)],
  );
  if (rows[0]) return rows[0];
  const current = await db.query<TokenOwner>(
    'SELECT id, name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(secret)],
  );
  return current[0] ?? null;
}

export async function countTokens(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM api_tokens WHERE revoked_at IS NULL',
  );
  return row!.n;
}
