/**
 * Starts Atalaya: opens the database (PGlite in var/db, or PostgreSQL with DATABASE_URL),
 * applies migrations, loads the reference data on first start, and serves API and client.
 * SIGTERM and SIGINT drain the open requests and close the database cleanly. With ATALAYA_WORKERS=N
 * (PostgreSQL), this process prepares the database and supervises N clustered server processes
 * (server/cluster/worker-supervisor.ts).
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import path from 'node:path';
import { AlertService } from './alerts/alert-service.js';
import { createCoverageService } from './coverage/coverage-service.js';
import { capSender } from './alerts/cap-message-sequence.js';
import { WebhookDeliveryLoop } from './alerts/webhook-delivery.js';
import { databaseOutbox } from './db/webhook-store.js';
import { createApp } from './app.js';
import { ClusterLink } from './cluster/cluster-link.js';
import { joinCluster } from './cluster/cluster-member.js';
import { superviseWorkers } from './cluster/worker-supervisor.js';
import { loadConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { openDatabase } from './db/open-database.js';
import { incidentSnapshot } from './incidents/incident-snapshot.js';
import { createLogger } from './logger.js';
import { demoLoaded, loadDemoData } from './seed/load-demo.js';
import { loadReferenceData } from './seed/load-reference.js';
import { RETENTION_FIRST_RUN_MS, RETENTION_INTERVAL_MS, runRetention } from './retention/retention-job.js';

const config = loadConfig();
/** The DEM stores npm run build-terrain writes: terrain for coverage, and for the demo's volcano cameras. */
const demRoot = path.resolve(import.meta.dirname, '..', 'var', 'dem');
const log = createLogger(config.logLevel);

/** Migrations, the reference data on a first start and, unless turned off, the demo slice. */
async function prepareDatabase(db: Database): Promise<void> {
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const counts = await loadReferenceData(db, config.referenceDir);
  if (counts) log.info(counts, 'reference data loaded');
  // A first start shows Atalaya working: the small synthetic slice, unless turned off.
  if (config.demoData && !(await demoLoaded(db))) {
    const demo = await loadDemoData(db, config.referenceDir, { size: 'slice', endMs: Date.now(), demRoot });
    log.info(demo, 'synthetic demo slice loaded (npm run demo-data -- --full for a year of incidents)');
  }
}

/** ATALAYA_WORKERS > 1: prepare the database once, then keep that many clustered servers running. */
async function supervise(): Promise<void> {
  const db = await openDatabase(config);
  try {
    await prepareDatabase(db);
  } finally {
    await db.close();
  }
  const supervisor = superviseWorkers({
    count: config.workers,
    // Workers are clustered servers (one evaluates, the others relay); the database is ready.
    fork: () => cluster.fork({ ATALAYA_CLUSTER: 'true' }),
    log,
  });
  log.info({ workers: config.workers, port: config.port }, 'Atalaya workers started');
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping the workers');
    supervisor.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openDatabase(config);
  log.info({ kind: db.kind, dataDir: db.kind === 'pglite' ? config.dataDir : undefined }, 'database open');
  // A worker's primary prepared the database before forking it (supervise()).
  if (!cluster.isWorker) await prepareDatabase(db);

  // The evaluator warms up from stored history (minutes of data on a big database): serve the map
  // meanwhile; alert queries and new readings queue behind the warm-up.
  const webhookLog = log.child({ component: 'webhooks' });
  const webhooks = new WebhookDeliveryLoop({
    store: databaseOutbox(db),
    fetch,
    now: Date.now,
    log: webhookLog,
  });
  const alerts = new AlertService({
    db,
    log: log.child({ component: 'alerts' }),
    publishing: {
      sender: capSender(config.publicHost),
      ...(config.publicUrl ? { baseUrl: config.publicUrl } : {}),
    },
  });
  alerts.subscribe(() => webhooks.wake());
  const lead = async () => {
    webhooks.start();
    await alerts
      .start()
      .then(() => log.info(alerts.status(), 'alert service started'))
      .catch((error: unknown) =>
        log.error({ err: error }, 'the alert service failed to start; alerts are unavailable'),
      );
  };
  let link: ClusterLink | null = null;
  if (config.cluster && config.databaseUrl) {
    // Several servers on one PostgreSQL: one evaluates under the lease, the others relay to it.
    link = await ClusterLink.connect(config.databaseUrl, log.child({ component: 'cluster' }));
    const cluster = link;
    cluster.onLost((err) => {
      // Without the session the lease may already be someone else's: stop at once (fencing); the
      // supervisor (systemd Restart=always) starts this server again, as a follower if need be.
      log.fatal({ err, leading: cluster.leading }, 'lost the cluster session; exiting');
      process.exit(1);
    });
    const member = await joinCluster({
      db,
      link: cluster,
      alerts,
      log: log.child({ component: 'cluster' }),
      lead,
    });
    log.info({ instanceId: member.instanceId }, 'joined the cluster; campaigning for the evaluation lease');
    member.leading.catch((err: unknown) => log.error({ err }, 'campaigning for the evaluation lease failed'));
  } else {
    if (config.cluster) log.warn('ATALAYA_CLUSTER needs DATABASE_URL (PostgreSQL); running alone');
    void lead();
  }

  const coverage = createCoverageService(db, {
    demRoot,
    log,
  });

  const app = createApp({
    db,
    log,
    clientDir: config.clientDir,
    tilesDir: config.tilesDir,
    publicReads: config.publicReads,
    security: config.security,
    alerts,
    wakeWebhooks: () => webhooks.wake(),
    coverage,
    metricsAccess: { public: config.metricsPublic, token: config.metricsToken },
  });
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // The map's density and histogram answer from an in-memory copy of the incidents: read it now,
  // not on the first operator's request.
  incidentSnapshot(db)
    .current()
    .catch((err: unknown) => log.warn({ err }, 'reading the incidents into memory failed'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // The coverage-loss rules read each region's coverage: feed it once a minute once coverage is ready.
  const feedCoverage = () =>
    coverage
      .regionCoverageInputs()
      .then((inputs) => alerts.ingestCoverage(inputs))
      .catch((err: unknown) => log.warn({ err }, 'coverage figures for the rules failed'));
  coverage
    .ready()
    .then(() => {
      void feedCoverage();
      setInterval(() => void feedCoverage(), 60_000).unref();
    })
    .catch((err: unknown) => log.warn({ err }, 'coverage unavailable (run npm run build-terrain)'));
  // Retention (readings and incidents past ATALAYA_RETENTION_*_DAYS): daily, the first run some
  // minutes after start; a run in progress stops between batches at shutdown.
  const retentionLog = log.child({ component: 'retention' });
  const retentionStop = new AbortController();
  let retentionRun: Promise<unknown> = Promise.resolve();
  const retain = () => {
    retentionRun = runRetention(db, config.retention, {
      pauseMs: 20,
      log: retentionLog,
      signal: retentionStop.signal,
    }).catch((err: unknown) => retentionLog.error({ err }, 'retention run failed'));
  };
  setTimeout(() => {
    retain();
    setInterval(retain, RETENTION_INTERVAL_MS).unref();
  }, RETENTION_FIRST_RUN_MS).unref();
  log.info({ url: `http://localhost:${port}`, startupMs: Date.now() - started }, 'Atalaya is listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(() => {
      coverage.close();
      retentionStop.abort();
      Promise.all([alerts.stop(), webhooks.stop(), retentionRun])
        .then(() => link?.close())
        .then(() => db.close())
        .then(() => {
          log.info('stopped');
          process.exit(0);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'closing the database failed');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
    // Live streams (SSE) never end by themselves: give requests in flight 5 s, then cut the rest.
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

(config.workers > 1 && cluster.isPrimary ? supervise() : main()).catch((error: unknown) => {
  log.fatal({ err: error }, 'Atalaya failed to start');
  process.exit(1);
});
