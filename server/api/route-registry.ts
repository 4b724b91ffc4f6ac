/**
 * Declares each API route once: the express handler and its OpenAPI entry come from the same
 * zod schemas, so the document at /api/openapi.json is what the server actually enforces.
 */
import { OpenAPIRegistry, type ResponseConfig, type ZodRequestBody } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { Permission } from '../auth/roles.js';
import { ValidationError } from '../errors.js';
import { authorize } from './authenticate.js';
import { bodyTooLarge, MAX_JSON_BODY_BYTES } from './json-body.js';
import { Problem } from './schemas.js';
import { parseOrThrow } from './validate.js';

export interface RouteDefinition<Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/api/cameras/:id`; written as `{id}` in the OpenAPI document. */
  path: string;
  summary: string;
  tags: string[];
  /**
   * What the caller must be allowed to do; checked before anything is parsed. `none` only for
   * routes that answer anyone (the session route, liveness).
   */
  permission: Permission | 'none';
  query?: Q;
  params?: P;
  /**
   * The body the handler reads, by content type. A JSON route's body is refused with 415 (naming
   * these types) when it comes with another type, and with 413 when its Content-Length says it is
   * over the JSON limit, before the handler runs.
   */
  requestBody?: ZodRequestBody;
  /**
   * The handler streams a large upload itself and checks its type and size (ingest): the JSON
   * checks above are skipped.
   */
  streamsBody?: boolean;
  responses: Record<number, ResponseConfig>;
  handler: (
    input: { query: z.output<Q>; params: z.output<P> },
    req: Request,
    res: Response,
  ) => Promise<void> | void;
}

const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** What the role-matrix test and the OpenAPI document see of a route. */
export interface RouteSummary {
  method: RouteDefinition<z.ZodType, z.ZodType>['method'];
  path: string;
  permission: Permission | 'none';
  /** Content types of the body it reads; empty when it reads none. */
  bodyTypes: string[];
  streamsBody: boolean;
}

export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly router: Router = express.Router();
  private readonly summaries: RouteSummary[] = [];

  /** Every route added so far, in order. */
  get routes(): readonly RouteSummary[] {
    return this.summaries;
  }

  /** @param publicReads whether anonymous callers may use routes that only need `read` */
  constructor(private readonly publicReads: boolean = true) {
    this.registry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'An Atalaya API token (atl_…); roles: viewer, operator, analyst, admin',
    });
  }

  add<Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType>(def: RouteDefinition<Q, P>): void {
    const openApiPath = def.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    this.registry.registerPath({
      method: def.method,
      path: openApiPath,
      summary: def.summary,
      tags: def.tags,
      request: {
        ...(def.query ? { query: def.query as unknown as z.ZodObject } : {}),
        ...(def.params ? { params: def.params as unknown as z.ZodObject } : {}),
        ...(def.requestBody ? { body: def.requestBody } : {}),
      },
      ...((def.permission === 'read' && this.publicReads) || def.permission === 'none'
        ? {}
        : { security: [{ bearer: [] }] }),
      description:
        def.permission === 'none'
          ? 'Open to every caller.'
          : `Requires the \`${def.permission}\` permission.`,
      responses: {
        // Defaults a route may describe better itself (ingest names its own limits).
        ...(def.requestBody
          ? {
              413: problemResponse('The body is larger than the limit'),
              415: problemResponse('The body has another content type than those listed'),
            }
          : {}),
        429: problemResponse('Too many requests from this address or token; Retry-After says when to retry'),
        ...def.responses,
        400: problemResponse('A parameter is invalid; `errors` names it'),
        401: problemResponse('No token, or an unknown one'),
        403: problemResponse("The token's role lacks the permission"),
      },
    });
    const bodyTypes = Object.keys(def.requestBody?.content ?? {});
    this.summaries.push({
      method: def.method,
      path: def.path,
      permission: def.permission,
      bodyTypes,
      streamsBody: def.streamsBody ?? false,
    });
    this.router[def.method](def.path, async (req, res) => {
      if (def.permission !== 'none') authorize(req.principal, def.permission, this.publicReads);
      if (!def.streamsBody) checkJsonBody(req, bodyTypes);
      refuseNul(req.query, 'query parameter');
      refuseNul(req.params, 'path parameter');
      const query = def.query ? parseOrThrow(def.query, req.query, 'query parameters') : ({} as z.output<Q>);
      const params = def.params
        ? parseOrThrow(def.params, req.params, 'path parameters')
        : ({} as z.output<P>);
      await def.handler({ query, params }, req, res);
    });
  }
}

/**
 * Before a JSON route's handler: a body with a type the route does not read is a 415 naming the
 * types it does; a declared length over the limit is a 413 without reading a byte. Routes that read
 * no body are held to the same length limit.
 */
function checkJsonBody(req: Request, bodyTypes: readonly string[]): void {
  const length = Number(req.get('content-length') ?? 0);
  const hasBody = length > 0 || req.get('transfer-encoding') !== undefined;
  if (!hasBody) return;
  const limit = req.maxJsonBytes ?? MAX_JSON_BODY_BYTES;
  if (length > limit) throw bodyTooLarge(limit);
  if (bodyTypes.length === 0) return;
  const type = req.get('content-type');
  const mediaType = type?.split(';')[0]!.trim().toLowerCase();
  if (!mediaType || !bodyTypes.includes(mediaType)) {
    const expected = bodyTypes.join(' or ');
    throw new ValidationError(
      `The body must be ${expected}, got ${type ?? 'no Content-Type'}`,
      [{ field: 'Content-Type', message: `must be ${expected}, got ${type ?? 'none'}` }],
      { status: 415 },
    );
  }
}

/** PostgreSQL text cannot hold U+0000: a parameter carrying one is the caller's error, not a 500. */
function refuseNul(values: unknown, what: string): void {
  if (values === null || typeof values !== 'object') return;
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const texts = Array.isArray(value) ? value : [value];
    if (key.includes('\u0000') || texts.some((t) => typeof t === 'string' && t.includes('\u0000'))) {
      throw new ValidationError(`Invalid ${what}: ${key}`, [
        { field: key, message: 'must not contain the NUL character (%00)' },
      ]);
    }
  }
}
