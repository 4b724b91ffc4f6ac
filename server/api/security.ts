/**
 * The HTTP hardening in front of every route: security headers (helmet, with Atalaya's content
 * security policy), strict CORS (no cross-origin callers unless ATALAYA_CORS_ORIGINS lists them),
 * rate limits per client address and per API token (express-rate-limit), and the JSON body limit.
 * The limits and lists come from server/config.ts (SecurityConfig).
 */
import cors from 'cors';
import type { Express, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import helmet from 'helmet';
import type { SecurityConfig } from '../config.js';
import { AtalayaError, ForbiddenError } from '../errors.js';

/** Too many requests in the window: 429 with Retry-After. */
export class RateLimitedError extends AtalayaError {
  readonly status = 429;
  readonly type = 'rate-limited';
}

/** Window the per-minute limits count over, ms. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Everything the page needs is served from this origin, and the policy says so to the browser:
 * scripts only from here, no plugins, never framed; inline styles for MapLibre's and deck.gl's
 * element styles, blob: workers for MapLibre.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Whether `ip` (as express reports it) is this machine: 127.0.0.0/8, ::1 or their IPv4-mapped form. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

/**
 * Installs the hardening on `app`, in order: trust proxy, security headers, CORS, the per-address
 * limit on /api, the JSON body limit. The per-token limit needs the caller: install
 * `tokenRateLimit` after authentication.
 */
export function applySecurity(app: Express, config: SecurityConfig): void {
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    }),
  );
  app.use(corsPolicy(config.corsOrigins));
  if (config.rateLimitPerAddress > 0) app.use('/api', addressRateLimit(config));
  const maxJsonBytes = config.maxJsonBytes;
  app.use('/api', (req, _res, next) => {
    req.maxJsonBytes = maxJsonBytes;
    next();
  });
}

/**
 * Cross-origin callers are refused unless listed: their preflight is a 403 naming the origin, and
 * their simple requests get no Access-Control-Allow-Origin, so the browser keeps the answer from
 * them. Same-origin pages (the client) never need CORS.
 */
export function corsPolicy(allowed: readonly string[]): RequestHandler {
  const allow = cors({
    origin: [...allowed],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['Link', 'Location', 'Retry-After', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
  return (req, res, next) => {
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (preflight && origin !== undefined && !allowed.includes(origin)) {
      next(new ForbiddenError(`Cross-origin requests from ${origin} are not allowed (ATALAYA_CORS_ORIGINS)`));
      return;
    }
    allow(req, res, next);
  };
}

function limiter(
  config: SecurityConfig,
  limit: number,
  what: string,
  key: Options['keyGenerator'],
  skip: (req: Parameters<Options['skip']>[0]) => boolean,
): RequestHandler {
  return rateLimit({
    windowMs: RATE_WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // A 429 for one limiter must not count again in the other, nor an exempt caller at all.
    identifier: what,
    keyGenerator: key,
    skip: (req) => (config.exemptLoopback && isLoopback(req.ip)) || skip(req),
    handler: (req, res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      res.setHeader('Retry-After', String(seconds));
      next(new RateLimitedError(`More than ${limit} requests a minute ${what}; retry in ${seconds} s`));
    },
    // X-Forwarded-For without trust proxy is reported by express-rate-limit on the console; the
    // README's ATALAYA_TRUST_PROXY explains it instead.
    validate: { xForwardedForHeader: false },
  });
}

/** ATALAYA_RATE_LIMIT_ADDRESS requests a minute per client address, every /api request counted. */
export function addressRateLimit(config: SecurityConfig): RequestHandler {
  return limiter(
    config,
    config.rateLimitPerAddress,
    'from this address',
    (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    () => false,
  );
}

/** ATALAYA_RATE_LIMIT_TOKEN requests a minute per API token, whatever address it is used from. */
export function tokenRateLimit(config: SecurityConfig): RequestHandler {
  if (config.rateLimitPerToken <= 0) return (_req, _res, next) => next();
  return limiter(
    config,
    config.rateLimitPerToken,
    'with this token',
    (req) => `token:${req.principal.tokenId}`,
    (req) => req.principal.tokenId === null,
  );
}
