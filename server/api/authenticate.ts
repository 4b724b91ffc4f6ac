import type { RequestHandler } from 'express';
import { bearerToken } from '../auth/api-token.js';
import { can, type Permission } from '../auth/roles.js';
import type { Database } from '../db/database.js';
import { findToken, type TokenOwner } from '../db/token-store.js';
import type { Role } from '../domain/types.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

export interface Principal {
  /** Token name, or `anonymous`. */
  name: string;
  role: Role | null;
  tokenId: number | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal;
  }
}

const ANONYMOUS: Principal = { name: 'anonymous', role: null, tokenId: null };

/** Resolves the bearer token, if any. A malformed or unknown token is refused, never ignored. */
export function authenticate(db: Database): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) {
      req.principal = ANONYMOUS;
      next();
      return;
    }
    const secret = bearerToken(header);
    if (!secret) throw new UnauthorizedError('The Authorization header must be "Bearer atl_…"');
    const owner: TokenOwner | null = await findToken(db, secret);
    if (!owner) throw new UnauthorizedError('Unknown or revoked token');
    req.principal = { name: owner.name, role: owner.role, tokenId: owner.id };
    next();
  };
}

/**
 * Checks the caller may do `permission`. Reads are open to anonymous callers when
 * `publicReads` is on (the default), otherwise they need any valid token.
 */
export function authorize(principal: Principal, permission: Permission, publicReads: boolean): void {
  if (permission === 'read' && publicReads) return;
  if (!principal.role) throw new UnauthorizedError(`This needs a token with the ${permission} permission`);
  if (!can(principal.role, permission)) {
    throw new ForbiddenError(`Role ${principal.role} may not ${permission}`);
  }
}
