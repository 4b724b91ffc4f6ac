import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import { addCameraRoutes } from './api/camera-routes.js';
import { addDemoRoutes } from './api/demo-routes.js';
import { addGeoRoutes } from './api/geo-routes.js';
import { addIncidentRoutes } from './api/incident-routes.js';
import { addIngestRoutes } from './api/ingest-routes.js';
import { addDensityRoutes } from './api/density-routes.js';
import { addAlertRoutes } from './api/alert-routes.js';
import { addRuleRoutes } from './api/rule-routes.js';
import { addCapRoutes } from './api/cap-routes.js';
import { addWebhookRoutes } from './api/webhook-routes.js';
import type { AlertService } from './alerts/alert-service.js';
import { addCoverageRoutes } from './api/coverage-routes.js';
import type { CoverageService } from './coverage/coverage-service.js';
import { addHealthRoutes } from './api/health-routes.js';
import { addSessionRoutes } from './api/session-routes.js';
import { openApiDocument } from './api/openapi.js';
import { authenticate } from './api/authenticate.js';
import { apiNotFound, problemDetails } from './api/problem-details.js';
import { requestLog } from './api/request-log.js';
import { ApiRoutes } from './api/route-registry.js';

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
}

// Everything the page needs is served from this origin: the policy says so to the browser too.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The Express application: API routes, OpenAPI document, static client and tiles. */
export function createApp(options: AppOptions): Express {
  const { db, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(log));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });

  app.use('/api', authenticate(db));
  const api = new ApiRoutes(options.publicReads ?? true);
  addHealthRoutes(api, db);
  addSessionRoutes(api, options.publicReads ?? true);
  addGeoRoutes(api, db);
  addCameraRoutes(api, db);
  addIncidentRoutes(api, db);
  addIngestRoutes(api, db, options.alerts?.onCommitted);
  addDensityRoutes(api, db);
  if (options.alerts) {
    addAlertRoutes(api, db, options.alerts);
    addRuleRoutes(api, db, options.alerts);
  }
  addCapRoutes(api, db);
  addWebhookRoutes(api, db, options.wakeWebhooks ?? (() => {}));
  addDemoRoutes(api, db);
  if (options.coverage) addCoverageRoutes(api, options.coverage);
  const document = openApiDocument(api);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(api.router);
  app.use('/api', apiNotFound);

  if (options.tilesDir && existsSync(options.tilesDir)) {
    app.use('/tiles', express.static(options.tilesDir, { maxAge: '1d', fallthrough: false }));
  }
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
