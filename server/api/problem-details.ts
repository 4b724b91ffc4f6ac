/**
 * The one place where errors become HTTP responses: RFC 9457 problem details
 * (application/problem+json). Known errors keep their message and fields; anything else is
 * logged with the request id and answered with a generic 500.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AtalayaError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function send(
  res: Parameters<RequestHandler>[1],
  status: number,
  type: string,
  detail: string,
  extra: object = {},
) {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://atalaya.dev/problems/${type}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: res.req.originalUrl,
      ...extra,
    });
}

/** Unknown /api routes: a JSON 404 instead of express's HTML page. */
export const apiNotFound: RequestHandler = (req, res) => {
  send(res, 404, 'not-found', `No route ${req.method} ${req.originalUrl.split('?')[0]}`);
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message: string;
}

export function problemDetails(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ValidationError) {
      send(res, error.status, error.type, error.message, { errors: error.issues });
      return;
    }
    if (error instanceof AtalayaError && error.status < 500) {
      send(res, error.status, error.type, error.message);
      return;
    }
    if (error instanceof AtalayaError && error.status === 503) {
      send(res, 503, error.type, error.message);
      return;
    }
    // body-parser and friends throw http-errors with an exposable 4xx status.
    const e = error as HttpishError;
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const field = e.type === 'entity.parse.failed' ? 'body' : undefined;
      send(
        res,
        status,
        e.type ?? 'bad-request',
        e.expose === false ? (TITLES[status] ?? 'Bad request') : e.message,
        field ? { errors: [{ field, message: e.message }] } : {},
      );
      return;
    }
    ((req as { log?: Logger }).log ?? log).error({ err: error }, 'unhandled error');
    send(res, 500, 'internal', 'An internal error occurred; it has been logged');
  };
}
