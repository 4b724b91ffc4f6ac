import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { RetentionPolicy } from './retention/retention-policy.js';

/** Server configuration, read once from the environment and validated at the edge. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… to run on PostgreSQL/PostGIS; absent for the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** PGlite data directory (ignored with databaseUrl). */
  dataDir: string;
  /** Directory with the built client (vite build). */
  clientDir: string;
  /** Directory with offline basemap and terrain tiles. */
  tilesDir: string;
  /** Directory with the reference data (provinces, volcanoes, centers). */
  referenceDir: string;
  /** Absolute URL the server is reached at (ATALAYA_PUBLIC_URL), for links in webhooks; optional. */
  publicUrl: string | undefined;
  /** Host named in CAP <sender> (atalaya@host): from publicUrl, else the machine's hostname. */
  publicHost: string;
  /** Load the synthetic demo slice on a first start (ATALAYA_DEMO_DATA, default true). */
  demoData: boolean;
  /**
   * Several servers on one PostgreSQL (ATALAYA_CLUSTER=true, needs DATABASE_URL): one evaluates alert
   * rules and delivers webhooks under an advisory-lock lease, the others relay (server/cluster).
   */
  cluster: boolean;
  /**
   * Server processes on this machine (ATALAYA_WORKERS, default 1): more than one runs them clustered
   * on PostgreSQL, sharing the port (server/cluster/worker-supervisor.ts). Needs DATABASE_URL.
   */
  workers: number;
  /** Anonymous callers may read when true (ATALAYA_PUBLIC_READS, default true). */
  publicReads: boolean;
  /** Anyone may read /metrics (ATALAYA_METRICS_PUBLIC, default false: loopback, the scrape token or an admin). */
  metricsPublic: boolean;
  /** A bearer secret for the Prometheus scraper (ATALAYA_METRICS_TOKEN, at least 32 characters); optional. */
  metricsToken: string | undefined;
  /** Rate limits, CORS, proxies, body sizes and statement timeouts (server/api/security.ts). */
  security: SecurityConfig;
  /** Days readings and incidents are kept, 0 forever (ATALAYA_RETENTION_*_DAYS; server/retention/). */
  retention: RetentionPolicy;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * The hardening knobs. Defaults are generous: a control room of operators behind one address and
 * `npm run loadtest` (1,000 requests/s from 127.0.0.1) never meet a limit; a flood from one host or
 * a leaked token does.
 */
export interface SecurityConfig {
  /** Requests per minute one client address may make to /api (ATALAYA_RATE_LIMIT_ADDRESS; 0 turns it off). */
  rateLimitPerAddress: number;
  /** Requests per minute one API token may make, from any address (ATALAYA_RATE_LIMIT_TOKEN; 0 off). */
  rateLimitPerToken: number;
  /**
   * Loopback callers (the machine itself: scripts, the simulator, the load test) are not rate-limited
   * (ATALAYA_RATE_LIMIT_LOOPBACK=exempt, the default; `limit` counts them like anyone else). Behind a
   * reverse proxy on the same host, set ATALAYA_TRUST_PROXY so clients are told apart by X-Forwarded-For.
   */
  exemptLoopback: boolean;
  /**
   * Express's `trust proxy` (ATALAYA_TRUST_PROXY): false (default: the socket's address is the
   * client), a hop count, or comma-separated addresses, subnets or `loopback`/`linklocal`/`uniquelocal`.
   */
  trustProxy: boolean | number | string;
  /** Origins allowed to call the API from a browser (ATALAYA_CORS_ORIGINS, comma-separated); none by default. */
  corsOrigins: string[];
  /** Largest JSON request body, bytes (ATALAYA_MAX_JSON_BYTES, default 1 MiB). Uploads have their own limit. */
  maxJsonBytes: number;
  /** PostgreSQL statement_timeout, ms (ATALAYA_STATEMENT_TIMEOUT_MS, default 30 s; PGlite cannot enforce one). */
  statementTimeoutMs: number;
}

const projectRoot = path.resolve(import.meta.dirname, '..');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  ATALAYA_DATA_DIR: z.string().min(1).optional(),
  ATALAYA_CLIENT_DIR: z.string().min(1).optional(),
  ATALAYA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ATALAYA_DEMO_DATA: z.enum(['true', 'false']).default('true'),
  ATALAYA_PUBLIC_READS: z.enum(['true', 'false']).default('true'),
  ATALAYA_METRICS_PUBLIC: z.enum(['true', 'false']).default('false'),
  ATALAYA_METRICS_TOKEN: z
    .string()
    .regex(/^\S{32,200}$/, 'must be 32 to 200 characters without spaces (openssl rand -hex 32)')
    .optional(),
  ATALAYA_RATE_LIMIT_ADDRESS: z.coerce.number().int().min(0).max(10_000_000).default(3000),
  ATALAYA_RATE_LIMIT_TOKEN: z.coerce.number().int().min(0).max(10_000_000).default(3000),
  ATALAYA_RATE_LIMIT_LOOPBACK: z.enum(['exempt', 'limit']).default('exempt'),
  ATALAYA_TRUST_PROXY: z
    .string()
    .regex(
      /^(false|\d{1,2}|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/,
      'must be false, a hop count, or comma-separated addresses, subnets or loopback/linklocal/uniquelocal',
    )
    .refine((v) => v !== 'true', 'true would trust any X-Forwarded-For; name the proxies instead')
    .default('false'),
  ATALAYA_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const origins = v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      for (const o of origins) {
        if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o)) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(o)} is not an origin like https://host:port`,
          });
          return z.NEVER;
        }
      }
      return origins;
    }),
  ATALAYA_MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  ATALAYA_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  // About 13 months of readings (a year plus a month, so a year-on-year comparison still has
  // its data) and 5 years of incidents (multi-year planning and surge baselines); 0 keeps forever.
  ATALAYA_RETENTION_READINGS_DAYS: z.coerce.number().int().min(0).max(36_525).default(400),
  ATALAYA_RETENTION_INCIDENTS_DAYS: z.coerce.number().int().min(0).max(36_525).default(1826),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ATALAYA_CLUSTER: z.enum(['true', 'false']).default('false'),
  ATALAYA_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
});

/** Reads the configuration; throws naming the variable when one is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.ATALAYA_WORKERS > 1 && !e.DATABASE_URL) {
    throw new Error(
      'Invalid environment variable ATALAYA_WORKERS: more than one worker needs DATABASE_URL (PostgreSQL); the embedded database serves one process',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.ATALAYA_DATA_DIR ?? path.join(projectRoot, 'var', 'db')),
    clientDir: path.resolve(e.ATALAYA_CLIENT_DIR ?? path.join(projectRoot, 'dist', 'client')),
    tilesDir: path.join(projectRoot, 'tiles'),
    referenceDir: path.join(projectRoot, 'data'),
    publicUrl: e.ATALAYA_PUBLIC_URL?.replace(/\/$/, ''),
    publicHost: e.ATALAYA_PUBLIC_URL ? new URL(e.ATALAYA_PUBLIC_URL).hostname : os.hostname() || 'localhost',
    demoData: e.ATALAYA_DEMO_DATA === 'true',
    cluster: e.ATALAYA_CLUSTER === 'true',
    workers: e.ATALAYA_WORKERS,
    publicReads: e.ATALAYA_PUBLIC_READS === 'true',
    metricsPublic: e.ATALAYA_METRICS_PUBLIC === 'true',
    metricsToken: e.ATALAYA_METRICS_TOKEN,
    security: {
      rateLimitPerAddress: e.ATALAYA_RATE_LIMIT_ADDRESS,
      rateLimitPerToken: e.ATALAYA_RATE_LIMIT_TOKEN,
      exemptLoopback: e.ATALAYA_RATE_LIMIT_LOOPBACK === 'exempt',
      trustProxy: trustProxy(e.ATALAYA_TRUST_PROXY),
      corsOrigins: e.ATALAYA_CORS_ORIGINS,
      maxJsonBytes: e.ATALAYA_MAX_JSON_BYTES,
      statementTimeoutMs: e.ATALAYA_STATEMENT_TIMEOUT_MS,
    },
    retention: {
      readingsDays: e.ATALAYA_RETENTION_READINGS_DAYS,
      incidentsDays: e.ATALAYA_RETENTION_INCIDENTS_DAYS,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** ATALAYA_TRUST_PROXY as express wants it: false, a hop count, or the list of trusted proxies. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** The hardening defaults (what an empty environment gives), for apps built without a Config (tests). */
export function defaultSecurity(): SecurityConfig {
  return loadConfig({}).security;
}
