import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ApiRoutes } from './route-registry.js';
import { SERVER_VERSION } from './health-routes.js';

/** The OpenAPI 3.1 document of every route registered so far. */
export function openApiDocument(api: ApiRoutes): object {
  return new OpenApiGeneratorV31(api.registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Atalaya API',
      version: SERVER_VERSION,
      description:
        'Geospatial hazard and disaster monitoring for Ecuador: reference geography, cameras, thermal readings, incidents and alerts.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
  });
}
