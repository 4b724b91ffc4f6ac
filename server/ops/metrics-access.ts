/**
 * Who may read /metrics. The figures say how busy the network is and how many alerts are open, so
 * they are not public unless configured:
 *
 * - a caller on the machine itself (a Prometheus or node exporter on localhost), connected directly:
 *   a loopback connection that carries X-Forwarded-For, Forwarded or X-Real-IP came through a reverse
 *   proxy on the same host and is treated as remote;
 * - `Authorization: Bearer <ATALAYA_METRICS_TOKEN>`, a secret made for the scraper alone;
 * - `Authorization: Bearer <API token>` of an admin;
 * - anyone, with ATALAYA_METRICS_PUBLIC=true.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { bearerToken } from '../auth/api-token.js';
import type { Database } from '../db/database.js';
import { findToken } from '../db/token-store.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

export interface MetricsAccess {
  /** Anyone may scrape (ATALAYA_METRICS_PUBLIC=true). */
  public: boolean;
  /** The scraper's own bearer secret (ATALAYA_METRICS_TOKEN), if set. */
  token?: string | undefined;
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Throws UnauthorizedError or ForbiddenError unless `req` may read the metrics. */
export async function authorizeScrape(req: Request, access: MetricsAccess, db: Database): Promise<void> {
  if (access.public) return;
  const header = req.get('authorization');
  if (!header) {
    if (isDirectLoopback(req)) return;
    throw new UnauthorizedError(
      '/metrics needs a loopback connection, the ATALAYA_METRICS_TOKEN bearer secret or an admin token',
    );
  }
  const presented = /^Bearer\s+(\S+)\s*$/.exec(header)?.[1];
  if (presented && access.token && sameSecret(presented, access.token)) return;
  const secret = bearerToken(header);
  const owner = secret ? await findToken(db, secret) : null;
  if (!owner) throw new UnauthorizedError('Unknown or revoked token');
  if (owner.role !== 'admin')
    throw new ForbiddenError(`Role ${owner.role} may not read /metrics (admin only)`);
}

/** A loopback peer that did not come through a proxy (the socket's address, not X-Forwarded-For). */
export function isDirectLoopback(req: Pick<Request, 'socket' | 'get'>): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '::1' || /^(::ffff:)?127\./.test(address);
  return loopback && FORWARDING_HEADERS.every((h) => req.get(h) === undefined);
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
