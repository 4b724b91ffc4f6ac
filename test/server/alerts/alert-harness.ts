/**
 * What the alert service tests (and scripts/bench/alerts-bench.ts) share: a database of their own, a
 * fake clock, the service behind a small express app built from the server's own pieces (authenticate,
 * ApiRoutes, the alert and rule routes, runImport with the service's onCommitted hook, problem details),
 * and an SSE client. Until server/app.ts wires the service in, this stands in for createApp.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AlertService, type AlertServiceOptions } from '../../../server/alerts/alert-service.js';
import { addAlertRoutes } from '../../../server/api/alert-routes.js';
import { authenticate } from '../../../server/api/authenticate.js';
import { apiNotFound, problemDetails } from '../../../server/api/problem-details.js';
import { ApiRoutes } from '../../../server/api/route-registry.js';
import { addRuleRoutes } from '../../../server/api/rule-routes.js';
import type { Database } from '../../../server/db/database.js';
import { createToken } from '../../../server/db/token-store.js';
import type { Role } from '../../../server/domain/types.js';
import { detectFormat } from '../../../server/ingest/format-detect.js';
import type { IngestKind } from '../../../server/ingest/record-schemas.js';
import { runImport } from '../../../server/ingest/run-import.js';
import { createLogger, type Logger } from '../../../server/logger.js';
import { isolatedTestDatabase } from '../../setup/test-database.js';

export const S = 1000;

/** A parsed JSON body: the tests' assertions check its shape, not the type system. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

let shared: Promise<Database> | undefined;

/**
 * The alert suites' database, migrated with the reference data: `<name>_test_alerts` on PostgreSQL (so a
 * parallel run of the other suites cannot drop it), a PGlite of its own otherwise. Opened once per run.
 */
export function alertTestDatabase(): Promise<Database> {
  shared ??= isolatedTestDatabase('alerts');
  return shared;
}

/** A clock the test moves by hand. */
export interface FakeClock {
  now: () => number;
  set(ms: number): void;
}

export function createClock(startMs: number): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    set(ms: number) {
      t = ms;
    },
  };
}

/**
 * Empties what the alert suites write (rules and, by cascade, alerts and events; readings, incidents,
 * cameras, the evaluator snapshot), so each suite starts from a clean slate whatever ran before it.
 */
export async function resetAlertData(db: Database): Promise<void> {
  await db.exec(`
    DELETE FROM rule_evaluator_snapshots;
    DELETE FROM alert_rules;
    DELETE FROM thermal_readings;
    DELETE FROM incidents;
    DELETE FROM cameras;
  `);
}

/** A whole hour one to two hours ahead of the real clock: a multiple of the 15 s sweep grid. */
export function testEpoch(): number {
  return Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
}

export interface Harness {
  url: string;
  service: AlertService;
  db: Database;
  /** Stops the service (snapshot) and the server. */
  close(): Promise<void>;
  /** A crash: the server goes, the service is dropped without its snapshot or anything queued after. */
  abandon(): Promise<void>;
}

/**
 * POST /api/{readings,incidents} as server/api/ingest-routes.ts serves them, plus the hook the lead is to
 * add there: runImport(…, { onCommitted }).
 */
export function addHookedIngestRoutes(
  api: ApiRoutes,
  db: Database,
  onCommitted: AlertService['onCommitted'],
): void {
  for (const kind of ['readings', 'incidents'] as const) {
    api.add({
      method: 'post',
      path: `/api/${kind}`,
      summary: `Import ${kind} (test harness)`,
      tags: ['ingest'],
      permission: kind === 'readings' ? 'readings.write' : 'incidents.write',
      responses: { 200: { description: 'Committed' } },
      handler: async (_input, req, res) => {
        const result = await runImport(db, req, {
          kind,
          format: detectFormat({ contentType: req.get('content-type') ?? null }),
          mode: 'all-or-nothing',
          actor: req.principal.name,
          requestId: req.id,
          onCommitted,
        });
        res.status(result.committed ? 200 : 422).json(result);
      },
    });
  }
}

/** The alert service and its routes on `db` (reads public unless `publicReads: false`), on a free loopback port. */
export async function startHarness(
  db: Database,
  options: Partial<AlertServiceOptions> & { publicReads?: boolean } = {},
  log: Logger = createLogger('silent'),
): Promise<Harness> {
  const { publicReads = true, ...serviceOptions } = options;
  const service = new AlertService({ db, log, rulesFile: null, tickEveryMs: 0, ...serviceOptions });
  await service.start();
  const app = express();
  app.use('/api', authenticate(db));
  const api = new ApiRoutes(publicReads);
  addAlertRoutes(api, db, service);
  addRuleRoutes(api, db, service);
  addHookedIngestRoutes(api, db, service.onCommitted);
  app.use(api.router);
  app.use('/api', apiNotFound);
  app.use(problemDetails(log));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const closeServer = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    db,
    close: async () => {
      await service.stop();
      await closeServer();
    },
    abandon: async () => {
      await service.whenIdle();
      service.stream.closeAll();
      await closeServer();
    },
  };
}

/** A bearer token per role. */
export async function createTokens(db: Database, prefix: string): Promise<Record<Role, string>> {
  const out = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'analyst', 'admin'] as const)
    out[role] = (await createToken(db, `${prefix}-${role}`, role)).secret;
  return out;
}

/** A thermal (or other) camera inserted directly. */
export async function insertCamera(
  db: Database,
  c: {
    externalId: string;
    lng: number;
    lat: number;
    kind?: string;
    volcanoGvp?: number | null;
    status?: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO cameras (external_id, name, kind, status, geom, mount_height_m, azimuth_deg, hfov_deg, vfov_deg,
                          range_m, resolution_h_px, resolution_v_px, volcano_gvp, synthetic)
     VALUES ($1, $1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), 5, 0, 30, 24, 15000, 640, 512, $6, true)`,
    [c.externalId, c.kind ?? 'thermal', c.status ?? 'online', c.lng, c.lat, c.volcanoGvp ?? null],
  );
}

export interface Reading {
  camera: string;
  /** Epoch ms. */
  t: number;
  maxC: number;
  meanC?: number | null;
  quality?: 'ok' | 'obscured' | 'invalid';
}

export function readingsNdjson(readings: readonly Reading[]): string {
  return readings
    .map((r) =>
      JSON.stringify({
        camera_id: r.camera,
        ts: new Date(r.t).toISOString(),
        max_temp_c: r.maxC,
        mean_temp_c: r.meanC ?? null,
        quality: r.quality ?? 'ok',
        synthetic: true,
      }),
    )
    .join('\n');
}

/** POSTs readings (NDJSON) or incidents (CSV) through the hooked ingest route. */
export async function post(
  url: string,
  kind: IngestKind,
  body: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/${kind}`, {
    method: 'POST',
    headers: {
      'Content-Type': kind === 'readings' ? 'application/x-ndjson' : 'text/csv',
      Authorization: `Bearer ${token}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Commits readings without telling the service: what a crash between commit and evaluation leaves. */
export async function commitUnevaluated(db: Database, readings: readonly Reading[]): Promise<void> {
  const result = await runImport(db, [readingsNdjson(readings)], {
    kind: 'readings',
    format: 'ndjson',
    mode: 'all-or-nothing',
    actor: 'test',
  });
  if (!result.committed) throw new Error(`readings not committed: ${JSON.stringify(result.rejected)}`);
}

export async function call(
  url: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: Json;
}

/** An EventSource-like reader over fetch: collects parsed messages, ignores comments. */
export interface SseClient {
  events: SseEvent[];
  /** Resolves once `predicate` holds for the collected events (rejects after timeoutMs). */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  /** Comment lines seen (heartbeats). */
  comments: number;
  close(): void;
}

export async function openStream(url: string, lastEventId?: number): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/alerts/stream`, {
    headers: lastEventId === undefined ? {} : { 'Last-Event-ID': String(lastEventId) },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  if (!res.headers.get('content-type')?.startsWith('text/event-stream'))
    throw new Error(`stream type ${res.headers.get('content-type')}`);
  const client: SseClient = {
    events: [],
    comments: 0,
    until: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(client.events)) {
        if (Date.now() > deadline)
          throw new Error(
            `SSE: condition not met; got ${client.events.map((e) => `${e.id}:${e.event}`).join(' ')}`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
      return client.events;
    },
    close: () => abort.abort(),
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = true;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) client.events.push({ id, event, data: JSON.parse(data.join('\n')) });
          else if (comment) client.comments++;
        }
      }
    } catch {
      // aborted
    }
  })();
  return client;
}
