import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import { addCameraRoutes } from './api/camera-routes.js';
import { addPrivacyRoutes } from './api/privacy-routes.js';
import { addDemoRoutes } from './api/demo-routes.js';
import { addGeoRoutes } from './api/geo-routes.js';
import { addIncidentRoutes } from './api/incident-routes.js';
import { addExportRoutes } from './api/export-routes.js';
import { addIngestRoutes } from './api/ingest-routes.js';
import { addDensityRoutes } from './api/density-routes.js';
import { addRegionStatsRoutes } from './api/region-stats-routes.js';
import { addAlertRoutes } from './api/alert-routes.js';
import { addRuleRoutes } from './api/rule-routes.js';
import { addCapRoutes } from './api/cap-routes.js';
import { addWebhookRoutes } from './api/webhook-routes.js';
import type { AlertService } from './alerts/alert-service.js';
import { addCoverageRoutes } from './api/coverage-routes.js';
import type { CoverageService } from './coverage/coverage-service.js';
import { addHealthRoutes } from './api/health-routes.js';
import { addMetricsRoute } from './api/metrics-routes.js';
import { observeImports } from './ingest/run-import.js';
import { httpMetrics } from './ops/http-metrics.js';
import type { MetricsAccess } from './ops/metrics-access.js';
import { AtalayaMetrics } from './ops/metrics.js';
import { addSessionRoutes } from './api/session-routes.js';
import { openApiDocument } from './api/openapi.js';
import { authenticate } from './api/authenticate.js';
import { cachedStatic } from './api/cached-static.js';
import { apiNotFound, problemDetails } from './api/problem-details.js';
import { requestLog } from './api/request-log.js';
import { ApiRoutes } from './api/route-registry.js';
import { applySecurity, tokenRateLimit } from './api/security.js';
import { addTokenRoutes } from './api/token-routes.js';
import { addAuditRoutes } from './api/audit-routes.js';
import { defaultSecurity, type SecurityConfig } from './config.js';

export interface AppOptions {
  db: Database;
  log: Logger;
  /** Built client (vite build output); served with an SPA fallback when it exists. */
  clientDir?: string;
  /** Offline basemap and terrain tiles, served at /tiles. */
  tilesDir?: string;
  /** Whether anonymous callers may read (maps, cameras, incidents, alerts); default true. */
  publicReads?: boolean;
  /** The running alert service: alert and rule routes, and live evaluation of ingested data. */
  alerts?: AlertService;
  /** Terrain-aware network coverage and siting. */
  coverage?: CoverageService;
  /** Wakes the webhook delivery loop (after a requeue). */
  wakeWebhooks?: () => void;
  /** Who may read /metrics besides direct loopback callers (server/ops/metrics-access.ts). */
  metricsAccess?: MetricsAccess;
  /** Rate limits, CORS, proxies and body sizes; the defaults of an empty environment when absent. */
  security?: SecurityConfig;
}

/** The Express application: API routes, OpenAPI document, static client and tiles. */
export function createApp(options: AppOptions): Express {
  const { db, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(log));
  const metrics = new AtalayaMetrics({ db, alerts: options.alerts });
  app.use(httpMetrics(metrics));
  observeImports(db, metrics.recordImport);
  options.alerts?.observeEvaluations(metrics.recordEvaluation);
  const security = options.security ?? defaultSecurity();
  applySecurity(app, security);
  addMetricsRoute(app, { metrics, access: options.metricsAccess ?? { public: false }, db });

  // Tiles are most of what a map asks for: served from memory (cached-static.ts), before the API
  // router, which would otherwise try each of its routes on every tile first.
  if (options.tilesDir && existsSync(options.tilesDir)) {
    app.use('/tiles', cachedStatic(options.tilesDir, { maxAgeMs: 86_400_000 }));
  }

  app.use('/api', authenticate(db));
  app.use('/api', tokenRateLimit(security));
  const api = new ApiRoutes(options.publicReads ?? true);
  addHealthRoutes(api, db, { alerts: options.alerts });
  addSessionRoutes(api, options.publicReads ?? true);
  addGeoRoutes(api, db);
  addCameraRoutes(api, db);
  addPrivacyRoutes(api, db);
  addExportRoutes(api, db);
  addIncidentRoutes(api, db);
  addIngestRoutes(api, db, options.alerts?.onCommitted);
  addDensityRoutes(api, db);
  addRegionStatsRoutes(api, db);
  if (options.alerts) {
    addAlertRoutes(api, db, options.alerts);
    addRuleRoutes(api, db, options.alerts);
  }
  addCapRoutes(api, db);
  addWebhookRoutes(api, db, options.wakeWebhooks ?? (() => {}));
  addDemoRoutes(api, db);
  addTokenRoutes(api, db);
  addAuditRoutes(api, db);
  if (options.coverage) addCoverageRoutes(api, options.coverage);
  // The role-matrix test walks every registered route.
  app.locals['apiRoutes'] = api.routes;
  const document = openApiDocument(api);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(api.router);
  app.use('/api', apiNotFound);

  const clientDir = options.clientDir;
  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }
  app.use(problemDetails(log));
  return app;
}
