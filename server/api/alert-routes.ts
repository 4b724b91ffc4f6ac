/**
 * The alerts API: list and read alerts, follow them live (Server-Sent Events, resumable with
 * Last-Event-ID), and the operators' actions — acknowledge, assign, comment, silence — each written to
 * the audit log with who and when. A browser's EventSource cannot send a bearer token: when reads need
 * one it opens the stream with a one-use ticket instead (server/alerts/stream-tickets.ts).
 */
import type { Request } from 'express';
import type { AlertService } from '../alerts/alert-service.js';
import { STREAM_TICKET_PATTERN, STREAM_TICKET_TTL_MS, StreamTickets } from '../alerts/stream-tickets.js';
import {
  ALERT_STATES,
  alertEvents,
  findAlert,
  listAlerts,
  type AlertActionInput,
} from '../db/alert-store.js';
import type { Database } from '../db/database.js';
import { SEVERITIES } from '../domain/types.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.js';
import type { Principal } from './authenticate.js';
import { RULE_KINDS } from '../rules/rule-schema.js';
import type { ApiRoutes } from './route-registry.js';
import { BBoxParam, Instant, csvEnum, z } from './schemas.js';
import { readJsonBody } from './json-body.js';

/** Longest silence an operator may set, ms: silences are time-boxed. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

// The one JSON body reader (server/api/json-body.ts), re-exported for the routes that import it from here.
export { MAX_JSON_BODY_BYTES, readJsonBody } from './json-body.js';

const IdParams = z
  .object({ id: z.coerce.number().int().positive().openapi({ type: 'integer', example: 42 }) })
  .strict();

const Cursor = z
  .string()
  .regex(/^\d+$/, 'is not a cursor returned by this API')
  .transform(Number)
  .openapi({ type: 'string', description: 'Opaque cursor from the previous page (`next`)' });

const AlertQuery = z
  .object({
    state: csvEnum(ALERT_STATES).optional(),
    severity: csvEnum(SEVERITIES).optional(),
    kind: csvEnum(RULE_KINDS).optional(),
    rule: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be rule ids separated by commas')
      .transform((s) => s.split(',').map(Number))
      .optional()
      .openapi({ type: 'string', description: 'Rule ids, comma-separated' }),
    scope: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'A scope key, e.g. camera:COTO-TH-01' }),
    since: Instant.optional().openapi({ description: 'Changed at or after this instant' }),
    bbox: BBoxParam.optional(),
    acknowledged: z.enum(['true', 'false']).optional(),
    assignedTo: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ type: 'integer', default: 100 }),
    cursor: Cursor.optional(),
  })
  .strict();

const StreamQuery = z
  .object({
    lastEventId: z.coerce.number().int().min(0).optional().openapi({
      type: 'integer',
      description: 'Resume after this event (for clients that cannot send Last-Event-ID)',
    }),
    ticket: z.string().regex(STREAM_TICKET_PATTERN, 'is not a stream ticket').optional().openapi({
      description:
        'A one-use ticket from POST /api/alerts/stream-ticket, for clients that cannot send a bearer token (EventSource)',
    }),
  })
  .strict();

const StreamTicketSchema = z
  .object({
    ticket: z.string().openapi({ example: 'sst_…' }),
    expiresAt: z
      .string()
      .openapi({ description: 'Open the stream before this instant; the ticket works once' }),
  })
  .openapi('StreamTicket');

const AlertSchema = z
  .object({
    id: z.number().int(),
    ruleId: z.number().int(),
    ruleName: z.string(),
    kind: z.enum(RULE_KINDS),
    labels: z.record(z.string(), z.string()),
    scopeKey: z.string().openapi({ example: 'camera:COTO-TH-01' }),
    state: z.enum(ALERT_STATES),
    severity: z.enum(SEVERITIES),
    episode: z.number().int(),
    startedAt: z.string(),
    firingAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    lastEvalAt: z.string(),
    lastValue: z.number().nullable(),
    errorMessage: z.string().nullable(),
    position: z.tuple([z.number(), z.number()]).nullable(),
    acknowledgedBy: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    assignedTo: z.string().nullable(),
    silencedUntil: z.string().nullable(),
    silenceReason: z.string().nullable(),
    silenced: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
    evidence: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Alert');

const AlertEventSchema = z
  .object({
    id: z.number().int(),
    alertId: z.number().int(),
    kind: z.string(),
    at: z.string(),
    actor: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    alert: AlertSchema,
  })
  .openapi('AlertEvent');

const jsonBody = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const AssignBody = z
  .object({
    assignee: z.string().trim().min(1).max(200).nullable().openapi({ description: 'null unassigns' }),
  })
  .strict();
const CommentBody = z.object({ comment: z.string().trim().min(1).max(2000) }).strict();
const SilenceBody = z
  .object({
    until: Instant.openapi({ description: 'Notifications are held until then (at most 30 days ahead)' }),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();
const UnsilenceBody = z
  .object({ reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .optional();
const EmptyBody = z.object({}).strict().optional();

/** Last-Event-ID: the header a reconnecting EventSource sends, else the query parameter. */
function lastEventId(req: Request, query: { lastEventId?: number | undefined }): number | null {
  const header = req.get('last-event-id');
  if (header !== undefined && header.trim() !== '') {
    const id = Number(header.trim());
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new ValidationError('Invalid Last-Event-ID', [
        { field: 'Last-Event-ID', message: `must be an event id, got ${JSON.stringify(header)}` },
      ]);
    }
    return id;
  }
  return query.lastEventId ?? null;
}

/** GET /api/alerts, /api/alerts/stream, /api/alerts/status, /api/alerts/:id and the actions. */
export function addAlertRoutes(api: ApiRoutes, db: Database, service: AlertService): void {
  const tickets = new StreamTickets<Principal>();

  api.add({
    method: 'post',
    path: '/api/alerts/stream-ticket',
    summary: 'A one-use ticket to open the alert stream without an Authorization header (EventSource)',
    tags: ['alerts'],
    permission: 'read',
    responses: {
      200: jsonBody(
        StreamTicketSchema,
        `Pass it as \`?ticket=\` to GET /api/alerts/stream within ${STREAM_TICKET_TTL_MS / 1000} s; it opens one stream as the caller`,
      ),
    },
    handler: (_input, req, res) => {
      const issued = tickets.issue(req.principal, Date.now());
      res
        .set('Cache-Control', 'no-store')
        .json({ ticket: issued.ticket, expiresAt: new Date(issued.expiresAt).toISOString() });
    },
  });

  // Before the stream route, so that its permission check sees the ticket's holder. A bearer token
  // sent as well wins, and leaves the ticket unused.
  api.router.get('/api/alerts/stream', (req, _res, next) => {
    const ticket = req.query['ticket'];
    if (typeof ticket !== 'string' || req.principal.role !== null) {
      next();
      return;
    }
    const holder = STREAM_TICKET_PATTERN.test(ticket) ? tickets.redeem(ticket, Date.now()) : null;
    if (!holder) throw new UnauthorizedError('Unknown, used or expired stream ticket; ask for a new one');
    req.principal = holder;
    next();
  });

  api.add({
    method: 'get',
    path: '/api/alerts/stream',
    summary: 'Alert events as Server-Sent Events; reconnect with Last-Event-ID to get the missed ones first',
    tags: ['alerts'],
    permission: 'read',
    query: StreamQuery,
    responses: {
      200: {
        description:
          'text/event-stream: `id:` the event id, `event:` its kind (pending, firing, resolved, inactive, error, acknowledged, assigned, commented, silenced, unsilenced), `data:` the alert after it, with the event under `event`',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
    handler: async ({ query }, req, res) => {
      await service.stream.serve(req, res, lastEventId(req, query), req.principal.tokenId);
    },
  });

  api.add({
    method: 'get',
    path: '/api/alerts/status',
    summary: 'The alert service: evaluator clock, counts, evaluation and storage errors',
    tags: ['alerts'],
    permission: 'read',
    responses: { 200: jsonBody(z.object({}).passthrough(), 'Status') },
    handler: (_input, _req, res) => {
      res.json(service.status());
    },
  });

  api.add({
    method: 'get',
    path: '/api/alerts',
    summary: 'Alerts by state, severity, rule, kind, scope, time of change and bbox; newest first, paged',
    tags: ['alerts'],
    permission: 'read',
    query: AlertQuery,
    responses: {
      200: jsonBody(
        z.object({ alerts: z.array(AlertSchema), next: z.string().nullable() }).openapi('AlertPage'),
        'A page of alerts; `next` is the cursor of the following page (also in the Link header)',
      ),
    },
    handler: async ({ query }, req, res) => {
      const page = await listAlerts(db, {
        state: query.state,
        severity: query.severity,
        kind: query.kind,
        ruleId: query.rule,
        scopeKey: query.scope,
        since: query.since,
        bbox: query.bbox,
        acknowledged: query.acknowledged === undefined ? undefined : query.acknowledged === 'true',
        assignedTo: query.assignedTo,
        limit: query.limit,
        beforeId: query.cursor,
      });
      const next = page.nextBeforeId === null ? null : String(page.nextBeforeId);
      if (next) {
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.set('cursor', next);
        res.set('Link', `<${url.pathname}${url.search}>; rel="next"`);
      }
      res.json({ alerts: page.alerts, next });
    },
  });

  api.add({
    method: 'get',
    path: '/api/alerts/:id',
    summary: 'One alert with its evidence and its history of events',
    tags: ['alerts'],
    permission: 'read',
    params: IdParams,
    responses: {
      200: jsonBody(
        z.object({ alert: AlertSchema, events: z.array(AlertEventSchema) }).openapi('AlertDetail'),
        'The alert and its events, oldest first',
      ),
      404: { description: 'No such alert' },
    },
    handler: async ({ params }, _req, res) => {
      const alert = await findAlert(db, params.id);
      if (!alert) throw new NotFoundError(`No alert ${params.id}`);
      res.json({ alert, events: await alertEvents(db, params.id) });
    },
  });

  const actions: {
    path: string;
    summary: string;
    body: z.ZodType;
    toInput: (body: never, nowMs: number) => AlertActionInput;
  }[] = [
    {
      path: 'acknowledge',
      summary: 'Acknowledge an alert (once; a second acknowledgement is a conflict naming the first)',
      body: EmptyBody,
      toInput: () => ({ action: 'acknowledged' }),
    },
    {
      path: 'assign',
      summary: 'Assign an alert to someone (null unassigns)',
      body: AssignBody,
      toInput: (b: z.output<typeof AssignBody>) => ({ action: 'assigned', assignee: b.assignee }),
    },
    {
      path: 'comment',
      summary: 'Comment on an alert',
      body: CommentBody,
      toInput: (b: z.output<typeof CommentBody>) => ({ action: 'commented', comment: b.comment }),
    },
    {
      path: 'silence',
      summary:
        'Silence an alert until a time, with a reason: notifications are held, its state still changes',
      body: SilenceBody,
      toInput: (b: z.output<typeof SilenceBody>, nowMs) => {
        const until = b.until.getTime();
        if (until <= nowMs || until > nowMs + MAX_SILENCE_MS) {
          throw new ValidationError(
            `Invalid body: until`,
            [
              {
                field: 'until',
                message: `must be in the future and at most 30 days ahead, got ${b.until.toISOString()}`,
              },
            ],
            { status: 422 },
          );
        }
        return { action: 'silenced', until: b.until, reason: b.reason };
      },
    },
    {
      path: 'unsilence',
      summary: 'Lift the silence of an alert',
      body: UnsilenceBody,
      toInput: (b: z.output<typeof UnsilenceBody>) => ({ action: 'unsilenced', reason: b?.reason ?? null }),
    },
  ];
  for (const action of actions) {
    api.add({
      method: 'post',
      path: `/api/alerts/:id/${action.path}`,
      summary: action.summary,
      tags: ['alerts'],
      permission: 'alerts.act',
      params: IdParams,
      requestBody: jsonBody(action.body, 'The action'),
      responses: {
        200: jsonBody(AlertEventSchema, 'Done: the event written, with the alert after it'),
        404: { description: 'No such alert' },
        409: { description: 'Already acknowledged' },
        422: { description: 'A silence in the past or more than 30 days ahead' },
      },
      handler: async ({ params }, req, res) => {
        const body = await readJsonBody(req, action.body);
        const input = action.toInput(body as never, service.now());
        const event = await service.act(params.id, input, { actor: req.principal.name, requestId: req.id });
        res.json(event);
      },
    });
  }
}
