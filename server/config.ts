import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

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
  /** Anonymous callers may read when true (ATALAYA_PUBLIC_READS, default true). */
  publicReads: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads the configuration; throws naming the variable when one is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
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
    publicReads: e.ATALAYA_PUBLIC_READS === 'true',
    logLevel: e.LOG_LEVEL,
  };
}
