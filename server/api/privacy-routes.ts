/**
 * Privacy masks over HTTP (admins, `cameras.write`): list, replace and remove the areas a camera
 * must not be shown to see. Every change is written to the audit log with the masks before and
 * after. The coverage service picks changes up on its next read (within a second).
 */
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import { appendAudit } from '../db/audit-store.js';
import type { Database } from '../db/database.js';
import {
  cameraMasks,
  deleteCameraMask,
  findMaskedCamera,
  invalidMaskGeometries,
  replaceCameraMasks,
  type MaskedCamera,
  type StoredMask,
} from '../db/privacy-store.js';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors.js';
import { MASK_LIMITS, maskGeometryIssues } from '../privacy/mask-geometry.js';
import { readJsonBody } from './json-body.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

// Positions are checked by maskGeometryIssues, which names the coordinate and says what is wrong
// with it; the schema only fixes the nesting.
const Ring = z.array(z.array(z.number()));
const MaskGeometry = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring) }).strict(),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring)) }).strict(),
  ])
  .openapi({ description: 'A Polygon or MultiPolygon, [lon, lat] in degrees (EPSG:4326)' });

const MaskFeature = z
  .object({
    type: z.literal('Feature'),
    id: z.union([z.number(), z.string()]).optional().openapi({ description: 'Ignored (masks get new ids)' }),
    geometry: MaskGeometry,
    properties: z
      .object({
        reason: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .openapi({ description: 'Why the area is masked, e.g. "vivienda", "patio de escuela"' }),
        // What GET returns, accepted back so a listed set can be edited and sent again.
        camera: z.string().optional(),
        createdBy: z.string().optional(),
        createdAt: z.string().optional(),
        areaM2: z.number().optional(),
      })
      .strict(),
  })
  .strict();

const MaskCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(MaskFeature).max(MASK_LIMITS.maxMasksPerCamera),
  })
  .strict()
  .openapi('PrivacyMaskCollection');

const CameraParams = z.object({ id: z.string().min(1).max(100) }).strict();
const MaskParams = z
  .object({
    id: z.string().min(1).max(100),
    maskId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ type: 'integer' }),
  })
  .strict();

/** GET/PUT /api/cameras/{id}/privacy-masks and DELETE /api/cameras/{id}/privacy-masks/{maskId}. */
export function addPrivacyRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/cameras/:id/privacy-masks',
    summary: "A camera's privacy masks: areas removed from its coverage everywhere",
    tags: ['privacy'],
    permission: 'cameras.write',
    params: CameraParams,
    query: z.object({}).strict(),
    responses: {
      200: {
        description: 'GeoJSON FeatureCollection of masks',
        content: { 'application/geo+json': { schema: MaskCollection } },
      },
    },
    handler: async ({ params }, _req, res) => {
      const camera = await cameraOrThrow(db, params.id);
      res
        .type('application/geo+json')
        .send(JSON.stringify(collection(camera, await cameraMasks(db, camera.dbId))));
    },
  });

  api.add({
    method: 'put',
    path: '/api/cameras/:id/privacy-masks',
    summary: "Replace a camera's privacy masks (an empty collection removes them all)",
    tags: ['privacy'],
    permission: 'cameras.write',
    params: CameraParams,
    query: z.object({}).strict(),
    requestBody: { content: { 'application/geo+json': { schema: MaskCollection } } },
    responses: {
      200: {
        description: 'The masks now held',
        content: { 'application/geo+json': { schema: MaskCollection } },
      },
    },
    handler: async ({ params }, req, res) => {
      const body = await readJsonBody(req, MaskCollection);
      if (body === undefined) {
        throw new ValidationError('The body must be a FeatureCollection of masks', [
          { field: 'body', message: 'is empty; send a FeatureCollection (empty to remove every mask)' },
        ]);
      }
      const camera = await cameraOrThrow(db, params.id);
      const issues: FieldIssue[] = body.features.flatMap((f, i) =>
        maskGeometryIssues(f.geometry, `features.${i}.geometry`, camera.position),
      );
      if (issues.length > 0) throw invalidMasks(issues);
      const geometries = body.features.map((f) => f.geometry);
      const invalid = await invalidMaskGeometries(db, geometries);
      if (invalid.length > 0) {
        throw invalidMasks(
          invalid.map((v) => ({
            field: `features.${v.index}.geometry`,
            message: `is not a valid polygon: ${v.reason}`,
          })),
        );
      }
      const { after } = await db.transaction(async (tx) => {
        const result = await replaceCameraMasks(
          tx,
          camera.dbId,
          body.features.map((f) => ({ geometry: f.geometry, reason: f.properties.reason })),
          req.principal.name,
        );
        await appendAudit(tx, {
          actor: req.principal.name,
          action: 'privacy_masks.replace',
          entity: 'camera',
          entityId: camera.externalId,
          before: result.before.map(auditMask),
          after: result.after.map(auditMask),
          requestId: req.id,
        });
        return result;
      });
      res.type('application/geo+json').send(JSON.stringify(collection(camera, after)));
    },
  });

  api.add({
    method: 'delete',
    path: '/api/cameras/:id/privacy-masks/:maskId',
    summary: 'Remove one privacy mask of a camera',
    tags: ['privacy'],
    permission: 'cameras.write',
    params: MaskParams,
    query: z.object({}).strict(),
    responses: { 204: { description: 'Removed' } },
    handler: async ({ params }, req, res) => {
      const camera = await cameraOrThrow(db, params.id);
      const removed = await db.transaction(async (tx) => {
        const mask = await deleteCameraMask(tx, camera.dbId, params.maskId);
        if (mask) {
          await appendAudit(tx, {
            actor: req.principal.name,
            action: 'privacy_masks.delete',
            entity: 'camera',
            entityId: camera.externalId,
            before: [auditMask(mask)],
            after: (await cameraMasks(tx, camera.dbId)).map(auditMask),
            requestId: req.id,
          });
        }
        return mask;
      });
      if (!removed)
        throw new NotFoundError(`Camera ${camera.externalId} has no privacy mask ${params.maskId}`);
      res.status(204).end();
    },
  });
}

async function cameraOrThrow(db: Database, externalId: string): Promise<MaskedCamera> {
  const camera = await findMaskedCamera(db, externalId);
  if (!camera) throw new NotFoundError(`No camera with id ${JSON.stringify(externalId)}`);
  return camera;
}

function invalidMasks(issues: FieldIssue[]): ValidationError {
  const names = [...new Set(issues.map((i) => i.field))].join(', ');
  return new ValidationError(`Invalid privacy masks: ${names}`, issues);
}

function collection(camera: MaskedCamera, masks: readonly StoredMask[]): FeatureCollection<MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: masks.map((m): Feature<MultiPolygon> => ({
      type: 'Feature',
      id: m.id,
      geometry: m.geometry,
      properties: {
        camera: camera.externalId,
        reason: m.reason,
        createdBy: m.createdBy,
        createdAt: m.createdAt,
        areaM2: m.areaM2,
      },
    })),
  };
}

const auditMask = (m: StoredMask) => ({
  id: m.id,
  reason: m.reason,
  createdBy: m.createdBy,
  geometry: m.geometry,
});
