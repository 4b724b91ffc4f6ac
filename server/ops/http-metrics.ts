/**
 * Times every HTTP request into atalaya_http_request_duration_seconds, labelled by the route template
 * (`/api/cameras/:id/readings`), never the raw path: one series per route, not one per camera id or
 * per probe of a scanner.
 */
import type { Request, RequestHandler } from 'express';
import type { AtalayaMetrics } from './metrics.js';

/** Express middleware; mount it before the routes. */
export function httpMetrics(metrics: AtalayaMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    // 'close' also fires for clients that hang up (SSE streams, aborted uploads): 'finish' would not.
    res.once('close', () => {
      end({ method: methodLabel(req.method), route: routeLabel(req), status: String(res.statusCode) });
    });
    next();
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The method, or OTHER for anything a client made up (bounded labels). */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

/**
 * The template of the route that answered, or a fixed label for what no route matched: static tiles,
 * the client's files, and unknown paths under /api.
 */
export function routeLabel(req: Pick<Request, 'route' | 'originalUrl'>): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return route.path;
  const url = req.originalUrl;
  if (url.startsWith('/tiles/')) return '/tiles/*';
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return '/api/*';
  return '/*';
}
