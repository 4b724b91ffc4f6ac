/**
 * Declares each API route once: the express handler and its OpenAPI entry come from the same
 * zod schemas, so the document at /api/openapi.json is what the server actually enforces.
 */
import { OpenAPIRegistry, type ResponseConfig, type ZodRequestBody } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { Permission } from '../auth/roles.js';
import { authorize } from './authenticate.js';
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
  /** Documents a body the handler reads itself (streamed uploads). */
  requestBody?: ZodRequestBody;
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

export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly router: Router = express.Router();

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
        ...def.responses,
        400: problemResponse('A parameter is invalid; `errors` names it'),
        401: problemResponse('No token, or an unknown one'),
        403: problemResponse("The token's role lacks the permission"),
      },
    });
    this.router[def.method](def.path, async (req, res) => {
      if (def.permission !== 'none') authorize(req.principal, def.permission, this.publicReads);
      const query = def.query ? parseOrThrow(def.query, req.query, 'query parameters') : ({} as z.output<Q>);
      const params = def.params
        ? parseOrThrow(def.params, req.params, 'path parameters')
        : ({} as z.output<P>);
      await def.handler({ query, params }, req, res);
    });
  }
}
